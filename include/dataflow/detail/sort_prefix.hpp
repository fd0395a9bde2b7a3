// SortPrefix: a 64-bit prefix of a key whose unsigned order agrees with the key's operator<:
// a smaller prefix means a smaller key, equal prefixes decide nothing. Sorting by the prefix
// first settles almost every comparison with one integer compare instead of a call to
// memcmp (TeraSort's 10-byte keys; strings by their first 8 bytes).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

namespace dataflow::detail {

template <class K, class = void>
struct SortPrefix {
  static constexpr bool kHas = false;
};

template <class K>
struct SortPrefix<K, std::enable_if_t<std::is_integral_v<K> && !std::is_same_v<K, bool>>> {
  static constexpr bool kHas = true;
  static std::uint64_t of(K k) {
    if constexpr (std::is_signed_v<K>) {
      return static_cast<std::uint64_t>(static_cast<std::int64_t>(k)) ^ (std::uint64_t{1} << 63);
    } else {
      return static_cast<std::uint64_t>(k);
    }
  }
};

// Big-endian bytes [0, min(n, 8)), zero-padded, each as operator< compares it: unsigned, or
// with its sign bit flipped where the element type is signed.
template <bool kSigned, class E>
std::uint64_t byte_prefix(const E* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    std::uint64_t b = 0;
    if (i < n) {
      b = static_cast<unsigned char>(p[i]);
      if constexpr (kSigned) b ^= 0x80;
    }
    v = (v << 8) | b;
  }
  return v;
}

template <class E>
inline constexpr bool kByteLike = sizeof(E) == 1 && (std::is_integral_v<E> || std::is_same_v<E, std::byte>) &&
                                  !std::is_same_v<E, bool>;

template <class E, std::size_t N>
struct SortPrefix<std::array<E, N>, std::enable_if_t<kByteLike<E>>> {
  static constexpr bool kHas = true;
  static std::uint64_t of(const std::array<E, N>& k) {
    constexpr bool kSigned = std::is_integral_v<E> && std::is_signed_v<E>;
    return byte_prefix<kSigned>(k.data(), N);
  }
};

// std::string compares through char_traits<char>, as unsigned char.
template <>
struct SortPrefix<std::string> {
  static constexpr bool kHas = true;
  static std::uint64_t of(const std::string& k) { return byte_prefix<false>(k.data(), k.size()); }
};

}  // namespace dataflow::detail
