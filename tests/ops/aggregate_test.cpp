// Aggregations by key at every rank count, against sequential computations: combine_by_key,
// aggregate_by_key, fold_by_key, group_by_key, group_by, distinct.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "session_fixture.hpp"
#include "sorted.hpp"

namespace {

std::vector<std::pair<std::string, int>> skewed_pairs(std::size_t n, int keys, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::pair<std::string, int>> v;
  for (std::size_t i = 0; i < n; ++i) {
    // One key holds about half the records.
    const unsigned k = rng() % 2 ? 0 : rng() % static_cast<unsigned>(keys);
    v.emplace_back("k" + std::to_string(k), static_cast<int>(rng() % 1000));
  }
  return v;
}

TEST(Aggregate, CombineAggregateFoldByKey) {
  auto input = skewed_pairs(6000, 200, 11);
  auto d = test_session->parallelize(input, 9);
  std::map<std::string, std::pair<long, int>> ref;  // sum, count
  for (auto& [k, v] : input) {
    ref[k].first += v;
    ref[k].second += 1;
  }
  auto combined = d.combine_by_key([](int v) { return std::pair<long, int>(v, 1); },
                                   [](std::pair<long, int> c, int v) { return std::pair<long, int>(c.first + v, c.second + 1); },
                                   [](std::pair<long, int> a, std::pair<long, int> b) {
                                     return std::pair<long, int>(a.first + b.first, a.second + b.second);
                                   },
                                   5)
                      .collect();
  const std::map<std::string, std::pair<long, int>> got(combined.begin(), combined.end());
  EXPECT_EQ(got, ref);

  auto counts = d.aggregate_by_key(0L, [](long a, int) { return a + 1; }, [](long a, long b) { return a + b; }).collect();
  for (auto& [k, c] : counts) EXPECT_EQ(c, ref[k].second) << k;
  EXPECT_EQ(counts.size(), ref.size());

  auto sums = d.fold_by_key(0, [](int a, int b) { return a + b; }, 3).collect();
  for (auto& [k, s] : sums) EXPECT_EQ(s, ref[k].first) << k;
  EXPECT_EQ(sums.size(), ref.size());
}

TEST(Aggregate, GroupByKeyKeepsValueOrder) {
  auto input = skewed_pairs(4000, 150, 12);
  auto groups = test_session->parallelize(input, 7).group_by_key(4).collect();
  std::map<std::string, std::vector<int>> ref;
  for (auto& [k, v] : input) ref[k].push_back(v);  // parallelize keeps input order
  std::map<std::string, std::vector<int>> got;
  for (auto& [k, vs] : groups) EXPECT_TRUE(got.emplace(k, vs).second) << "key twice: " << k;
  EXPECT_EQ(got, ref);
  EXPECT_EQ(test_session->parallelize(input, 7).group_by_key(4).collect(), groups);  // rerun: same bytes
}

TEST(Aggregate, GroupByAndDistinctOnTupleAndStructKeys) {
  struct Cell {
    std::int32_t row;
    std::int32_t col;
  };
  std::vector<Cell> cells;
  for (int i = 0; i < 3000; ++i) cells.push_back({i % 13, i % 7});
  auto by_row = test_session->parallelize(cells, 5)
                    .group_by([](const Cell& c) { return std::tuple<int, int>(c.row, c.col % 2); })
                    .map_values([](const std::vector<Cell>& v) { return v.size(); })
                    .collect();
  std::map<std::tuple<int, int>, std::size_t> ref;
  for (auto& c : cells) ref[{c.row, c.col % 2}]++;
  const std::map<std::tuple<int, int>, std::size_t> got(by_row.begin(), by_row.end());
  EXPECT_EQ(got, ref);

  std::vector<std::string> words;
  for (int i = 0; i < 2000; ++i) words.push_back("w" + std::to_string(i * 31 % 97));
  auto d = test_session->parallelize(words, 6).distinct(3).collect();
  std::vector<std::string> ref_words = words;
  std::sort(ref_words.begin(), ref_words.end());
  ref_words.erase(std::unique(ref_words.begin(), ref_words.end()), ref_words.end());
  EXPECT_EQ(sorted(d), ref_words);
  EXPECT_TRUE(test_session->parallelize(std::vector<int>{}, 3).distinct().collect().empty());
}

TEST(Aggregate, EmptyPartitionsAndEmptyInput) {
  auto empty = test_session->parallelize(std::vector<std::pair<int, int>>{}, 4);
  EXPECT_TRUE(empty.group_by_key().collect().empty());
  EXPECT_TRUE(empty.fold_by_key(0, std::plus<>{}).collect().empty());
  // More partitions than records: most map tasks write nothing.
  auto few = test_session->parallelize(std::vector<std::pair<int, int>>{{1, 2}, {1, 3}}, 16).group_by_key(9).collect();
  ASSERT_EQ(few.size(), 1u);
  EXPECT_EQ(few[0].second, (std::vector<int>{2, 3}));
}

// A record type with its own Cereal serialize function, as a value and as a key.
struct Sample {
  std::string site;
  std::vector<double> readings;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(site, readings);
  }
  bool operator==(const Sample& o) const { return site == o.site && readings == o.readings; }
};

}  // namespace

template <>
struct std::hash<Sample> {
  std::size_t operator()(const Sample& s) const { return std::hash<std::string>{}(s.site); }
};

namespace {

TEST(Aggregate, CerealTypesAsValuesAndKeys) {
  std::vector<std::pair<std::string, Sample>> input;
  for (int i = 0; i < 500; ++i) input.push_back({"s" + std::to_string(i % 7), {"site" + std::to_string(i % 5), {i * 1.0, -i * 0.5}}});
  auto grouped = test_session->parallelize(input, 4).group_by_key(3).collect();
  std::map<std::string, std::vector<Sample>> ref;
  for (auto& [k, v] : input) ref[k].push_back(v);
  const std::map<std::string, std::vector<Sample>> got(grouped.begin(), grouped.end());
  EXPECT_EQ(got, ref);
  auto by_sample = test_session->parallelize(input, 4).map([](const auto& kv) { return std::pair<Sample, int>(kv.second, 1); })
                       .reduce_by_key(std::plus<>{})
                       .count();
  EXPECT_EQ(by_sample, 500u);  // every reading differs
}

}  // namespace
