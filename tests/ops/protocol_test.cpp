// The driver/executor protocol at every rank count: a rank that built another DAG fails
// the job with "program diverged on rank k", and waiting ranks sleep instead of spinning.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "session_fixture.hpp"

namespace {

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

TEST(Protocol, DivergedProgramFailsTheJobNamingTheRank) {
  const int last = test_session->size() - 1;
  auto base = test_session->parallelize(std::vector<int>{1, 2, 3, 4}, 2);
  // Same number of nodes on every rank (later tests stay in step), another kind on `last`.
  dataflow::Dataset<int> ds = test_session->rank() == last && last > 0
                                  ? dataflow::Dataset<int>(base.filter([](int) { return true; }))
                                  : dataflow::Dataset<int>(base.map([](int x) { return x; }));
  if (last == 0) {
    EXPECT_EQ(ds.count(), 4u);  // one process: nothing can diverge
    return;
  }
  try {
    ds.count();
    ADD_FAILURE() << "expected a JobError";
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kSoftware);
    EXPECT_NE(std::string(e.what()).find("program diverged on rank " + std::to_string(last)), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(test_session->parallelize(std::vector<int>{1, 2}, 2).count(), 2u);  // back in step
}

TEST(Protocol, WaitingRanksDoNotSpin) {
  // Tasks that sleep: every rank spends the job waiting (the driver for reports, executors
  // for their pool). Busy-polling would cost a whole core per rank.
  const auto start = std::chrono::steady_clock::now();
  const double cpu_before = cpu_seconds();
  const auto n = test_session->parallelize(std::vector<int>(4, 0), 4)
                     .map([](int x) {
                       std::this_thread::sleep_for(std::chrono::milliseconds(400));
                       return x;
                     })
                     .count();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_before;
  EXPECT_EQ(n, 4u);
  EXPECT_GE(wall, 0.4);
  EXPECT_LT(cpu, 0.1 * wall) << "rank " << test_session->rank() << " used " << cpu << " s of CPU in " << wall << " s";
}

}  // namespace
