// Values as bytes: a group key or an aggregate's state in a shuffle record (encode/decode,
// with a type tag, null included), and as a sort key whose bytes compare (memcmp) in the
// order Spark sorts (ascending or descending, nulls first or last).
#pragma once

#include <string>
#include <string_view>

#include "dataflow/column.hpp"

namespace dataflow::frame {

void encode_value(std::string& out, const Value& v);
// Reads one value at `at` (advancing it); Error(kSoftware) on bytes that are not one.
Value decode_value(std::string_view bytes, std::size_t& at);

// Appends v's sort key: keys of one column's type compare as the values (doubles with -0.0
// and 0.0 equal and NaN largest, as Spark), strings byte-wise; nulls before or after all.
void append_sort_key(std::string& out, const Value& v, bool ascending, bool nulls_first);

}  // namespace dataflow::frame
