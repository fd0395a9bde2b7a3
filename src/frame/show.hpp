// show(): Spark's Dataset.getRows/showString, to the byte, over cells already as text
// (pretty_value.hpp): widths of at least 3 measured in half-widths (a full-width character
// counts 2), cells right-aligned when truncate > 0 and left-aligned when it is 0, cells
// longer than `truncate` cut to truncate - 3 characters and "...", meta characters escaped,
// the "only showing top N rows" footer, and the vertical layout with -RECORD lines.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dataflow::frame {

// `rows`: the first n + 1 rows at most (n + 1 of them say that there are more than n).
std::string show_string(const std::vector<std::string>& names, const std::vector<std::vector<std::string>>& rows, int n,
                        int truncate, bool vertical);

// Newline, CR, tab, form feed, backspace, vertical tab and bell as \n \r \t \f \b \v \a.
std::string escape_meta(std::string_view s);
// Java's String.length() of UTF-8 text: UTF-16 code units.
std::size_t java_length(std::string_view s);
// Spark's Utils.stringHalfWidth: the length plus one per full-width character.
std::size_t half_width(std::string_view s);

}  // namespace dataflow::frame
