// reduce_by_key at every rank count: sums match a std::map reference, order is a pure
// function of the input (a rerun gives the same bytes), multi-round exchanges agree.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "session_fixture.hpp"

namespace {

using KV = std::pair<std::string, long>;

std::vector<KV> random_kvs(std::size_t n, int keys, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<KV> v;
  for (std::size_t i = 0; i < n; ++i) {
    v.emplace_back("key" + std::to_string(rng() % static_cast<unsigned>(keys)), static_cast<long>(rng() % 100));
  }
  return v;
}

std::map<std::string, long> reference(const std::vector<KV>& v) {
  std::map<std::string, long> m;
  for (const auto& [k, x] : v) m[k] += x;
  return m;
}

std::map<std::string, long> as_map(const std::vector<KV>& v) {
  std::map<std::string, long> m;
  for (const auto& [k, x] : v) EXPECT_TRUE(m.emplace(k, x).second) << "duplicate key " << k;
  return m;
}

TEST(ReduceByKey, SumsMatchReference) {
  auto input = random_kvs(20000, 500, 1);
  auto out = test_session->parallelize(input, 8).reduce_by_key(std::plus<>{}).collect();
  EXPECT_EQ(as_map(out), reference(input));
}

TEST(ReduceByKey, ExplicitPartitionCountAndIntegerKeys) {
  std::vector<std::pair<int, int>> input;
  for (int i = 0; i < 3000; ++i) input.emplace_back(i % 37, 1);
  auto out = test_session->parallelize(input, 5).reduce_by_key([](int a, int b) { return a + b; }, 7).collect();
  ASSERT_EQ(out.size(), 37u);
  std::map<int, int> m(out.begin(), out.end());
  for (int k = 0; k < 37; ++k) EXPECT_EQ(m[k], 3000 / 37 + (k < 3000 % 37 ? 1 : 0));
}

TEST(ReduceByKey, OutputOrderIsDeterministic) {
  auto input = random_kvs(5000, 300, 2);
  auto ds = test_session->parallelize(input, 6).reduce_by_key(std::plus<>{});
  auto first = ds.collect();
  auto second = ds.collect();
  EXPECT_EQ(first, second);
}

TEST(ReduceByKey, TwoShufflesInOneJob) {
  auto input = random_kvs(10000, 200, 3);
  // Sum per key, then count keys per (sum % 10).
  auto out = test_session->parallelize(input, 4)
                 .reduce_by_key(std::plus<>{})
                 .map([](const KV& kv) {
                   return std::pair<long, long>{kv.second % 10, 1};
                 })
                 .reduce_by_key(std::plus<>{}, 3)
                 .collect();
  std::map<long, long> want;
  for (const auto& [k, sum] : reference(input)) want[sum % 10] += 1;
  std::map<long, long> got(out.begin(), out.end());
  EXPECT_EQ(got, want);
}

TEST(ReduceByKey, TinyExchangeRoundsGiveTheSameResult) {
  auto input = random_kvs(8000, 1000, 4);
  auto normal = test_session->parallelize(input, 6).reduce_by_key(std::plus<>{}).collect();
  test_session->config().shuffle_round_bytes = 13;  // forces hundreds of Alltoallv rounds
  auto tiny = test_session->parallelize(input, 6).reduce_by_key(std::plus<>{}).collect();
  test_session->config().shuffle_round_bytes = 0;
  EXPECT_EQ(tiny, normal);
  EXPECT_EQ(as_map(tiny), reference(input));
}

TEST(ReduceByKey, EmptyInput) {
  auto out = test_session->parallelize(std::vector<KV>{}, 3).reduce_by_key(std::plus<>{}).collect();
  EXPECT_TRUE(out.empty());
}

}  // namespace
