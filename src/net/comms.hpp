// The MPI handles behind World (private to src/net).
#pragma once

#include <mpi.h>

#include "net/world.hpp"

namespace dataflow::net {

struct World::Comms {
  MPI_Comm executors = MPI_COMM_NULL;  // ranks 1..N-1; MPI_COMM_NULL on the driver
};

}  // namespace dataflow::net
