// The wordcount pipeline, callable from tests: counts the words of text inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/session.hpp"

namespace wordcount {

struct Options {
  std::vector<std::string> inputs;
  std::optional<std::uint64_t> top;  // only the N most frequent words
  std::string output_dir;            // empty: print to `out` on the driver
};

// Collective. With no output_dir, the driver writes "word<TAB>count" lines to `out`, by
// count descending, then word ascending bytewise. Throws dataflow::JobError on failure.
void run(dataflow::Session& session, const Options& options, std::ostream& out);

// Orders (word, count) pairs as wordcount prints them and keeps the first `top`.
void sort_counts(std::vector<std::pair<std::string, std::int64_t>>& counts, std::optional<std::uint64_t> top);

}  // namespace wordcount
