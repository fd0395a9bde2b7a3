// Sorting at every rank count: sort_by and sort_by_key ascending and descending, many equal
// keys, skewed keys (partitions within 2x of the mean), empty input, stable order of equal keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "session_fixture.hpp"

namespace {

TEST(Sort, SortByKeyAscendingAndDescending) {
  std::mt19937 rng(21);
  std::vector<std::pair<int, int>> input;
  for (int i = 0; i < 5000; ++i) input.emplace_back(static_cast<int>(rng() % 100), i);  // many equal keys
  auto d = test_session->parallelize(input, 7);
  auto up = d.sort_by_key(true, 5).collect();
  auto ref = input;
  std::stable_sort(ref.begin(), ref.end(), [](auto& a, auto& b) { return a.first < b.first; });
  EXPECT_EQ(up, ref);  // equal keys keep their input order
  auto down = d.sort_by_key(false, 3).collect();
  auto ref_down = input;
  std::stable_sort(ref_down.begin(), ref_down.end(), [](auto& a, auto& b) { return a.first > b.first; });
  EXPECT_EQ(down, ref_down);
}

TEST(Sort, SortByStringKeysAndEmptyInput) {
  std::vector<std::string> words;
  for (int i = 0; i < 3000; ++i) words.push_back("w" + std::to_string(i * 7919 % 3001));
  auto got = test_session->parallelize(words, 6).sort_by([](std::string_view w) { return std::string(w); }).collect();
  auto ref = words;
  std::sort(ref.begin(), ref.end());
  EXPECT_EQ(got, ref);
  EXPECT_TRUE(test_session->parallelize(std::vector<int>{}, 3).sort_by([](int x) { return x; }, true, 4)
                  .collect()
                  .empty());
}

TEST(Sort, SkewedKeysStillGiveEvenPartitions) {
  // Half the records share one key; the rest share a few prefixes.
  std::vector<std::string> keys;
  for (int i = 0; i < 8000; ++i) {
    keys.push_back(i % 2 ? std::string("same") : "p" + std::to_string(i % 3) + "-" + std::to_string(i));
  }
  auto sorted = test_session->parallelize(keys, 8).sort_by([](const std::string& s) { return s; }, true, 6);
  auto sizes = sorted.map_partitions([](std::vector<std::string>& part) { return std::vector<std::size_t>{part.size()}; })
                   .collect();
  ASSERT_EQ(sizes.size(), 6u);
  const double mean = 8000.0 / 6;
  for (std::size_t s : sizes) EXPECT_LE(static_cast<double>(s), 2 * mean) << "a partition over twice the mean";
  auto all = sorted.collect();
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(all.size(), keys.size());
}

}  // namespace
