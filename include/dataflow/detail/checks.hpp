// Compile-time checks of what users pass to Dataset's methods. Each check_*() fails one
// static_assert in the user's words and returns false, so that the method skips its body
// (`if constexpr`) and the compiler prints that one error instead of a cascade from inside
// the templates. A failed transformation yields a Dataset<ErrorRecord>, on which every later
// check fails silently: the first mistake is the only one reported.
#pragma once

#include <concepts>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "dataflow/detail/codec.hpp"
#include "dataflow/detail/emit.hpp"
#include "dataflow/detail/owned.hpp"

namespace dataflow::detail {

// The record type of a dataset whose transformation failed a check.
struct ErrorRecord {};

template <class T>
inline constexpr bool kIsError = std::is_same_v<T, ErrorRecord>;

// A range as flat_map iterates it: `for (auto&& y : r)`.
template <class R>
inline constexpr bool kIsRange = requires(R& r) {
  std::begin(r);
  std::end(r);
};

// Keys that hash_key (hash.hpp) hashes by value, never by address: by std::hash, or by
// their encoding (tuples, vectors, optionals, arrays, structs without padding).
template <class K>
inline constexpr bool kIsHashable =
    !std::is_pointer_v<K> &&
    (std::is_integral_v<K> || std::is_enum_v<K> || std::is_same_v<K, std::string> ||
     std::is_same_v<K, std::string_view> || std::is_default_constructible_v<std::hash<K>> ||
     (kHasCodec<K> && (!kIsRawStruct<K> || std::has_unique_object_representations_v<K>)));
template <class A, class B>
inline constexpr bool kIsHashable<std::pair<A, B>> = (kIsHashable<A> && kIsHashable<B>);

// map(f): f(const T&) -> U.
template <class F, class T>
constexpr bool check_map() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!std::is_invocable_v<F&, const T&>) {
    static_assert(std::is_invocable_v<F&, const T&>,
                  "map: the function cannot be called with the record type (const T&)");
    return false;
  } else if constexpr (!std::is_invocable_v<const F&, const T&>) {
    static_assert(std::is_invocable_v<const F&, const T&>,
                  "map: the function must be callable as const (no mutable lambda): it may run on several threads "
                  "at once");
    return false;
  } else if constexpr (std::is_void_v<std::invoke_result_t<const F&, const T&>>) {
    static_assert(!std::is_void_v<std::invoke_result_t<const F&, const T&>>,
                  "map: the function returns void; map needs a function that returns the new record (use filter "
                  "to drop records, or flat_map for zero or more)");
    return false;
  } else {
    return true;
  }
}

// filter(f): f(const T&) -> bool.
template <class F, class T>
constexpr bool check_filter() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!std::is_invocable_v<F&, const T&>) {
    static_assert(std::is_invocable_v<F&, const T&>,
                  "filter: the function cannot be called with the record type (const T&)");
    return false;
  } else if constexpr (!std::is_invocable_v<const F&, const T&>) {
    static_assert(std::is_invocable_v<const F&, const T&>,
                  "filter: the function must be callable as const (no mutable lambda): it may run on several "
                  "threads at once");
    return false;
  } else if constexpr (!std::is_constructible_v<bool, std::invoke_result_t<const F&, const T&>>) {
    static_assert(std::is_constructible_v<bool, std::invoke_result_t<const F&, const T&>>,
                  "filter: the function must return bool (or something convertible to bool)");
    return false;
  } else {
    return true;
  }
}

// flat_map(f): f(const T&) -> a range; flat_map<U>(f): f(const T&, Emit<U>&) pushes outputs.
template <class F, class T, class U>
constexpr bool check_flat_map() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!std::is_void_v<U>) {
    static_assert(std::is_invocable_v<const F&, const T&, Emit<U>&>,
                  "flat_map<U>: the function cannot be called as f(x, emit), with x the record (const T&) and "
                  "emit(const U&) a callable that pushes one output");
    return std::is_invocable_v<const F&, const T&, Emit<U>&>;
  } else if constexpr (!std::is_invocable_v<F&, const T&>) {
    static_assert(std::is_invocable_v<F&, const T&>,
                  "flat_map: the function cannot be called with the record type (const T&)");
    return false;
  } else if constexpr (!std::is_invocable_v<const F&, const T&>) {
    static_assert(std::is_invocable_v<const F&, const T&>,
                  "flat_map: the function must be callable as const (no mutable lambda): it may run on several "
                  "threads at once");
    return false;
  } else if constexpr (!kIsRange<std::invoke_result_t<const F&, const T&>>) {
    static_assert(kIsRange<std::invoke_result_t<const F&, const T&>>,
                  "flat_map: the function must return a range (std::vector, std::array, ...) or be called as "
                  "flat_map<U>(f(x, emit))");
    return false;
  } else {
    return true;
  }
}

// reduce_by_key(f) on T = pair<K, V>: f(V, V) -> V; K hashable; K and V encodable.
template <class F, class T>
constexpr bool check_reduce_by_key() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsPair<T>) {
    static_assert(kIsPair<T>, "reduce_by_key: the dataset must hold std::pair<K, V> records (map to pairs first)");
    return false;
  } else {
    using K = typename T::first_type;
    using V = typename T::second_type;
    // The map side merges a stored Owned<V> with a record's const V&; the reduce side two.
    constexpr bool kCallable = std::is_invocable_r_v<Owned<V>, F&, Owned<V>, const V&> &&
                               std::is_invocable_r_v<Owned<V>, F&, Owned<V>, Owned<V>>;
    if constexpr (!kCallable) {
      static_assert(kCallable,
                    "reduce_by_key: the function must be callable as f(V, V) and return something convertible to V");
      return false;
    } else if constexpr (!kIsHashable<K> || !std::equality_comparable<Owned<K>>) {
      static_assert(kIsHashable<K> && std::equality_comparable<Owned<K>>,
                    "reduce_by_key: keys of this type cannot be hashed by value; supported: arithmetic and enum "
                    "types, std::string(_view), std::pair of those, and other non-pointer types with std::hash and "
                    "== (make a const char* key a std::string)");
      return false;
    } else {
      static_assert(kHasCodec<std::pair<Owned<K>, Owned<V>>>,
                    "reduce_by_key: keys or values of this type cannot be encoded for the shuffle; supported: "
                    "arithmetic and enum types, std::string(_view), std::pair, std::tuple, std::vector of those, and "
                    "trivially copyable structs (no std::string or pointer members)");
      return kHasCodec<std::pair<Owned<K>, Owned<V>>>;
    }
  }
}

// Actions that encode their records: one function per action, as a static_assert's message
// must be a literal.
template <class T>
constexpr bool check_collect() {
  static_assert(kIsError<T> || kHasCodec<T>,
                "collect: records of this type cannot be encoded; supported: arithmetic and enum types, "
                "std::string(_view), std::pair, std::tuple, std::vector of those, and trivially copyable structs "
                "(no std::string or pointer members)");
  return !kIsError<T> && kHasCodec<T>;
}

template <class T>
constexpr bool check_collect_on_driver() {
  static_assert(kIsError<T> || kHasCodec<T>,
                "collect_on_driver: records of this type cannot be encoded; supported: arithmetic and enum "
                "types, std::string(_view), std::pair, std::tuple, std::vector of those, and trivially copyable "
                "structs (no std::string or pointer members)");
  return !kIsError<T> && kHasCodec<T>;
}

}  // namespace dataflow::detail
