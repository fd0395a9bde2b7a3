// The parts of joins and explain that need no engine: join type names, a condition split
// into keys and a residual (sides told apart by frame tags), key types, and Spark's tree
// drawing of a plan.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "dataflow/dataframe.hpp"
#include "frame/api/frame_data.hpp"
#include "frame/api/join_spec.hpp"

namespace {

using dataflow::Column;
using dataflow::Field;
using dataflow::Schema;
using dataflow::Type;
using dataflow::frame::How;
using dataflow::frame::JoinSpec;
using dataflow::functions::col;

TEST(JoinSpec, SparkJoinTypeNames) {
  EXPECT_EQ(dataflow::frame::parse_how("inner"), How::kInner);
  EXPECT_EQ(dataflow::frame::parse_how("LEFT_OUTER"), How::kLeft);
  EXPECT_EQ(dataflow::frame::parse_how("leftouter"), How::kLeft);
  EXPECT_EQ(dataflow::frame::parse_how("Right"), How::kRight);
  EXPECT_EQ(dataflow::frame::parse_how("outer"), How::kFull);
  EXPECT_EQ(dataflow::frame::parse_how("full_outer"), How::kFull);
  EXPECT_EQ(dataflow::frame::parse_how("semi"), How::kSemi);
  EXPECT_EQ(dataflow::frame::parse_how("left_anti"), How::kAnti);
  EXPECT_EQ(dataflow::frame::parse_how("CROSS"), How::kCross);
  try {
    dataflow::frame::parse_how("natural");
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
    EXPECT_NE(std::string(e.what()).find("unsupported join type 'natural'"), std::string::npos);
  }
  EXPECT_STREQ(dataflow::frame::how_name(How::kFull), "FullOuter");
}

// Sides (a, id, x) tagged 1 and (id, b, c) tagged 2, as a join tags its operands.
JoinSpec spec() {
  JoinSpec s;
  s.left = std::make_shared<const Schema>(std::vector<Field>{
      {"a", Type::kInt32, true, {1}}, {"id", Type::kInt64, true, {1}}, {"x", Type::kFloat64, true, {1}}});
  s.right = std::make_shared<const Schema>(std::vector<Field>{
      {"id", Type::kInt32, true, {2}}, {"b", Type::kString, true, {2}}, {"c", Type::kInt64, true, {2}}});
  std::vector<Field> both = s.left->fields();
  for (const Field& f : s.right->fields()) both.push_back(f);
  s.combined = std::make_shared<const Schema>(both);
  return s;
}

Column frame_col(const std::string& name, std::uint64_t frame) {
  auto n = std::make_shared<dataflow::detail::ExprNode>();
  n->kind = dataflow::detail::ExprKind::kColumn;
  n->name = name;
  n->frame = frame;
  return Column(n);
}

TEST(JoinSpec, EqualitiesAcrossTheSidesBecomeKeys) {
  JoinSpec s = spec();
  // Either order; the rest (a predicate on one side, a non-equality) is the residual.
  dataflow::frame::bind_condition(
      col("c") == col("a") && frame_col("id", 2) == frame_col("id", 1) && col("x") > 1.5 && col("b") != "q", s);
  ASSERT_EQ(s.left_keys.size(), 2u);
  EXPECT_EQ(s.left_keys[0].name, "a");
  EXPECT_EQ(s.right_keys[0].name, "c");
  EXPECT_EQ(s.left_keys[0].type, Type::kInt64);  // the integer cast to the long it meets
  EXPECT_EQ(s.key_types[0], Type::kInt64);
  EXPECT_EQ(s.left_keys[1].column, 1u);
  EXPECT_EQ(s.right_keys[1].column, 0u);
  EXPECT_EQ(s.key_types[1], Type::kInt64);  // integer and long join as long
  ASSERT_TRUE(s.residual.has_value());
  EXPECT_EQ(s.residual->name, "((x > 1.5) AND (NOT (b = q)))");
}

TEST(JoinSpec, AmbiguousAndIncomparableFail) {
  {
    JoinSpec s = spec();
    try {
      dataflow::frame::bind_condition(col("id") == col("id"), s);  // plain names both sides have
      ADD_FAILURE() << "expected an Error";
    } catch (const dataflow::Error& e) {
      EXPECT_EQ(e.exit_code(), 64);
      EXPECT_NE(std::string(e.what()).find("Reference 'id' is ambiguous"), std::string::npos) << e.what();
    }
  }
  {
    JoinSpec s = spec();
    try {
      dataflow::frame::bind_condition(col("x") == col("b"), s);
      ADD_FAILURE() << "expected an Error";
    } catch (const dataflow::Error& e) {
      EXPECT_EQ(e.exit_code(), 64);
      EXPECT_STREQ(e.what(), "join: cannot compare x (double) with b (string)");
    }
  }
}

TEST(Explain, SparkTreeDrawing) {
  using dataflow::detail::PlanNode;
  auto leaf = [](std::string t) { return std::make_shared<const PlanNode>(PlanNode{std::move(t), {}}); };
  auto join = std::make_shared<const PlanNode>(PlanNode{"Join Inner, (a = b)", {leaf("L1"), leaf("L2")}});
  const PlanNode root{"Union", {join, std::make_shared<const PlanNode>(PlanNode{"Filter", {leaf("L3")}})}};
  EXPECT_EQ(dataflow::detail::plan_tree_string(root),
            "Union\n"
            ":- Join Inner, (a = b)\n"
            ":  :- L1\n"
            ":  +- L2\n"
            "+- Filter\n"
            "   +- L3\n");
  // The physical plan: a node's operators in its place, each over the next, its children
  // under the last, with the prefix of where the node stands.
  PlanNode agg{"Aggregate [k], [k, s]", {leaf("L4")}};
  agg.physical = {"HashAggregate(keys=[k], functions=[sum(x)])", "Exchange hashpartitioning(k, 4)",
                  "HashAggregate(keys=[k], functions=[partial_sum(x)])"};
  const PlanNode top{"Union", {std::make_shared<const PlanNode>(agg), leaf("L5")}};
  EXPECT_EQ(dataflow::detail::plan_tree_string(top, dataflow::detail::PlanView::kPhysical),
            "Union\n"
            ":- HashAggregate(keys=[k], functions=[sum(x)])\n"
            ":  +- Exchange hashpartitioning(k, 4)\n"
            ":     +- HashAggregate(keys=[k], functions=[partial_sum(x)])\n"
            ":        +- L4\n"
            "+- L5\n");
  EXPECT_EQ(dataflow::detail::plan_tree_string(top), "Union\n:- Aggregate [k], [k, s]\n:  +- L4\n+- L5\n");
}

}  // namespace
