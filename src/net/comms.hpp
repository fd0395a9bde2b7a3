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
  std::size_t posted_chunks = 0;  // requests in `posted`, complete or not
};

// At most this many chunk sends posted and not waited for. Open MPI 4.1's ob1 over shared
// memory delivered chunks out of order, so that messages came apart, with ~150,000 small
// sends in flight to one peer (16 posted messages of 19,342 7-byte chunks each; a standalone
// program reproduces it with MPI_Isend alone); windows of 1,024 or 16,384 kept them in order.
// With the default 1 GiB chunks a message is one chunk, so only the tiny-chunk test mode
// comes near this.
inline constexpr std::size_t kMaxPostedChunks = 4096;

}  // namespace dataflow::net
