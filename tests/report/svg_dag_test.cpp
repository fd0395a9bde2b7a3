// The DAG layout: longest-path layers, barycentric order within a layer.
#include "report/svg_dag.hpp"

#include <gtest/gtest.h>

namespace dataflow::report {
namespace {

TEST(DagLayout, ChainIsOneRowOfLayers) {
  const DagLayout d = layout_dag({{}, {0}, {1}});
  EXPECT_EQ(d.layer, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(d.order, (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(d.layers, 3);
  EXPECT_EQ(d.rows, 1);
}

TEST(DagLayout, Diamond) {
  // 0 -> 1, 0 -> 2, {1, 2} -> 3
  const DagLayout d = layout_dag({{}, {0}, {0}, {1, 2}});
  EXPECT_EQ(d.layer, (std::vector<int>{0, 1, 1, 2}));
  EXPECT_EQ(d.order, (std::vector<int>{0, 0, 1, 0}));
  EXPECT_EQ(d.rows, 2);
}

TEST(DagLayout, LongestPathPutsAJoinAfterItsDeepestParent) {
  // 0 -> 1 -> 3 and 2 -> 3: 3 sits after 1, not after 2
  const DagLayout d = layout_dag({{}, {0}, {}, {1, 2}});
  EXPECT_EQ(d.layer, (std::vector<int>{0, 1, 0, 2}));
}

TEST(DagLayout, BarycentresUncrossEdges) {
  // roots 0 and 1; 2 reads 1 and 3 reads 0: in layer 1, 3 goes above 2
  const DagLayout d = layout_dag({{}, {}, {1}, {0}});
  EXPECT_EQ(d.order[3], 0);
  EXPECT_EQ(d.order[2], 1);
}

TEST(DagLayout, ToleratesBadParentsAndCycles) {
  const DagLayout d = layout_dag({{7}, {2}, {1}});
  EXPECT_EQ(d.layer.size(), 3u);
  EXPECT_LE(d.layers, 3);
  EXPECT_EQ(layout_dag({}).layers, 0);
}

}  // namespace
}  // namespace dataflow::report
