// TaskContext: what one running task sees of its input and output. Built by the task
// runner from a descriptor; the typed pipelines read it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/detail/emit.hpp"

namespace dataflow::detail {

// A byte range of one text file. Lines whose first byte lies in [start, end) belong to it.
struct TextSplit {
  std::string path;
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::uint64_t file_size = 0;  // as planned; a different size at read time is an error
};

struct TaskContext {
  std::uint32_t stage = 0;
  std::uint32_t partition = 0;
  std::uint32_t attempt = 0;
  const TextSplit* split = nullptr;                              // text source input
  const std::vector<std::string_view>* shuffle_input = nullptr;  // reduce side, map order
  std::string_view slice;                                        // parallelize: encoded records
  std::uint32_t num_buckets = 0;                                 // shuffle map output
  std::string output_file;                                       // save: this attempt's file
};

// Runs the fused narrow chain of one partition, pushing each record downstream.
template <class T>
using Producer = std::function<void(TaskContext&, Emit<T>)>;
// Map side of a shuffle: fills one encoded bucket per reduce partition.
using MapRunner = std::function<void(TaskContext&, std::vector<std::string>& buckets)>;
// Last stage of an action: the partition's encoded result.
using ResultRunner = std::function<std::string(TaskContext&)>;

// Reads the lines of a split (defined in src/io/line_reader.cpp); views live for the call.
void read_lines(const TextSplit& split, Emit<std::string_view> emit);
// Writes `bytes` to a new file at `path` (never following a symlink), checking close().
void write_new_file(const std::string& path, std::string_view bytes);

}  // namespace dataflow::detail
