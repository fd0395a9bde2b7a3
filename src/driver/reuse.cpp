// What a job reads from the executors' caches (reuse.hpp).
#include "driver/reuse.hpp"

#include <string>

namespace dataflow::driver {
namespace {

// "3 partitions (0-1, 5)", "no partition".
std::string partition_list(const std::vector<std::uint32_t>& ps) {
  if (ps.empty()) return "no partition";
  std::string runs;
  for (std::size_t i = 0; i < ps.size();) {
    std::size_t j = i;
    while (j + 1 < ps.size() && ps[j + 1] == ps[j] + 1) ++j;
    runs += (runs.empty() ? "" : ", ") + std::to_string(ps[i]) + (j > i ? "-" + std::to_string(ps[j]) : "");
    i = j + 1;
  }
  return std::to_string(ps.size()) + (ps.size() == 1 ? " partition (" : " partitions (") + runs + ")";
}

}  // namespace

std::string cached_partitions_text(const dag::Graph& graph, const plan::Plan& plan,
                                   const std::vector<plan::StageSize>& sizes, const Reuse& reuse) {
  std::string out;
  for (const plan::Stage& s : plan.stages) {
    std::vector<int> nodes = s.inputs;  // a persisted source or shuffle, read by the stage
    nodes.insert(nodes.end(), s.chain.begin(), s.chain.end());
    for (int n : nodes) {
      const auto level = reuse.persisted.find(n);
      if (level == reuse.persisted.end()) continue;
      std::vector<std::uint32_t> read, computed;
      const auto where = reuse.cached.find(n);
      for (std::uint32_t p = 0; p < sizes[s.id].tasks; ++p) {
        const bool held = where != reuse.cached.end() && p < where->second.size() && where->second[p] >= 0;
        (held ? read : computed).push_back(p);
      }
      out += "cached #" + std::to_string(n) + " " + graph.node(n).label + " (" + level->second + "), stage " +
             std::to_string(s.id) + ": reads " + partition_list(read) + " from the cache, computes " +
             partition_list(computed) + "\n";
    }
  }
  return out;
}

}  // namespace dataflow::driver
