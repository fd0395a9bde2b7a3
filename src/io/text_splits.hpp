// Text split planning: cut files into byte ranges of at most split_size bytes.
#pragma once

#include <cstdint>
#include <vector>

#include "dataflow/detail/task_context.hpp"
#include "io/input_paths.hpp"

namespace dataflow::io {

// Consecutive ranges per file, in file order; an empty file gets one empty split, so every
// file is a partition. split_size must be positive.
std::vector<detail::TextSplit> plan_splits(const std::vector<InputFile>& files, std::uint64_t split_size);

}  // namespace dataflow::io
