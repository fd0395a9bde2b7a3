// Joins and set operations at every rank count, against sequential nested-loop joins:
// duplicate keys on both sides, keys on one side only, an empty side, co-partitioned
// inputs (no new shuffle), cogroup, subtract_by_key, intersection, subtract.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "session_fixture.hpp"
#include "sorted.hpp"

namespace {

using L = std::pair<int, std::string>;
using R = std::pair<int, double>;

std::vector<L> left_rows(unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<L> v;
  for (int i = 0; i < 1500; ++i) v.emplace_back(static_cast<int>(rng() % 400), "l" + std::to_string(i));
  return v;
}
std::vector<R> right_rows(unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<R> v;
  for (int i = 0; i < 900; ++i) v.emplace_back(static_cast<int>(rng() % 600) + 200, i * 0.5);
  return v;
}

using Inner = std::pair<int, std::pair<std::string, double>>;
using LeftOuter = std::pair<int, std::pair<std::string, std::optional<double>>>;
using RightOuter = std::pair<int, std::pair<std::optional<std::string>, double>>;
using FullOuter = std::pair<int, std::pair<std::optional<std::string>, std::optional<double>>>;

struct Reference {
  std::vector<Inner> inner;
  std::vector<LeftOuter> left;
  std::vector<RightOuter> right;
  std::vector<FullOuter> full;
};

Reference nested_loops(const std::vector<L>& l, const std::vector<R>& r) {
  Reference ref;
  std::vector<bool> right_matched(r.size(), false);
  for (const auto& [k, v] : l) {
    bool matched = false;
    for (std::size_t j = 0; j < r.size(); ++j) {
      if (r[j].first != k) continue;
      matched = right_matched[j] = true;
      ref.inner.push_back({k, {v, r[j].second}});
      ref.left.push_back({k, {v, r[j].second}});
      ref.right.push_back({k, {v, r[j].second}});
      ref.full.push_back({k, {v, r[j].second}});
    }
    if (!matched) {
      ref.left.push_back({k, {v, std::nullopt}});
      ref.full.push_back({k, {v, std::nullopt}});
    }
  }
  for (std::size_t j = 0; j < r.size(); ++j) {
    if (right_matched[j]) continue;
    ref.right.push_back({r[j].first, {std::nullopt, r[j].second}});
    ref.full.push_back({r[j].first, {std::nullopt, r[j].second}});
  }
  return ref;
}

TEST(Join, AllFourKindsMatchNestedLoops) {
  auto l = left_rows(1);
  auto r = right_rows(2);
  auto ref = nested_loops(l, r);
  auto dl = test_session->parallelize(l, 5);
  auto dr = test_session->parallelize(r, 3);
  EXPECT_EQ(sorted(dl.join(dr, 4).collect()), sorted(ref.inner));
  EXPECT_EQ(sorted(dl.left_outer_join(dr).collect()), sorted(ref.left));
  EXPECT_EQ(sorted(dl.right_outer_join(dr, 7).collect()), sorted(ref.right));
  EXPECT_EQ(sorted(dl.full_outer_join(dr, 2).collect()), sorted(ref.full));
  // A rerun gives the same records in the same order.
  EXPECT_EQ(dl.join(dr, 4).collect(), dl.join(dr, 4).collect());
}

// A small right side (under DATAFLOW_BROADCAST_JOIN_THRESHOLD, 10M by default) goes whole to
// every executor and the left side is joined where its map tasks left it: the join then
// runs one task per left map task (5 here), not one per join partition (4), and gives the
// same records. With the threshold 0 it is a shuffle join of 4 partitions.
TEST(Join, SmallRightSideIsBroadcastAndTheLeftSideReadInPlace) {
  const char* threshold = std::getenv("DATAFLOW_BROADCAST_JOIN_THRESHOLD");
  const bool broadcast = !(threshold && std::string(threshold) == "0");
  auto l = left_rows(11);
  auto r = right_rows(12);
  auto ref = nested_loops(l, r);
  auto dl = test_session->parallelize(l, 5).filter([](const L&) { return true; });
  auto dr = test_session->parallelize(r, 3);
  auto tasks_of = [](auto d) {
    using X = typename decltype(d)::value_type;
    return d.map_partitions_with_index([](std::uint32_t p, std::vector<X>&) { return std::vector<std::uint32_t>{p}; })
        .collect()
        .size();
  };
  EXPECT_EQ(tasks_of(dl.join(dr, 4)), broadcast ? 5u : 4u);
  EXPECT_EQ(sorted(dl.join(dr, 4).collect()), sorted(ref.inner));
  EXPECT_EQ(sorted(dl.left_outer_join(dr, 4).collect()), sorted(ref.left));
  std::vector<L> unmatched;
  std::set<int> right_keys;
  for (auto& [k, w] : r) right_keys.insert(k);
  for (auto& kv : l)
    if (!right_keys.count(kv.first)) unmatched.push_back(kv);
  EXPECT_EQ(sorted(dl.subtract_by_key(dr, 4).collect()), sorted(unmatched));
  // Never for joins that need the right side's unmatched keys, nor for cogroup.
  EXPECT_EQ(tasks_of(dl.right_outer_join(dr, 4)), 4u);
  EXPECT_EQ(tasks_of(dl.full_outer_join(dr, 4)), 4u);
  EXPECT_EQ(tasks_of(dl.cogroup(dr, 4)), 4u);
  EXPECT_EQ(sorted(dl.right_outer_join(dr, 4).collect()), sorted(ref.right));
  // Deterministic: a rerun gives the same records in the same order.
  EXPECT_EQ(dl.join(dr, 4).collect(), dl.join(dr, 4).collect());
}

TEST(Join, EmptySideAndEmptyPartitions) {
  auto l = left_rows(3);
  auto dl = test_session->parallelize(l, 4);
  auto none = test_session->parallelize(std::vector<R>{}, 3);
  EXPECT_TRUE(dl.join(none).collect().empty());
  EXPECT_EQ(dl.left_outer_join(none).count(), l.size());
  EXPECT_TRUE(none.join(dl).collect().empty());
  auto tiny = test_session->parallelize(std::vector<R>{{l[0].first, 1.5}}, 11);
  auto got = dl.join(tiny, 13).collect();
  std::size_t expect = 0;
  for (auto& [k, v] : l) expect += k == l[0].first;
  EXPECT_EQ(got.size(), expect);
}

TEST(Join, CoPartitionedSidesNeedNoNewShuffle) {
  auto l = test_session->parallelize(left_rows(4), 5).map_values([](const std::string& s) { return s.size(); });
  auto a = l.reduce_by_key(std::plus<>{}, 6);
  auto b = test_session->parallelize(right_rows(5), 3).reduce_by_key(std::plus<>{}, 6);
  auto joined = a.join(b);
  // Two map stages (one per reduce_by_key) and the join's stage: no shuffle of its own.
  const std::string plan = joined.explain();
  EXPECT_EQ(plan.find("join (left side)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("join (right side)"), std::string::npos) << plan;
  auto av = a.collect();
  auto bv = b.collect();
  std::map<int, double> bm(bv.begin(), bv.end());
  std::vector<std::pair<int, std::pair<std::size_t, double>>> ref;
  for (auto& [k, v] : av)
    if (bm.count(k)) ref.push_back({k, {v, bm[k]}});
  EXPECT_EQ(sorted(joined.collect()), sorted(ref));
  EXPECT_EQ(joined.num_partitions(), 6);
}

// reduce_by_key's default count is known only once planned (the map side's partitions, as
// in PySpark); a join with it still shuffles only the other side, to as many partitions.
TEST(Join, ASideWithReduceByKeysDefaultPartitioningIsNotShuffledAgain) {
  auto a = test_session->parallelize(left_rows(9), 5)
               .map_values([](const std::string& s) { return static_cast<long>(s.size()); })
               .reduce_by_key(std::plus<>{});
  auto r = right_rows(10);
  auto b = test_session->parallelize(r, 3);
  for (bool a_left : {true, false}) {
    using J = std::pair<int, std::pair<long, double>>;
    dataflow::Dataset<J> joined = a_left ? dataflow::Dataset<J>(a.join(b))
                                         : dataflow::Dataset<J>(b.join(a).map_values([](const std::pair<double, long>& wv) {
                                             return std::pair<long, double>(wv.second, wv.first);
                                           }));
    const std::string plan = joined.explain();
    EXPECT_EQ(plan.find(a_left ? "join (left side)" : "join (right side)"), std::string::npos) << plan;
    EXPECT_NE(plan.find(a_left ? "join (right side)" : "join (left side)"), std::string::npos) << plan;
    EXPECT_EQ(joined.num_partitions(), a.num_partitions());
    std::multimap<int, double> bm(r.begin(), r.end());
    std::vector<std::pair<int, std::pair<long, double>>> ref;
    for (auto& [k, v] : a.collect()) {
      auto [lo, hi] = bm.equal_range(k);
      for (auto it = lo; it != hi; ++it) ref.push_back({k, {v, it->second}});
    }
    ASSERT_FALSE(ref.empty());
    EXPECT_EQ(sorted(joined.collect()), sorted(ref));
  }
  // Both sides with default partitionings of their own: the left one is kept.
  auto c = b.reduce_by_key(std::plus<>{});
  auto both = a.join(c);
  const std::string plan = both.explain();
  EXPECT_EQ(plan.find("join (left side)"), std::string::npos) << plan;
  EXPECT_EQ(both.count(), a.join(c, 4).count());
}

// The join's stage reads a's shuffle, which b's map stage has already moved to its
// executors in the same job, and b's new one: partition p of both must meet on one executor.
TEST(Join, CoPartitionedWithAShuffleAnEarlierStageExchanged) {
  auto a = test_session->parallelize(left_rows(8), 5)
               .map_values([](const std::string& s) { return static_cast<long>(s.size()); })
               .reduce_by_key(std::plus<>{}, 7);
  auto b = a.map([](const std::pair<int, long>& kv) { return std::pair<int, long>(kv.first / 2, kv.second); })
               .reduce_by_key(std::plus<>{}, 7);
  auto joined = a.join(b);
  const std::string plan = joined.explain();
  EXPECT_EQ(plan.find("join (left side)"), std::string::npos) << plan;
  auto av = a.collect();
  auto bv = b.collect();
  std::map<int, long> bm(bv.begin(), bv.end());
  std::vector<std::pair<int, std::pair<long, long>>> ref;
  for (auto& [k, v] : av)
    if (bm.count(k)) ref.push_back({k, {v, bm[k]}});
  ASSERT_FALSE(ref.empty());
  EXPECT_EQ(sorted(joined.collect()), sorted(ref));
}

TEST(Join, CogroupAndSubtractByKey) {
  auto l = left_rows(6);
  auto r = right_rows(7);
  auto groups = test_session->parallelize(l, 4).cogroup(test_session->parallelize(r, 2), 5).collect();
  std::map<int, std::pair<std::vector<std::string>, std::vector<double>>> ref;
  for (auto& [k, v] : l) ref[k].first.push_back(v);
  for (auto& [k, w] : r) ref[k].second.push_back(w);
  std::map<int, std::pair<std::vector<std::string>, std::vector<double>>> got(groups.begin(), groups.end());
  EXPECT_EQ(got.size(), groups.size()) << "a key twice";
  EXPECT_EQ(got, ref);

  auto sub = test_session->parallelize(l, 4).subtract_by_key(test_session->parallelize(r, 2)).collect();
  std::vector<L> ref_sub;
  for (auto& kv : l) {
    if (std::none_of(r.begin(), r.end(), [&](const R& x) { return x.first == kv.first; })) ref_sub.push_back(kv);
  }
  EXPECT_EQ(sorted(sub), sorted(ref_sub));
}

TEST(Join, IntersectionAndSubtract) {
  std::vector<int> a, b;
  for (int i = 0; i < 1000; ++i) a.push_back(i % 300);
  for (int i = 0; i < 500; ++i) b.push_back(i % 150 + 100);
  auto da = test_session->parallelize(a, 6);
  auto db = test_session->parallelize(b, 4);
  std::vector<int> ref_inter;
  for (int x = 100; x < 250; ++x) ref_inter.push_back(x);
  EXPECT_EQ(sorted(da.intersection(db).collect()), ref_inter);
  std::vector<int> ref_sub;
  for (int x : a)
    if (x < 100 || x >= 250) ref_sub.push_back(x);  // duplicates kept
  EXPECT_EQ(sorted(da.subtract(db, 3).collect()), sorted(ref_sub));
}

}  // namespace
