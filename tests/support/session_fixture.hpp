// The Session shared by the tests of a multi-rank binary, and helpers for them.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "dataflow/dataflow.hpp"

extern dataflow::Session* test_session;

namespace testing_support {

// Collective: true on every rank iff `bytes` is equal on every rank.
inline bool same_on_all_ranks(const std::string& bytes) {
  std::uint64_t h = std::hash<std::string>{}(bytes);
  std::uint64_t lo = h, hi = h;
  MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
  return lo == hi;
}

// Collective: a fresh directory path, the same on every rank (created by nobody).
inline std::string shared_temp_path(const std::string& tag) {
  char buf[64] = {};
  if (test_session->rank() == 0) std::snprintf(buf, sizeof buf, "/tmp/dataflow-test-%d-%ld", getpid(), random());
  MPI_Bcast(buf, sizeof buf, MPI_CHAR, 0, MPI_COMM_WORLD);
  return std::string(buf) + "-" + tag;
}

// Collective: the driver writes `bytes` to `path` (making its directories); every rank
// returns once it is there.
inline std::string write_on_driver(const std::string& path, const std::string& bytes) {
  if (test_session->is_driver()) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return path;
}

}  // namespace testing_support
