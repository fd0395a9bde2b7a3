// The optimizer's predicate helpers: conjuncts and their AND, the columns a predicate reads,
// and a predicate moved onto another frame's columns (by index, and by name where a name
// could resolve to another column).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dataflow/error.hpp"
#include "frame/optimizer/predicate.hpp"

namespace {

using dataflow::Schema;
using dataflow::Type;
using dataflow::functions::col;
using namespace dataflow::frame;

const Schema kSchema({{"a", Type::kInt32, true}, {"b", Type::kInt64, true}, {"s", Type::kString, true}});

std::vector<std::string> names(const std::vector<BoundExpr>& terms) {
  std::vector<std::string> out;
  for (const BoundExpr& t : terms) out.push_back(t.name);
  return out;
}

TEST(Predicate, ConjunctsSplitTopLevelAndsOnly) {
  const BoundExpr p =
      bind((col("a") > 1 && (col("b") < 2 && col("s") == "x")) && (col("a") == 3 || col("b") == 4), kSchema);
  EXPECT_EQ(names(conjuncts(p)), (std::vector<std::string>{"(a > 1)", "(b < 2)", "(s = x)", "((a = 3) OR (b = 4))"}));
  const BoundExpr one = bind(col("a") > 1, kSchema);
  EXPECT_EQ(names(conjuncts(one)), std::vector<std::string>{"(a > 1)"});
  const BoundExpr both = conjunction(conjuncts(p));
  EXPECT_EQ(both.type, Type::kBool);
  EXPECT_EQ(both.name, "((((a > 1) AND (b < 2)) AND (s = x)) AND ((a = 3) OR (b = 4)))");
  EXPECT_EQ(names(conjuncts(both)), names(conjuncts(p)));
}

TEST(Predicate, MarkAndRemapColumns) {
  const BoundExpr p = bind(col("s") == "x" && col("b") > 2, kSchema);
  std::vector<bool> used(3);
  mark_columns(p, used);
  EXPECT_EQ(used, (std::vector<bool>{false, true, true}));
  const BoundExpr moved = remap_columns(p, {4, 0, 7});
  std::vector<bool> now(8);
  mark_columns(moved, now);
  EXPECT_EQ(now, (std::vector<bool>{true, false, false, false, false, false, false, true}));
  EXPECT_EQ(moved.name, p.name);
}

TEST(Predicate, RenameColumnsOntoTheColumnsTheyPass) {
  // A projection [x = b, s] of kSchema: x is column 1 of kSchema, s column 2.
  const Schema projected({{"x", Type::kInt64, true}, {"s", Type::kString, true}});
  const auto renamed = rename_columns(col("x") > 5 && col("S") == "y", projected, {1, 2}, kSchema);
  ASSERT_TRUE(renamed.has_value());
  EXPECT_EQ(bind(*renamed, kSchema).name, "((b > 5) AND (s = y))");
  // A name the lower frame holds twice cannot be moved there.
  const Schema twice({{"b", Type::kInt64, true}, {"B", Type::kInt64, true}});
  EXPECT_FALSE(rename_columns(col("x") > 5, Schema({{"x", Type::kInt64, true}}), {1}, twice).has_value());
  EXPECT_THROW(rename_columns(col("nope") > 5, projected, {1, 2}, kSchema), dataflow::Error);
}

}  // namespace
