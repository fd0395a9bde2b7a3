// append_text: how save_as_text_file renders a record as one line of text.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "dataflow/detail/owned.hpp"

namespace dataflow::detail {

template <class T>
void append_text(std::string& out, const T& x) {
  if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    out.append(std::string_view(x));
  } else if constexpr (std::is_arithmetic_v<T>) {
    out.append(std::to_string(x));
  } else if constexpr (kIsPair<T>) {
    append_text(out, x.first);
    out.push_back('\t');
    append_text(out, x.second);
  } else {
    static_assert(sizeof(T) == 0, "save_as_text_file: map records to strings first");
  }
}

}  // namespace dataflow::detail
