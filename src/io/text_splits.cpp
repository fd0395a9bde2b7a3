// Text split planning.
#include "io/text_splits.hpp"

#include <algorithm>
#include <stdexcept>

namespace dataflow::io {

std::vector<detail::TextSplit> plan_splits(const std::vector<InputFile>& files, std::uint64_t split_size) {
  if (split_size == 0) throw std::invalid_argument("split size must be positive");
  std::vector<detail::TextSplit> splits;
  for (const auto& f : files) {
    if (f.size == 0) {
      splits.push_back({f.path, 0, 0, 0});
      continue;
    }
    for (std::uint64_t start = 0; start < f.size; start += split_size) {
      splits.push_back({f.path, start, std::min(f.size, start + split_size), f.size});
    }
  }
  return splits;
}

}  // namespace dataflow::io
