// Key hashing for partitioning and combining. The hash of a key is a pure function of its
// bytes (never of an address or a process), so every rank and every retry puts a key in the
// same partition. std::string and std::string_view hash alike.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "dataflow/detail/codec.hpp"

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

// 64x64 -> 128-bit multiply, folded: the mixing step of wyhash.
inline std::uint64_t fold_multiply(std::uint64_t a, std::uint64_t b) {
  __extension__ using u128 = unsigned __int128;  // GCC and Clang; -Wpedantic knows it as an extension
  const u128 m = static_cast<u128>(a) * b;
  return static_cast<std::uint64_t>(m) ^ static_cast<std::uint64_t>(m >> 64);
}

// Bytes: keys of up to 16 bytes (most words) inline, from two overlapping loads that stay
// inside the key, as wyhash does; longer keys through XXH3.
inline std::uint64_t hash_bytes(std::string_view k) {
  const std::size_t n = k.size();
  if (n > 16) return XXH3_64bits(k.data(), n);
  const auto* p = reinterpret_cast<const unsigned char*>(k.data());
  std::uint64_t a = 0, b = 0;
  if (n >= 8) {
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
  } else if (n >= 4) {
    std::uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = (std::uint64_t{p[0]} << 16) | (std::uint64_t{p[n >> 1]} << 8) | p[n - 1];
  }
  constexpr std::uint64_t kSeed0 = 0xa0761d6478bd642full, kSeed1 = 0xe7037ed1a0b428dbull;
  return fold_multiply(a ^ kSeed1, b ^ kSeed0 ^ (n * kSeed1));
}

template <class K>
struct KeyHash<K, std::enable_if_t<std::is_same_v<K, std::string> || std::is_same_v<K, std::string_view>>> {
  std::uint64_t operator()(std::string_view k) const { return hash_bytes(k); }
};

template <class K>
std::uint64_t hash_key(const K& k);

template <class A, class B>
struct KeyHash<std::pair<A, B>> {
  std::uint64_t operator()(const std::pair<A, B>& k) const {
    return mix64(hash_key(k.first) * 31 + hash_key(k.second));
  }
};

// Unordered containers: equal ones may iterate in different orders, so their hash is the
// sum of their elements' hashes, which no order changes. (Nested inside another key, a
// vector of sets say, they hash by their encoding, which is in iteration order.)
template <class K>
struct KeyHash<K, std::enable_if_t<kIsUnorderedContainer<K>>> {
  std::uint64_t operator()(const K& k) const {
    std::uint64_t sum = k.size();
    for (const auto& e : k) sum += mix64(hash_key(e));
    return mix64(sum);
  }
};

// Keys of other encodable types (tuples, vectors, optionals, arrays, structs without padding):
// the hash of their encoding, a pure function of their value.
template <class K>
struct EncodedKeyHash {
  std::uint64_t operator()(const K& k) const {
    thread_local std::string buffer;
    buffer.clear();
    ByteWriter w(buffer);
    Codec<K>::write(w, k);
    return hash_bytes(buffer);
  }
};

template <class K>
std::uint64_t hash_key(const K& k) {
  if constexpr (std::is_default_constructible_v<std::hash<K>> || std::is_integral_v<K> || std::is_enum_v<K> ||
                kIsPair<K> || kIsUnorderedContainer<K>) {
    return KeyHash<K>{}(k);
  } else {
    static_assert(!kIsRawStruct<K> || std::has_unique_object_representations_v<K>,
                  "a struct with padding cannot be a key by its bytes: give it a std::hash specialization");
    return EncodedKeyHash<K>{}(k);
  }
}

// The reduce partition of a key hash: uses the high bits (the combine table uses the low).
inline std::uint32_t partition_of(std::uint64_t hash, std::uint32_t partitions) {
  return static_cast<std::uint32_t>(((hash >> 32) * partitions) >> 32);
}

}  // namespace dataflow::detail
