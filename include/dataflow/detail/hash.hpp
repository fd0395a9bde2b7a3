// Key hashing for partitioning and combining. The hash of a key is a pure function of its
// bytes (never of an address or a process), so every rank and every retry puts a key in the
// same partition. std::string and std::string_view hash alike.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace dataflow::detail {

inline std::uint64_t mix64(std::uint64_t x) {  // splitmix64's finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

template <class K, class = void>
struct KeyHash {
  std::uint64_t operator()(const K& k) const { return mix64(std::hash<K>{}(k)); }
};

template <class K>
struct KeyHash<K, std::enable_if_t<std::is_integral_v<K> || std::is_enum_v<K>>> {
  std::uint64_t operator()(K k) const { return mix64(static_cast<std::uint64_t>(k)); }
};

template <class K>
struct KeyHash<K, std::enable_if_t<std::is_same_v<K, std::string> ||
                                   std::is_same_v<K, std::string_view>>> {
  std::uint64_t operator()(std::string_view k) const { return XXH3_64bits(k.data(), k.size()); }
};

template <class A, class B>
struct KeyHash<std::pair<A, B>> {
  std::uint64_t operator()(const std::pair<A, B>& k) const {
    return mix64(KeyHash<A>{}(k.first) * 31 + KeyHash<B>{}(k.second));
  }
};

template <class K>
std::uint64_t hash_key(const K& k) {
  return KeyHash<K>{}(k);
}

// The reduce partition of a key hash: uses the high bits (the combine table uses the low).
inline std::uint32_t partition_of(std::uint64_t hash, std::uint32_t partitions) {
  return static_cast<std::uint32_t>(((hash >> 32) * partitions) >> 32);
}

}  // namespace dataflow::detail
