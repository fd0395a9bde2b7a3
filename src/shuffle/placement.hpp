// Placement of reduce partitions on executors, from the sizes the map tasks reported.
#pragma once

#include <cstdint>
#include <vector>

namespace dataflow::shuffle {

// Largest partition first, each to the executor with the fewest bytes so far (ties: lowest
// partition, lowest executor), so skew is spread before the bytes move. Deterministic.
std::vector<std::int32_t> place_partitions(const std::vector<std::uint64_t>& partition_bytes, int executors);

}  // namespace dataflow::shuffle
