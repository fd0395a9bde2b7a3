// World: MPI's lifetime and every MPI call the engine makes. The only file set that
// includes mpi.h is src/net/*.cpp; everything above sees bytes, ranks and tags.
// All methods are for the main thread only (MPI is initialized FUNNELED).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dataflow::net {

enum Tag : int {
  kTagHello = 1,
  kTagTask,
  kTagReport,
  kTagExchange,
  kTagExchangeDone,
  kTagJobEnd,
  kTagJobEndAck,
  kTagShutdown,
  kTagShutdownAck,
  kTagHeartbeat,
  kTagResume,
  kTagResumeDone,
};

struct Message {
  int source = -1;
  int tag = 0;
  std::string bytes;
};

// Whether a launcher started this process (its environment names an MPI rank): mpirun
// (Open MPI), srun with PMIx or PMI-2, MPICH's hydra. Else World is a world of one.
bool launched();

class World {
 public:
  // Collective over all ranks: initializes MPI and splits off the executors' communicator.
  // A process that no launcher started (no mpirun, no srun with PMI) is a world of one
  // without MPI at all: local mode needs none, and Open MPI's singleton start forks an
  // orted and costs about 0.4 s.
  World(int& argc, char**& argv);
  ~World();  // collective: MPI_Finalize
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Executor ranks on this rank's node, the driver not counted.
  int executors_on_node() const { return executors_on_node_; }

  // Point-to-point on the world communicator; messages of any size (sent in chunks).
  void send(int dest, int tag, std::string_view bytes);
  // As send(), but never blocks: the bytes go out while this rank goes on polling (every
  // try_receive() moves them along). For the driver's task descriptors, which may be large:
  // a blocking send to an executor that is itself sending a large report would deadlock.
  void post(int dest, int tag, std::string bytes);
  // One whole message from `source` with `tag` (-1: any) if one has arrived; never blocks
  // on a message that has not started to arrive.
  std::optional<Message> try_receive(int source, int tag);

  // Collective over the executors only, a streaming all-to-all: this executor sends
  // send_sizes[d] bytes to executor d (0-based; nothing to itself), produced by fill(d, out, n)
  // n bytes at a time in order, and receives each executor's bytes in order through
  // deliver(s, bytes, round): `bytes` lies inside `round`, which the callee may keep. Runs in
  // rounds so that no MPI count or displacement reaches 2^31 and no round carries more than
  // round_bytes to one peer (0 = automatic): memory is bounded by the rounds, not the total.
  using Fill = std::function<void(std::size_t dest, char* out, std::size_t n)>;
  using Deliver =
      std::function<void(std::size_t source, std::string_view bytes, const std::shared_ptr<const void>& round)>;
  // Returns its rounds and the microseconds spent inside MPI_Alltoallv.
  struct AlltoallvStats {
    std::uint64_t rounds = 0;
    std::uint64_t collective_us = 0;
  };
  AlltoallvStats alltoallv_executors(const std::vector<std::uint64_t>& send_sizes, std::uint64_t round_bytes,
                                     const Fill& fill, const Deliver& deliver);

  // Collective over all ranks: the smallest `value`.
  int min_over_ranks(int value);

  // Collective over all ranks: rank 0's `bytes` on every rank (MPI_Bcast, in pieces whose
  // counts stay below 2^31).
  void broadcast_from_driver(std::string& bytes);

  // Collective over all ranks: `line` of every rank, on rank 0 (empty elsewhere).
  std::vector<std::string> gather_lines(const std::string& line);

  // Ends every rank of the job with `code`, now.
  [[noreturn]] void abort(int code);
  // Ends this process with `code` without MPI_Finalize or MPI_Abort: for a signal, when the
  // launcher is ending every rank already (and SIGKILLs those still there a second later).
  [[noreturn]] void leave(int code);

  // Collective (MPI_Finalize): ends this process with `code` without running destructors.
  // For a verdict every rank reached together; stdio is flushed first.
  [[noreturn]] void finalize_and_exit(int code);

 private:
  struct Comms;
  void progress_posted();
  bool mpi_ = false;
  std::unique_ptr<Comms> comms_;
  int rank_ = 0;
  int size_ = 1;
  int executors_on_node_ = 1;
  std::uint64_t chunk_;  // payload bytes per MPI message
};

// Sleeps between polls with exponential backoff (20 us to 1 ms), so a waiting rank uses a
// small fraction of a core instead of spinning in MPI's busy-polling blocking calls.
class Backoff {
 public:
  void reset() { delay_us_ = kMinUs; }
  void wait();  // sleeps, then grows the delay
  void grow();
  int delay_us() const { return delay_us_; }

 private:
  static constexpr int kMinUs = 20;
  static constexpr int kMaxUs = 1000;
  int delay_us_ = kMinUs;
};

}  // namespace dataflow::net
