// Aggregation and sorting of DataFrames at every rank count: every aggregate with nulls
// against figures computed here, an aggregation without keys (also of an empty frame: one
// row, count 0, sum null), GroupedData's shortcuts, and order_by over rows that span
// several batches and partitions.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "session_fixture.hpp"

namespace {

namespace F = dataflow::functions;
using dataflow::DataFrame;
using dataflow::Date;
using dataflow::Type;
using F::col;

using Record = std::tuple<std::optional<std::string>, std::optional<std::int32_t>, std::int64_t, std::optional<double>,
                          std::optional<std::string>, std::optional<Date>>;

constexpr int kRows = 5000;

std::vector<Record> records() {
  std::vector<Record> out;
  for (int i = 0; i < kRows; ++i) {
    std::optional<std::string> k;
    if (i % 11 != 10) k = "k" + std::to_string(i % 4);
    std::optional<std::int32_t> n;
    if (i % 5 != 0) n = (i * 37) % 101 - 50;
    std::optional<double> x;
    if (i % 6 != 0) x = i * 0.25;
    std::optional<std::string> s;
    if (i % 9 != 0) s = "s" + std::to_string((i * 13) % 17);
    std::optional<Date> d;
    if (i % 8 != 0) d = Date{(i * 7) % 3000};
    out.emplace_back(k, n, std::int64_t{i} * 1000003, x, s, d);
  }
  return out;
}

DataFrame frame() { return test_session->create_data_frame(records(), {"k", "n", "l", "x", "s", "d"}, 7); }

struct Expected {
  std::int64_t rows = 0, n_count = 0, n_sum = 0, l_sum = 0;
  double x_sum = 0;
  std::int64_t x_count = 0;
  std::optional<std::int32_t> n_min, n_max;
  std::optional<std::string> s_min, s_max;
  std::optional<std::int32_t> d_min, d_max;
  std::set<std::string> s_distinct;
};

std::map<std::string, Expected> expected() {  // "" for the null key
  std::map<std::string, Expected> out;
  for (const auto& [k, n, l, x, s, d] : records()) {
    Expected& e = out[k.value_or("")];
    ++e.rows;
    e.l_sum += l;
    if (n) {
      ++e.n_count, e.n_sum += *n;
      e.n_min = std::min(e.n_min.value_or(*n), *n), e.n_max = std::max(e.n_max.value_or(*n), *n);
    }
    if (x) ++e.x_count, e.x_sum += *x;
    if (s) {
      e.s_distinct.insert(*s);
      e.s_min = std::min(e.s_min.value_or(*s), *s), e.s_max = std::max(e.s_max.value_or(*s), *s);
    }
    if (d)
      e.d_min = std::min(e.d_min.value_or(d->days), d->days), e.d_max = std::max(e.d_max.value_or(d->days), d->days);
  }
  return out;
}

TEST(Aggregate, EveryAggregateByKeyWithNulls) {
  const DataFrame out =
      frame().group_by("k").agg(F::count("*"), F::count("n"), F::sum("n"), F::sum("l"), F::sum("x"), F::avg("x"),
                                F::mean("n").alias("mean_n"), F::min("n"), F::max("n"), F::min("s"), F::max("s"),
                                F::min("d"), F::max("d"), F::count_distinct("s"), F::first("s"), F::min("x"));
  EXPECT_EQ(out.columns(), (std::vector<std::string>{"k", "count(1)", "count(n)", "sum(n)", "sum(l)", "sum(x)",
                                                     "avg(x)", "mean_n", "min(n)", "max(n)", "min(s)", "max(s)",
                                                     "min(d)", "max(d)", "count(DISTINCT s)", "first(s)", "min(x)"}));
  const auto& schema = out.schema();
  EXPECT_EQ(schema[schema.resolve("sum(n)")].type, Type::kInt64);  // sum of an int is a long
  EXPECT_EQ(schema[schema.resolve("sum(x)")].type, Type::kFloat64);
  EXPECT_EQ(schema[schema.resolve("avg(x)")].type, Type::kFloat64);
  EXPECT_EQ(schema[schema.resolve("count(1)")].type, Type::kInt64);
  EXPECT_EQ(schema[schema.resolve("min(n)")].type, Type::kInt32);
  EXPECT_EQ(schema[schema.resolve("max(d)")].type, Type::kDate);
  EXPECT_EQ(schema[schema.resolve("count(DISTINCT s)")].type, Type::kInt64);

  const auto rows = out.collect();
  const auto want = expected();
  ASSERT_EQ(rows.size(), want.size());  // k0..k3 and the null key
  std::set<std::string> seen;
  for (const auto& row : rows) {
    const std::string key = row.is_null("k") ? "" : row.get<std::string>("k");
    ASSERT_TRUE(want.count(key)) << key;
    seen.insert(key);
    const Expected& e = want.at(key);
    EXPECT_EQ(row.get<std::int64_t>("count(1)"), e.rows);
    EXPECT_EQ(row.get<std::int64_t>("count(n)"), e.n_count);
    EXPECT_EQ(row.get<std::int64_t>("sum(n)"), e.n_sum);
    EXPECT_EQ(row.get<std::int64_t>("sum(l)"), e.l_sum);
    EXPECT_DOUBLE_EQ(row.get<double>("sum(x)"), e.x_sum);
    EXPECT_DOUBLE_EQ(row.get<double>("avg(x)"), e.x_sum / static_cast<double>(e.x_count));
    EXPECT_DOUBLE_EQ(row.get<double>("mean_n"), static_cast<double>(e.n_sum) / static_cast<double>(e.n_count));
    EXPECT_EQ(row.get<std::int32_t>("min(n)"), *e.n_min);
    EXPECT_EQ(row.get<std::int32_t>("max(n)"), *e.n_max);
    EXPECT_EQ(row.get<std::string>("min(s)"), *e.s_min);
    EXPECT_EQ(row.get<std::string>("max(s)"), *e.s_max);
    EXPECT_EQ(row.get<Date>("min(d)").days, *e.d_min);
    EXPECT_EQ(row.get<Date>("max(d)").days, *e.d_max);
    EXPECT_EQ(row.get<std::int64_t>("count(DISTINCT s)"), static_cast<std::int64_t>(e.s_distinct.size()));
    // first: some non-null value of the group (which one depends on the partitioning).
    EXPECT_TRUE(e.s_distinct.count(row.get<std::string>("first(s)")));
  }
  EXPECT_EQ(seen.size(), want.size());
  std::string all;
  for (const auto& row : out.order_by("k").collect()) all += row.to_string();
  EXPECT_TRUE(testing_support::same_on_all_ranks(all));
}

TEST(Aggregate, AGroupOfNullsOnlyGivesNullsAndZeroCounts) {
  std::vector<std::tuple<std::string, std::optional<std::int64_t>, std::optional<std::string>>> data{
      {"a", std::nullopt, std::nullopt}, {"a", std::nullopt, std::nullopt}, {"b", 4, "x"}};
  const auto rows = test_session->create_data_frame(data, {"k", "v", "s"}, 2)
                        .group_by("k")
                        .agg(F::sum("v"), F::avg("v"), F::count("v"), F::count_distinct("s"), F::min("s"),
                             F::first("v"), F::count("*"))
                        .order_by("k")
                        .collect();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].to_string(), "[a,null,null,0,0,null,null,2]");
  EXPECT_EQ(rows[1].to_string(), "[b,4,4.0,1,1,x,4,1]");
}

TEST(Aggregate, WithoutKeys) {
  const auto want = expected();
  std::int64_t rows = 0, n_sum = 0;
  for (const auto& [k, e] : want) rows += e.rows, n_sum += e.n_sum;
  const auto all = frame().agg(F::count("*"), F::sum("n"), F::max("s")).collect();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].get<std::int64_t>("count(1)"), rows);
  EXPECT_EQ(all[0].get<std::int64_t>("sum(n)"), n_sum);
  EXPECT_EQ(all[0].get<std::string>("max(s)"), "s9");
  EXPECT_EQ(frame().group_by().agg(F::count_distinct("k")).collect()[0].get<std::int64_t>("count(DISTINCT k)"), 4);

  // Spark: an aggregation without keys of no rows is one row, count 0 and sum null.
  const DataFrame none = frame().filter(col("l") < 0);
  EXPECT_EQ(none.count(), 0);
  const auto empty = none.agg(F::count("*"), F::sum("n"), F::avg("x"), F::count_distinct("s"), F::min("d")).collect();
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].to_string(), "[0,null,null,0,null]");
  EXPECT_EQ(none.group_by("k").count().count(), 0);  // with keys: no groups, no rows
}

TEST(Aggregate, Shortcuts) {
  const auto sums = frame().group_by("k").sum("n", "x").order_by("k").collect();
  ASSERT_EQ(sums.size(), 5u);
  EXPECT_EQ(sums[0].schema().names(), (std::vector<std::string>{"k", "sum(n)", "sum(x)"}));
  const auto want = expected();
  EXPECT_TRUE(sums[0].is_null("k"));  // nulls first
  EXPECT_EQ(sums[0].get<std::int64_t>("sum(n)"), want.at("").n_sum);
  EXPECT_EQ(sums[1].get<std::int64_t>("sum(n)"), want.at("k0").n_sum);
  EXPECT_EQ(frame().group_by("k").avg("x").columns(), (std::vector<std::string>{"k", "avg(x)"}));
  EXPECT_EQ(frame().group_by("k").mean("x", "n").columns(), (std::vector<std::string>{"k", "avg(x)", "avg(n)"}));
  EXPECT_EQ(frame().group_by("k").min("n").columns(), (std::vector<std::string>{"k", "min(n)"}));
  const auto maxes = frame().group_by("k").max("n").order_by(col("k").desc()).collect();
  EXPECT_EQ(maxes[0].get<std::int32_t>("max(n)"), *want.at("k3").n_max);
  // No names: every numeric column, as Spark.
  EXPECT_EQ(frame().group_by("k").sum().columns(), (std::vector<std::string>{"k", "sum(n)", "sum(l)", "sum(x)"}));
  EXPECT_EQ(frame().group_by("k").count().columns(), (std::vector<std::string>{"k", "count"}));
  EXPECT_EQ(frame().group_by("k").agg({{"s", "first"}, {"n", "max"}}).columns(),
            (std::vector<std::string>{"k", "first(s)", "max(n)"}));
}

TEST(Aggregate, ShowsSparksNames) {
  std::vector<std::tuple<std::string, std::int64_t>> data{{"a", 1}, {"a", 2}, {"b", 2}, {"a", 2}};
  const DataFrame df = test_session->create_data_frame(data, {"k", "v"}, 3);
  EXPECT_EQ(df.group_by("k").agg(F::count_distinct("v"), F::sum(col("v") + 1)).order_by("k").show_string(),
            "+---+-----------------+------------+\n"
            "|  k|count(DISTINCT v)|sum((v + 1))|\n"
            "+---+-----------------+------------+\n"
            "|  a|                2|           8|\n"
            "|  b|                1|           3|\n"
            "+---+-----------------+------------+\n");
}

TEST(Aggregate, OrderBySpansBatchesAndPartitions) {
  std::vector<std::tuple<std::int64_t, std::optional<std::string>>> data;
  constexpr int kN = 9000;  // over four batches of 2048 rows
  for (int i = 0; i < kN; ++i) {
    std::optional<std::string> s;
    if (i % 97 != 0) s = "s" + std::to_string(i % 31);
    data.emplace_back((std::int64_t{i} * 7919) % 9001 - 4500, s);
  }
  const DataFrame df = test_session->create_data_frame(data, {"v", "s"}, 5);
  const DataFrame sorted = df.order_by(col("s").asc_nulls_last(), col("v").desc());
  EXPECT_EQ(sorted.count(), kN);
  const auto rows = sorted.collect();
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kN));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto key = [&](std::size_t r) {
      return std::make_tuple(rows[r].is_null("s"), rows[r].is_null("s") ? "" : rows[r].get<std::string>("s"),
                             -rows[r].get<std::int64_t>("v"));
    };
    ASSERT_LE(key(i - 1), key(i)) << i;
  }
  EXPECT_TRUE(rows.back().is_null("s"));
  // The sorted frame goes on: filter and aggregate it.
  EXPECT_EQ(sorted.filter(col("s").is_null()).count(), (kN + 96) / 97);
  const auto top = sorted.take(3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].to_string(), rows[0].to_string());
  EXPECT_TRUE(testing_support::same_on_all_ranks(rows[kN / 2].to_string() + top[2].to_string()));
}

// 30,000 groups of 40-byte keys, each in two partitions: under the tiny-memory runs (512K)
// the map side's groups outgrow a task's memory and go to the shuffle early (several
// partial states per key), and the reduce side's are merged slice by slice.
TEST(Aggregate, ManyGroupsBeyondTheTaskMemory) {
  const std::string pad(36, 'g');
  std::vector<std::tuple<std::string, std::int64_t>> rows;
  for (std::int64_t i = 0; i < 60000; ++i) rows.emplace_back(pad + std::to_string(i % 30000), i);
  const DataFrame df = test_session->create_data_frame(rows, {"k", "v"}, 4);
  const auto groups = df.group_by("k").agg(F::count("*").alias("n"), F::sum("v").alias("s"), F::min("v").alias("lo"));
  const auto totals = groups.agg(F::count("*"), F::sum("n"), F::sum("s"), F::min("n"), F::max("n")).collect();
  ASSERT_EQ(totals.size(), 1u);
  EXPECT_EQ(totals[0].get<std::int64_t>(0), 30000);
  EXPECT_EQ(totals[0].get<std::int64_t>(1), 60000);
  EXPECT_EQ(totals[0].get<std::int64_t>(2), std::int64_t{60000} * 59999 / 2);
  EXPECT_EQ(totals[0].get<std::int64_t>(3), 2);
  EXPECT_EQ(totals[0].get<std::int64_t>(4), 2);
  // Each group's rows: i and i + 30000.
  EXPECT_EQ(groups.filter(col("s") != col("lo") * 2 + 30000).count(), 0);
  EXPECT_EQ(groups.filter(col("k") == pad + "29999").select("s").collect().at(0).get<std::int64_t>(0), 29999 + 59999);
}

TEST(Aggregate, FunctionsInAFrame) {
  std::vector<std::tuple<std::string, std::optional<double>>> data{{"1995-03-15", 2.345}, {"bad", std::nullopt}};
  const auto rows = test_session->create_data_frame(data, {"t", "x"})
                        .select(F::year(F::to_date("t")), F::round("x", 2),
                                F::when(col("x").is_null(), "none").otherwise(F::upper("t")).alias("w"),
                                F::coalesce(col("x"), F::lit(0.0)))
                        .collect();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].schema().names(),
            (std::vector<std::string>{"year(to_date(t))", "round(x, 2)", "w", "coalesce(x, 0.0)"}));
  EXPECT_EQ(rows[0].to_string(), "[1995,2.35,1995-03-15,2.345]");
  EXPECT_EQ(rows[1].to_string(), "[null,null,none,0.0]");
}

}  // namespace
