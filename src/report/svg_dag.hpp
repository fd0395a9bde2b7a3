// A job's stage DAG as inline SVG: boxes per stage, arrows from parent stages, laid out by
// longest-path layering and barycentric ordering (stage graphs have tens of nodes).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "report/report_model.hpp"

namespace dataflow::report {

struct DagLayout {
  std::vector<int> layer;  // per node: its column, 0 for nodes without parents
  std::vector<int> order;  // per node: its row within its column, from 0
  int layers = 0;
  int rows = 0;  // the most nodes in one column
};

// `parents[i]` lists node i's parents by index (out-of-range indices are ignored). A node's
// layer is the longest path from a root to it; within a layer nodes are ordered by the
// mean row of their parents (then by index), in a sweep down and a sweep back up.
DagLayout layout_dag(const std::vector<std::vector<std::size_t>>& parents);

// The DAG of model.jobs[job] as an <svg>: one <g class="stage"> per stage (class "stage
// skipped" for one that never ran, and one per reused shuffle), one <path class="edge"> per
// parent link.
void render_dag(std::string& out, const ReportModel& model, std::size_t job);

}  // namespace dataflow::report
