// Reuse: what the driver knows across jobs about data the executors keep. A shuffle's output
// stays on the executors after its job, so that a later job reading the same shuffle skips
// the stages that wrote it (Spark's skipped stages); a persisted dataset's partitions stay
// where the tasks that computed them ran, and later tasks go there to read them. Both are
// forgotten when the last handle to their node is destroyed (every rank does this at the
// same point of its program, so the executors drop the data at the same time).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dag/graph.hpp"
#include "plan/stage.hpp"

namespace dataflow::driver {

// A shuffle's output as its exchange left it: the executor holding each reduce partition.
struct KeptShuffle {
  std::vector<std::int32_t> owners;
  bool resumed = false;  // read back from --resume-dir (by the job that first read it)
};

struct Reuse {
  std::map<int, KeptShuffle> shuffles;  // by wide node
  // By persist node: the executor holding each partition's block, -1 for none (as the
  // executors last reported; a block evicted since is computed again where the task runs).
  std::map<int, std::vector<std::int32_t>> cached;
  // The nodes persist() marked (on every rank, in program order), with their levels' names.
  std::map<int, const char*> persisted;

  std::set<int> shuffle_nodes() const {
    std::set<int> out;
    for (const auto& [node, kept] : shuffles) out.insert(node);
    return out;
  }
  void forget(int node) {
    shuffles.erase(node);
    cached.erase(node);
    persisted.erase(node);
  }
};

// --explain: for each persisted node that `plan` computes, the partitions it will read from
// the executors' caches and those it computes (and stores), as the executors last reported.
std::string cached_partitions_text(const dag::Graph& graph, const plan::Plan& plan,
                                   const std::vector<plan::StageSize>& sizes, const Reuse& reuse);

}  // namespace dataflow::driver
