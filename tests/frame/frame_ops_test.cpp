// Frame-level operations at every rank count: limit after order_by (the top n), distinct and
// drop_duplicates, unions by position and by name (and their exit-64 cases), repartition and
// coalesce, to_df, first / is_empty, cache computing once, and explain's text.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "session_fixture.hpp"

namespace {

using dataflow::DataFrame;
using dataflow::functions::col;
using Rows = std::vector<std::string>;

Rows sorted(const DataFrame& df) {
  Rows out;
  for (const auto& r : df.collect()) out.push_back(r.to_string());
  std::sort(out.begin(), out.end());
  return out;
}

Rows in_order(const DataFrame& df) {
  Rows out;
  for (const auto& r : df.collect()) out.push_back(r.to_string());
  return out;
}

template <class F>
std::string usage_error(F f) {
  try {
    f();
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected an Error";
  return "";
}

DataFrame numbers(int n, int slices) {
  std::vector<std::tuple<std::int64_t, std::string>> data;
  for (int i = 0; i < n; ++i)
    data.emplace_back((static_cast<std::int64_t>(i) * 7919) % 10007, "s" + std::to_string(i % 13));
  return test_session->create_data_frame(data, {"v", "s"}, slices);
}

TEST(Limit, AfterOrderByIsTheTopN) {
  const DataFrame df = numbers(5000, 4);
  std::vector<std::int64_t> all;
  for (int i = 0; i < 5000; ++i) all.push_back((static_cast<std::int64_t>(i) * 7919) % 10007);
  std::sort(all.rbegin(), all.rend());
  for (std::int64_t n : {0, 1, 7, 2048, 2500, 6000}) {
    const auto rows = df.order_by(col("v").desc()).limit(n).collect();
    ASSERT_EQ(rows.size(), static_cast<std::size_t>(std::min<std::int64_t>(n, 5000))) << n;
    for (std::size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(rows[i].get<std::int64_t>("v"), all[i]) << n << " " << i;
  }
  EXPECT_EQ(df.limit(10).count(), 10);
  EXPECT_EQ(in_order(df.limit(3)), (Rows{"[0,s0]", "[7919,s1]", "[5831,s2]"}));  // the frame's own order
  EXPECT_TRUE(testing_support::same_on_all_ranks(in_order(df.order_by("v").limit(5))[4]));
  usage_error([&] { df.limit(-1); });
}

// Several partitions, a key with many duplicates and nulls: order_by(...).limit(n) is the
// top-N path (each partition's n first, one gather; no range sort), and its rows are the
// first n of the full sort (ties may come in another order, as in Spark).
TEST(Limit, AfterOrderByTakesTheTopNOfEachPartition) {
  std::vector<std::tuple<std::optional<std::int32_t>, std::int64_t, std::string>> data;
  for (int i = 0; i < 5000; ++i) {
    const std::optional<std::int32_t> k = i % 17 == 3 ? std::nullopt : std::optional<std::int32_t>(i * 31 % 97);
    data.emplace_back(k, i, "r" + std::to_string(i));
  }
  const DataFrame df = test_session->create_data_frame(data, {"k", "id", "s"}, 5);
  auto k_of = [](const dataflow::Row& r) { return r.to_string().substr(0, r.to_string().find(',')); };
  Rows input;  // by id
  for (const auto& r : df.order_by("id").collect()) input.push_back(r.to_string());
  ASSERT_EQ(input.size(), 5000U);
  for (const dataflow::Column& key : {col("k").asc_nulls_first(), col("k").asc_nulls_last(),
                                      col("k").desc_nulls_first(), col("k").desc_nulls_last()}) {
    const auto all = df.order_by(key).collect();
    const auto all_by_id = df.order_by({key, col("id").desc()}).collect();
    ASSERT_EQ(all.size(), 5000U);
    for (std::int64_t n : {0, 1, 7, 3000, 6000}) {
      const DataFrame top = df.order_by(key).limit(n);
      // The top-N path runs (explained before it ran, so no shuffle is reused): no range sort
      // in its stages, one gathering shuffle.
      const std::string plan = top.explain_string();
      EXPECT_EQ(plan.find("sort_by"), std::string::npos) << plan;
      EXPECT_NE(plan.find("partition_by"), std::string::npos) << plan;
      EXPECT_NE(plan.find("GlobalLimit " + std::to_string(n) + "\n+- Sort ["), std::string::npos) << plan;
      const std::size_t want = static_cast<std::size_t>(std::min<std::int64_t>(n, 5000));
      const auto rows = top.collect();
      ASSERT_EQ(rows.size(), want) << n;
      EXPECT_EQ(top.count(), static_cast<std::int64_t>(want)) << n;
      // The keys in order are the full sort's; each row is an input row, none twice.
      std::set<std::int64_t> ids;
      for (std::size_t i = 0; i < want; ++i) {
        ASSERT_EQ(k_of(rows[i]), k_of(all[i])) << n << " " << i;
        const std::int64_t id = rows[i].get<std::int64_t>("id");
        ASSERT_TRUE(ids.insert(id).second) << n << " " << id;
        ASSERT_EQ(rows[i].to_string(), input.at(static_cast<std::size_t>(id))) << n;
      }
      // With the id as a second key there are no ties: exactly the first n rows.
      const auto exact = df.order_by({key, col("id").desc()}).limit(n).collect();
      ASSERT_EQ(exact.size(), want) << n;
      for (std::size_t i = 0; i < want; ++i) ASSERT_EQ(exact[i].to_string(), all_by_id[i].to_string()) << n << " " << i;
    }
    EXPECT_NE(df.order_by(key).explain_string().find("sort_by"), std::string::npos);  // the full sort does
  }
}

TEST(Distinct, OneRowPerRowOrPerKey) {
  std::vector<std::tuple<std::optional<std::int32_t>, std::string>> data;
  for (int i = 0; i < 3000; ++i)
    data.emplace_back(i % 11 == 0 ? std::nullopt : std::optional<std::int32_t>(i % 5), "t" + std::to_string(i % 3));
  const DataFrame df = test_session->create_data_frame(data, {"k", "t"}, 4);
  // Pairs (i % 5, i % 3) cover all 15; null keys come with each t.
  EXPECT_EQ(df.distinct().count(), 15 + 3);
  EXPECT_EQ(df.drop_duplicates().count(), 18);
  const DataFrame by_k = df.drop_duplicates({"k"});
  EXPECT_EQ(by_k.count(), 6);
  Rows keys;
  for (const auto& r : by_k.collect())
    keys.push_back(r.is_null("k") ? "null" : std::to_string(r.get<std::int32_t>("k")));
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (Rows{"0", "1", "2", "3", "4", "null"}));
  EXPECT_EQ(sorted(df.select("t").distinct()), (Rows{"[t0]", "[t1]", "[t2]"}));
}

TEST(Union, ByPositionAndByName) {
  const DataFrame a = test_session->create_data_frame(
      std::vector<std::tuple<std::int32_t, std::string>>{{1, "x"}, {2, "y"}}, {"n", "s"});
  const DataFrame b = test_session->create_data_frame(
      std::vector<std::tuple<std::int64_t, std::string>>{{3, "z"}, {1, "x"}}, {"m", "s"}, 2);
  const DataFrame u = a.union_all(b);
  EXPECT_EQ(u.schema().tree_string(), "root\n |-- n: long (nullable = true)\n |-- s: string (nullable = true)\n");
  EXPECT_EQ(sorted(u), (Rows{"[1,x]", "[1,x]", "[2,y]", "[3,z]"}));
  EXPECT_EQ(sorted(a.union_(b).distinct()), (Rows{"[1,x]", "[2,y]", "[3,z]"}));
  const DataFrame c =
      test_session->create_data_frame(std::vector<std::tuple<std::string, double>>{{"w", 4.5}}, {"s", "n"});
  EXPECT_EQ(sorted(a.union_by_name(c)), (Rows{"[1.0,x]", "[2.0,y]", "[4.5,w]"}));
  EXPECT_EQ(sorted(a.union_by_name(b, true)), (Rows{"[1,x,null]", "[2,y,null]", "[null,x,1]", "[null,z,3]"}));
  EXPECT_EQ(a.union_by_name(b, true).columns(), (std::vector<std::string>{"n", "s", "m"}));
  EXPECT_NE(usage_error([&] { a.union_all(a.select("n")); }).find("2 and 1 columns"), std::string::npos);
  EXPECT_NE(usage_error([&] { a.union_all(c); }).find("column 1 is integer (n)"), std::string::npos);
  EXPECT_NE(usage_error([&] { a.union_by_name(b); }).find("cannot resolve column 'n'"), std::string::npos);
}

TEST(Partitions, RepartitionAndCoalesceKeepTheRows) {
  const DataFrame df = numbers(3000, 2);
  const Rows all = sorted(df);
  EXPECT_EQ(sorted(df.repartition(5)), all);
  EXPECT_EQ(sorted(df.repartition(3, col("s"))), all);
  EXPECT_EQ(sorted(df.repartition(4, "s", "v")), all);
  EXPECT_EQ(sorted(df.coalesce(1)), all);
  EXPECT_EQ(df.repartition(5).take(2500).size(), 2500u);
  usage_error([&] { df.repartition(0); });
}

TEST(ToDf, FromDatasets) {
  const auto pairs =
      test_session->parallelize(std::vector<std::pair<std::string, std::int64_t>>{{"a", 1}, {"b", 2}, {"a", 3}}, 2);
  const DataFrame words = pairs.to_df({"word", "count"});
  EXPECT_EQ(words.schema().tree_string(),
            "root\n |-- word: string (nullable = true)\n |-- count: long (nullable = true)\n");
  EXPECT_EQ(sorted(words), (Rows{"[a,1]", "[a,3]", "[b,2]"}));
  const DataFrame summed =
      dataflow::to_df(pairs.reduce_by_key([](std::int64_t x, std::int64_t y) { return x + y; }), {"word", "total"});
  EXPECT_EQ(sorted(summed), (Rows{"[a,4]", "[b,2]"}));
  const auto tuples = test_session->parallelize(
      std::vector<std::tuple<std::int32_t, double, std::string>>{{1, 0.5, "p"}, {2, 1.5, "q"}});
  EXPECT_EQ(sorted(tuples.to_df({"i", "x", "s"})), (Rows{"[1,0.5,p]", "[2,1.5,q]"}));
  const DataFrame ids = test_session->range(0, 5000).to_df({"id"});
  EXPECT_EQ(ids.count(), 5000);
  EXPECT_EQ(ids.schema()[0].type, dataflow::Type::kInt64);
  EXPECT_EQ(ids.order_by(col("id").desc()).first().get<std::int64_t>("id"), 4999);
  EXPECT_EQ(sorted(test_session->parallelize(std::vector<std::string>{"u", "v"}).to_df({"s"})), (Rows{"[u]", "[v]"}));
  EXPECT_NE(usage_error([&] { pairs.to_df({"one"}); }).find("1 names for 2 columns"), std::string::npos);
}

TEST(Actions, FirstAndIsEmpty) {
  const DataFrame df = numbers(100, 3);
  EXPECT_EQ(df.first().to_string(), "[0,s0]");
  EXPECT_FALSE(df.is_empty());
  const DataFrame none = df.filter(col("v") < 0);
  EXPECT_TRUE(none.is_empty());
  try {
    none.first();
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_STREQ(e.what(), "first of an empty DataFrame");
  }
}

// The frame of 0..3999 as (i % 10, i), counting the rows its map computes.
DataFrame counted(const dataflow::Accumulator<std::int64_t>& seen) {
  return test_session->range(0, 4000)
      .map([seen](std::int64_t i) {
        seen.add(1);
        return std::make_pair(i % 10, i);
      })
      .to_df({"k", "v"});
}

void expect_computed_once(const DataFrame& df, const dataflow::Accumulator<std::int64_t>& seen) {
  EXPECT_EQ(df.count(), 4000);
  EXPECT_EQ(seen.value(), 4000);
  EXPECT_EQ(df.filter(col("k") == 3).count(), 400);
  EXPECT_EQ(seen.value(), 4000) << "filter";
  EXPECT_EQ(df.limit(5).count(), 5);
  EXPECT_EQ(seen.value(), 4000);  // the later actions read the kept batches
  df.unpersist();
  EXPECT_EQ(df.count(), 4000);
  EXPECT_EQ(seen.value(), 8000);
}

// (Not under a tiny --executor-memory: memory-only blocks that do not fit are computed again,
// as Spark's.)
TEST(CacheMemoryOnly, ComputesOnce) {
  auto seen = test_session->accumulator<std::int64_t>("rows computed");
  const DataFrame df = counted(seen);
  const DataFrame same = df.cache();  // marks df itself
  expect_computed_once(df, seen);
  EXPECT_EQ(same.count(), 4000);
}

TEST(Cache, DiskOnlyComputesOnce) {
  auto seen = test_session->accumulator<std::int64_t>("rows computed");
  const DataFrame df = counted(seen);
  df.persist(dataflow::StorageLevel::kDiskOnly);
  expect_computed_once(df, seen);
}

TEST(Explain, SparkSectionsAndTree) {
  const DataFrame a =
      test_session->create_data_frame(std::vector<std::tuple<std::int32_t, std::string>>{{1, "x"}}, {"k", "s"});
  const DataFrame b =
      test_session->create_data_frame(std::vector<std::tuple<std::int32_t, double>>{{1, 0.5}}, {"k", "w"});
  const DataFrame q =
      a.join(b, "k", "left").union_all(a.join(b, a["k"] == b["k"]).select(a["k"], col("s"), col("w"))).limit(3);
  const std::string text = q.explain_string(true);
  const std::string tree =
      "GlobalLimit 3\n"
      "+- Union\n"
      "   :- Join UsingJoin(LeftOuter, [k])\n"
      "   :  :- LocalRelation [k, s]\n"
      "   :  +- LocalRelation [k, w]\n"
      "   +- Project [k, s, w]\n"
      "      +- Join Inner, (k = k)\n"
      "         :- LocalRelation [k, s]\n"
      "         +- LocalRelation [k, w]\n";
  EXPECT_EQ(text.substr(0, text.find("== DAG")),
            "== Parsed Logical Plan ==\n" + tree + "\n== Analyzed Logical Plan ==\n" + tree +
                "\n== Optimized Logical Plan ==\n" + tree + "\n== Physical Plan ==\n" + tree + "\n");
  // The engine's DAG and stages follow: the union's two joins shuffle, the limit gathers.
  const std::string stages = text.substr(text.find("== Stages ==\n"));
  EXPECT_NE(text.find("== Stages ==\n"), std::string::npos);
  EXPECT_NE(stages.find("(shuffle map)"), std::string::npos) << stages;
  EXPECT_NE(stages.find("(result)"), std::string::npos) << stages;
  const std::string simple = q.explain_string();
  EXPECT_EQ(simple.substr(0, simple.find("== DAG")), "== Physical Plan ==\n" + tree + "\n");
  const std::string semi = a.join(b, a["k"] == b["k"] && b["w"] > 0.1, "semi").explain_string();
  EXPECT_EQ(semi.substr(0, semi.find("== DAG")),
            "== Physical Plan ==\n"
            "Join LeftSemi, ((k = k) AND (w > 0.1))\n"
            ":- LocalRelation [k, s]\n"
            "+- LocalRelation [k, w]\n"
            "\n");
  EXPECT_NE(semi.find("cogroup"), std::string::npos) << semi;
}

}  // namespace
