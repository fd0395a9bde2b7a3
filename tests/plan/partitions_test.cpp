// Partition counts and task layouts of narrow dependencies: one-to-one, zip, union and
// coalesce (many-to-one, with a scope per merged parent partition).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "dag/graph.hpp"
#include "dataflow/error.hpp"
#include "plan/partitions.hpp"
#include "plan/planner.hpp"

namespace dataflow::plan {
namespace {

using detail::NodeSpec;
using detail::OpKind;

NodeSpec parallelize(std::uint32_t slices) {
  NodeSpec s(OpKind::kParallelize, {}, "parallelize");
  s.partitions = slices;
  return s;
}
NodeSpec coalesce(int parent, std::uint32_t n) {
  NodeSpec s(OpKind::kCoalesce, {parent}, "coalesce");
  s.partitions = n;
  return s;
}

// The single stage of collecting `top`, with its counts resolved from the sources' slices.
struct Resolved {
  Stage stage;
  PartitionCounts counts;
  std::uint32_t tasks = 0;
};
Resolved resolve(dag::Graph& g, int top) {
  const int action = g.add(NodeSpec(OpKind::kCollect, {top}, "collect"));
  Plan plan = make_plan(g, action);
  EXPECT_EQ(plan.stages.size(), 1u);
  Resolved r{plan.stages.back(), {}, 0};
  for (int in : r.stage.inputs) r.counts[in] = g.node(in).partitions;
  r.tasks = count_stage(g, r.stage, r.counts);
  return r;
}

using Row = std::tuple<int, std::uint32_t, std::uint32_t>;  // node, partition, scope
std::vector<Row> rows(const TaskLayout& layout) {
  std::vector<Row> out;
  for (const TaskNode& n : layout.nodes) out.emplace_back(n.node, n.partition, n.scope);
  return out;
}

TEST(CoalescedRange, RunsAreConsecutiveCoverTheParentAndDifferByAtMostOne) {
  for (std::uint32_t parent : {1u, 2u, 7u, 10u, 100u, 4000000000u}) {
    for (std::uint32_t n : {1u, 2u, 3u, 7u}) {
      if (n > parent) continue;
      std::uint32_t next = 0;
      for (std::uint32_t p = 0; p < n; ++p) {
        const auto [first, last] = coalesced_range(p, n, parent);
        EXPECT_EQ(first, next) << parent << " " << n << " " << p;
        EXPECT_GE(last - first, parent / n);
        EXPECT_LE(last - first, parent / n + 1);
        next = last;
      }
      EXPECT_EQ(next, parent);
    }
  }
}

TEST(TaskLayout, CoalesceMergesRunsOfParentPartitionsEachInItsOwnScope) {
  dag::Graph g;
  g.add(parallelize(7));                         // 0
  g.add(NodeSpec(OpKind::kMap, {0}, "map"));     // 1
  g.add(coalesce(1, 3));                         // 2
  g.add(NodeSpec(OpKind::kFilter, {2}, "f"));    // 3
  Resolved r = resolve(g, 3);
  EXPECT_EQ(r.tasks, 3u);
  EXPECT_EQ(r.counts.at(1), 7u);
  // Task 1 merges parent partitions [2, 4): 7 * 1 / 3 = 2, 7 * 2 / 3 = 4.
  const TaskLayout layout = task_layout(g, r.stage, r.counts, 1);
  EXPECT_EQ(rows(layout), (std::vector<Row>{{2, 1, 0}, {3, 1, 0}, {0, 2, 1}, {1, 2, 1}, {0, 3, 2}, {1, 3, 2}}));
  ASSERT_EQ(layout.scopes.size(), 2u);
  for (const TaskScope& s : layout.scopes) {
    EXPECT_EQ(s.coalesce, 2);
    EXPECT_EQ(s.parent, 0u);
  }
}

TEST(TaskLayout, CoalesceToMorePartitionsKeepsTheParentsCount) {
  dag::Graph g;
  g.add(parallelize(2));  // 0
  g.add(coalesce(0, 5));  // 1
  Resolved r = resolve(g, 1);
  EXPECT_EQ(r.tasks, 2u);
  EXPECT_EQ(rows(task_layout(g, r.stage, r.counts, 1)), (std::vector<Row>{{1, 1, 0}, {0, 1, 1}}));
}

TEST(TaskLayout, NestedCoalesceOverAUnionOpensScopesInsideScopes) {
  dag::Graph g;
  g.add(parallelize(2));                                // 0
  g.add(parallelize(4));                                // 1
  g.add(NodeSpec(OpKind::kUnion, {0, 1}, "union"));     // 2: 6 partitions
  g.add(coalesce(2, 3));                                // 3: [0,2) [2,4) [4,6)
  g.add(coalesce(3, 1));                                // 4: everything
  Resolved r = resolve(g, 4);
  EXPECT_EQ(r.tasks, 1u);
  const TaskLayout layout = task_layout(g, r.stage, r.counts, 0);
  // Scopes 1..3 belong to coalesce #4 (in scope 0), each opening two of coalesce #3.
  ASSERT_EQ(layout.scopes.size(), 9u);
  std::vector<std::pair<int, std::uint32_t>> sources;  // (source node, partition) in scope order
  for (const TaskNode& n : layout.nodes) {
    if (n.node <= 1) sources.emplace_back(n.node, n.partition);
    if (n.node <= 1) {
      const TaskScope& inner = layout.scopes.at(n.scope - 1);
      EXPECT_EQ(inner.coalesce, 3);
      EXPECT_EQ(layout.scopes.at(inner.parent - 1).coalesce, 4);
      EXPECT_EQ(layout.scopes.at(inner.parent - 1).parent, 0u);
    }
  }
  ASSERT_EQ(sources.size(), 6u);
  // Every union partition once: both of #0's, all four of #1's.
  std::sort(sources.begin(), sources.end());
  EXPECT_EQ(sources, (std::vector<std::pair<int, std::uint32_t>>{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {1, 2}, {1, 3}}));
}

TEST(TaskLayout, ZipReadsTheSamePartitionOfEachParentAndUnequalCountsAreAnError) {
  dag::Graph g;
  g.add(parallelize(3));                                       // 0
  g.add(parallelize(3));                                       // 1
  g.add(NodeSpec(OpKind::kZipPartitions, {0, 1}, "zip"));      // 2
  Resolved r = resolve(g, 2);
  EXPECT_EQ(rows(task_layout(g, r.stage, r.counts, 2)), (std::vector<Row>{{0, 2, 0}, {1, 2, 0}, {2, 2, 0}}));

  dag::Graph bad;
  bad.add(parallelize(3));
  bad.add(parallelize(4));
  bad.add(NodeSpec(OpKind::kZipPartitions, {0, 1}, "zip"));
  const int action = bad.add(NodeSpec(OpKind::kCollect, {2}, "collect"));
  Plan plan = make_plan(bad, action);
  PartitionCounts counts{{0, 3}, {1, 4}};
  try {
    count_stage(bad, plan.stages.back(), counts);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), static_cast<int>(ExitCode::kUsage));
    EXPECT_NE(std::string(e.what()).find("3 and 4 partitions"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dataflow::plan
