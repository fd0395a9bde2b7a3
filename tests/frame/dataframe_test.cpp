// DataFrames on the engine at every rank count: the seed's first example shown as Spark
// shows it, select / filter / with_column, count and collect the same on every rank, and a
// wrong name failing at the call with exit 64.
#include <gtest/gtest.h>

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

TEST(DataFrame, AWrongNameFailsAtTheCall) {
  try {
    people().filter(col("agee") > 1);
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
    EXPECT_STREQ(e.what(), "cannot resolve column 'agee'; did you mean 'age'?");
  }
}

}  // namespace
