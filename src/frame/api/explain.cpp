// explain(): the frame's plan as Spark draws it, and the engine's stages for its batches.
// There is no optimizer yet, so the logical and physical sections print the same tree.
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

std::shared_ptr<const FrameData> with_plan(Dataset<std::string> batches, bool driver, std::string text,
                                           std::vector<PlanPtr> children) {
  auto plan = std::make_shared<const PlanNode>(PlanNode{std::move(text), std::move(children)});
  return std::make_shared<const FrameData>(FrameData{std::move(batches), driver, std::move(plan)});
}

DataFrame scan_frame(std::shared_ptr<const Schema> schema, Dataset<std::string> batches, bool driver,
                     const std::string& format, std::vector<std::size_t> columns,
                     std::function<DataFrame(std::vector<std::size_t>)> read) {
  const std::string text = "Relation [" + column_list(*schema) + "] " + format + " " + read_schema(*schema);
  auto data = std::make_shared<FrameData>(*with_plan(std::move(batches), driver, text, {}));
  data->read_columns = [columns = std::move(columns), read = std::move(read)](const std::vector<std::size_t>& used) {
    std::vector<std::size_t> subset;
    for (std::size_t i : used) subset.push_back(columns[i]);
    return read(std::move(subset));
  };
  return DataFrame(std::move(schema), std::move(data));
}

namespace {

void draw(const PlanNode& node, const std::string& prefix, std::string& out) {
  out += node.text + "\n";
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    const bool last = i + 1 == node.children.size();
    out += prefix + (last ? "+- " : ":- ");
    draw(*node.children[i], prefix + (last ? "   " : ":  "), out);
  }
}

}  // namespace

std::string plan_tree_string(const PlanNode& root) {
  std::string out;
  draw(root, "", out);
  return out;
}

}  // namespace detail

std::string DataFrame::explain_string(bool extended) const {
  const std::string tree = detail::plan_tree_string(*detail::plan_of(*data_, *schema_));
  std::string out;
  if (extended) {
    out += "== Parsed Logical Plan ==\n" + tree;
    out += "\n== Analyzed Logical Plan ==\n" + tree;
    out += "\n== Optimized Logical Plan ==\n" + tree;
    out += "\n";
  }
  out += "== Physical Plan ==\n" + tree;
  // The engine's DAG of the frame's batches and its "== Stages ==", as --explain prints them.
  out += "\n" + data_->batches.explain();
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
