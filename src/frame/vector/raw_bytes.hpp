// A fixed-width value appended to a byte string as it lies in memory (the frame codecs'
// little-endian, same-machine encodings).
#pragma once

#include <string>
#include <type_traits>

namespace dataflow::frame {

template <class T>
void put(std::string& out, T v) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

}  // namespace dataflow::frame
