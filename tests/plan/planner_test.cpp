// Stage planning, plan fingerprints and explain() over DAGs built by hand.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "dag/graph.hpp"
#include "plan/planner.hpp"

namespace dataflow::plan {
namespace {

using detail::NodeSpec;
using detail::OpKind;

NodeSpec spec(OpKind kind, std::vector<int> parents, std::string label) {
  return NodeSpec(kind, std::move(parents), std::move(label));
}

NodeSpec text_file(std::string path) {
  NodeSpec s(OpKind::kTextFile, {}, "text_file(" + path + ")");
  s.paths = {std::move(path)};
  return s;
}

NodeSpec parallelize(std::uint32_t slices) {
  NodeSpec s(OpKind::kParallelize, {}, "parallelize");
  s.partitions = slices;
  return s;
}

NodeSpec reduce_by_key(int parent, std::uint32_t partitions, std::string label = "reduce_by_key") {
  NodeSpec s(OpKind::kReduceByKey, {parent}, std::move(label));
  s.partitions = partitions;
  return s;
}

// Word count: text_file -> flat_map -> map -> reduce_by_key -> collect (ids 0..4).
dag::Graph word_count(const std::string& path = "in.txt", std::uint32_t partitions = 4) {
  dag::Graph g;
  EXPECT_EQ(g.add(text_file(path)), 0);
  EXPECT_EQ(g.add(spec(OpKind::kFlatMap, {0}, "flat_map(split)")), 1);
  EXPECT_EQ(g.add(spec(OpKind::kMap, {1}, "map(pair)")), 2);
  EXPECT_EQ(g.add(reduce_by_key(2, partitions, "reduce_by_key(sum)")), 3);
  EXPECT_EQ(g.add(spec(OpKind::kCollect, {3}, "collect")), 4);
  return g;
}

// parallelize -> map -> rbk -> map -> filter -> rbk -> map -> count (ids 0..7).
dag::Graph two_shuffles() {
  dag::Graph g;
  g.add(parallelize(8));                                // 0
  g.add(spec(OpKind::kMap, {0}, "map(a)"));             // 1
  g.add(reduce_by_key(1, 6, "reduce_by_key(first)"));   // 2
  g.add(spec(OpKind::kMap, {2}, "map(b)"));             // 3
  g.add(spec(OpKind::kFilter, {3}, "filter(c)"));       // 4
  g.add(reduce_by_key(4, 3, "reduce_by_key(second)"));  // 5
  g.add(spec(OpKind::kMap, {5}, "map(d)"));             // 6
  g.add(spec(OpKind::kCount, {6}, "count"));            // 7
  return g;
}

// parallelize -> filter -> count (ids 0..2): no shuffle.
dag::Graph narrow_only() {
  dag::Graph g;
  g.add(parallelize(4));
  g.add(spec(OpKind::kFilter, {0}, "filter(even)"));
  g.add(spec(OpKind::kCount, {1}, "count"));
  return g;
}

void expect_stage(const Stage& s, std::uint32_t id, std::vector<int> inputs, std::vector<int> chain, int output_node,
                  StageOutput output, std::vector<std::uint32_t> parents) {
  SCOPED_TRACE("stage " + std::to_string(id));
  EXPECT_EQ(s.id, id);
  EXPECT_EQ(s.inputs, inputs);
  EXPECT_EQ(s.chain, chain);
  EXPECT_EQ(s.output_node, output_node);
  EXPECT_EQ(s.output, output);
  EXPECT_EQ(s.parents, parents);
}

// Every stage's id is its index, and every parent comes before its child.
void expect_parent_first(const Plan& plan) {
  for (std::size_t i = 0; i < plan.stages.size(); ++i) {
    EXPECT_EQ(plan.stages[i].id, i);
    for (auto p : plan.stages[i].parents) EXPECT_LT(p, i) << "stage " << i << " runs before its parent " << p;
  }
}

// ----- Graph ------------------------------------------------------------------------------

TEST(GraphTest, IdsFollowCreationOrderAndLineageIsSortedAncestors) {
  dag::Graph g = two_shuffles();
  EXPECT_EQ(g.size(), 8);
  EXPECT_EQ(g.node(5).label, "reduce_by_key(second)");
  EXPECT_EQ(g.lineage(7), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(g.lineage(2), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(g.lineage(0), (std::vector<int>{0}));
}

TEST(GraphTest, RejectsMissingParentsAndNodes) {
  dag::Graph g;
  EXPECT_THROW(g.add(spec(OpKind::kMap, {0}, "map")), std::logic_error);
  g.add(parallelize(1));
  EXPECT_THROW(g.add(spec(OpKind::kMap, {1}, "map")), std::logic_error);
  EXPECT_THROW(g.add(spec(OpKind::kMap, {-1}, "map")), std::logic_error);
  EXPECT_EQ(g.size(), 1);
  EXPECT_THROW(g.node(1), std::logic_error);
  EXPECT_THROW(g.node(-1), std::logic_error);
}

TEST(OpKindTest, Classes) {
  EXPECT_TRUE(detail::is_source(OpKind::kParallelize));
  EXPECT_TRUE(detail::is_source(OpKind::kTextFile));
  EXPECT_FALSE(detail::is_source(OpKind::kMap));
  EXPECT_TRUE(detail::is_wide(OpKind::kReduceByKey));
  EXPECT_FALSE(detail::is_wide(OpKind::kFlatMap));
  EXPECT_FALSE(detail::is_wide(OpKind::kCollect));
  EXPECT_TRUE(detail::is_action(OpKind::kCollect));
  EXPECT_TRUE(detail::is_action(OpKind::kCount));
  EXPECT_TRUE(detail::is_action(OpKind::kSaveAsTextFile));
  EXPECT_FALSE(detail::is_action(OpKind::kFilter));
  EXPECT_STREQ(detail::op_name(OpKind::kReduceByKey), "reduce_by_key");
  EXPECT_STREQ(detail::op_name(OpKind::kSaveAsTextFile), "save_as_text_file");
  EXPECT_STREQ(detail::op_name(OpKind::kFlatMap), "flat_map");
}

// ----- make_plan --------------------------------------------------------------------------

TEST(PlannerTest, WordCountCutsAtTheShuffle) {
  dag::Graph g = word_count();
  Plan plan = make_plan(g, 4);
  EXPECT_EQ(plan.target, 4);
  ASSERT_EQ(plan.stages.size(), 2u);
  expect_stage(plan.stages[0], 0, /*input=*/{0}, {1, 2}, /*output_node=*/3, StageOutput::kShuffle, {});
  expect_stage(plan.stages[1], 1, /*input=*/{3}, {}, /*output_node=*/4, StageOutput::kResult, {0});
  expect_parent_first(plan);
  EXPECT_EQ(plan.fingerprint, fingerprint(g, 4));
}

TEST(PlannerTest, TwoShufflesMakeThreeStagesInParentFirstOrder) {
  dag::Graph g = two_shuffles();
  Plan plan = make_plan(g, 7);
  ASSERT_EQ(plan.stages.size(), 3u);
  expect_stage(plan.stages[0], 0, {0}, {1}, 2, StageOutput::kShuffle, {});
  expect_stage(plan.stages[1], 1, {2}, {3, 4}, 5, StageOutput::kShuffle, {0});
  expect_stage(plan.stages[2], 2, {5}, {6}, 7, StageOutput::kResult, {1});
  expect_parent_first(plan);
  EXPECT_EQ(plan.stages.back().output_node, plan.target);
}

TEST(PlannerTest, NarrowChainIsOneStage) {
  dag::Graph g = narrow_only();
  Plan plan = make_plan(g, 2);
  ASSERT_EQ(plan.stages.size(), 1u);
  expect_stage(plan.stages[0], 0, {0}, {1}, 2, StageOutput::kResult, {});
}

TEST(PlannerTest, ActionDirectlyOnSource) {
  dag::Graph g;
  g.add(text_file("a.txt"));
  g.add(spec(OpKind::kCount, {0}, "count"));
  Plan plan = make_plan(g, 1);
  ASSERT_EQ(plan.stages.size(), 1u);
  expect_stage(plan.stages[0], 0, {0}, {}, 1, StageOutput::kResult, {});
}

TEST(PlannerTest, ShuffleRightAfterSource) {
  dag::Graph g;
  g.add(parallelize(2));       // 0
  g.add(reduce_by_key(0, 2));  // 1
  g.add(reduce_by_key(1, 3));  // 2: shuffle straight after a shuffle
  g.add(spec(OpKind::kCollect, {2}, "collect"));
  Plan plan = make_plan(g, 3);
  ASSERT_EQ(plan.stages.size(), 3u);
  expect_stage(plan.stages[0], 0, {0}, {}, 1, StageOutput::kShuffle, {});
  expect_stage(plan.stages[1], 1, {1}, {}, 2, StageOutput::kShuffle, {0});
  expect_stage(plan.stages[2], 2, {2}, {}, 3, StageOutput::kResult, {1});
}

TEST(PlannerTest, NarrowTargetForExplain) {
  dag::Graph g = word_count();
  Plan plan = make_plan(g, 2);  // the map node, not an action
  EXPECT_EQ(plan.target, 2);
  ASSERT_EQ(plan.stages.size(), 1u);
  expect_stage(plan.stages[0], 0, {0}, {1, 2}, 2, StageOutput::kResult, {});
  EXPECT_EQ(plan.fingerprint, fingerprint(g, 2));
}

TEST(PlannerTest, NarrowTargetAfterAShuffle) {
  dag::Graph g = two_shuffles();
  Plan plan = make_plan(g, 4);  // the filter after the first shuffle
  ASSERT_EQ(plan.stages.size(), 2u);
  expect_stage(plan.stages[0], 0, {0}, {1}, 2, StageOutput::kShuffle, {});
  expect_stage(plan.stages[1], 1, {2}, {3, 4}, 4, StageOutput::kResult, {0});
}

TEST(PlannerTest, WideTargetReadsItsShuffle) {
  dag::Graph g = word_count();
  Plan plan = make_plan(g, 3);  // the reduce_by_key itself
  ASSERT_EQ(plan.stages.size(), 2u);
  expect_stage(plan.stages[0], 0, {0}, {1, 2}, 3, StageOutput::kShuffle, {});
  expect_stage(plan.stages[1], 1, {3}, {}, 3, StageOutput::kResult, {0});
}

TEST(PlannerTest, SourceTarget) {
  dag::Graph g = word_count();
  Plan plan = make_plan(g, 0);
  ASSERT_EQ(plan.stages.size(), 1u);
  expect_stage(plan.stages[0], 0, {0}, {}, 0, StageOutput::kResult, {});
}

TEST(PlannerTest, NarrowNodeWithTwoParentsIsALogicError) {
  dag::Graph g;
  g.add(parallelize(1));
  g.add(parallelize(1));
  g.add(spec(OpKind::kMap, {0, 1}, "map"));
  g.add(spec(OpKind::kCount, {2}, "count"));
  EXPECT_THROW(make_plan(g, 3), std::logic_error);
}

TEST(PlannerTest, PlanIsIdenticalForIdenticalGraphs) {
  dag::Graph a = two_shuffles();
  dag::Graph b = two_shuffles();
  Plan pa = make_plan(a, 7);
  Plan pb = make_plan(b, 7);
  EXPECT_EQ(pa.fingerprint, pb.fingerprint);
  ASSERT_EQ(pa.stages.size(), pb.stages.size());
  for (std::size_t i = 0; i < pa.stages.size(); ++i) {
    expect_stage(pb.stages[i], pa.stages[i].id, pa.stages[i].inputs, pa.stages[i].chain, pa.stages[i].output_node,
                 pa.stages[i].output, pa.stages[i].parents);
  }
}

// ----- fingerprint ------------------------------------------------------------------------

TEST(FingerprintTest, EqualForEqualGraphs) {
  EXPECT_EQ(fingerprint(word_count(), 4), fingerprint(word_count(), 4));
  EXPECT_EQ(fingerprint(two_shuffles(), 7), fingerprint(two_shuffles(), 7));
  EXPECT_EQ(fingerprint(narrow_only(), 2), fingerprint(narrow_only(), 2));
}

TEST(FingerprintTest, DiffersBetweenTargetsAndGraphs) {
  dag::Graph g = word_count();
  EXPECT_NE(fingerprint(g, 4), fingerprint(g, 3));
  EXPECT_NE(fingerprint(g, 3), fingerprint(g, 2));
  EXPECT_NE(fingerprint(word_count(), 4), fingerprint(two_shuffles(), 7));
}

TEST(FingerprintTest, DiffersWhenALabelDiffers) {
  dag::Graph a = word_count();
  dag::Graph b;
  b.add(text_file("in.txt"));
  b.add(spec(OpKind::kFlatMap, {0}, "flat_map(split)"));
  b.add(spec(OpKind::kMap, {1}, "map(PAIR)"));  // only this label differs
  b.add(reduce_by_key(2, 4, "reduce_by_key(sum)"));
  b.add(spec(OpKind::kCollect, {3}, "collect"));
  EXPECT_NE(fingerprint(a, 4), fingerprint(b, 4));
  EXPECT_EQ(fingerprint(a, 1), fingerprint(b, 1));  // the difference is not in 1's lineage
}

TEST(FingerprintTest, DiffersWhenAKindDiffers) {
  dag::Graph a = narrow_only();
  dag::Graph b;
  b.add(parallelize(4));
  b.add(spec(OpKind::kMap, {0}, "filter(even)"));  // same label, another kind
  b.add(spec(OpKind::kCount, {1}, "count"));
  EXPECT_NE(fingerprint(a, 2), fingerprint(b, 2));

  dag::Graph c;
  c.add(parallelize(4));
  c.add(spec(OpKind::kFilter, {0}, "filter(even)"));
  c.add(spec(OpKind::kCollect, {1}, "count"));  // collect instead of count
  EXPECT_NE(fingerprint(a, 2), fingerprint(c, 2));
}

TEST(FingerprintTest, DiffersWhenAPartitionCountDiffers) {
  EXPECT_NE(fingerprint(word_count("in.txt", 4), 4), fingerprint(word_count("in.txt", 5), 4));
  EXPECT_NE(fingerprint(word_count("in.txt", 4), 4), fingerprint(word_count("in.txt", 0), 4));

  dag::Graph a;
  a.add(parallelize(4));
  a.add(spec(OpKind::kCount, {0}, "count"));
  dag::Graph b;
  b.add(parallelize(3));  // slices
  b.add(spec(OpKind::kCount, {0}, "count"));
  EXPECT_NE(fingerprint(a, 1), fingerprint(b, 1));
}

TEST(FingerprintTest, IgnoresTheValuesOfParallelize) {
  // Only the driver's values are used (shipped in the descriptors), so ranks that pass other
  // values, or none, run the same plan.
  dag::Graph a;
  a.add(parallelize(4));
  a.add(spec(OpKind::kCount, {0}, "count"));
  dag::Graph b;
  NodeSpec with_data = parallelize(4);
  with_data.slices = {"a", "b", "c", "d"};
  b.add(std::move(with_data));
  b.add(spec(OpKind::kCount, {0}, "count"));
  EXPECT_EQ(fingerprint(a, 1), fingerprint(b, 1));
}

TEST(FingerprintTest, DiffersWhenAPathDiffers) {
  EXPECT_NE(fingerprint(word_count("in.txt"), 4), fingerprint(word_count("in2.txt"), 4));

  // Same label, different paths list.
  auto with_paths = [](std::vector<std::string> paths) {
    dag::Graph g;
    NodeSpec s(OpKind::kTextFile, {}, "text_file");
    s.paths = std::move(paths);
    g.add(std::move(s));
    g.add(spec(OpKind::kCount, {0}, "count"));
    return fingerprint(g, 1);
  };
  EXPECT_EQ(with_paths({"a", "b"}), with_paths({"a", "b"}));
  EXPECT_NE(with_paths({"a", "b"}), with_paths({"b", "a"}));
  EXPECT_NE(with_paths({"a", "b"}), with_paths({"ab"}));
  EXPECT_NE(with_paths({"a"}), with_paths({"a", ""}));

  // save_as_text_file's directory.
  auto save_to = [](std::string dir) {
    dag::Graph g = narrow_only();
    NodeSpec s(OpKind::kSaveAsTextFile, {1}, "save_as_text_file");
    s.paths = {std::move(dir)};
    int id = g.add(std::move(s));
    return fingerprint(g, id);
  };
  EXPECT_EQ(save_to("out1"), save_to("out1"));
  EXPECT_NE(save_to("out1"), save_to("out2"));
}

TEST(FingerprintTest, DiffersWhenTheShapeDiffers) {
  // Same nodes, but the filter's parent moved.
  dag::Graph a;
  a.add(parallelize(2));
  a.add(parallelize(2));
  a.add(spec(OpKind::kFilter, {0}, "filter"));
  a.add(spec(OpKind::kCount, {2}, "count"));
  dag::Graph b;
  b.add(parallelize(2));
  b.add(parallelize(2));
  b.add(spec(OpKind::kFilter, {1}, "filter"));
  b.add(spec(OpKind::kCount, {2}, "count"));
  EXPECT_NE(fingerprint(a, 3), fingerprint(b, 3));
}

TEST(FingerprintTest, IgnoresNodesOutsideTheLineage) {
  dag::Graph a = word_count();
  dag::Graph b = word_count();
  b.add(spec(OpKind::kCount, {2}, "count"));  // another action on a shared prefix, added later
  EXPECT_EQ(fingerprint(a, 4), fingerprint(b, 4));
  EXPECT_NE(fingerprint(b, 5), fingerprint(b, 4));
}

// ----- explain ----------------------------------------------------------------------------

void expect_mentions(const std::string& text, const std::string& needle) {
  EXPECT_NE(text.find(needle), std::string::npos) << "missing \"" << needle << "\" in:\n" << text;
}

void expect_explains(const dag::Graph& g, int target) {
  Plan plan = make_plan(g, target);
  std::string text = explain(g, plan);
  SCOPED_TRACE(text);
  expect_mentions(text, "== DAG");
  expect_mentions(text, "== Stages ==");
  for (int id : g.lineage(target)) expect_mentions(text, g.node(id).label);
  std::size_t last = 0;
  for (const Stage& s : plan.stages) {
    const std::string head = "Stage " + std::to_string(s.id);
    std::size_t at = text.find(head, last);
    ASSERT_NE(at, std::string::npos) << "missing " << head;
    last = at + head.size();
    // The stage's line lists its parents.
    std::string line = text.substr(at, text.find('\n', at) - at);
    if (s.parents.empty()) {
      EXPECT_EQ(line.find("after stage"), std::string::npos) << line;
    } else {
      for (auto p : s.parents) expect_mentions(line, "after stage " + std::to_string(p));
    }
    expect_mentions(line, s.output == StageOutput::kShuffle ? "(shuffle map)" : "(result)");
  }
  EXPECT_EQ(text.find("Stage " + std::to_string(plan.stages.size())), std::string::npos);
}

TEST(ExplainTest, MentionsEveryStageAndNode) {
  expect_explains(word_count(), 4);
  expect_explains(two_shuffles(), 7);
  expect_explains(narrow_only(), 2);
}

TEST(ExplainTest, NonActionTargets) {
  expect_explains(word_count(), 2);
  expect_explains(word_count(), 3);
  expect_explains(word_count(), 0);
  expect_explains(two_shuffles(), 4);
}

TEST(ExplainTest, NodesOutsideTheLineageAreNotShown) {
  dag::Graph g = word_count();
  Plan plan = make_plan(g, 2);
  std::string text = explain(g, plan);
  EXPECT_EQ(text.find("reduce_by_key"), std::string::npos) << text;
  EXPECT_EQ(text.find("collect"), std::string::npos) << text;
  EXPECT_EQ(text.find("shuffle"), std::string::npos) << text;
}

TEST(ExplainTest, WordCountText) {
  dag::Graph g = word_count();
  std::string text = explain(g, make_plan(g, 4));
  // The tree: the target first, each parent indented below its child.
  expect_mentions(text, "#4 collect\n");
  expect_mentions(text, "#3 reduce_by_key(sum) [shuffle]\n");
  EXPECT_LT(text.find("#4 collect"), text.find("#3 reduce_by_key(sum)"));
  EXPECT_LT(text.find("#3 reduce_by_key(sum)"), text.find("#2 map(pair)"));
  EXPECT_LT(text.find("#2 map(pair)"), text.find("#1 flat_map(split)"));
  EXPECT_LT(text.find("#1 flat_map(split)"), text.find("#0 text_file(in.txt)"));
  // The stages: the fused chain in order, ending in the shuffle write; the result stage
  // reads that shuffle.
  expect_mentions(text, "#0 text_file(in.txt) -> #1 flat_map(split) -> #2 map(pair) -> write shuffle #3");
  expect_mentions(text, "read shuffle #3");
  // Without sizes no count is shown, and no "(N)" that a Spark user would read as one.
  EXPECT_EQ(text.find("partition"), std::string::npos) << text;
  EXPECT_EQ(text.find("task"), std::string::npos) << text;
  EXPECT_EQ(text.find("(0)"), std::string::npos) << text;
  EXPECT_LT(text.find("Stage 0"), text.find("Stage 1"));
  EXPECT_LT(text.find("== DAG"), text.find("== Stages =="));
}

TEST(ExplainTest, ShowsPartitionsAndTasksWhenSizesAreKnown) {
  dag::Graph g = word_count();
  Plan plan = make_plan(g, 4);
  ASSERT_EQ(plan.stages.size(), 2u);
  std::string text = explain(g, plan, {{5, 3}, {3, 0}});  // 5 splits, 3 reduce partitions
  SCOPED_TRACE(text);
  expect_mentions(text, "#0 text_file(in.txt), 5 partitions\n");
  expect_mentions(text, "#2 map(pair), 5 partitions\n");
  expect_mentions(text, "#3 reduce_by_key(sum), 3 partitions [shuffle]\n");
  expect_mentions(text, "#4 collect\n");
  expect_mentions(text, "Stage 0 (shuffle map): 5 tasks\n");
  expect_mentions(text, "Stage 1 (result), after stage 0: 3 tasks\n");
  expect_mentions(text, "write shuffle #3 (reduce_by_key(sum), map-side combine, 3 partitions)");
  EXPECT_EQ(explain(g, plan, {{1, 1}, {1, 0}}).find("1 partitions"), std::string::npos);
}

// PageRank's lineage: links (a persisted group_by_key) zipped with the ranks of the last
// iteration, contributions reduced by key, new ranks. Returns the graph and, per iteration,
// its count action and its reduce_by_key.
struct PageRankLineage {
  dag::Graph g;
  std::vector<int> actions;
  std::vector<int> shuffles;  // [0]: the links' group_by_key
};

PageRankLineage page_rank(int iterations) {
  PageRankLineage p;
  auto& g = p.g;
  const int edges = g.add(text_file("edges.txt"));
  NodeSpec group(OpKind::kShuffle, {g.add(spec(OpKind::kMap, {edges}, "map(parse)"))}, "group_by_key");
  group.partitions = 4;
  p.shuffles.push_back(g.add(group));
  const int links = g.add(spec(OpKind::kMap, {p.shuffles[0]}, "map(links)"));  // persisted: no node of its own
  int ranks = g.add(spec(OpKind::kMap, {links}, "map_values(1.0)"));
  for (int i = 0; i < iterations; ++i) {
    const int zip = g.add(spec(OpKind::kZipPartitions, {links, ranks}, "join"));
    const int contribs = g.add(spec(OpKind::kFlatMap, {zip}, "flat_map(contributions)"));
    p.shuffles.push_back(g.add(reduce_by_key(contribs, 4)));
    ranks = g.add(spec(OpKind::kMap, {p.shuffles.back()}, "map_values(0.15 + 0.85 x)"));
    p.actions.push_back(g.add(spec(OpKind::kCount, {ranks}, "count")));
  }
  return p;
}

// Iteration 100 of an iterative program plans only what it must run: the shuffles that
// earlier jobs left are read as they are, and planning walks no further than them.
TEST(Planner, ReusedShufflesKeepPlanningCheapAsTheLineageGrows) {
  const PageRankLineage p = page_rank(100);
  std::set<int> kept{p.shuffles[0]};  // the first job ran the links' shuffle too
  std::vector<Plan> plans;
  for (std::size_t i = 0; i < p.actions.size(); ++i) {
    plans.push_back(make_plan(p.g, p.actions[i], kept));
    kept.insert(p.shuffles[i + 1]);
  }
  EXPECT_EQ(plans.front().stages.size(), 2u);
  EXPECT_EQ(plans.back().stages.size(), 2u);  // the new reduce_by_key's map stage, the result
  EXPECT_EQ(plans.back().reused, (std::vector<int>{p.shuffles[0], p.shuffles[99]}));
  EXPECT_LE(plans.back().walked, 2 * plans[1].walked);
  // Without reuse, the same plan walks the whole lineage: the measure can fail.
  const Plan whole = make_plan(p.g, p.actions.back());
  EXPECT_EQ(whole.stages.size(), 102u);
  EXPECT_GT(whole.walked, 20 * plans[1].walked);
  // The fingerprint is the node's own, made when it was added.
  EXPECT_EQ(plans.back().fingerprint, p.g.fingerprint(p.actions.back()));
  EXPECT_NE(p.g.fingerprint(p.actions[98]), p.g.fingerprint(p.actions[99]));
  // explain() shows the reused shuffles and stops the tree there.
  const std::string text = explain(p.g, plans.back());
  EXPECT_NE(text.find("Skipped: the stages writing shuffle #" + std::to_string(p.shuffles[99])), std::string::npos)
      << text;
  EXPECT_EQ(text.find("edges.txt"), std::string::npos) << text;
}

// A shuffle planned once in a job is written once, even when a reused one sits beside it.
TEST(Planner, AReusedShuffleHasNoStageAndItsLikeIsResolvedFromIt) {
  dag::Graph g;
  g.add(parallelize(4));                                 // 0
  g.add(reduce_by_key(0, 0, "reduce_by_key(default)"));  // 1
  g.add(parallelize(3));                                 // 2
  NodeSpec side(OpKind::kShuffle, {2}, "join (right side)");
  side.like = 1;
  g.add(side);                                          // 3
  g.add(spec(OpKind::kZipPartitions, {1, 3}, "join"));  // 4
  g.add(spec(OpKind::kCollect, {4}, "collect"));        // 5
  const Plan fresh = make_plan(g, 5);
  EXPECT_EQ(fresh.stages.size(), 3u);
  const Plan again = make_plan(g, 5, {1});
  ASSERT_EQ(again.stages.size(), 2u);  // the right side's map stage, the result
  EXPECT_EQ(again.stages[0].output_node, 3);
  EXPECT_EQ(again.reused, std::vector<int>{1});
}

}  // namespace
}  // namespace dataflow::plan
