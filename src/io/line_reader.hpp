// The text split reader's entry point with its counters, for tests and metrics;
// detail::read_lines (dataflow/detail/task_context.hpp) is the same without them.
#pragma once

#include <cstdint>
#include <string_view>

#include "dataflow/detail/emit.hpp"
#include "dataflow/detail/task_context.hpp"

namespace dataflow::io {

struct ReadStats {
  std::uint64_t bytes_read = 0;  // read from the files, including what was read and skipped
  std::uint64_t lines_read = 0;  // lines emitted (skipped bad records included)
};

// Reads the lines of `split` as detail::read_lines does. Thread-safe: each thread reads into
// a buffer of its own, reused from call to call.
ReadStats read_split_lines(const detail::TextSplit& split, detail::Emit<std::string_view> emit);

}  // namespace dataflow::io
