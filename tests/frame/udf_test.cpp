// F::udf at every rank count: a lambda over columns in select, filter and an aggregate's
// input, the same answers as the expression it stands for; nulls (no call for a plain
// parameter, std::optional in and out); strings, dates and bools; numbers cast to the
// parameter's type; the wrong number or type of arguments failing at the call with exit 64.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "session_fixture.hpp"

namespace {

using dataflow::DataFrame;
using dataflow::Error;
using dataflow::ExitCode;
namespace F = dataflow::functions;
using F::col;

DataFrame numbers() {
  std::vector<std::tuple<std::int64_t, std::optional<double>, std::string>> data;
  for (std::int64_t i = 0; i < 5000; ++i) {
    data.emplace_back(i, i % 10 == 0 ? std::nullopt : std::optional<double>(i * 0.25), "s" + std::to_string(i % 7));
  }
  return test_session->create_data_frame(data, {"i", "x", "s"}, 6);
}

std::vector<std::string> texts(const DataFrame& df) {
  std::vector<std::string> out;
  for (const auto& row : df.order_by("i").collect()) out.push_back(row.to_string());
  return out;
}

TEST(Udf, EqualsTheExpressionItStandsFor) {
  const auto scale = F::udf([](std::int64_t i, double x) { return static_cast<double>(i) * 2 + x; }, "scale");
  const DataFrame df = numbers();
  const auto by_udf = texts(df.select(col("i"), scale(col("i"), "x").alias("y")));
  const auto by_expr = texts(df.select(col("i"), (col("i") * 2 + col("x")).alias("y")));
  EXPECT_EQ(by_udf, by_expr);  // a null x is a null y both ways
  EXPECT_EQ(by_udf.size(), 5000u);
  EXPECT_EQ(by_udf[0], "[0,null]");
  EXPECT_EQ(by_udf[3], "[3,6.75]");
  EXPECT_TRUE(testing_support::same_on_all_ranks(by_udf.back()));
}

TEST(Udf, NamedInSchemaAndUsableInFilterAndAggregates) {
  const auto odd = F::udf([](std::int64_t i) { return i % 2 == 1; }, "odd");
  const DataFrame df = numbers();
  EXPECT_EQ(df.select(odd(col("i"))).columns(), (std::vector<std::string>{"odd(i)"}));
  EXPECT_EQ(df.select(F::udf([](std::int64_t i) { return i; })("i")).columns(), (std::vector<std::string>{"udf(i)"}));
  EXPECT_EQ(df.filter(odd(col("i"))).count(), 2500);
  const auto square = F::udf([](std::int64_t i) { return i * i; });
  const auto rows = df.group_by("s").agg(F::sum(square(col("i"))).alias("sq")).order_by("s").collect();
  ASSERT_EQ(rows.size(), 7u);
  std::int64_t expected = 0;  // s0: i = 0, 7, 14, ...
  for (std::int64_t i = 0; i < 5000; i += 7) expected += i * i;
  EXPECT_EQ(rows[0].get<std::int64_t>("sq"), expected);
}

TEST(Udf, NullsOptionalsStringsDatesAndBools) {
  // An optional parameter sees the nulls; an optional result makes them.
  const auto or_minus = F::udf([](std::optional<double> x) { return x ? *x : -1.0; });
  const auto positive =
      F::udf([](std::int64_t i) { return i % 3 == 0 ? std::nullopt : std::optional<std::int64_t>(i); });
  const auto shout = F::udf([](std::string_view s, bool loud) { return std::string(s) + (loud ? "!" : "."); });
  const auto next_day = F::udf([](dataflow::Date d) { return dataflow::Date{d.days + 1}; });
  const DataFrame df = numbers().filter(col("i") < 4);
  const auto rows =
      df.select(col("i"), or_minus("x").alias("a"), positive("i").alias("b"), shout(col("s"), col("i") > 1).alias("c"),
                next_day(F::to_date(F::lit("2024-02-28"))).alias("d"))
          .order_by("i")
          .collect();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].to_string(), "[0,-1.0,null,s0.,2024-02-29]");
  EXPECT_EQ(rows[1].to_string(), "[1,0.25,1,s1.,2024-02-29]");
  EXPECT_EQ(rows[2].to_string(), "[2,0.5,2,s2!,2024-02-29]");
  EXPECT_EQ(rows[3].to_string(), "[3,0.75,null,s3!,2024-02-29]");
}

TEST(Udf, NumbersAreCastToTheParameterType) {
  const auto half = F::udf([](double v) { return v / 2; });
  const auto rows = numbers().filter(col("i") == 5).select(half("i").alias("h"), half(F::lit(3)).alias("l")).collect();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].to_string(), "[2.5,1.5]");
}

TEST(Udf, StringResultsWithNullsAndTimestamps) {
  const auto tag = F::udf(
      [](std::int64_t i) { return i % 3 == 0 ? std::nullopt : std::optional<std::string>("t" + std::to_string(i)); });
  const auto later = F::udf([](dataflow::Timestamp t) { return dataflow::Timestamp{t.micros + 1500000}; });
  const auto rows = numbers()
                        .filter(col("i") < 5)
                        .select(col("i"), tag("i").alias("t"), later(F::lit(dataflow::Timestamp{0})).alias("ts"),
                                F::length(tag("i")).alias("n"))
                        .order_by("i")
                        .collect();
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].to_string(), "[0,null,1970-01-01 00:00:01.5,null]");
  EXPECT_EQ(rows[1].to_string(), "[1,t1,1970-01-01 00:00:01.5,2]");
  EXPECT_EQ(rows[3].to_string(), "[3,null,1970-01-01 00:00:01.5,null]");
  EXPECT_EQ(rows[4].to_string(), "[4,t4,1970-01-01 00:00:01.5,2]");
}

TEST(Udf, WrongArgumentsFailAtTheCallWithUsage) {
  const auto two = F::udf([](double a, double b) { return a + b; }, "two");
  const auto on_string = F::udf([](double a) { return a; }, "num");
  const DataFrame df = numbers();
  try {
    (void)df.select(two(col("x")));
    FAIL() << "one argument for two";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("two: the function takes 2 arguments, given 1"), std::string::npos)
        << e.what();
  }
  try {
    (void)df.select(on_string(col("s")));
    FAIL() << "a string for a double";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("num(s): argument 1, s, is a string where the function takes a double"),
              std::string::npos)
        << e.what();
  }
  const auto narrow = F::udf([](std::int32_t k) { return k; }, "narrow");
  try {
    (void)df.select(narrow(col("i")));  // a long may not fit: Spark refuses it too
    FAIL() << "a long for an int";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("is a long where the function takes an integer"), std::string::npos)
        << e.what();
  }
}

}  // namespace
