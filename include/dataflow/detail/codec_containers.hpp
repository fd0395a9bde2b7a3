// Record codec for the standard containers beyond std::vector: std::deque and std::list,
// the ordered and unordered maps and sets (multi ones too) and std::variant, nested in any
// combination, so that a dict or a set (a PySpark habit) travels in datasets, broadcasts,
// accumulators and shuffles. A container is its size, then its elements (a map's as key
// then value); a variant is its index, then the alternative. Decoding is bounds-checked as
// in codec.hpp: a size prefix larger than the bytes left is a malformed block.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>

#include "dataflow/detail/codec.hpp"

namespace dataflow::detail {

// Containers read by appending (emplace_back) or by inserting at the end (emplace_hint).
template <class C>
inline constexpr bool kIsSequenceContainer = false;
template <class T, class A>
inline constexpr bool kIsSequenceContainer<std::deque<T, A>> = true;
template <class T, class A>
inline constexpr bool kIsSequenceContainer<std::list<T, A>> = true;

template <class C>
inline constexpr bool kIsAssociativeContainer = false;
template <class K, class V, class L, class A>
inline constexpr bool kIsAssociativeContainer<std::map<K, V, L, A>> = true;
template <class K, class V, class L, class A>
inline constexpr bool kIsAssociativeContainer<std::multimap<K, V, L, A>> = true;
template <class K, class L, class A>
inline constexpr bool kIsAssociativeContainer<std::set<K, L, A>> = true;
template <class K, class L, class A>
inline constexpr bool kIsAssociativeContainer<std::multiset<K, L, A>> = true;
template <class K, class V, class H, class E, class A>
inline constexpr bool kIsAssociativeContainer<std::unordered_map<K, V, H, E, A>> = true;
template <class K, class V, class H, class E, class A>
inline constexpr bool kIsAssociativeContainer<std::unordered_multimap<K, V, H, E, A>> = true;
template <class K, class H, class E, class A>
inline constexpr bool kIsAssociativeContainer<std::unordered_set<K, H, E, A>> = true;
template <class K, class H, class E, class A>
inline constexpr bool kIsAssociativeContainer<std::unordered_multiset<K, H, E, A>> = true;

template <class C>
inline constexpr bool kIsUnorderedContainer = kIsAssociativeContainer<C> && requires { typename C::hasher; };

template <class C>
inline constexpr bool kIsMap = requires { typename C::mapped_type; };

// Whether C is one of these containers with encodable elements: a map's key and value,
// else its value_type.
template <class C>
constexpr bool container_encodable() {
  if constexpr (!kIsSequenceContainer<C> && !kIsAssociativeContainer<C>) {
    return false;
  } else if constexpr (kIsMap<C>) {
    return kHasCodec<typename C::key_type> && kHasCodec<typename C::mapped_type>;
  } else {
    return kHasCodec<typename C::value_type>;
  }
}

template <class C>
struct Codec<C, std::enable_if_t<container_encodable<C>()>> {
  static void write(ByteWriter& w, const C& c) {
    w.put_varint(c.size());
    for (const auto& e : c) {
      if constexpr (kIsMap<C>) {
        Codec<typename C::key_type>::write(w, e.first);
        Codec<typename C::mapped_type>::write(w, e.second);
      } else {
        Codec<typename C::value_type>::write(w, e);
      }
    }
  }
  using Out = Owned<C>;  // views among the elements become strings
  static Out read(ByteReader& r) {
    const std::uint64_t n = r.get_varint();
    if (n > r.remaining()) {  // every element takes at least one byte
      throw Error(ExitCode::kSoftware,
                  "malformed record block: container size " + std::to_string(n) + " exceeds the bytes left");
    }
    Out c;
    if constexpr (requires { c.reserve(n); }) {  // unordered: buckets within the bytes present
      if (n * sizeof(void*) <= r.remaining()) c.reserve(n);
    }
    for (std::uint64_t i = 0; i < n; ++i) {
      if constexpr (kIsMap<C>) {
        auto k = Codec<typename C::key_type>::read(r);  // sequenced: key, then value
        auto v = Codec<typename C::mapped_type>::read(r);
        c.emplace_hint(c.end(), std::move(k), std::move(v));
      } else if constexpr (kIsSequenceContainer<C>) {
        c.emplace_back(Codec<typename C::value_type>::read(r));
      } else {
        c.emplace_hint(c.end(), Codec<typename C::value_type>::read(r));
      }
    }
    return c;
  }
};

template <class... Ts>
struct Codec<std::variant<Ts...>, std::enable_if_t<(kHasCodec<Ts> && ...)>> {
  using V = std::variant<Ts...>;
  static void write(ByteWriter& w, const V& v) {
    if (v.valueless_by_exception()) throw Error(ExitCode::kSoftware, "a std::variant without a value cannot be encoded");
    w.put_varint(v.index());
    std::visit([&w](const auto& x) { Codec<std::decay_t<decltype(x)>>::write(w, x); }, v);
  }
  static V read(ByteReader& r) {
    const std::uint64_t index = r.get_varint();
    if (index >= sizeof...(Ts)) {
      throw Error(ExitCode::kSoftware, "malformed record block: variant index " + std::to_string(index) + " of " +
                                           std::to_string(sizeof...(Ts)));
    }
    return read_alternative(r, index, std::index_sequence_for<Ts...>{});
  }

 private:
  template <std::size_t... I>
  static V read_alternative(ByteReader& r, std::uint64_t index, std::index_sequence<I...>) {
    using Reader = V (*)(ByteReader&);
    static constexpr Reader kReaders[] = {+[](ByteReader& in) -> V {
      return V(std::in_place_index<I>, Codec<std::variant_alternative_t<I, V>>::read(in));
    }...};
    return kReaders[index](r);
  }
};

}  // namespace dataflow::detail
