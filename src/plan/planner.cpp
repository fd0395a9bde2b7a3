// Stage planning: walk from the target towards the sources; narrow nodes join the stage
// being built, sources and wide nodes are its inputs, and each wide node read starts (once)
// a parent stage that writes its shuffle.
#include "plan/planner.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace dataflow::plan {
namespace {

using detail::is_action;
using detail::is_source;
using detail::is_wide;

class Builder {
 public:
  Builder(const dag::Graph& graph, const std::set<int>& reused) : graph_(graph), reused_(reused) {}

  // Builds the stage ending at `output_node` and, first, its parents; returns its index.
  std::uint32_t build(int output_node, StageOutput output) {
    Stage stage;
    stage.output_node = output_node;
    stage.output = output;
    // The top: for a shuffle stage the wide node's parent (its map side is this stage's
    // output); for an action its parent; else (explain() of a node) the node itself.
    int top = output_node;
    if (output == StageOutput::kShuffle || is_action(graph_.node(top).kind)) top = single_parent(top);
    stage.top = top;
    std::set<int> chain, inputs;
    std::vector<int> stack{top};
    while (!stack.empty()) {
      const int n = stack.back();
      stack.pop_back();
      ++walked_;
      const auto& node = graph_.node(n);
      if (is_source(node.kind) || is_wide(node.kind)) {
        inputs.insert(n);
      } else if (chain.insert(n).second) {
        const bool several = node.kind == detail::OpKind::kZipPartitions || node.kind == detail::OpKind::kUnion;
        if (node.parents.empty() || (!several && node.parents.size() != 1)) {
          throw std::logic_error(std::string("planner: ") + detail::op_name(node.kind) + " must have exactly one parent");
        }
        for (int p : node.parents) stack.push_back(p);
      }
    }
    stage.chain.assign(chain.begin(), chain.end());
    stage.inputs.assign(inputs.begin(), inputs.end());
    for (int in : stage.inputs) {
      if (!is_wide(graph_.node(in).kind)) continue;
      if (reused_.count(in)) {
        reads_reused_.insert(in);
      } else {
        stage.parents.push_back(shuffle_stage(in));
      }
    }
    stage.id = static_cast<std::uint32_t>(stages_.size());
    stages_.push_back(std::move(stage));
    return stages_.back().id;
  }

  std::vector<Stage> take() { return std::move(stages_); }
  std::vector<int> reused() const { return {reads_reused_.begin(), reads_reused_.end()}; }
  std::uint64_t walked() const { return walked_; }

 private:
  // The stage writing wide node `wide`'s shuffle, built once however many stages read it.
  std::uint32_t shuffle_stage(int wide) {
    if (auto it = writers_.find(wide); it != writers_.end()) return it->second;
    // A shuffle sized like another is planned after it, so its count is resolved first.
    if (const int like = graph_.node(wide).like; like >= 0 && !reused_.count(like)) shuffle_stage(like);
    const std::uint32_t id = build(wide, StageOutput::kShuffle);
    writers_[wide] = id;
    return id;
  }

  int single_parent(int n) const {
    const auto& parents = graph_.node(n).parents;
    if (parents.size() != 1) {
      throw std::logic_error(std::string("planner: ") + detail::op_name(graph_.node(n).kind) +
                             " must have exactly one parent");
    }
    return parents[0];
  }

  const dag::Graph& graph_;
  const std::set<int>& reused_;
  std::set<int> reads_reused_;
  std::uint64_t walked_ = 0;
  std::vector<Stage> stages_;
  std::map<int, std::uint32_t> writers_;
};

}  // namespace

Plan make_plan(const dag::Graph& graph, int target, const std::set<int>& reused) {
  Plan plan;
  plan.target = target;
  Builder builder(graph, reused);
  // On a wide target (explain() of a reduce_by_key) the result stage only reads its shuffle.
  builder.build(target, StageOutput::kResult);
  plan.stages = builder.take();
  plan.reused = builder.reused();
  plan.walked = builder.walked();
  plan.fingerprint = fingerprint(graph, target);
  return plan;
}

}  // namespace dataflow::plan
