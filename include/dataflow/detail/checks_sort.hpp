// Compile-time checks of sort_by and sort_by_key (ops/sort.hpp), as in checks.hpp.
#pragma once

#include <string_view>
#include <type_traits>

#include "dataflow/detail/checks.hpp"

namespace dataflow::detail {

// sort_by(key_of): key_of(const T&) -> K, also callable with the record as the shuffle decodes
// it; K ordered by operator<; T and K encodable.
template <class F, class T>
constexpr bool check_sort_by() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!std::is_invocable_v<F&, const T&>) {
    static_assert(std::is_invocable_v<F&, const T&>,
                  "sort_by: the key function cannot be called with the record type (const T&)");
    return false;
  } else if constexpr (!std::is_invocable_v<const F&, const T&>) {
    static_assert(std::is_invocable_v<const F&, const T&>,
                  "sort_by: the key function must be callable as const (no mutable lambda): it may run on several "
                  "threads at once");
    return false;
  } else if constexpr (std::is_void_v<std::invoke_result_t<const F&, const T&>>) {
    static_assert(!std::is_void_v<std::invoke_result_t<const F&, const T&>>,
                  "sort_by: the key function returns void; sort_by needs a function that returns the key to sort by");
    return false;
  } else {
    using K = Owned<std::decay_t<std::invoke_result_t<const F&, const T&>>>;
    // The reduce side calls key_of again on each record as it decodes it.
    using Decoded = std::conditional_t<std::is_same_v<T, std::string_view>, std::string_view, Owned<T>>;
    if constexpr (!kHasCodec<T>) {
      static_assert(kHasCodec<T>,
                    "sort_by: records of this type cannot be encoded for the shuffle; " DATAFLOW_ENCODABLE_TYPES);
      return false;
    } else if constexpr (!std::is_invocable_v<const F&, Decoded>) {
      static_assert(std::is_invocable_v<const F&, Decoded>,
                    "sort_by: the key function cannot be called with the record as the shuffle decodes it (Owned<T>: "
                    "std::string for std::string_view); take the record as const auto&");
      return false;
    } else if constexpr (!kIsOrdered<K>) {
      static_assert(kIsOrdered<K>,
                    "sort_by: keys must be ordered by operator< (const K& < const K&, K: what the key function "
                    "returns)");
      return false;
    } else {
      static_assert(
          kHasCodec<K>,
          "sort_by: keys of this type cannot be encoded (the driver samples them); " DATAFLOW_ENCODABLE_TYPES);
      return kHasCodec<K>;
    }
  }
}

// sort_by_key() on T = pair<K, V>: K ordered by operator<; T encodable.
template <class T>
constexpr bool check_sort_by_key() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsPair<T>) {
    static_assert(kIsPair<T>, "sort_by_key: records must be std::pair<K, V>");
    return false;
  } else if constexpr (!kIsOrdered<Owned<typename T::first_type>>) {
    static_assert(kIsOrdered<Owned<typename T::first_type>>, "sort_by_key: keys must be ordered by operator<");
    return false;
  } else {
    static_assert(
        kHasCodec<T>,
        "sort_by_key: keys or values of this type cannot be encoded for the shuffle; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<T>;
  }
}

}  // namespace dataflow::detail
