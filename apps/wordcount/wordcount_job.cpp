// The wordcount pipeline: text_file -> flat_map(split_whitespace) -> map(word, 1)
// -> reduce_by_key(+), then collect and sort, or save as text.
#include "wordcount_job.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <iostream>

#include "dataflow/text.hpp"

namespace wordcount {

void sort_counts(std::vector<std::pair<std::string, std::int64_t>>& counts, std::optional<std::uint64_t> top) {
  // Sort pointers, not the pairs: moving a string costs more than comparing most pairs.
  using Entry = std::pair<std::string, std::int64_t>;
  std::vector<const Entry*> order(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) order[i] = &counts[i];
  auto before = [](const Entry* a, const Entry* b) {
    return a->second != b->second ? a->second > b->second : a->first < b->first;
  };
  const std::size_t keep = top ? std::min<std::uint64_t>(*top, counts.size()) : counts.size();
  if (keep == order.size()) {
    std::sort(order.begin(), order.end(), before);
  } else {
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(), before);
  }
  std::vector<Entry> sorted;
  sorted.reserve(keep);
  for (std::size_t i = 0; i < keep; ++i) sorted.push_back(std::move(*const_cast<Entry*>(order[i])));
  counts = std::move(sorted);
}

void run(dataflow::Session& session, const Options& options, std::ostream& out) {
  auto counts = session.text_file(options.inputs)
                    .flat_map(dataflow::split_whitespace)
                    // A view key: the combine table copies a word only when it first sees it.
                    .map([](std::string_view w) {
                      return std::pair{w, std::int64_t{1}};
                    })
                    .reduce_by_key(std::plus<>{});
  if (!options.output_dir.empty()) {
    counts.save_as_text_file(options.output_dir);
    return;
  }
  auto result = counts.collect_on_driver();
  if (!session.is_driver()) return;
  sort_counts(result, options.top);
  std::string text;
  char digits[24];
  for (const auto& [word, n] : result) {
    text.append(word);
    text.push_back('\t');
    text.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
    text.push_back('\n');
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
}

}  // namespace wordcount
