// Longest-processing-time-first placement.
#include "shuffle/placement.hpp"

#include <algorithm>
#include <numeric>

namespace dataflow::shuffle {

std::vector<std::int32_t> place_partitions(const std::vector<std::uint64_t>& partition_bytes, int executors) {
  std::vector<std::size_t> order(partition_bytes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return partition_bytes[a] > partition_bytes[b]; });
  std::vector<std::uint64_t> load(static_cast<std::size_t>(std::max(1, executors)), 0);
  std::vector<std::uint32_t> count(load.size(), 0);
  std::vector<std::int32_t> owner(partition_bytes.size(), 0);
  for (std::size_t r : order) {
    std::size_t best = 0;
    for (std::size_t e = 1; e < load.size(); ++e) {
      // Fewest bytes, then fewest partitions (so empty partitions spread too).
      if (load[e] < load[best] || (load[e] == load[best] && count[e] < count[best])) best = e;
    }
    owner[r] = static_cast<std::int32_t>(best);
    load[best] += partition_bytes[r];
    ++count[best];
  }
  return owner;
}

}  // namespace dataflow::shuffle
