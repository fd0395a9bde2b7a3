// World: init, finalize, communicators and point-to-point messages.
#include "net/world.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "common/signals.hpp"
#include "dataflow/config.hpp"
#include "net/check.hpp"
#include "net/comms.hpp"
#include "storage/local_dir.hpp"

namespace dataflow::net {
namespace {

// Payload bytes per MPI message: far below the 2^31 limit of an int count. Tests force
// tiny chunks with DATAFLOW_MESSAGE_CHUNK_BYTES to exercise multi-chunk messages.
std::uint64_t message_chunk_bytes() {
  constexpr std::uint64_t kDefault = std::uint64_t{1} << 30;
  const char* v = std::getenv("DATAFLOW_MESSAGE_CHUNK_BYTES");
  const auto n = v ? dataflow::parse_size(v) : std::nullopt;
  return n ? std::min(*n, kDefault) : kDefault;
}

// Under Open MPI's mpirun with every rank on this node, and no transport chosen by the user:
// the ob1 PML (shared memory through the vader BTL). UCX's start probes the network and
// costs 0.2 s of every run (MPI_Init + MPI_Finalize of 3 ranks: 0.57 s -> 0.37 s), for
// bytes that stay in this node's memory anyway.
void prefer_shared_memory_on_one_node() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (size && local && std::strcmp(size, local) == 0) setenv("OMPI_MCA_pml", "ob1", /*overwrite=*/0);
}

}  // namespace

bool launched() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(v)) return true;
  }
  return false;
}

void Backoff::wait() {
  std::this_thread::sleep_for(std::chrono::microseconds(delay_us_));
  grow();
}

void Backoff::grow() { delay_us_ = std::min(delay_us_ * 2, kMaxUs); }

World::World(int& argc, char**& argv)
    : mpi_(launched()), comms_(std::make_unique<Comms>()), chunk_(message_chunk_bytes()) {
  if (!mpi_) return;  // a world of one: rank 0 of 1
  prefer_shared_memory_on_one_node();
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);  // check() reports MPI's text
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  check(MPI_Comm_split(MPI_COMM_WORLD, rank_ == 0 ? MPI_UNDEFINED : 0, rank_, &comms_->executors), "MPI_Comm_split");
  if (comms_->executors != MPI_COMM_NULL) MPI_Comm_set_errhandler(comms_->executors, MPI_ERRORS_RETURN);

  MPI_Comm node = MPI_COMM_NULL;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
  int node_size = 1;
  int driver_here = rank_ == 0 ? 1 : 0;
  check(MPI_Comm_size(node, &node_size), "MPI_Comm_size");
  check(MPI_Allreduce(MPI_IN_PLACE, &driver_here, 1, MPI_INT, MPI_MAX, node), "MPI_Allreduce");
  MPI_Comm_free(&node);
  executors_on_node_ = std::max(1, size_ == 1 ? 1 : node_size - driver_here);
}

World::~World() {
  if (!mpi_) return;
  // The program finished its work after a signal: if mpirun itself was signalled, it is
  // taking the job down, and MPI_Finalize would wait for it until its SIGKILL.
  if (common::pending_signal()) common::end_after(std::chrono::milliseconds(300));
  for (auto& p : comms_->posted) {
    MPI_Waitall(static_cast<int>(p.requests.size()), p.requests.data(), MPI_STATUSES_IGNORE);
  }
  if (comms_->executors != MPI_COMM_NULL) MPI_Comm_free(&comms_->executors);
  MPI_Finalize();
}

void World::send(int dest, int tag, std::string_view bytes) {
  // In chunks of chunk_ bytes; a shorter chunk (possibly empty) ends the message. MPI does
  // not overtake messages between one pair with one tag, so chunks arrive in order.
  for (std::uint64_t off = 0;; off += chunk_) {
    const auto n = static_cast<int>(std::min<std::uint64_t>(chunk_, bytes.size() - off));
    check(MPI_Send(bytes.data() + off, n, MPI_BYTE, dest, tag, MPI_COMM_WORLD), "MPI_Send");
    if (static_cast<std::uint64_t>(n) < chunk_) return;
  }
}

void World::post(int dest, int tag, std::string bytes) {
  progress_posted();
  auto& p = comms_->posted.emplace_back();
  p.bytes = std::move(bytes);
  // Completes every posted chunk send (eager sends of small chunks complete as the
  // receiver's progress takes them) and forgets every posted message but this one.
  auto wait_posted = [&] {
    for (auto it = comms_->posted.begin(); it != comms_->posted.end();) {
      check(MPI_Waitall(static_cast<int>(it->requests.size()), it->requests.data(), MPI_STATUSES_IGNORE),
            "MPI_Waitall");
      if (&*it == &p) {
        it->requests.clear();
        ++it;
      } else {
        it = comms_->posted.erase(it);
      }
    }
    comms_->posted_chunks = 0;
  };
  // Chunks as in send(); MPI starts them in order, so they match the receiver's in order.
  for (std::uint64_t off = 0;; off += chunk_) {
    if (comms_->posted_chunks >= kMaxPostedChunks) wait_posted();
    const auto n = static_cast<int>(std::min<std::uint64_t>(chunk_, p.bytes.size() - off));
    MPI_Request r;
    check(MPI_Isend(p.bytes.data() + off, n, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &r), "MPI_Isend");
    p.requests.push_back(r);
    ++comms_->posted_chunks;
    if (static_cast<std::uint64_t>(n) < chunk_) return;
  }
}

void World::progress_posted() {
  for (auto it = comms_->posted.begin(); it != comms_->posted.end();) {
    int done = 0;
    check(MPI_Testall(static_cast<int>(it->requests.size()), it->requests.data(), &done, MPI_STATUSES_IGNORE),
          "MPI_Testall");
    if (done) {
      comms_->posted_chunks -= it->requests.size();
      it = comms_->posted.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<Message> World::try_receive(int source, int tag) {
  if (!comms_->posted.empty()) progress_posted();
  int flag = 0;
  MPI_Status status;
  check(MPI_Iprobe(source < 0 ? MPI_ANY_SOURCE : source, tag < 0 ? MPI_ANY_TAG : tag, MPI_COMM_WORLD, &flag, &status),
        "MPI_Iprobe");
  if (!flag) return std::nullopt;
  Message m;
  m.source = status.MPI_SOURCE;
  m.tag = status.MPI_TAG;
  for (;;) {  // the first chunk has arrived; the rest of a long message follows it
    int count = 0;
    check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
    const std::size_t off = m.bytes.size();
    m.bytes.resize(off + static_cast<std::size_t>(count));
    check(MPI_Recv(m.bytes.data() + off, count, MPI_BYTE, m.source, m.tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv");
    if (static_cast<std::uint64_t>(count) < chunk_) return m;
    check(MPI_Probe(m.source, m.tag, MPI_COMM_WORLD, &status), "MPI_Probe");
  }
}

int World::min_over_ranks(int value) {
  if (!mpi_) return value;
  check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  return value;
}

void World::broadcast_from_driver(std::string& bytes) {
  if (!mpi_) return;
  std::uint64_t n = bytes.size();
  check(MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  if (rank_ != 0) bytes.resize(static_cast<std::size_t>(n));
  constexpr std::uint64_t kPiece = std::uint64_t{1} << 30;
  for (std::uint64_t at = 0; at < n; at += kPiece) {
    const int count = static_cast<int>(std::min(kPiece, n - at));
    check(MPI_Bcast(bytes.data() + at, count, MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
  }
}

std::vector<std::string> World::gather_lines(const std::string& line) {
  if (!mpi_) return {line};
  int len = static_cast<int>(line.size());
  std::vector<int> lens(rank_ == 0 ? static_cast<std::size_t>(size_) : 0);
  check(MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
  std::vector<int> displs(lens.size(), 0);
  int total = 0;
  for (std::size_t i = 0; i < lens.size(); ++i) {
    displs[i] = total;
    total += lens[i];
  }
  std::string all(static_cast<std::size_t>(total), '\0');
  check(MPI_Gatherv(line.data(), len, MPI_CHAR, all.data(), lens.data(), displs.data(), MPI_CHAR, 0, MPI_COMM_WORLD),
        "MPI_Gatherv");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < lens.size(); ++i)
    out.push_back(all.substr(static_cast<std::size_t>(displs[i]), static_cast<std::size_t>(lens[i])));
  return out;
}

void World::finalize_and_exit(int code) {
  std::fflush(nullptr);
  common::run_cleanups_now();  // _Exit skips destructors: spill directories, temporary output
  if (!mpi_) std::_Exit(code);
  if (comms_->executors != MPI_COMM_NULL) MPI_Comm_free(&comms_->executors);
  MPI_Finalize();
  std::_Exit(code);
}

void World::leave(int code) {
  std::fflush(nullptr);
  common::run_cleanups_now();
  std::_Exit(code);
}

void World::abort(int code) {
  common::run_cleanups_now();
  if (!mpi_) {
    std::fflush(nullptr);
    std::_Exit(code);
  }
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // not reached
}

}  // namespace dataflow::net
