// Stage planning: walk from the target towards the sources; a narrow node joins the stage
// being built, a wide node ends it and starts a parent stage that writes its shuffle.
#include "plan/planner.hpp"

#include <algorithm>
#include <stdexcept>

namespace dataflow::plan {
namespace {

using detail::is_source;
using detail::is_wide;

class Builder {
 public:
  explicit Builder(const dag::Graph& graph) : graph_(graph) {}

  // Builds the stage ending at `output_node` and, first, its parents; returns its index.
  std::uint32_t build(int output_node, StageOutput output) {
    Stage stage;
    stage.output_node = output_node;
    stage.output = output;
    // The nodes computed inside this stage: for a shuffle stage, start at the wide node's
    // parent (the wide node's map side is this stage's output); else at the node itself.
    int n = output_node;
    if (output == StageOutput::kShuffle || detail::is_action(graph_.node(n).kind)) n = single_parent(n);
    std::vector<int> chain;
    while (!is_source(graph_.node(n).kind) && !is_wide(graph_.node(n).kind)) {
      chain.push_back(n);
      n = single_parent(n);
    }
    std::reverse(chain.begin(), chain.end());
    stage.input_node = n;
    stage.chain = std::move(chain);
    if (is_wide(graph_.node(n).kind)) {
      stage.parents.push_back(build(n, StageOutput::kShuffle));
    }
    stage.id = static_cast<std::uint32_t>(stages_.size());
    stages_.push_back(std::move(stage));
    return stages_.back().id;
  }

  std::vector<Stage> take() { return std::move(stages_); }

 private:
  int single_parent(int n) const {
    const auto& parents = graph_.node(n).parents;
    if (parents.size() != 1) {
      throw std::logic_error(std::string("planner: ") + detail::op_name(graph_.node(n).kind) +
                             " must have exactly one parent");
    }
    return parents[0];
  }

  const dag::Graph& graph_;
  std::vector<Stage> stages_;
};

}  // namespace

Plan make_plan(const dag::Graph& graph, int target) {
  Plan plan;
  plan.target = target;
  Builder builder(graph);
  // On a wide target (explain() of a reduce_by_key) the result stage only reads its shuffle.
  builder.build(target, StageOutput::kResult);
  plan.stages = builder.take();
  plan.fingerprint = fingerprint(graph, target);
  return plan;
}

}  // namespace dataflow::plan
