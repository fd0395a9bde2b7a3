// CombineTable and key hashing: merging per key, first-insertion order, growth, collisions.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "dataflow/detail/combine_table.hpp"
#include "dataflow/detail/hash.hpp"

namespace dataflow::detail {
namespace {

auto sum = [](std::int64_t a, std::int64_t b) { return a + b; };
using Sum = decltype(sum);

template <class K, class V>
std::vector<std::pair<K, V>> contents(const CombineTable<K, V>& t) {
  std::vector<std::pair<K, V>> out;
  for (const auto& e : t.entries()) out.push_back(e.kv);
  return out;
}

TEST(CombineTableTest, MergesValuesPerKey) {
  CombineTable<std::string, std::int64_t> t;
  Sum f = sum;
  for (auto [k, v] : std::vector<std::pair<std::string, std::int64_t>>{
           {"a", 1}, {"b", 2}, {"a", 3}, {"c", 4}, {"b", 10}, {"a", 100}}) {
    t.add(hash_key(k), k, v, f);
  }
  EXPECT_EQ(t.size(), 3u);
  using KV = std::pair<std::string, std::int64_t>;
  EXPECT_EQ(contents(t), (std::vector<KV>{{"a", 104}, {"b", 12}, {"c", 4}}));
  for (const auto& e : t.entries()) EXPECT_EQ(e.hash, hash_key(e.kv.first));
}

TEST(CombineTableTest, CombineSeesOldValueThenNewValue) {
  CombineTable<std::string, std::string> t;
  auto concat = [](std::string a, std::string b) { return a + "|" + b; };
  for (const char* v : {"1", "2", "3"}) t.add(hash_key(std::string("k")), std::string("k"), std::string(v), concat);
  t.add(hash_key(std::string("j")), std::string("j"), std::string("x"), concat);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.entries()[0].kv.second, "1|2|3");
  EXPECT_EQ(t.entries()[1].kv.second, "x");
}

TEST(CombineTableTest, StringViewKeysAreCopiedIn) {
  CombineTable<std::string, std::int64_t> t;
  Sum f = sum;
  {
    std::string buffer = "transient";
    std::string_view view(buffer);
    t.add(hash_key(view), view, std::int64_t{1}, f);
    buffer.assign("XXXXXXXXX");  // the table must own its copy
    t.add(hash_key(std::string_view("transient")), std::string_view("transient"), std::int64_t{2}, f);
  }
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.entries()[0].kv.first, "transient");
  EXPECT_EQ(t.entries()[0].kv.second, 3);
}

TEST(CombineTableTest, KeepsFirstInsertionOrder) {
  CombineTable<std::int64_t, std::int64_t> t;
  Sum f = sum;
  std::vector<std::int64_t> keys = {50, 3, 99, -7, 3, 1000000, 50, 0, -7};
  for (auto k : keys) t.add(hash_key(k), k, std::int64_t{1}, f);
  using KV = std::pair<std::int64_t, std::int64_t>;
  EXPECT_EQ(contents(t), (std::vector<KV>{{50, 2}, {3, 2}, {99, 1}, {-7, 2}, {1000000, 1}, {0, 1}}));
}

TEST(CombineTableTest, GrowsPastManyKeysAndMatchesAMap) {
  // 110000 distinct keys, each added twice: first in a scrambled order (7919 is coprime to
  // 110000), then again in another; values are random.
  constexpr std::size_t kKeys = 110000;
  std::vector<std::string> names(kKeys);
  for (std::size_t k = 0; k < kKeys; ++k) names[k] = "key-" + std::to_string(k);
  std::mt19937_64 rng(2024);
  CombineTable<std::string, std::int64_t> t;
  Sum f = sum;
  std::map<std::string, std::int64_t> want;
  std::vector<std::string> first_seen;
  std::unordered_set<std::size_t> seen;
  for (std::size_t i = 0; i < 2 * kKeys; ++i) {
    const std::size_t k = i < kKeys ? (i * 7919) % kKeys : (i * 104729 + 17) % kKeys;
    const std::string& key = names[k];
    const std::int64_t value = static_cast<std::int64_t>(rng() % 1000) - 500;
    t.add(hash_key(key), key, value, f);
    want[key] += value;
    if (seen.insert(k).second) first_seen.push_back(key);
  }
  ASSERT_EQ(want.size(), kKeys);
  ASSERT_EQ(t.size(), want.size());
  ASSERT_EQ(t.entries().size(), first_seen.size());
  for (std::size_t i = 0; i < first_seen.size(); ++i) {
    const auto& e = t.entries()[i];
    ASSERT_EQ(e.kv.first, first_seen[i]) << "entry " << i;
    ASSERT_EQ(e.kv.second, want[e.kv.first]) << e.kv.first;
    ASSERT_EQ(e.hash, hash_key(e.kv.first));
  }
}

TEST(CombineTableTest, IntegerKeysGrowth) {
  CombineTable<std::uint64_t, std::int64_t> t;
  Sum f = sum;
  // Sequential keys, then all of them again: every key ends with 2.
  for (int round = 0; round < 2; ++round) {
    for (std::uint64_t k = 0; k < 120000; ++k) t.add(hash_key(k), k, std::int64_t{1}, f);
  }
  ASSERT_EQ(t.size(), 120000u);
  for (std::uint64_t k = 0; k < 120000; ++k) {
    ASSERT_EQ(t.entries()[k].kv.first, k);
    ASSERT_EQ(t.entries()[k].kv.second, 2);
  }
}

TEST(CombineTableTest, FullHashCollisionsKeepKeysApart) {
  // Every key has the same hash: the table must still compare keys.
  CombineTable<std::string, std::int64_t> t;
  Sum f = sum;
  const std::uint64_t h = 0x1234567890abcdefull;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 1500; ++i) t.add(h, "key" + std::to_string(i), std::int64_t{i}, f);
  }
  ASSERT_EQ(t.size(), 1500u);
  for (int i = 0; i < 1500; ++i) {
    EXPECT_EQ(t.entries()[static_cast<std::size_t>(i)].kv.first, "key" + std::to_string(i));
    EXPECT_EQ(t.entries()[static_cast<std::size_t>(i)].kv.second, 3 * i);
  }
}

TEST(CombineTableTest, SameLowBitsOrSameTagOnly) {
  CombineTable<std::int64_t, std::int64_t> t;
  Sum f = sum;
  // Keys 0..2999: hashes share their low 32 bits (same start slot) but differ in the tag,
  // then keys 3000..5999 share the tag and differ in the low bits.
  for (int round = 0; round < 2; ++round) {
    for (std::int64_t k = 0; k < 3000; ++k) {
      t.add((static_cast<std::uint64_t>(k + 1) << 32) | 0x55u, k, std::int64_t{1}, f);
      t.add((std::uint64_t{7} << 32) | static_cast<std::uint64_t>(k * 2654435761u % 4294967296u), k + 3000,
            std::int64_t{1}, f);
    }
  }
  ASSERT_EQ(t.size(), 6000u);
  for (const auto& e : t.entries()) EXPECT_EQ(e.kv.second, 2) << e.kv.first;
}

TEST(CombineTableTest, HashZeroAndAllOnes) {
  CombineTable<std::int64_t, std::int64_t> t;
  Sum f = sum;
  t.add(0, std::int64_t{1}, std::int64_t{5}, f);
  t.add(~std::uint64_t{0}, std::int64_t{2}, std::int64_t{6}, f);
  t.add(0, std::int64_t{1}, std::int64_t{5}, f);
  t.add(~std::uint64_t{0}, std::int64_t{2}, std::int64_t{6}, f);
  using KV = std::pair<std::int64_t, std::int64_t>;
  EXPECT_EQ(contents(t), (std::vector<KV>{{1, 10}, {2, 12}}));
}

// ----- hashing ----------------------------------------------------------------------------

TEST(HashTest, StringAndStringViewHashAlike) {
  for (const std::string& s : {std::string(), std::string("a"), std::string("hello world"),
                               std::string("nul\0inside", 10), std::string(1000, 'x')}) {
    EXPECT_EQ(hash_key(s), hash_key(std::string_view(s))) << s;
    EXPECT_EQ(hash_key(s), hash_key(std::string(s)));  // a copy hashes alike
  }
  // A view into a larger buffer hashes its bytes only.
  std::string buffer = "xxhelloyy";
  EXPECT_EQ(hash_key(std::string_view(buffer).substr(2, 5)), hash_key(std::string("hello")));
}

TEST(HashTest, HashDependsOnAllBytes) {
  EXPECT_NE(hash_key(std::string("a")), hash_key(std::string("b")));
  EXPECT_NE(hash_key(std::string("ab")), hash_key(std::string("ba")));
  EXPECT_NE(hash_key(std::string("a")), hash_key(std::string("a\0", 2)));
  EXPECT_NE(hash_key(std::string()), hash_key(std::string("\0", 1)));
  EXPECT_NE(hash_key(std::int64_t{1}), hash_key(std::int64_t{2}));
}

TEST(HashTest, IntegerAndPairHashes) {
  EXPECT_EQ(hash_key(std::int64_t{42}), mix64(42));
  EXPECT_EQ(hash_key(std::uint32_t{42}), mix64(42));
  EXPECT_EQ(hash_key(std::int64_t{-1}), mix64(~std::uint64_t{0}));
  using P = std::pair<std::string, std::int64_t>;
  EXPECT_EQ(hash_key(P{"k", 1}), hash_key(P{"k", 1}));
  EXPECT_NE(hash_key(P{"k", 1}), hash_key(P{"k", 2}));
  EXPECT_EQ(hash_key(P{"k", 1}), (hash_key(std::pair<std::string_view, std::int64_t>{"k", 1})));
}

TEST(HashTest, PartitionOfIsInRangeAndUsesHighBits) {
  std::mt19937_64 rng(5);
  for (std::uint32_t n : {1u, 2u, 3u, 7u, 64u, 1000u, 65536u}) {
    std::vector<int> hits(n, 0);
    for (int i = 0; i < 20000; ++i) {
      std::uint32_t p = partition_of(rng(), n);
      ASSERT_LT(p, n);
      ++hits[p];
    }
    if (n <= 64) {
      for (std::uint32_t p = 0; p < n; ++p) EXPECT_GT(hits[p], 0) << "partition " << p << " of " << n;
    }
    EXPECT_EQ(partition_of(0, n), 0u);
    EXPECT_EQ(partition_of(~std::uint64_t{0}, n), n - 1);
    EXPECT_EQ(partition_of(0xffffffffull, n), 0u);  // the low bits do not matter
  }
}

}  // namespace
}  // namespace dataflow::detail
