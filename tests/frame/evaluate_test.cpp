// Expressions on a batch: SQL's null rules, Spark's coercion and names, Kleene logic, a date
// column compared with a string, casts, overflow, and the errors a wrong name or type gives.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dataflow/error.hpp"
#include "frame/expr/bound_expr.hpp"
#include "frame/expr/parse_value.hpp"

namespace {

using dataflow::Schema;
using dataflow::Type;
using dataflow::functions::col;
using dataflow::functions::lit;
using namespace dataflow::frame;

const Schema kSchema({{"a", Type::kInt32, true},
                      {"b", Type::kInt64, true},
                      {"x", Type::kFloat64, true},
                      {"s", Type::kString, true},
                      {"d", Type::kDate, true},
                      {"f", Type::kBool, true}});

// a: 1, 2, NULL, 4; b: 10, NULL, 30, 9223372036854775807; x: 0.5, 1.5, 2.5, NULL;
// s: "apple", "banana", NULL, ""; d: 1995-03-14, 1995-03-15, 1995-03-16, NULL; f: true, false, NULL, true
RecordBatch batch() {
  VectorBuilder a(Type::kInt32), b(Type::kInt64), x(Type::kFloat64), s(Type::kString), d(Type::kDate), f(Type::kBool);
  a.append_int32(1), a.append_int32(2), a.append_null(), a.append_int32(4);
  b.append_int64(10), b.append_null(), b.append_int64(30), b.append_int64(INT64_MAX);
  x.append_float64(0.5), x.append_float64(1.5), x.append_float64(2.5), x.append_null();
  s.append_string("apple"), s.append_string("banana"), s.append_null(), s.append_string("");
  const std::int32_t day = days_from_civil(1995, 3, 15);
  d.append_int32(day - 1), d.append_int32(day), d.append_int32(day + 1), d.append_null();
  f.append_bool(true), f.append_bool(false), f.append_null(), f.append_bool(true);
  RecordBatch r;
  r.rows = 4;
  for (VectorBuilder* v : {&a, &b, &x, &s, &d, &f}) r.columns.push_back(v->finish());
  return r;
}

std::vector<std::string> cells(const dataflow::Column& c) {
  const BoundExpr e = bind(c, kSchema);
  const Vector v = evaluate(e, batch());
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < v.size; ++i) out.push_back(pretty_cell(v, i));
  return out;
}

using Cells = std::vector<std::string>;

TEST(Evaluate, ArithmeticWidensAndNullsPropagate) {
  EXPECT_EQ(cells(col("a") + 1), (Cells{"2", "3", "NULL", "5"}));
  EXPECT_EQ(bind(col("a") + 1, kSchema).type, Type::kInt32);
  EXPECT_EQ(bind(col("a") + col("b"), kSchema).type, Type::kInt64);
  EXPECT_EQ(cells(col("a") * col("x")), (Cells{"0.5", "3.0", "NULL", "NULL"}));
  EXPECT_EQ(cells(col("a") / 2), (Cells{"0.5", "1.0", "NULL", "2.0"}));  // / is always double
  EXPECT_EQ(cells(col("a") / 0), (Cells{"NULL", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(cells(col("a") % 3), (Cells{"1", "2", "NULL", "1"}));
  EXPECT_EQ(cells(-col("x")), (Cells{"-0.5", "-1.5", "-2.5", "NULL"}));
  EXPECT_EQ(bind(col("a") + 1, kSchema).name, "(a + 1)");
}

TEST(Evaluate, DoublesWithoutNullsTakeTheDenseLoop) {
  const Schema schema({{"p", Type::kFloat64, false}, {"q", Type::kFloat64, false}});
  VectorBuilder p(Type::kFloat64), q(Type::kFloat64);
  for (int i = 0; i < 3000; ++i) p.append_float64(i * 0.5), q.append_float64(0.25);
  RecordBatch b;
  b.rows = 3000;
  b.columns = {p.finish(), q.finish()};
  const Vector v = evaluate(bind(col("p") * (1 - col("q")) + col("q") - 1, schema), b);
  ASSERT_EQ(v.size, 3000u);
  EXPECT_TRUE(v.validity.empty());
  for (std::uint32_t i = 0; i < v.size; ++i) ASSERT_DOUBLE_EQ(v.value<double>(i), i * 0.5 * 0.75 + 0.25 - 1) << i;
  EXPECT_EQ(cells(lit(1.5) * lit(2.0)), (Cells{"3.0", "3.0", "3.0", "3.0"}));
}

TEST(Evaluate, IntegerOverflowIsADataError) {
  try {
    cells(col("b") + 1);
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_NE(std::string(e.what()).find("integer overflow in (b + 1)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(cells(col("b").cast("double") + 1)[3], "9.223372036854776E18");
}

TEST(Evaluate, ComparisonsAndKleeneLogic) {
  EXPECT_EQ(cells(col("a") > 1), (Cells{"false", "true", "NULL", "true"}));
  EXPECT_EQ(cells(col("s") == "apple"), (Cells{"true", "false", "NULL", "false"}));
  EXPECT_EQ(cells(col("f") && col("a") > 1), (Cells{"false", "false", "NULL", "true"}));
  EXPECT_EQ(cells(col("f") || col("a") > 1), (Cells{"true", "true", "NULL", "true"}));
  // false AND null is false; true OR null is true.
  EXPECT_EQ(cells(col("a") > 5 && col("f")), (Cells{"false", "false", "NULL", "false"}));
  EXPECT_EQ(cells(col("a") < 5 || col("f")), (Cells{"true", "true", "NULL", "true"}));
  EXPECT_EQ(cells(!col("f")), (Cells{"false", "true", "NULL", "false"}));
  EXPECT_EQ(cells(col("a").is_null()), (Cells{"false", "false", "true", "false"}));
  EXPECT_EQ(cells(col("a") != 2), (Cells{"true", "false", "NULL", "true"}));
  EXPECT_EQ(cells(col("a").between(lit(2), lit(4))), (Cells{"false", "true", "NULL", "true"}));
  EXPECT_EQ(cells(col("s").like("%an%")), (Cells{"false", "true", "NULL", "false"}));
  EXPECT_EQ(cells(col("s").like("a_ple")), (Cells{"true", "false", "NULL", "false"}));
}

TEST(Evaluate, ADateComparesWithAStringAsADate) {
  EXPECT_EQ(cells(col("d") < "1995-03-15"), (Cells{"true", "false", "false", "NULL"}));
  EXPECT_EQ(cells(col("d") >= "1995-03-15"), (Cells{"false", "true", "true", "NULL"}));
  EXPECT_THROW(bind(col("d") < "15/03/1995", kSchema), dataflow::Error);
}

TEST(Evaluate, CastsAsSparkWithoutAnsi) {
  EXPECT_EQ(cells(col("x").cast("int")), (Cells{"0", "1", "2", "NULL"}));
  EXPECT_EQ(cells(col("a").cast("string")), (Cells{"1", "2", "NULL", "4"}));
  EXPECT_EQ(cells(col("s").cast("int")), (Cells{"NULL", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(cells(lit("42").cast("long") + col("a")), (Cells{"43", "44", "NULL", "46"}));
  EXPECT_EQ(cells(col("d").cast("string")), (Cells{"1995-03-14", "1995-03-15", "1995-03-16", "NULL"}));
}

TEST(Evaluate, FilterKeepsOnlyTrueRows) {
  EXPECT_EQ(select_true(bind(col("a") >= 2, kSchema), batch()), (std::vector<std::uint32_t>{1, 3}));
  EXPECT_THROW(select_true(bind(col("a") + 1, kSchema), batch()), dataflow::Error);
}

// The rows where the whole predicate, evaluated as a column, is true.
std::vector<std::uint32_t> true_rows(const dataflow::Column& c) {
  const Vector v = evaluate(bind(c, kSchema), batch());
  std::vector<std::uint32_t> rows;
  for (std::uint32_t i = 0; i < v.size; ++i) {
    if (v.valid(i) && v.value<std::uint8_t>(i) != 0) rows.push_back(i);
  }
  return rows;
}

// A filter narrows a selection term by term, a column compared with a constant in one pass
// over the rows left (either side, each type, each operator, a constant of another type
// cast, a null constant): the same rows as evaluating the predicate over the whole batch.
TEST(Evaluate, SelectionByTermsEqualsThePredicate) {
  using C = dataflow::Column;
  const std::vector<C> columns = {col("a"), col("b"), col("x"), col("s"), col("d"), col("f")};
  const std::vector<C> constants = {lit(2),        lit(std::int64_t{30}), lit(1.5),
                                    lit("banana"), lit("1995-03-15"),     lit(true)};
  std::size_t narrowed = 0;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const C& c = columns[i];
    const C& k = constants[i];
    for (const C& p : {c == k, c<k, c <= k, c> k, c >= k, k == c, k<c, k <= c, k> c, k >= c}) {
      EXPECT_EQ(select_true(bind(p, kSchema), batch()), true_rows(p)) << p.name();
      narrowed += !true_rows(p).empty();
    }
  }
  EXPECT_GT(narrowed, 20u);  // the cases select rows, not only none
  const C null_int = lit(2).cast("int") + col("a") * lit(0) - col("a") * lit(0);  // not constant: evaluated
  for (const C& p : {col("a") > lit(1) && col("s") != "", col("a") > lit(1) && (col("b") < 20 || col("f")),
                     col("x") < 3.0 && col("d") > "1995-03-14" && col("s") >= "b", col("a") == null_int,
                     col("a").cast("long") > col("b") - 9, col("a") > lit(1) && col("a") < lit(1)}) {
    EXPECT_EQ(select_true(bind(p, kSchema), batch()), true_rows(p)) << p.name();
  }
  const C null_constant = col("a") > lit("x").cast("int");  // a null constant: no row
  EXPECT_EQ(select_true(bind(null_constant, kSchema), batch()), (std::vector<std::uint32_t>{}));
  EXPECT_EQ(true_rows(null_constant), (std::vector<std::uint32_t>{}));
}

TEST(Evaluate, WrongNamesAndTypesAreUsageErrors) {
  try {
    bind(col("aa") + 1, kSchema);
    ADD_FAILURE();
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
    EXPECT_STREQ(e.what(), "cannot resolve column 'aa'; did you mean 'a'?");
  }
  try {
    bind(col("s") + 1, kSchema);
    ADD_FAILURE();
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
    EXPECT_STREQ(e.what(), "cannot apply + to string and integer (in s + 1)");
  }
}

TEST(ParseValue, SparkLayouts) {
  EXPECT_EQ(std::get<dataflow::Date>(*parse_value("1995-03-15", Type::kDate)).days, 9204);
  EXPECT_FALSE(parse_value("1995-02-29", Type::kDate));
  EXPECT_TRUE(parse_value("1996-02-29", Type::kDate));
  EXPECT_EQ(std::get<dataflow::Timestamp>(*parse_value("1970-01-01T00:00:01.5Z", Type::kTimestamp)).micros, 1500000);
  EXPECT_EQ(std::get<bool>(*parse_value("TRUE", Type::kBool)), true);
  EXPECT_FALSE(parse_value("3000000000", Type::kInt32));
  EXPECT_EQ(std::get<std::int64_t>(*parse_value("+3000000000", Type::kInt64)), 3000000000);
  EXPECT_FALSE(parse_value("1.5x", Type::kFloat64));
}

}  // namespace
