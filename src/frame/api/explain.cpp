// explain(): the frame's plan as Spark draws it, and the engine's stages for its batches.
// The parsed and analyzed plans are the program's operations as written; the optimized plan
// is what the optimizer's rules made of them (pruned and filtered scans), and the physical
// plan the same with the operators that run each node (an aggregate's partial and final
// halves around its exchange).
#include <algorithm>
#include <atomic>
#include <cstdio>

#include "dataflow/dataframe.hpp"
#include "frame/api/frame_data.hpp"

namespace dataflow {
namespace detail {

std::uint64_t next_frame_id() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

std::string column_list(const Schema& schema, std::size_t count) {
  std::string names;
  for (std::size_t i = 0; i < std::min(count, schema.size()); ++i) names += (i ? ", " : "") + schema[i].name;
  return names;
}

std::string read_schema(const Schema& schema) {
  std::string s = "ReadSchema: struct<";
  for (std::size_t i = 0; i < schema.size(); ++i) {
    const Type t = schema[i].type;  // Spark's simple names: int, bigint
    const std::string name = t == Type::kInt32 ? "int" : t == Type::kInt64 ? "bigint" : std::string(type_name(t));
    s += (i ? "," : "") + schema[i].name + ":" + name;
  }
  return s + ">";
}

PlanPtr plan_of(const FrameData& data, const Schema& schema) {
  if (data.plan) return data.plan;
  return std::make_shared<const PlanNode>(PlanNode{"LogicalRDD [" + column_list(schema) + "]", {}});
}

std::shared_ptr<const FrameData> with_plan(FrameBatches batches, bool driver, std::string text,
                                           std::vector<PlanPtr> children) {
  auto plan = std::make_shared<const PlanNode>(PlanNode{std::move(text), std::move(children)});
  return std::make_shared<const FrameData>(FrameData{std::move(batches), driver, std::move(plan)});
}

std::shared_ptr<FrameData> rewritten(const FrameData& data, const Schema& schema, PlanPtr as_written) {
  auto out = std::make_shared<FrameData>(data);
  auto root = std::make_shared<PlanNode>(*plan_of(data, schema));
  root->as_written = std::move(as_written);
  out->plan = std::move(root);
  return out;
}

namespace {

void draw(const PlanNode& node, std::string prefix, PlanView view, std::string& out) {
  if (view == PlanView::kWritten && node.as_written) return draw(*node.as_written, prefix, view, out);
  if (view == PlanView::kPhysical && !node.physical.empty()) {
    out += node.physical.front() + "\n";
    for (std::size_t k = 1; k < node.physical.size(); ++k) {
      out += prefix + "+- " + node.physical[k] + "\n";
      prefix += "   ";
    }
  } else {
    out += node.text + "\n";
  }
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    const bool last = i + 1 == node.children.size();
    out += prefix + (last ? "+- " : ":- ");
    draw(*node.children[i], prefix + (last ? "   " : ":  "), view, out);
  }
}

}  // namespace

std::string plan_tree_string(const PlanNode& root, PlanView view) {
  std::string out;
  draw(root, "", view, out);
  return out;
}

}  // namespace detail

std::string DataFrame::explain_string(bool extended) const {
  const detail::PlanPtr plan = detail::plan_of(*data_, *schema_);
  std::string out;
  if (extended) {
    const std::string written = detail::plan_tree_string(*plan, detail::PlanView::kWritten);
    out += "== Parsed Logical Plan ==\n" + written;
    out += "\n== Analyzed Logical Plan ==\n" + written;
    out += "\n== Optimized Logical Plan ==\n" + detail::plan_tree_string(*plan);
    out += "\n";
  }
  out += "== Physical Plan ==\n" + detail::plan_tree_string(*plan, detail::PlanView::kPhysical);
  // The engine's DAG of the frame's batches and its "== Stages ==", as --explain prints them.
  out += "\n" + data_->batches->explain();
  if (out.back() != '\n') out += '\n';
  return out;
}

void DataFrame::explain(bool extended) const {
  const std::string text = explain_string(extended);
  if (!data_->driver) return;
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace dataflow
