// Task failures at every rank count: a throwing task is retried; one that always throws
// fails the job with code 70 on every rank; the session runs the next job normally.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "session_fixture.hpp"

namespace {

TEST(Failures, AlwaysThrowingTaskFailsAfterMaxAttempts) {
  test_session->config().max_task_attempts = 3;
  try {
    test_session->parallelize(std::vector<int>{1, 2, 3, 4, 5, 6}, 3)
        .map([](int x) {
          if (x == 4) throw std::runtime_error("bad record 4");
          return x;
        })
        .count();
    ADD_FAILURE() << "expected a JobError";
  } catch (const dataflow::JobError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.code(), dataflow::ExitCode::kSoftware);
    EXPECT_NE(what.find("failed 3 times"), std::string::npos) << what;
    EXPECT_NE(what.find("partition 1"), std::string::npos) << what;
    EXPECT_NE(what.find("bad record 4"), std::string::npos) << what;
  }
  test_session->config().max_task_attempts = 4;
  EXPECT_EQ(test_session->parallelize(std::vector<int>{1, 2, 3}, 2).count(), 3u);  // next job is fine
}

TEST(Failures, FailureAfterShuffleIsRetriedWithoutDuplicates) {
  static std::atomic<int> thrown{0};  // per process: each executor throws once
  std::vector<std::pair<int, int>> input;
  for (int i = 0; i < 1000; ++i) input.emplace_back(i % 10, 1);
  auto out = test_session->parallelize(input, 4)
                 .reduce_by_key(std::plus<>{})
                 .map([](const std::pair<int, int>& kv) {
                   if (kv.first == 3 && thrown.fetch_add(1) == 0) throw std::runtime_error("first try");
                   return kv;
                 })
                 .collect();
  ASSERT_EQ(out.size(), 10u);
  for (const auto& [k, n] : out) EXPECT_EQ(n, 100) << "key " << k;
}

}  // namespace
