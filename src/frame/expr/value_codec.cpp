// encode_value / decode_value / append_sort_key.
#include "frame/expr/value_codec.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "dataflow/error.hpp"
#include "frame/vector/raw_bytes.hpp"

namespace dataflow::frame {
namespace {

template <class T>
T get(std::string_view b, std::size_t& at) {
  if (b.size() - at < sizeof(T)) throw Error(ExitCode::kSoftware, "malformed value bytes");
  T v;
  std::memcpy(&v, b.data() + at, sizeof v);
  at += sizeof v;
  return v;
}

// Big-endian bytes of an unsigned key, so that memcmp orders them.
void put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

std::uint64_t double_key(double d) {
  if (d == 0) d = 0;                            // -0.0 sorts with 0.0
  if (std::isnan(d)) return ~std::uint64_t{0};  // NaN after every number, as Spark
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
}

}  // namespace

void encode_value(std::string& out, const Value& v) {
  out += static_cast<char>(v.index());
  switch (v.index()) {
    case 0:
      break;
    case 1:
      out += std::get<bool>(v) ? '\1' : '\0';
      break;
    case 2:
      put(out, std::get<std::int32_t>(v));
      break;
    case 3:
      put(out, std::get<std::int64_t>(v));
      break;
    case 4:
      put(out, std::get<float>(v));
      break;
    case 5:
      put(out, std::get<double>(v));
      break;
    case 6: {
      const std::string& s = std::get<std::string>(v);
      put(out, static_cast<std::uint32_t>(s.size()));
      out += s;
      break;
    }
    case 7:
      put(out, std::get<Date>(v).days);
      break;
    case 8:
      put(out, std::get<Timestamp>(v).micros);
      break;
  }
}

Value decode_value(std::string_view b, std::size_t& at) {
  const auto tag = get<std::uint8_t>(b, at);
  switch (tag) {
    case 0:
      return Null{};
    case 1:
      return get<std::uint8_t>(b, at) != 0;
    case 2:
      return get<std::int32_t>(b, at);
    case 3:
      return get<std::int64_t>(b, at);
    case 4:
      return get<float>(b, at);
    case 5:
      return get<double>(b, at);
    case 6: {
      const auto n = get<std::uint32_t>(b, at);
      if (b.size() - at < n) throw Error(ExitCode::kSoftware, "malformed value bytes");
      std::string s(b.substr(at, n));
      at += n;
      return s;
    }
    case 7:
      return Date{get<std::int32_t>(b, at)};
    case 8:
      return Timestamp{get<std::int64_t>(b, at)};
    default:
      throw Error(ExitCode::kSoftware, "malformed value bytes");
  }
}

void append_sort_key(std::string& out, const Value& v, bool ascending, bool nulls_first) {
  const bool null = std::holds_alternative<Null>(v);
  out += static_cast<char>(null == nulls_first ? 0 : 1);  // nulls' place, whatever the direction
  if (null) return;
  std::string key;
  switch (v.index()) {
    case 1:
      key += std::get<bool>(v) ? '\1' : '\0';
      break;
    case 2:
      put_be(key, static_cast<std::uint32_t>(std::get<std::int32_t>(v)) ^ 0x80000000u, 4);
      break;
    case 3:
      put_be(key, static_cast<std::uint64_t>(std::get<std::int64_t>(v)) ^ (std::uint64_t{1} << 63), 8);
      break;
    case 4:
      put_be(key, double_key(std::get<float>(v)), 8);
      break;
    case 5:
      put_be(key, double_key(std::get<double>(v)), 8);
      break;
    case 6:  // bytes, each 0 as 0 1, ended by 0 0: a prefix sorts first, and the key stays comparable
      for (char c : std::get<std::string>(v)) {
        key += c;
        if (c == '\0') key += '\1';
      }
      key += std::string("\0\0", 2);
      break;
    case 7:
      put_be(key, static_cast<std::uint32_t>(std::get<Date>(v).days) ^ 0x80000000u, 4);
      break;
    case 8:
      put_be(key, static_cast<std::uint64_t>(std::get<Timestamp>(v).micros) ^ (std::uint64_t{1} << 63), 8);
      break;
  }
  if (!ascending) {
    for (char& c : key) c = static_cast<char>(~static_cast<unsigned char>(c));
  }
  out += key;
}

}  // namespace dataflow::frame
