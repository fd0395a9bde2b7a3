// Columns: Spark's names for the expressions they build, literals on either side, and no
// conversion to bool.
#include <gtest/gtest.h>

#include <type_traits>

#include "dataflow/column.hpp"
#include "dataflow/error.hpp"

namespace {

using dataflow::Column;
using dataflow::functions::col;
using dataflow::functions::lit;

static_assert(!std::is_constructible_v<bool, Column>, "if (col(\"a\") == 3) must not compile");
static_assert(!std::is_convertible_v<Column, bool>);

TEST(Column, NamesAsSparkPrintsThem) {
  EXPECT_EQ(col("age").name(), "age");
  EXPECT_EQ((col("age") + 1).name(), "(age + 1)");
  EXPECT_EQ((1 - col("l_discount")).name(), "(1 - l_discount)");
  EXPECT_EQ((col("l_extendedprice") * (1 - col("l_discount"))).name(), "(l_extendedprice * (1 - l_discount))");
  EXPECT_EQ((col("age") > 30).name(), "(age > 30)");
  EXPECT_EQ((col("c_mktsegment") == "BUILDING").name(), "(c_mktsegment = BUILDING)");
  EXPECT_EQ((col("a") != 2).name(), "(NOT (a = 2))");
  EXPECT_EQ((col("a") > 1 && !col("b").is_null()).name(), "((a > 1) AND (NOT (b IS NULL)))");
  EXPECT_EQ((col("x") / 2.5).name(), "(x / 2.5)");
  EXPECT_EQ(lit(1e7).name(), "1.0E7");
  EXPECT_EQ(col("a").between(lit(1), lit(3)).name(), "((a >= 1) AND (a <= 3))");
  EXPECT_EQ(col("a").isin({lit(1), lit(2)}).name(), "(a IN (1, 2))");
  EXPECT_EQ(col("a").cast("double").name(), "CAST(a AS DOUBLE)");
  EXPECT_EQ((-col("a")).name(), "(- a)");
  EXPECT_EQ(col("a").desc().name(), "a DESC NULLS LAST");
  EXPECT_EQ(col("a").asc().name(), "a ASC NULLS FIRST");
  EXPECT_EQ((col("a") + 1).alias("b").name(), "b");
  EXPECT_EQ(col("a").isin(1, 2, 3).name(), "(a IN (1, 2, 3))");
  EXPECT_EQ(col("s").starts_with("He").name(), "startswith(s, He)");
  EXPECT_EQ(col("s").ends_with("ld").name(), "endswith(s, ld)");
  EXPECT_EQ(col("s").contains("or").name(), "contains(s, or)");
  EXPECT_EQ(col("s").like("a%").name(), "(s LIKE a%)");
  EXPECT_EQ(col("a").desc_nulls_first().name(), "a DESC NULLS FIRST");
  EXPECT_EQ(dataflow::functions::when(col("a") > 1, col("b")).name(), "CASE WHEN (a > 1) THEN b END");
}

TEST(Column, UnknownCastTypeIsAUsageError) {
  try {
    col("a").cast("decimal(10,2)");
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
    EXPECT_STREQ(e.what(), "cast: unknown type 'decimal(10,2)'");
  }
}

TEST(Column, LiteralsKeepTheirTypes) {
  EXPECT_TRUE(std::holds_alternative<std::int32_t>(lit(3).node()->value));
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(lit(std::int64_t{3}).node()->value));
  EXPECT_TRUE(std::holds_alternative<double>(lit(3.0).node()->value));
  EXPECT_TRUE(std::holds_alternative<bool>(lit(true).node()->value));
  EXPECT_TRUE(std::holds_alternative<std::string>(lit("x").node()->value));
}

}  // namespace
