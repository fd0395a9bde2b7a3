// JsonWriter: a small streaming JSON writer for the event log (one object per line).
// Strings are escaped per RFC 8259: '"', '\\' and control characters (as \n, \r, \t or
// \u00XX); valid UTF-8 passes through as is, and each byte of an invalid UTF-8 sequence
// becomes U+FFFD, so every line is valid UTF-8 JSON (Python's json module reads it) at the
// cost of such bytes (a Latin-1 file name, say). Integers are written exactly (all 64 bits);
// doubles in their shortest round-trip form (std::to_chars), non-finite ones as null.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dataflow::common {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // The next member's name, inside an object; its value follows.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(double d);
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>) JsonWriter& value(T n) {
    if constexpr (std::is_signed_v<T>) {
      return integer(static_cast<std::int64_t>(n));
    } else {
      return unsigned_integer(static_cast<std::uint64_t>(n));
    }
  }
  JsonWriter& null();

  // key(name).value(v) in one call.
  template <class T>
  JsonWriter& field(std::string_view name, const T& v) {
    return key(name).value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

  // `s` as a JSON string, quotes included, appended to `out`.
  static void append_string(std::string& out, std::string_view s);

 private:
  JsonWriter& integer(std::int64_t n);
  JsonWriter& unsigned_integer(std::uint64_t n);
  void before_value();  // the comma between elements
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);

  std::string out_;
  std::vector<bool> empty_;  // per open object or array: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace dataflow::common
