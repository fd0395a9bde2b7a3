// Text split planning: files cut into byte ranges of at most split_size bytes, and small
// files packed together into one split, as Spark's file sources do (FilePartition).
#pragma once

#include <cstdint>
#include <vector>

#include "dataflow/detail/task_context.hpp"
#include "io/input_paths.hpp"

namespace dataflow::io {

// What opening a file costs, counted as bytes when packing files into splits (Spark's
// spark.files.openCostInBytes): without it, thousands of tiny files would make one split.
inline constexpr std::uint64_t kOpenCostBytes = std::uint64_t{4} << 20;

// The splits of `files`, in file order (reading them in order reads the files in order).
// Each file is cut into consecutive ranges of at most split_size bytes; ranges are then
// packed into splits in order, a split taking the next range while its ranges' bytes plus
// open_cost per range stay within split_size (Spark's rule). When min_splits > 1, the packing
// limit is lowered to the total cost over min_splits (at least open_cost), so that an input
// of a few small files still spreads over min_splits tasks (Spark's bytesPerCore). An empty
// file is a range of zero bytes, read only to check it is still empty. No files, no splits.
// split_size must be positive.
std::vector<detail::TextSplit> plan_splits(const std::vector<InputFile>& files, std::uint64_t split_size,
                                           std::uint64_t min_splits = 1, std::uint64_t open_cost = kOpenCostBytes);

}  // namespace dataflow::io
