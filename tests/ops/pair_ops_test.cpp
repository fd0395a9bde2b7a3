// Pair and partition operations at every rank count, against sequential computations:
// key_by, map_values, flat_map_values, keys, values, map_partitions(_with_index),
// union_with, sample, partition_by, repartition, coalesce, zip_with_index.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "session_fixture.hpp"
#include "sorted.hpp"

namespace {

std::vector<std::pair<std::string, int>> random_pairs(std::size_t n, int keys, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::pair<std::string, int>> v;
  for (std::size_t i = 0; i < n; ++i) {
    v.emplace_back("k" + std::to_string(rng() % static_cast<unsigned>(keys)), static_cast<int>(rng() % 1000));
  }
  return v;
}

TEST(PairOps, KeyByMapValuesFlatMapValuesKeysValues) {
  std::vector<int> xs;
  for (int i = 0; i < 500; ++i) xs.push_back(i * 7 % 101);
  auto keyed = test_session->parallelize(xs, 6).key_by([](int x) { return x % 10; });
  auto kv = keyed.collect();
  ASSERT_EQ(kv.size(), xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) EXPECT_EQ(kv[i], std::make_pair(xs[i] % 10, xs[i]));

  auto mv = keyed.map_values([](int v) { return std::to_string(v); }).collect();
  for (std::size_t i = 0; i < xs.size(); ++i) EXPECT_EQ(mv[i].second, std::to_string(xs[i]));

  auto fmv = keyed.flat_map_values([](int v) { return std::vector<int>(static_cast<std::size_t>(v % 3), v); }).collect();
  std::vector<std::pair<int, int>> expect;
  for (int x : xs)
    for (int j = 0; j < x % 3; ++j) expect.emplace_back(x % 10, x);
  EXPECT_EQ(fmv, expect);

  std::vector<int> ks, vs;
  for (int x : xs) {
    ks.push_back(x % 10);
    vs.push_back(x);
  }
  EXPECT_EQ(keyed.keys().collect(), ks);
  EXPECT_EQ(keyed.values().collect(), vs);
}

TEST(PairOps, MapPartitionsSeesWholePartitionsWithTheirIndex) {
  std::vector<int> xs(100);
  for (int i = 0; i < 100; ++i) xs[static_cast<std::size_t>(i)] = i;
  auto d = test_session->parallelize(xs, 7);
  auto sums = d.map_partitions_with_index([](std::uint32_t p, std::vector<int>& part) {
                 long s = 0;
                 for (int x : part) s += x;
                 return std::vector<std::pair<std::uint32_t, long>>{{p, s}};
               }).collect();
  ASSERT_EQ(sums.size(), 7u);
  for (std::uint32_t p = 0; p < 7; ++p) {
    long s = 0;
    for (std::size_t i = 100 * p / 7; i < 100 * (p + 1) / 7; ++i) s += xs[i];
    EXPECT_EQ(sums[p], std::make_pair(p, s));
  }
  auto sizes = d.map_partitions([](std::vector<int>& part) { return std::vector<std::size_t>{part.size()}; }).collect();
  EXPECT_EQ(sizes.size(), 7u);
}

TEST(PairOps, UnionPutsPartitionsSideBySide) {
  auto a = test_session->parallelize(std::vector<int>{1, 2, 3}, 2);
  auto b = test_session->parallelize(std::vector<int>{10, 20, 30, 40}, 5).map([](int x) { return x + 1; });
  auto u = a.union_with(b);
  EXPECT_EQ(u.collect(), (std::vector<int>{1, 2, 3, 11, 21, 31, 41}));
  EXPECT_EQ(u.num_partitions(), 7);
  EXPECT_EQ(u.count(), 7u);
  // A union of a shuffled dataset and a source.
  auto r = test_session->parallelize(std::vector<std::pair<int, int>>{{1, 1}, {1, 2}, {2, 5}}, 2)
               .reduce_by_key(std::plus<>{}, 3);
  auto s = test_session->parallelize(std::vector<std::pair<int, int>>{{9, 9}}, 1);
  EXPECT_EQ(sorted(r.union_with(s).collect()), (std::vector<std::pair<int, int>>{{1, 3}, {2, 5}, {9, 9}}));
}

TEST(PairOps, SampleIsDeterministicAndNearTheFraction) {
  std::vector<int> xs(20000);
  for (int i = 0; i < 20000; ++i) xs[static_cast<std::size_t>(i)] = i;
  auto d = test_session->parallelize(xs, 9);
  auto s1 = d.sample(false, 0.1, 42).collect();
  auto s2 = d.sample(false, 0.1, 42).collect();
  EXPECT_EQ(s1, s2);
  EXPECT_NEAR(static_cast<double>(s1.size()), 2000.0, 250.0);
  EXPECT_TRUE(std::is_sorted(s1.begin(), s1.end()));
  EXPECT_NE(d.sample(false, 0.1, 43).collect(), s1);
  auto r = d.sample(true, 2.0, 7).count();
  EXPECT_NEAR(static_cast<double>(r), 40000.0, 1500.0);
  EXPECT_THROW(d.sample(false, 1.5), dataflow::Error);
}

TEST(PairOps, PartitionByGroupsKeysAndRepartitionBalances) {
  auto input = random_pairs(5000, 300, 3);
  auto p = test_session->parallelize(input, 4).partition_by(6);
  EXPECT_EQ(p.num_partitions(), 6);
  auto parts = p.map_partitions_with_index([](std::uint32_t i, std::vector<std::pair<std::string, int>>& part) {
                  std::vector<std::pair<std::string, std::uint32_t>> out;
                  for (auto& kv : part) out.emplace_back(kv.first, i);
                  return out;
                }).collect();
  std::map<std::string, std::uint32_t> where;
  for (auto& [k, i] : parts) {
    auto [it, fresh] = where.emplace(k, i);
    EXPECT_EQ(it->second, i) << "key " << k << " in two partitions";
  }
  EXPECT_EQ(sorted(p.collect()), sorted(input));

  auto r = test_session->parallelize(input, 3).repartition(8);
  auto sizes = r.map_partitions([](std::vector<std::pair<std::string, int>>& part) {
                  return std::vector<std::size_t>{part.size()};
                }).collect();
  ASSERT_EQ(sizes.size(), 8u);
  for (std::size_t s : sizes) EXPECT_NEAR(static_cast<double>(s), 5000.0 / 8, 5000.0 / 8 * 0.25);
  EXPECT_EQ(sorted(r.collect()), sorted(input));
  EXPECT_EQ(r.collect(), r.collect());  // the same order every time
}

TEST(PairOps, CoalesceMergesRunsOfPartitionsInOrder) {
  std::vector<int> xs(1000);
  for (int i = 0; i < 1000; ++i) xs[static_cast<std::size_t>(i)] = i * 31 % 1009;
  auto d = test_session->parallelize(xs, 10).map([](int x) { return x + 1; });
  auto c = d.coalesce(3);
  EXPECT_EQ(c.num_partitions(), 3);
  // Order is kept: partition p merges parent partitions [10p/3, 10(p+1)/3).
  std::vector<int> want;
  for (int x : xs) want.push_back(x + 1);
  EXPECT_EQ(c.collect(), want);
  auto sizes = c.map_partitions_with_index([](std::uint32_t p, std::vector<int>& part) {
                  return std::vector<std::pair<std::uint32_t, std::size_t>>{{p, part.size()}};
                }).collect();
  EXPECT_EQ(sizes, (std::vector<std::pair<std::uint32_t, std::size_t>>{{0, 300}, {1, 300}, {2, 400}}));
  EXPECT_EQ(d.coalesce(50).num_partitions(), 10);  // never more than the parent's
  EXPECT_EQ(d.coalesce(1).collect(), want);
  EXPECT_EQ(c.coalesce(2).collect(), want);  // nested
  auto u = test_session->parallelize(std::vector<int>{1, 2, 3}, 2).union_with(d).coalesce(4);
  std::vector<int> uw{1, 2, 3};
  uw.insert(uw.end(), want.begin(), want.end());
  EXPECT_EQ(u.collect(), uw);
  EXPECT_EQ(c.zip_with_index().collect().back().second, 999u);
  EXPECT_TRUE(test_session->parallelize(std::vector<int>{}, 4).coalesce(2).collect().empty());
  EXPECT_THROW(d.coalesce(0), dataflow::Error);
}

TEST(PairOps, CoalesceOverAShuffleReadsItsPartitionsOnOneExecutor) {
  auto input = random_pairs(4000, 300, 11);
  auto reduced = test_session->parallelize(input, 6).reduce_by_key(std::plus<>{}, 9);
  auto whole = reduced.collect();
  auto c = reduced.coalesce(2);
  EXPECT_EQ(c.num_partitions(), 2);
  EXPECT_EQ(c.collect(), whole);  // the shuffle's partitions in order
  // And into a further shuffle: counts of the sums' last digits.
  auto digits = c.map([](const std::pair<std::string, int>& kv) { return std::pair<int, long>(kv.second % 10, 1L); })
                    .reduce_by_key(std::plus<>{}, 3)
                    .collect();
  std::map<int, long> want;
  for (auto& [k, v] : whole) ++want[v % 10];
  EXPECT_EQ((std::map<int, long>(digits.begin(), digits.end())), want);
}

TEST(PairOps, ZipWithIndexNumbersInDatasetOrder) {
  std::vector<std::string> xs;
  for (int i = 0; i < 300; ++i) xs.push_back("x" + std::to_string(i * 17 % 301));
  auto got = test_session->parallelize(xs, 7).filter([](const std::string& s) { return s.size() > 2; }).zip_with_index()
                 .collect();
  std::vector<std::pair<std::string, std::uint64_t>> want;
  for (auto& x : xs)
    if (x.size() > 2) want.emplace_back(x, want.size());
  EXPECT_EQ(got, want);
  EXPECT_TRUE(test_session->parallelize(std::vector<int>{}, 3).zip_with_index().collect().empty());
}

}  // namespace
