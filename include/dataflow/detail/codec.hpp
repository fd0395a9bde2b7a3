// Record codec: how records become bytes in shuffle blocks and task results.
// Arithmetic and enum types and trivially copyable structs without padding are copied raw,
// strings are varint-length-prefixed, pairs, tuples and vectors are encoded element-wise
// (codec_containers.hpp: the other standard containers and std::variant).
// Decoding is bounds-checked: a length prefix can never make the reader allocate or read
// more than the bytes actually present. kHasCodec<T> says whether T can be encoded.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "dataflow/detail/owned.hpp"
#include "dataflow/error.hpp"

namespace dataflow::detail {

// Appends encoded values to a byte string.
class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void put_raw(const void* data, std::size_t size) { out_.append(static_cast<const char*>(data), size); }
  void put_varint(std::uint64_t v) {
    char buf[10];
    int n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_.append(buf, static_cast<std::size_t>(n));
  }
  void put_bytes(std::string_view s) {
    put_varint(s.size());
    out_.append(s.data(), s.size());
  }
  std::string& buffer() { return out_; }

 private:
  std::string& out_;
};

// Reads encoded values from a byte view; throws Error(kSoftware) on malformed input.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  bool empty() const { return pos_ == in_.size(); }
  std::size_t remaining() const { return in_.size() - pos_; }

  void get_raw(void* data, std::size_t size) {
    need(size);
    std::memcpy(data, in_.data() + pos_, size);
    pos_ += size;
  }
  std::uint64_t get_varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1);
      auto byte = static_cast<unsigned char>(in_[pos_++]);
      v |= std::uint64_t{byte & 0x7fu} << shift;
      if (!(byte & 0x80u)) return v;
    }
    fail("varint longer than 10 bytes");
  }
  std::string_view get_bytes() {
    std::uint64_t n = get_varint();
    need(n);
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  void need(std::uint64_t n) const {
    if (n > remaining())
      fail("length " + std::to_string(n) + " exceeds the " + std::to_string(remaining()) + " bytes left");
  }
  [[noreturn]] static void fail(const std::string& why) {
    throw Error(ExitCode::kSoftware, "malformed record block: " + why);
  }

  std::string_view in_;
  std::size_t pos_ = 0;
};

template <class T, class = void>
struct Codec;

// Whether records of type T can be encoded: the specialization below that matches T exists
// (and, for pairs, tuples and vectors, one for every element type).
template <class T>
inline constexpr bool kHasCodec = requires(ByteWriter& w, ByteReader& r, const T& v) {
  Codec<T>::write(w, v);
  Codec<T>::read(r);
};

// Trivially copyable class types travel as raw bytes, with their padding bytes zeroed (they
// hold garbage that differs between ranks and runs; zeroed, equal records encode equally). A
// struct that holds a pointer would travel as an address, meaningless on another rank.
// A user type with a Cereal serialize member (template <class A> void serialize(A& ar)).
template <class T>
inline constexpr bool kHasSerialize = std::is_class_v<T> && requires(T& t, cereal::BinaryOutputArchive& ar) {
  t.serialize(ar);
};

template <class T>
inline constexpr bool kIsRawStruct = (std::is_class_v<T> && std::is_trivially_copyable_v<T> &&
                                      !std::is_same_v<T, std::string_view> && !kIsPair<T> && !kIsTuple<T> &&
                                      !kIsOptional<T> && !kIsVariant<T> && !kHasSerialize<T>);

template <class T>
struct Codec<T, std::enable_if_t<std::is_arithmetic_v<T> || std::is_enum_v<T>>> {
  static void write(ByteWriter& w, T v) { w.put_raw(&v, sizeof v); }
  static T read(ByteReader& r) {
    T v;
    r.get_raw(&v, sizeof v);
    return v;
  }
};

template <class T>
struct Codec<T, std::enable_if_t<kIsRawStruct<T>>> {
  static void write(ByteWriter& w, const T& v) {
    if constexpr (std::has_unique_object_representations_v<T>) {
      w.put_raw(&v, sizeof v);  // no padding
    } else {
      T copy = v;
      __builtin_clear_padding(&copy);
      w.put_raw(&copy, sizeof copy);
    }
  }
  static T read(ByteReader& r) {
    std::array<char, sizeof(T)> bytes;  // T need not be default-constructible
    r.get_raw(bytes.data(), bytes.size());
    return std::bit_cast<T>(bytes);
  }
};

template <class T>
struct Codec<T, std::enable_if_t<std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>>> {
  static void write(ByteWriter& w, std::string_view v) { w.put_bytes(v); }
  static std::string read(ByteReader& r) { return std::string(r.get_bytes()); }
};

template <class A, class B>
struct Codec<std::pair<A, B>, std::enable_if_t<kHasCodec<A> && kHasCodec<B>>> {
  static void write(ByteWriter& w, const std::pair<A, B>& v) {
    Codec<A>::write(w, v.first);
    Codec<B>::write(w, v.second);
  }
  static Owned<std::pair<A, B>> read(ByteReader& r) {
    auto a = Codec<A>::read(r);  // sequenced: first, then second
    auto b = Codec<B>::read(r);
    return {std::move(a), std::move(b)};
  }
};

template <class... Ts>
struct Codec<std::tuple<Ts...>, std::enable_if_t<(kHasCodec<Ts> && ...)>> {
  static void write(ByteWriter& w, const std::tuple<Ts...>& v) {
    std::apply([&w](const auto&... e) { (Codec<std::decay_t<decltype(e)>>::write(w, e), ...); }, v);
  }
  static Owned<std::tuple<Ts...>> read(ByteReader& r) {
    return Owned<std::tuple<Ts...>>{Codec<Ts>::read(r)...};  // braces: left-to-right order
  }
};

template <class T>
struct Codec<std::vector<T>, std::enable_if_t<kHasCodec<T>>> {
  static void write(ByteWriter& w, const std::vector<T>& v) {
    w.put_varint(v.size());
    for (const auto& e : v) Codec<T>::write(w, e);
  }
  static Owned<std::vector<T>> read(ByteReader& r) {
    std::uint64_t n = r.get_varint();
    if (n > r.remaining()) {  // every element takes at least one byte
      throw Error(ExitCode::kSoftware,
                  "malformed record block: vector length " + std::to_string(n) + " exceeds the bytes left");
    }
    Owned<std::vector<T>> v;
    // Reserve only what the bytes left could hold, so a length prefix cannot make the
    // reader allocate much more than the input's size.
    if (n * sizeof(Owned<T>) <= r.remaining()) v.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) v.push_back(Codec<T>::read(r));
    return v;
  }
};

// std::optional: a flag byte (0 or 1), then the value.
template <class T>
struct Codec<std::optional<T>, std::enable_if_t<kHasCodec<T>>> {
  static void write(ByteWriter& w, const std::optional<T>& v) {
    const char flag = v ? 1 : 0;
    w.put_raw(&flag, 1);
    if (v) Codec<T>::write(w, *v);
  }
  static Owned<std::optional<T>> read(ByteReader& r) {
    char flag = 0;
    r.get_raw(&flag, 1);
    if (flag != 0 && flag != 1) {
      throw Error(ExitCode::kSoftware, "malformed record block: optional flag " + std::to_string(int(flag)));
    }
    if (!flag) return std::nullopt;
    return Codec<T>::read(r);
  }
};

// std::array of non-trivially-copyable elements (arrays of numbers travel as raw bytes).
template <class T, std::size_t N>
struct Codec<std::array<T, N>, std::enable_if_t<kHasCodec<T> && !kIsRawStruct<std::array<T, N>>>> {
  static void write(ByteWriter& w, const std::array<T, N>& v) {
    for (const auto& e : v) Codec<T>::write(w, e);
  }
  static Owned<std::array<T, N>> read(ByteReader& r) {
    Owned<std::array<T, N>> v;
    for (auto& e : v) e = Codec<T>::read(r);
    return v;
  }
};

// A type with a Cereal serialize function: its Cereal binary encoding, length first.
template <class T>
struct Codec<T, std::enable_if_t<kHasSerialize<T>>> {
  static void write(ByteWriter& w, const T& v) {
    std::ostringstream os;
    {
      cereal::BinaryOutputArchive ar(os);
      ar(const_cast<T&>(v));  // serialize() is one function for saving and loading
    }
    w.put_bytes(os.view());
  }
  static T read(ByteReader& r) {
    const std::string_view bytes = r.get_bytes();
    std::istringstream is{std::string(bytes)};
    T v{};
    try {
      cereal::BinaryInputArchive ar(is);
      ar(v);
    } catch (const cereal::Exception& e) {
      throw Error(ExitCode::kSoftware, std::string("malformed record block: ") + e.what());
    }
    return v;
  }
};

// read_into(r, x): decodes one record into `x`, reusing the memory it holds where its type
// allows (a string's or a vector's buffer, by parts in pairs), so that decoding many records
// into one object allocates nothing once it has grown. Other types get a fresh value.
template <class T>
void read_into(ByteReader& r, T& x);

namespace codec_into {
template <class T>
struct Into {
  static void read(ByteReader& r, T& x) { x = Codec<T>::read(r); }
};
template <>
struct Into<std::string> {
  static void read(ByteReader& r, std::string& x) { x.assign(r.get_bytes()); }
};
template <class E>
requires(std::is_default_constructible_v<E> && !std::is_same_v<E, bool>) struct Into<std::vector<E>> {
  static void read(ByteReader& r, std::vector<E>& x) {
    const std::uint64_t n = r.get_varint();
    if (n > r.remaining()) {
      throw Error(ExitCode::kSoftware,
                  "malformed record block: vector length " + std::to_string(n) + " exceeds the bytes left");
    }
    x.resize(n);
    for (E& e : x) read_into(r, e);
  }
};
template <class A, class B>
struct Into<std::pair<A, B>> {
  static void read(ByteReader& r, std::pair<A, B>& x) {
    read_into(r, x.first);
    read_into(r, x.second);
  }
};
}  // namespace codec_into

template <class T>
void read_into(ByteReader& r, T& x) {
  codec_into::Into<T>::read(r, x);
}

// Decodes every record of `bytes`, calling f(Owned<T>&&) for each.
template <class T, class F>
void decode_all(std::string_view bytes, F&& f) {
  ByteReader r(bytes);
  while (!r.empty()) f(Codec<T>::read(r));
}

}  // namespace dataflow::detail

// The standard containers beyond std::vector, and std::variant.
#include "dataflow/detail/codec_containers.hpp"  // IWYU pragma: export
