// The wordcount pipeline: text_file -> flat_map(split_whitespace) -> map(word, 1)
// -> reduce_by_key(+), then collect and sort, or save as text.
#include "wordcount_job.hpp"

#include <algorithm>
#include <functional>
#include <iostream>

#include "dataflow/text.hpp"

namespace wordcount {

void sort_counts(std::vector<std::pair<std::string, std::int64_t>>& counts, std::optional<std::uint64_t> top) {
  auto order = [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; };
  if (top && *top < counts.size()) {
    std::partial_sort(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(*top), counts.end(), order);
    counts.resize(*top);
  } else {
    std::sort(counts.begin(), counts.end(), order);
  }
}

void run(dataflow::Session& session, const Options& options, std::ostream& out) {
  auto counts = session.text_file(options.inputs)
                    .flat_map(dataflow::split_whitespace)
                    // A view key: the combine table copies a word only when it first sees it.
                    .map([](std::string_view w) { return std::pair{w, std::int64_t{1}}; })
                    .reduce_by_key(std::plus<>{});
  if (options.explain && session.is_driver()) std::cerr << counts.explain();
  if (!options.output_dir.empty()) {
    counts.save_as_text_file(options.output_dir);
    return;
  }
  auto result = counts.collect_on_driver();
  if (!session.is_driver()) return;
  sort_counts(result, options.top);
  std::string text;
  for (const auto& [word, n] : result) {
    text.append(word);
    text.push_back('\t');
    text.append(std::to_string(n));
    text.push_back('\n');
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
}

}  // namespace wordcount
