// Reduce-partition placement (largest first, to the least-loaded executor) and byte-size
// parsing (--split-size 64M).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "dataflow/config.hpp"
#include "shuffle/placement.hpp"

namespace dataflow {
namespace {

using shuffle::place_partitions;

std::vector<std::uint64_t> loads(const std::vector<std::uint64_t>& bytes, const std::vector<std::int32_t>& owner,
                                 int executors) {
  std::vector<std::uint64_t> load(static_cast<std::size_t>(executors), 0);
  for (std::size_t r = 0; r < bytes.size(); ++r) load[static_cast<std::size_t>(owner[r])] += bytes[r];
  return load;
}

std::vector<int> counts(const std::vector<std::int32_t>& owner, int executors) {
  std::vector<int> count(static_cast<std::size_t>(executors), 0);
  for (auto o : owner) ++count[static_cast<std::size_t>(o)];
  return count;
}

TEST(PlacementTest, ExactAssignment) {
  // Largest first: 9 -> e0, 7 -> e1, 5 -> e1 (7 < 9), 3 -> e0 (9 < 12), 1 -> e0 (12 = 12, and
  // both hold two partitions: the lowest executor).
  EXPECT_EQ(place_partitions({5, 1, 9, 3, 7}, 2), (std::vector<std::int32_t>{1, 0, 0, 0, 1}));
  // Ties in size go to the lowest partition first.
  EXPECT_EQ(place_partitions({4, 4, 4}, 3), (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_EQ(place_partitions({1, 2, 3}, 3), (std::vector<std::int32_t>{2, 1, 0}));
}

TEST(PlacementTest, Deterministic) {
  std::mt19937_64 rng(8);
  for (int c = 0; c < 200; ++c) {
    std::vector<std::uint64_t> bytes(rng() % 50);
    for (auto& b : bytes) b = rng() % 4 == 0 ? 0 : rng() % 100000;
    const int executors = 1 + static_cast<int>(rng() % 9);
    auto a = place_partitions(bytes, executors);
    auto b = place_partitions(bytes, executors);
    EXPECT_EQ(a, b);
  }
}

TEST(PlacementTest, EveryPartitionHasAnOwnerInRange) {
  std::mt19937_64 rng(9);
  for (int c = 0; c < 300; ++c) {
    std::vector<std::uint64_t> bytes(rng() % 100);
    for (auto& b : bytes) b = rng() % 3 == 0 ? 0 : rng() % (std::uint64_t{1} << 40);
    const int executors = 1 + static_cast<int>(rng() % 16);
    auto owner = place_partitions(bytes, executors);
    ASSERT_EQ(owner.size(), bytes.size());
    for (auto o : owner) {
      EXPECT_GE(o, 0);
      EXPECT_LT(o, executors);
    }
    // The greedy bound: no executor ends more than one largest partition above the mean.
    if (!bytes.empty()) {
      auto load = loads(bytes, owner, executors);
      std::uint64_t total = 0;
      for (auto b : bytes) total += b;
      const std::uint64_t largest = *std::max_element(bytes.begin(), bytes.end());
      for (auto l : load) EXPECT_LE(l, total / static_cast<std::uint64_t>(executors) + largest);
    }
  }
}

TEST(PlacementTest, EqualPartitionsSpreadEvenly) {
  for (int executors : {1, 2, 3, 4, 5, 8}) {
    for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{12}, std::size_t{40}}) {
      for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{100}}) {  // empty ones spread too
        std::vector<std::uint64_t> bytes(n, size);
        auto owner = place_partitions(bytes, executors);
        auto count = counts(owner, executors);
        const int lo = static_cast<int>(n) / executors;
        for (int e = 0; e < executors; ++e) {
          EXPECT_GE(count[static_cast<std::size_t>(e)], lo) << n << " partitions of " << size << " on " << executors;
          EXPECT_LE(count[static_cast<std::size_t>(e)], lo + 1)
              << n << " partitions of " << size << " on " << executors;
        }
        // Round robin: partition r on executor r mod E.
        for (std::size_t r = 0; r < n; ++r)
          EXPECT_EQ(owner[r], static_cast<std::int32_t>(r % static_cast<std::size_t>(executors)));
      }
    }
  }
}

TEST(PlacementTest, LargestPartitionAloneWhenSkewed) {
  std::vector<std::uint64_t> bytes = {10, 10, 10, 1000000, 10, 10, 10, 10, 10, 10};
  for (int executors : {2, 3, 4}) {
    auto owner = place_partitions(bytes, executors);
    const std::int32_t hot = owner[3];
    EXPECT_EQ(hot, 0);
    for (std::size_t r = 0; r < bytes.size(); ++r) {
      if (r != 3) {
        EXPECT_NE(owner[r], hot) << "partition " << r << " shares the hot executor";
      }
    }
    // The rest spread over the other executors within one partition of each other.
    auto count = counts(owner, executors);
    EXPECT_EQ(count[0], 1);
    auto [lo, hi] = std::minmax_element(count.begin() + 1, count.end());
    EXPECT_LE(*hi - *lo, 1);
  }
}

TEST(PlacementTest, TwoHotPartitionsGoToDifferentExecutors) {
  std::vector<std::uint64_t> bytes = {5, 900, 5, 5, 800, 5};
  auto owner = place_partitions(bytes, 3);
  EXPECT_EQ(owner, (std::vector<std::int32_t>{2, 0, 2, 2, 1, 2}));
}

TEST(PlacementTest, EdgeCases) {
  EXPECT_TRUE(place_partitions({}, 4).empty());
  EXPECT_EQ(place_partitions({1, 2, 3}, 1), (std::vector<std::int32_t>{0, 0, 0}));
  EXPECT_EQ(place_partitions({1, 2, 3}, 0), (std::vector<std::int32_t>{0, 0, 0}));  // at least one executor
  EXPECT_EQ(place_partitions({1, 2, 3}, -2), (std::vector<std::int32_t>{0, 0, 0}));
  // More executors than partitions: each partition alone.
  auto owner = place_partitions({3, 1, 2}, 8);
  EXPECT_EQ(owner, (std::vector<std::int32_t>{0, 2, 1}));
  // Sizes near the top of the range do not overflow the greedy choice.
  const std::uint64_t big = std::numeric_limits<std::uint64_t>::max() / 4;
  EXPECT_EQ(place_partitions({big, big, 1, 1}, 2), (std::vector<std::int32_t>{0, 1, 0, 1}));
}

// ----- parse_size -------------------------------------------------------------------------

using dataflow::parse_size;

TEST(ParseSizeTest, Accepts) {
  EXPECT_EQ(parse_size("1"), std::optional<std::uint64_t>(1));
  EXPECT_EQ(parse_size("1024"), std::optional<std::uint64_t>(1024));
  EXPECT_EQ(parse_size("64K"), std::optional<std::uint64_t>(64ull << 10));
  EXPECT_EQ(parse_size("128M"), std::optional<std::uint64_t>(128ull << 20));
  EXPECT_EQ(parse_size("2G"), std::optional<std::uint64_t>(2ull << 30));
  EXPECT_EQ(parse_size("64k"), std::optional<std::uint64_t>(64ull << 10));
  EXPECT_EQ(parse_size("128m"), std::optional<std::uint64_t>(128ull << 20));
  EXPECT_EQ(parse_size("2g"), std::optional<std::uint64_t>(2ull << 30));
  EXPECT_EQ(parse_size("1K"), std::optional<std::uint64_t>(1024));
  EXPECT_EQ(parse_size("007"), std::optional<std::uint64_t>(7));
  EXPECT_EQ(parse_size("999999999999999999"), std::optional<std::uint64_t>(999999999999999999ull));
  // The largest G multiple that fits: (2^34 - 1) G.
  EXPECT_EQ(parse_size("17179869183G"), std::optional<std::uint64_t>(17179869183ull << 30));
}

TEST(ParseSizeTest, Rejects) {
  for (const char* bad : {"",  "0",   "0K", "00", "-1", "+1",  "1.5M", "1.5", "12Q", "K",
                          "M", "1KB", "1T", " 1", "1 ", "1 K", "0x10", "1e3", "ten", "1KK"}) {
    EXPECT_EQ(parse_size(bad), std::nullopt) << "\"" << bad << "\"";
  }
}

TEST(ParseSizeTest, RejectsOverflow) {
  EXPECT_EQ(parse_size("17179869184G"), std::nullopt);          // 2^64
  EXPECT_EQ(parse_size("17592186044416M"), std::nullopt);       // 2^64
  EXPECT_EQ(parse_size("18014398509481984K"), std::nullopt);    // 2^64
  EXPECT_EQ(parse_size("18446744073709551616"), std::nullopt);  // 2^64
  EXPECT_EQ(parse_size("99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_size("999999999999999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_size("999999999999999999G"), std::nullopt);
}

}  // namespace
}  // namespace dataflow
