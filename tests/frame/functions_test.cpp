// Scalar functions on a batch: SQL's nulls (null in, null out, except coalesce, is_null and
// when), Spark's edge cases (round HALF_UP, substring bounds, like's % and _, to_date of bad
// text), the result types, and the names Spark prints.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dataflow/error.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/expr/functions.hpp"
#include "frame/expr/parse_value.hpp"

namespace {

namespace F = dataflow::functions;
using dataflow::Schema;
using dataflow::Type;
using F::col;
using F::lit;
using namespace dataflow::frame;

const Schema kSchema({{"i", Type::kInt32, true},
                      {"l", Type::kInt64, true},
                      {"x", Type::kFloat64, true},
                      {"s", Type::kString, true},
                      {"t", Type::kString, true},
                      {"d", Type::kDate, true}});

// i: -7, 15, NULL, 0; l: 10, NULL, -25, 5; x: 2.5, -2.5, 0.125, NULL;
// s: "Hello", "world", NULL, ""; t: "1995-03-15", "15/03/1995", "bad", NULL;
// d: 1995-03-15, 2000-02-29, 1969-12-31, NULL
RecordBatch batch() {
  VectorBuilder i(Type::kInt32), l(Type::kInt64), x(Type::kFloat64), s(Type::kString), t(Type::kString), d(Type::kDate);
  i.append_int32(-7), i.append_int32(15), i.append_null(), i.append_int32(0);
  l.append_int64(10), l.append_null(), l.append_int64(-25), l.append_int64(5);
  x.append_float64(2.5), x.append_float64(-2.5), x.append_float64(0.125), x.append_null();
  s.append_string("Hello"), s.append_string("world"), s.append_null(), s.append_string("");
  t.append_string("1995-03-15"), t.append_string("15/03/1995"), t.append_string("bad"), t.append_null();
  d.append_int32(days_from_civil(1995, 3, 15)), d.append_int32(days_from_civil(2000, 2, 29)), d.append_int32(-1),
      d.append_null();
  RecordBatch r;
  r.rows = 4;
  for (VectorBuilder* v : {&i, &l, &x, &s, &t, &d}) r.columns.push_back(v->finish());
  return r;
}

using Cells = std::vector<std::string>;

Cells cells(const dataflow::Column& c) {
  const Vector v = evaluate(bind(c, kSchema), batch());
  Cells out;
  for (std::uint32_t r = 0; r < v.size; ++r) out.push_back(pretty_cell(v, r));
  return out;
}

Type type_of(const dataflow::Column& c) { return bind(c, kSchema).type; }

TEST(Functions, WhenOtherwiseAndWithout) {
  const auto grade = F::when(col("i") > 10, "big").when(col("i") < 0, "negative").otherwise("small");
  EXPECT_EQ(cells(grade), (Cells{"negative", "big", "small", "small"}));  // a null condition is not true
  EXPECT_EQ(cells(F::when(col("i") > 0, col("l"))), (Cells{"NULL", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(cells(F::when(col("i") < 0, col("l"))), (Cells{"10", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(type_of(F::when(col("i") > 0, col("i")).otherwise(col("x"))), Type::kFloat64);
  EXPECT_EQ(cells(F::when(col("i") > 0, col("i")).otherwise(col("x"))), (Cells{"2.5", "15.0", "0.125", "NULL"}));
  EXPECT_EQ(grade.name(), "CASE WHEN (i > 10) THEN big WHEN (i < 0) THEN negative ELSE small END");
  EXPECT_EQ(F::when(col("a") > 1, "x").otherwise("y").name(), "CASE WHEN (a > 1) THEN x ELSE y END");
  EXPECT_THROW(col("a").otherwise(1), dataflow::Error);
  EXPECT_THROW(F::when(col("a") > 1, 1).otherwise(2).otherwise(3), dataflow::Error);
}

TEST(Functions, CoalesceAndNullTests) {
  EXPECT_EQ(cells(F::coalesce(col("l"), col("i"), lit(99))), (Cells{"10", "15", "-25", "5"}));
  EXPECT_EQ(cells(F::coalesce(col("i"), lit(99))), (Cells{"-7", "15", "99", "0"}));
  EXPECT_EQ(cells(F::coalesce("s", "t")), (Cells{"Hello", "world", "bad", ""}));
  EXPECT_EQ(type_of(F::coalesce(col("i"), col("l"))), Type::kInt64);
  EXPECT_EQ(F::coalesce(col("a"), col("b")).name(), "coalesce(a, b)");
  EXPECT_EQ(cells(col("s").is_not_null()), (Cells{"true", "true", "false", "true"}));
}

TEST(Functions, MathWithSparksRounding) {
  EXPECT_EQ(cells(F::abs("i")), (Cells{"7", "15", "NULL", "0"}));
  EXPECT_EQ(cells(F::abs(col("x"))), (Cells{"2.5", "2.5", "0.125", "NULL"}));
  EXPECT_EQ(cells(F::round("x")), (Cells{"3.0", "-3.0", "0.0", "NULL"}));  // HALF_UP, away from zero
  EXPECT_EQ(cells(F::round("x", 2)), (Cells{"2.5", "-2.5", "0.13", "NULL"}));
  EXPECT_EQ(cells(F::round("l", -1)), (Cells{"10", "NULL", "-30", "10"}));
  EXPECT_EQ(type_of(F::round("i")), Type::kInt32);
  EXPECT_EQ(cells(F::floor("x")), (Cells{"2", "-3", "0", "NULL"}));
  EXPECT_EQ(cells(F::ceil("x")), (Cells{"3", "-2", "1", "NULL"}));
  EXPECT_EQ(type_of(F::floor("x")), Type::kInt64);
  EXPECT_EQ(cells(F::sqrt(col("l"))), (Cells{"3.1622776601683795", "NULL", "NaN", "2.23606797749979"}));
  EXPECT_EQ(round_half_up(1.005, 2), 1.01);  // Spark rounds the decimal digits Java prints
  EXPECT_EQ(round_half_up(0.5, 0), 1.0);
  EXPECT_EQ(round_half_up(-0.5, 0), -1.0);
  EXPECT_EQ(round_half_up(9.995, 2), 10.0);
  EXPECT_EQ(round_half_up(1234.5, -2), 1200.0);
  EXPECT_EQ(round_half_up(1e300, 2), 1e300);
  EXPECT_EQ(F::round("x", 2).name(), "round(x, 2)");
  EXPECT_EQ(F::floor("x").name(), "FLOOR(x)");
  EXPECT_EQ(F::ceil("x").name(), "CEIL(x)");
  EXPECT_EQ(F::sqrt("x").name(), "SQRT(x)");
  EXPECT_EQ(F::abs("x").name(), "abs(x)");
  EXPECT_THROW(bind(F::abs("s"), kSchema), dataflow::Error);
}

TEST(Functions, Strings) {
  EXPECT_EQ(cells(F::upper("s")), (Cells{"HELLO", "WORLD", "NULL", ""}));
  EXPECT_EQ(cells(F::lower(col("s"))), (Cells{"hello", "world", "NULL", ""}));
  EXPECT_EQ(cells(F::length("s")), (Cells{"5", "5", "NULL", "0"}));
  EXPECT_EQ(type_of(F::length("s")), Type::kInt32);
  EXPECT_EQ(cells(F::substring("s", 1, 3)), (Cells{"Hel", "wor", "NULL", ""}));
  EXPECT_EQ(cells(F::substring("s", 0, 2)), (Cells{"He", "wo", "NULL", ""}));  // 0 is 1, as Spark
  EXPECT_EQ(cells(F::substring("s", -3, 2)), (Cells{"ll", "rl", "NULL", ""}));
  EXPECT_EQ(cells(F::substring("s", 4, 100)), (Cells{"lo", "ld", "NULL", ""}));
  EXPECT_EQ(cells(F::substring("s", 9, 2)), (Cells{"", "", "NULL", ""}));
  // From before the start: the characters from the start to pos + len (Spark's substringSQL).
  EXPECT_EQ(cells(F::substring("s", -7, 4)), (Cells{"He", "wo", "NULL", ""}));
  EXPECT_EQ(cells(F::substring("s", -9, 3)), (Cells{"", "", "NULL", ""}));
  EXPECT_EQ(cells(F::substring("s", 2, -1)), (Cells{"", "", "NULL", ""}));
  EXPECT_EQ(cells(col("s").substr(2, 3)), (Cells{"ell", "orl", "NULL", ""}));
  EXPECT_EQ(cells(F::concat(col("s"), lit("-"), col("i"))), (Cells{"Hello--7", "world-15", "NULL", "-0"}));
  EXPECT_EQ(cells(col("s").starts_with("He")), (Cells{"true", "false", "NULL", "false"}));
  EXPECT_EQ(cells(col("s").ends_with("ld")), (Cells{"false", "true", "NULL", "false"}));
  EXPECT_EQ(cells(col("s").contains("or")), (Cells{"false", "true", "NULL", "false"}));
  EXPECT_EQ(cells(col("s").like("_e%o")), (Cells{"true", "false", "NULL", "false"}));
  EXPECT_EQ(cells(col("s").like("%")), (Cells{"true", "true", "NULL", "true"}));
  EXPECT_EQ(cells(col("s").like("_")), (Cells{"false", "false", "NULL", "false"}));
  EXPECT_EQ(cells(col("s").like("w%d")), (Cells{"false", "true", "NULL", "false"}));
  EXPECT_EQ(F::upper("name").name(), "upper(name)");
  EXPECT_EQ(F::substring("s", 1, 3).name(), "substring(s, 1, 3)");
  EXPECT_EQ(col("s").substr(1, 3).name(), "substring(s, 1, 3)");
  EXPECT_EQ(F::concat("a", "b").name(), "concat(a, b)");
  EXPECT_EQ(F::length("s").name(), "length(s)");
}

TEST(Functions, IsIn) {
  EXPECT_EQ(cells(col("i").isin(15, 0)), (Cells{"false", "true", "NULL", "true"}));
  EXPECT_EQ(cells(col("i").isin({lit(15), col("l")})), (Cells{"false", "true", "NULL", "false"}));
  EXPECT_EQ(cells(col("s").isin("world", "x")), (Cells{"false", "true", "NULL", "false"}));
  // No match and a null in the list: null, as SQL.
  EXPECT_EQ(cells(col("i").isin({lit(3), col("l")})), (Cells{"false", "NULL", "NULL", "false"}));
  EXPECT_EQ(col("a").isin(1, 2, 3).name(), "(a IN (1, 2, 3))");
  // Spark's equality for IN (and join keys): NaN equals NaN, -0.0 equals 0.0.
  EXPECT_EQ(cells(F::sqrt(col("x") - 10).isin(F::sqrt(lit(-1.0)))), (Cells{"true", "true", "true", "NULL"}));
  EXPECT_EQ(cells((col("x") * 0).isin(lit(-0.0))), (Cells{"true", "true", "true", "NULL"}));
}

TEST(Functions, Dates) {
  EXPECT_EQ(cells(F::year("d")), (Cells{"1995", "2000", "1969", "NULL"}));
  EXPECT_EQ(cells(F::month("d")), (Cells{"3", "2", "12", "NULL"}));
  EXPECT_EQ(cells(F::dayofmonth("d")), (Cells{"15", "29", "31", "NULL"}));
  EXPECT_EQ(cells(F::to_date("t")), (Cells{"1995-03-15", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(cells(F::to_date("t", "dd/MM/yyyy")), (Cells{"NULL", "1995-03-15", "NULL", "NULL"}));
  EXPECT_EQ(type_of(F::to_date("t")), Type::kDate);
  EXPECT_EQ(cells(F::year(F::to_date("t"))), (Cells{"1995", "NULL", "NULL", "NULL"}));
  EXPECT_FALSE(parse_date("1995-02-29", "yyyy-MM-dd"));
  EXPECT_EQ(parse_date("1996-2-9", "yyyy-M-d"), days_from_civil(1996, 2, 9));
  EXPECT_FALSE(parse_date("1996-2-9x", "yyyy-M-d"));
  EXPECT_EQ(F::year("d").name(), "year(d)");
  EXPECT_EQ(F::dayofmonth("d").name(), "dayofmonth(d)");
  EXPECT_EQ(F::to_date("t").name(), "to_date(t)");
  EXPECT_EQ(F::to_date("t", "dd/MM/yyyy").name(), "to_date(t, dd/MM/yyyy)");
  EXPECT_THROW(bind(F::year("i"), kSchema), dataflow::Error);
}

TEST(Functions, AggregateNames) {
  EXPECT_EQ(F::sum("l_quantity").name(), "sum(l_quantity)");
  EXPECT_EQ(F::count("*").name(), "count(1)");
  EXPECT_EQ(F::count_distinct("x").name(), "count(DISTINCT x)");
  EXPECT_EQ(F::countDistinct(col("x"), "y").name(), "count(DISTINCT x, y)");
  EXPECT_EQ(F::first("x").name(), "first(x)");
  EXPECT_EQ(F::mean("x").name(), "avg(x)");
  EXPECT_EQ(F::max(col("x") + 1).name(), "max((x + 1))");
  // An aggregate where a row's value is wanted is a usage error.
  try {
    bind(F::sum("i") + 1, kSchema);
    ADD_FAILURE();
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
  }
}

}  // namespace
