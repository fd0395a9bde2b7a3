// Accumulators at every rank count: sums and custom merges are exact and the same on every
// rank after each action; the updates of a failed attempt never count, in a map stage (F1)
// or after a shuffle (F3); a failed job applies none; adds outside tasks go to each rank.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "session_fixture.hpp"

namespace {

using testing_support::same_on_all_ranks;

TEST(Accumulators, SumsEveryRecordOncePerActionOnEveryRank) {
  auto seen = test_session->accumulator<std::int64_t>("records seen");
  auto odd = test_session->accumulator<double>("odd halves");
  auto data = test_session->range(0, 10000, 1, 7).filter([seen, odd](std::int64_t x) {
    seen.add(1);
    if (x % 2) odd.add(0.5);
    return x % 3 == 0;
  });
  EXPECT_EQ(data.count(), 3334u);
  EXPECT_EQ(seen.value(), 10000);
  EXPECT_EQ(odd.value(), 2500.0);
  EXPECT_TRUE(same_on_all_ranks(std::to_string(seen.value()) + "/" + std::to_string(odd.value())));
  // Nothing is cached: a second action computes the records again, and they count again.
  EXPECT_EQ(data.collect().size(), 3334u);
  EXPECT_EQ(seen.value(), 20000);
  EXPECT_EQ(seen.name(), "records seen");
}

TEST(Accumulators, CustomMergeForAnyEncodableType) {
  using MinMax = std::pair<std::int64_t, std::int64_t>;
  auto range = test_session->accumulator<MinMax>(
      "", {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()},
      [](MinMax a, const MinMax& b) {
        return MinMax{std::min(a.first, b.first), std::max(a.second, b.second)};
      });
  test_session->range(-37, 5000, 3, 5).foreach ([range](std::int64_t x) { range.add({x, x}); });
  EXPECT_EQ(range.value(), (MinMax{-37, 4997}));
  auto words = test_session->accumulator<std::vector<std::string>>(
      "", {}, [](std::vector<std::string> a, const std::vector<std::string>& b) {
        a.insert(a.end(), b.begin(), b.end());
        std::sort(a.begin(), a.end());
        return a;
      });
  test_session->parallelize(std::vector<std::string>{"b", "a", "c", "a"}, 3).foreach ([words](const std::string& w) {
    words.add({w});
  });
  EXPECT_EQ(words.value(), (std::vector<std::string>{"a", "a", "b", "c"}));
}

TEST(Accumulators, AFailedAttemptsUpdatesNeverCount) {
  static std::atomic<bool> map_thrown{false}, reduce_thrown{false};  // per process: once each
  map_thrown = reduce_thrown = false;
  auto added = test_session->accumulator<std::int64_t>("added");
  std::vector<std::pair<int, std::int64_t>> input;
  for (int i = 0; i < 3000; ++i) input.emplace_back(i % 13, 1);
  const auto out = test_session->parallelize(input, 6)
                       .map([added](std::pair<int, std::int64_t> kv) {
                         added.add(1);  // the failed attempt has added some before it throws
                         if (kv.first == 12 && !map_thrown.exchange(true)) throw std::runtime_error("map fault");
                         return kv;
                       })
                       .reduce_by_key([](std::int64_t a, std::int64_t b) { return a + b; }, 4)
                       .map([added](std::pair<int, std::int64_t> kv) {
                         added.add(kv.second);
                         if (kv.first == 5 && !reduce_thrown.exchange(true)) throw std::runtime_error("reduce fault");
                         return kv;
                       })
                       .collect();
  EXPECT_EQ(out.size(), 13u);
  EXPECT_EQ(added.value(), 6000);  // 3000 records in the map stage, counts summing to 3000 after it
  EXPECT_TRUE(same_on_all_ranks(std::to_string(added.value())));
}

TEST(Accumulators, AFailedJobAppliesNoUpdatesAndAddsOutsideTasksStayOnTheRank) {
  auto n = test_session->accumulator<std::int64_t>("n");
  n.add(5);  // the program itself, on every rank alike
  EXPECT_EQ(n.value(), 5);
  test_session->config().max_task_attempts = 2;
  try {
    test_session->range(0, 100, 1, 4)
        .map([n](std::int64_t x) {
          n.add(1);
          if (x == 99) throw std::runtime_error("always");
          return x;
        })
        .count();
    ADD_FAILURE() << "expected a JobError";
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kSoftware);
  }
  test_session->config().max_task_attempts = 4;
  EXPECT_EQ(n.value(), 5);
  EXPECT_TRUE(same_on_all_ranks(std::to_string(n.value())));
}

}  // namespace
