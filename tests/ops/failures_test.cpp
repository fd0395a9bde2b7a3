// Task failures at every rank count: a throwing task is retried (in the middle of a join or
// a sort too, with the same output); one that always throws fails the job with code 70 on
// every rank; the session runs the next job normally.
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

// A task that fails once in the map stage of a join and of a sort, and once on their reduce
// side: the retried job gives the same records in the same order as a run without failures.
TEST(Failures, RetriedJoinAndSortGiveTheSameOutput) {
  std::vector<std::pair<int, int>> left, right;
  for (int i = 0; i < 2000; ++i) left.emplace_back(i % 97, i);
  for (int i = 0; i < 300; ++i) right.emplace_back(i % 131, -i);
  auto l = test_session->parallelize(left, 5);
  auto r = test_session->parallelize(right, 3);
  const auto want_join = l.join(r, 4).collect();
  const auto want_sort = l.sort_by([](const std::pair<int, int>& kv) { return kv.first; }, false, 3).collect();

  static std::atomic<int> map_side{0}, reduce_side{0};  // per process: each executor throws once each
  map_side = 0;
  reduce_side = 0;
  auto flaky_l = l.map([](const std::pair<int, int>& kv) {
    if (kv.second == 1500 && map_side.fetch_add(1) == 0) throw std::runtime_error("map side, first try");
    return kv;
  });
  auto joined = flaky_l.join(r, 4).map([](const std::pair<int, std::pair<int, int>>& x) {
    if (x.second.first == 700 && reduce_side.fetch_add(1) == 0) throw std::runtime_error("reduce side, first try");
    return x;
  });
  EXPECT_EQ(joined.collect(), want_join);
  map_side = 0;
  reduce_side = 0;
  auto sorted = flaky_l.sort_by([](const std::pair<int, int>& kv) { return kv.first; }, false, 3)
                    .map([](const std::pair<int, int>& kv) {
                      if (kv.second == 42 && reduce_side.fetch_add(1) == 0) throw std::runtime_error("sort, first try");
                      return kv;
                    });
  EXPECT_EQ(sorted.collect(), want_sort);
}

}  // namespace
