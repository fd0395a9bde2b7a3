// Lookahead applies every record exactly once, in arrival order, and prefetches each one's
// entry in between, whatever the number of records relative to its depth.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/detail/lookahead.hpp"

namespace dataflow::detail {
namespace {

static_assert(kLookaheadable<std::pair<long, std::pair<unsigned long, long>>>);
static_assert(!kLookaheadable<std::pair<std::string, long>>);  // copying would allocate
static_assert(!kLookaheadable<std::pair<std::string_view, long>>);  // views die with the call
static_assert(!kLookaheadable<std::pair<long, std::string_view>>);

TEST(Lookahead, AppliesEveryRecordOnceInOrderAndPrefetchesEachBeforeItIsApplied) {
  for (int n : {0, 1, 7, 8, 9, 15, 16, 17, 100}) {
    Lookahead<std::pair<int, int>, 16> ahead;
    std::vector<std::uint64_t> mids;
    std::vector<std::pair<int, int>> applied;
    auto mid = [&](std::uint64_t h) { mids.push_back(h); };
    auto apply = [&](std::uint64_t h, const std::pair<int, int>& x) {
      EXPECT_EQ(h, static_cast<std::uint64_t>(x.first) * 3);
      // Its entry was prefetched first, unless the input ended before it got the chance.
      if (x.first + 8 < n) {
        EXPECT_GT(mids.size(), static_cast<std::size_t>(x.first)) << x.first;
      }
      applied.push_back(x);
    };
    for (int i = 0; i < n; ++i) {
      ahead.push(static_cast<std::uint64_t>(i) * 3, {i, -i}, mid, apply);
      EXPECT_EQ(applied.size(), static_cast<std::size_t>(i + 1 > 16 ? i + 1 - 16 : 0));
    }
    ahead.drain(apply);
    ASSERT_EQ(applied.size(), static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) EXPECT_EQ(applied[static_cast<std::size_t>(i)], std::make_pair(i, -i));
    for (std::size_t i = 0; i < mids.size(); ++i) EXPECT_EQ(mids[i], i * 3);
    ahead.drain(apply);  // drained: nothing twice
    EXPECT_EQ(applied.size(), static_cast<std::size_t>(n));
  }
}

}  // namespace
}  // namespace dataflow::detail
