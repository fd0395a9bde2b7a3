// Text split planning.
#include "io/text_splits.hpp"

#include <algorithm>
#include <stdexcept>

namespace dataflow::io {

std::vector<detail::TextSplit> plan_splits(const std::vector<InputFile>& files, std::uint64_t split_size,
                                           std::uint64_t min_splits, std::uint64_t open_cost) {
  if (split_size == 0) throw std::invalid_argument("split size must be positive");
  std::uint64_t limit = split_size;
  if (min_splits > 1) {
    std::uint64_t total = 0;
    for (const auto& f : files) total += f.identity.size + open_cost;
    limit = std::min(split_size, std::max(open_cost, total / min_splits));
  }
  std::vector<detail::TextSplit> splits;
  std::uint64_t cost = 0;  // of the split being filled: its bytes plus open_cost per piece
  auto add = [&](const InputFile& f, std::uint64_t start, std::uint64_t end) {
    const std::uint64_t bytes = end - start;
    if (splits.empty() || (cost > 0 && cost + bytes > limit)) {
      splits.emplace_back();
      cost = 0;
    }
    splits.back().pieces.push_back({f.path, start, end, f.identity});
    cost += bytes + open_cost;
  };
  for (const auto& f : files) {
    const std::uint64_t size = f.identity.size;
    if (size == 0) add(f, 0, 0);
    for (std::uint64_t start = 0; start < size; start += split_size) add(f, start, std::min(size, start + split_size));
  }
  return splits;
}

}  // namespace dataflow::io
