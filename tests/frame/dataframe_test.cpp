// DataFrames on the engine at every rank count: the seed's first example shown as Spark
// shows it, select / filter / with_column, count and collect the same on every rank, and a
// wrong name failing at the call with exit 64.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "session_fixture.hpp"

namespace {

using dataflow::DataFrame;
using dataflow::functions::col;
using dataflow::functions::lit;

DataFrame people() {
  std::vector<std::tuple<std::string, std::int64_t>> data{{"Alice", 25}, {"Bob", 30}};
  return test_session->create_data_frame(data, {"name", "age"});
}

TEST(DataFrame, SeedExampleShowsAsSpark) {
  EXPECT_EQ(people().show_string(),
            "+-----+---+\n"
            "| name|age|\n"
            "+-----+---+\n"
            "|Alice| 25|\n"
            "|  Bob| 30|\n"
            "+-----+---+\n");
  EXPECT_EQ(people().schema().tree_string(),
            "root\n"
            " |-- name: string (nullable = true)\n"
            " |-- age: long (nullable = true)\n");
}

TEST(DataFrame, SelectFilterWithColumn) {
  const DataFrame df = people().with_column("next", col("age") + 1).filter(col("age") > 26);
  EXPECT_EQ(df.columns(), (std::vector<std::string>{"name", "age", "next"}));
  EXPECT_EQ(df.count(), 1);
  const auto rows = df.select(col("name"), (col("next") * 2).alias("twice"), col("age") / 4).collect();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].to_string(), "[Bob,62,7.5]");
  EXPECT_EQ(rows[0].get<std::int64_t>("twice"), 62);
  EXPECT_EQ(rows[0].schema().names(), (std::vector<std::string>{"name", "twice", "(age / 4)"}));
  EXPECT_TRUE(testing_support::same_on_all_ranks(rows[0].to_string()));
}

TEST(DataFrame, ManyRowsAcrossPartitionsAndNulls) {
  std::vector<std::tuple<std::int32_t, std::optional<double>>> data;
  for (int i = 0; i < 10000; ++i) data.emplace_back(i, i % 7 == 0 ? std::nullopt : std::optional<double>(i * 0.5));
  const DataFrame df = test_session->create_data_frame(data, {"i", "x"}, 7);
  EXPECT_EQ(df.count(), 10000);
  EXPECT_EQ(df.filter(col("x").is_null()).count(), 1429);
  EXPECT_EQ(df.filter(col("x") > 4000.0).count(), 1713);  // i > 8000, less those divisible by 7
  const auto top = df.filter(col("i") >= 9998).collect();
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].to_string(), "[9998,4999.0]");
  EXPECT_EQ(df.show_string(2),
            "+---+----+\n"
            "|  i|   x|\n"
            "+---+----+\n"
            "|  0|NULL|\n"
            "|  1| 0.5|\n"
            "+---+----+\n"
            "only showing top 2 rows\n");
}

TEST(DataFrame, SeedGroupByExample) {
  EXPECT_EQ(people().group_by("name").agg({{"age", "sum"}}).order_by("name").show_string(),
            "+-----+--------+\n"
            "| name|sum(age)|\n"
            "+-----+--------+\n"
            "|Alice|      25|\n"
            "|  Bob|      30|\n"
            "+-----+--------+\n");
}

TEST(DataFrame, AggregatesSkipNullsAndNullKeysFormOneGroup) {
  std::vector<std::tuple<std::optional<std::int32_t>, std::optional<double>>> data;
  for (int i = 0; i < 9000; ++i) {
    data.emplace_back(i % 10 == 9 ? std::nullopt : std::optional<std::int32_t>(i % 3),
                      i % 7 == 0 ? std::nullopt : std::optional<double>(i));
  }
  using dataflow::functions::avg;
  using dataflow::functions::count;
  using dataflow::functions::max;
  using dataflow::functions::min;
  using dataflow::functions::sum;
  const DataFrame df = test_session->create_data_frame(data, {"k", "x"}, 5);
  const auto rows = df.group_by("k")
                        .agg(count("*"), count("x"), sum("x"), avg(col("x")).alias("mean"), min("x"), max("x"))
                        .order_by(col("k").desc())  // nulls last when descending
                        .collect();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].schema().names(),
            (std::vector<std::string>{"k", "count(1)", "count(x)", "sum(x)", "mean", "min(x)", "max(x)"}));
  for (std::size_t r = 0; r < 4; ++r) {
    // The expected figures, computed here.
    const bool null_key = r == 3;
    const int k = null_key ? -1 : 2 - static_cast<int>(r);
    std::int64_t n = 0, nx = 0;
    double total = 0, lo = 1e18, hi = -1;
    for (int i = 0; i < 9000; ++i) {
      if ((i % 10 == 9) != null_key || (!null_key && i % 3 != k)) continue;
      ++n;
      if (i % 7 == 0) continue;
      ++nx, total += i, lo = std::min<double>(lo, i), hi = std::max<double>(hi, i);
    }
    EXPECT_EQ(rows[r].is_null("k"), null_key);
    if (!null_key) {
      EXPECT_EQ(rows[r].get<std::int32_t>("k"), k);
    }
    EXPECT_EQ(rows[r].get<std::int64_t>("count(1)"), n);
    EXPECT_EQ(rows[r].get<std::int64_t>("count(x)"), nx);
    EXPECT_DOUBLE_EQ(rows[r].get<double>("sum(x)"), total);
    EXPECT_NEAR(rows[r].get<double>("mean"), total / static_cast<double>(nx), 1e-9 * total);
    EXPECT_EQ(rows[r].get<double>("min(x)"), lo);
    EXPECT_EQ(rows[r].get<double>("max(x)"), hi);
  }
  EXPECT_TRUE(testing_support::same_on_all_ranks(rows[0].to_string() + rows[3].to_string()));
  EXPECT_EQ(df.group_by("k").count().count(), 4);
}

TEST(DataFrame, OrderByIsATotalOrder) {
  std::vector<std::tuple<std::int64_t, std::string>> data;
  for (int i = 0; i < 3000; ++i) data.emplace_back((i * 7919) % 3001 - 1500, "s" + std::to_string(i % 13));
  const DataFrame df = test_session->create_data_frame(data, {"v", "s"}, 4);
  const auto rows = df.order_by(col("s"), col("v").desc()).collect();
  ASSERT_EQ(rows.size(), 3000u);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto a = std::make_pair(rows[i - 1].get<std::string>("s"), -rows[i - 1].get<std::int64_t>("v"));
    const auto b = std::make_pair(rows[i].get<std::string>("s"), -rows[i].get<std::int64_t>("v"));
    ASSERT_LE(a, b) << i;
  }
}

TEST(DataFrame, AWrongNameFailsAtTheCall) {
  try {
    people().filter(col("agee") > 1);
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
    EXPECT_STREQ(e.what(), "cannot resolve column 'agee'; did you mean 'age'?");
  }
}

// write().hdf5's mode and options are checked on every rank before any job or file: exit 64.
TEST(DataFrame, WriteHdf5RejectsBadModeAndOptions) {
  const std::string path = testing_support::shared_temp_path("bad-options.h5");
  auto expect_usage = [](const dataflow::DataFrameWriter& w, const std::string& path_, const std::string& words) {
    try {
      w.hdf5(path_, "/t");
      ADD_FAILURE() << "expected exit 64: " << words;
    } catch (const dataflow::JobError& e) {
      EXPECT_EQ(e.exit_code(), 64);
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  expect_usage(people().select("age").write().mode("append"), path, "mode append");
  expect_usage(people().select("age").write().option("compression", "zip"), path, "option compression is 'zip'");
  expect_usage(people().select("age").write().option("compression", "GZIP").option("compressionLevel", "0"), path,
               "option compressionLevel is '0' (1-9)");
  expect_usage(people().select("age").write().option("chunkRows", "-3"), path, "option chunkRows is '-3'");
  expect_usage(people().write(), path, "column \"name\" is a string");
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
