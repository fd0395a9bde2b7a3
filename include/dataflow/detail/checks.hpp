// Compile-time checks of what users pass to Dataset's methods. Each check_*() fails one
// static_assert in the user's words and returns false, so that the method skips its body
// (`if constexpr`) and the compiler prints that one error instead of a cascade from inside
// the templates. A failed transformation yields a Dataset<ErrorRecord>, on which every later
// check fails silently: the first mistake is the only one reported. This file: the checks'
// building blocks, the narrow transformations, reduce_by_key, partition_by and collect; the
// other operations' checks are in checks_aggregate.hpp, checks_sort.hpp, checks_actions.hpp.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

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

// Keys that the shuffles group by: hashed by value, compared with ==.
template <class K>
inline constexpr bool kIsKey = (kIsHashable<K> && std::equality_comparable<Owned<K>>);

// The two sides of a join or cogroup (pairs): their keys are of one type once owned.
template <class A, class B>
inline constexpr bool kSameKeys = std::is_same_v<Owned<typename A::first_type>, Owned<typename B::first_type>>;

// Keys that sort_by orders.
template <class K>
inline constexpr bool kIsOrdered = requires(const K& a, const K& b) {
  { a < b } -> std::convertible_to<bool>;
};

// f(a...) converted to R, as the engine writes it: R(f(a...)). F may be const.
template <class R, class F, class... A>
inline constexpr bool kReturns = requires(F& f, A&&... a) {
  static_cast<R>(std::invoke(f, std::forward<A>(a)...));
};

// What the messages list as supported (a static_assert's message must be one literal;
// adjacent literals are one). Also used by checks_aggregate.hpp, checks_sort.hpp and
// checks_actions.hpp.
#define DATAFLOW_HASHABLE_KEYS                                                                                 \
  "supported: arithmetic and enum types, std::string(_view), std::pair of those, and other non-pointer types " \
  "with std::hash and == (make a const char* key a std::string)"
#define DATAFLOW_ENCODABLE_TYPES                                                                           \
  "supported: arithmetic and enum types, std::string(_view), std::pair, std::tuple, std::optional, "       \
  "std::variant, the standard containers of those, trivially copyable structs (no std::string or pointer " \
  "members), and types with a Cereal serialize()"

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

// key_by(f): f(const T&) -> K.
template <class F, class T>
constexpr bool check_key_by() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!std::is_invocable_v<F&, const T&>) {
    static_assert(std::is_invocable_v<F&, const T&>,
                  "key_by: the function cannot be called with the record type (const T&)");
    return false;
  } else if constexpr (!std::is_invocable_v<const F&, const T&>) {
    static_assert(std::is_invocable_v<const F&, const T&>,
                  "key_by: the function must be callable as const (no mutable lambda): it may run on several threads "
                  "at once");
    return false;
  } else {
    static_assert(!std::is_void_v<std::invoke_result_t<const F&, const T&>>,
                  "key_by: the function returns void; key_by needs a function that returns the record's key");
    return !std::is_void_v<std::invoke_result_t<const F&, const T&>>;
  }
}

// map_values(f) on T = pair<K, V>: f(const V&) -> U.
template <class F, class T>
constexpr bool check_map_values() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsPair<T>) {
    static_assert(kIsPair<T>, "map_values: records must be std::pair<K, V>");
    return false;
  } else {
    using V = typename T::second_type;
    if constexpr (!std::is_invocable_v<F&, const V&>) {
      static_assert(std::is_invocable_v<F&, const V&>,
                    "map_values: the function cannot be called with the value type (const V&, of records pair<K, V>)");
      return false;
    } else if constexpr (!std::is_invocable_v<const F&, const V&>) {
      static_assert(std::is_invocable_v<const F&, const V&>,
                    "map_values: the function must be callable as const (no mutable lambda): it may run on several "
                    "threads at once");
      return false;
    } else {
      static_assert(!std::is_void_v<std::invoke_result_t<const F&, const V&>>,
                    "map_values: the function returns void; map_values needs a function that returns the new value");
      return !std::is_void_v<std::invoke_result_t<const F&, const V&>>;
    }
  }
}

// flat_map_values(f) on T = pair<K, V>: f(const V&) -> a range.
template <class F, class T>
constexpr bool check_flat_map_values() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsPair<T>) {
    static_assert(kIsPair<T>, "flat_map_values: records must be std::pair<K, V>");
    return false;
  } else {
    using V = typename T::second_type;
    if constexpr (!std::is_invocable_v<F&, const V&>) {
      static_assert(std::is_invocable_v<F&, const V&>,
                    "flat_map_values: the function cannot be called with the value type (const V&, of records "
                    "pair<K, V>)");
      return false;
    } else if constexpr (!std::is_invocable_v<const F&, const V&>) {
      static_assert(std::is_invocable_v<const F&, const V&>,
                    "flat_map_values: the function must be callable as const (no mutable lambda): it may run on "
                    "several threads at once");
      return false;
    } else {
      static_assert(kIsRange<std::invoke_result_t<const F&, const V&>>,
                    "flat_map_values: the function must return a range (std::vector, std::array, ...) of the new "
                    "values");
      return kIsRange<std::invoke_result_t<const F&, const V&>>;
    }
  }
}

// map_partitions(f): f(std::vector<Owned<T>>&) -> a range.
template <class F, class T>
constexpr bool check_map_partitions() {
  using Records = std::vector<Owned<T>>;
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!std::is_invocable_v<F&, Records&>) {
    static_assert(std::is_invocable_v<F&, Records&>,
                  "map_partitions: the function cannot be called with the partition's records (std::vector<T>&, "
                  "with std::string for std::string_view)");
    return false;
  } else if constexpr (!std::is_invocable_v<const F&, Records&>) {
    static_assert(std::is_invocable_v<const F&, Records&>,
                  "map_partitions: the function must be callable as const (no mutable lambda): it may run on "
                  "several threads at once");
    return false;
  } else {
    static_assert(kIsRange<std::invoke_result_t<const F&, Records&>>,
                  "map_partitions: the function must return a range (std::vector, std::array, ...) of the new "
                  "records");
    return kIsRange<std::invoke_result_t<const F&, Records&>>;
  }
}

// map_partitions_with_index(f): f(std::uint32_t, std::vector<Owned<T>>&) -> a range.
template <class F, class T>
constexpr bool check_map_partitions_with_index() {
  using Records = std::vector<Owned<T>>;
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!std::is_invocable_v<F&, std::uint32_t, Records&>) {
    static_assert(std::is_invocable_v<F&, std::uint32_t, Records&>,
                  "map_partitions_with_index: the function cannot be called as f(index, records), with index the "
                  "partition's (std::uint32_t) and records its records (std::vector<T>&, with std::string for "
                  "std::string_view)");
    return false;
  } else if constexpr (!std::is_invocable_v<const F&, std::uint32_t, Records&>) {
    static_assert(std::is_invocable_v<const F&, std::uint32_t, Records&>,
                  "map_partitions_with_index: the function must be callable as const (no mutable lambda): it may "
                  "run on several threads at once");
    return false;
  } else {
    static_assert(kIsRange<std::invoke_result_t<const F&, std::uint32_t, Records&>>,
                  "map_partitions_with_index: the function must return a range (std::vector, std::array, ...) of "
                  "the new records");
    return kIsRange<std::invoke_result_t<const F&, std::uint32_t, Records&>>;
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
                    "reduce_by_key: keys of this type cannot be hashed by value; " DATAFLOW_HASHABLE_KEYS);
      return false;
    } else {
      static_assert(
          kHasCodec<std::pair<Owned<K>, Owned<V>>>,
          "reduce_by_key: keys or values of this type cannot be encoded for the shuffle; " DATAFLOW_ENCODABLE_TYPES);
      return kHasCodec<std::pair<Owned<K>, Owned<V>>>;
    }
  }
}

// partition_by() on T = pair<K, V>: K hashable; T encodable.
template <class T>
constexpr bool check_partition_by() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsPair<T>) {
    static_assert(kIsPair<T>, "partition_by: records must be std::pair<K, V>");
    return false;
  } else if constexpr (!kIsKey<typename T::first_type>) {
    static_assert(kIsKey<typename T::first_type>,
                  "partition_by: keys of this type cannot be hashed by value; " DATAFLOW_HASHABLE_KEYS);
    return false;
  } else {
    static_assert(
        kHasCodec<T>,
        "partition_by: keys or values of this type cannot be encoded for the shuffle; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<T>;
  }
}

// Actions that encode their records: one function per action, as a static_assert's message
// must be a literal.
template <class T>
constexpr bool check_collect() {
  static_assert(kIsError<T> || kHasCodec<T>,
                "collect: records of this type cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
  return !kIsError<T> && kHasCodec<T>;
}

template <class T>
constexpr bool check_collect_on_driver() {
  static_assert(kIsError<T> || kHasCodec<T>,
                "collect_on_driver: records of this type cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
  return !kIsError<T> && kHasCodec<T>;
}

}  // namespace dataflow::detail
