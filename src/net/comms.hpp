// The MPI handles behind World (private to src/net).
#pragma once

#include <mpi.h>

#include <list>
#include <string>
#include <vector>

#include "net/world.hpp"

namespace dataflow::net {

struct World::Comms {
  MPI_Comm executors = MPI_COMM_NULL;  // ranks 1..N-1; MPI_COMM_NULL on the driver
  // Messages posted and not yet delivered: the bytes stay here, at a fixed address, until
  // every chunk's send has completed.
  struct Posted {
    std::string bytes;
    std::vector<MPI_Request> requests;
  };
  std::list<Posted> posted;
};

}  // namespace dataflow::net
