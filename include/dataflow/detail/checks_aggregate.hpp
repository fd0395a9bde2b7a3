// Compile-time checks of the aggregations by key (ops/aggregate.hpp), as in checks.hpp.
#pragma once

#include <type_traits>
#include <utility>

#include "dataflow/detail/checks.hpp"

namespace dataflow::detail {

// group_by_key() on T = pair<K, V>: K hashable; K and V encodable.
template <class T>
constexpr bool check_group_by_key() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsPair<T>) {
    static_assert(kIsPair<T>, "group_by_key: records must be std::pair<K, V>");
    return false;
  } else if constexpr (!kIsKey<typename T::first_type>) {
    static_assert(kIsKey<typename T::first_type>,
                  "group_by_key: keys of this type cannot be hashed by value; " DATAFLOW_HASHABLE_KEYS);
    return false;
  } else {
    static_assert(
        kHasCodec<T>,
        "group_by_key: keys or values of this type cannot be encoded for the shuffle; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<T>;
  }
}

// group_by(f): f(const T&) -> K; K hashable; K and T encodable.
template <class F, class T>
constexpr bool check_group_by() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!std::is_invocable_v<F&, const T&>) {
    static_assert(std::is_invocable_v<F&, const T&>,
                  "group_by: the function cannot be called with the record type (const T&)");
    return false;
  } else if constexpr (!std::is_invocable_v<const F&, const T&>) {
    static_assert(std::is_invocable_v<const F&, const T&>,
                  "group_by: the function must be callable as const (no mutable lambda): it may run on several "
                  "threads at once");
    return false;
  } else if constexpr (std::is_void_v<std::invoke_result_t<const F&, const T&>>) {
    static_assert(!std::is_void_v<std::invoke_result_t<const F&, const T&>>,
                  "group_by: the function returns void; group_by needs a function that returns the record's key");
    return false;
  } else {
    using K = Owned<std::decay_t<std::invoke_result_t<const F&, const T&>>>;
    if constexpr (!kIsKey<K>) {
      static_assert(kIsKey<K>, "group_by: keys of this type cannot be hashed by value; " DATAFLOW_HASHABLE_KEYS);
      return false;
    } else {
      static_assert(
          kHasCodec<std::pair<K, Owned<T>>>,
          "group_by: keys or records of this type cannot be encoded for the shuffle; " DATAFLOW_ENCODABLE_TYPES);
      return kHasCodec<std::pair<K, Owned<T>>>;
    }
  }
}

// combine_by_key(create, merge_value, merge_combiners) on T = pair<K, V>: create(const V&) ->
// C, merge_value(C, V) -> C, merge_combiners(C, C) -> C; K hashable; K and C encodable.
// Each task calls its own copies of merge_value and merge_combiners (mutable lambdas work).
template <class Create, class MergeValue, class MergeCombiners, class T>
constexpr bool check_combine_by_key() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsPair<T>) {
    static_assert(kIsPair<T>, "combine_by_key: records must be std::pair<K, V>");
    return false;
  } else {
    using K = typename T::first_type;
    using V = typename T::second_type;
    if constexpr (!std::is_invocable_v<Create&, const V&>) {
      static_assert(std::is_invocable_v<Create&, const V&>,
                    "combine_by_key: create cannot be called with the value type (const V&, of records pair<K, V>)");
      return false;
    } else if constexpr (!std::is_invocable_v<const Create&, const V&>) {
      static_assert(std::is_invocable_v<const Create&, const V&>,
                    "combine_by_key: create must be callable as const (no mutable lambda)");
      return false;
    } else if constexpr (std::is_void_v<std::invoke_result_t<const Create&, const V&>>) {
      static_assert(!std::is_void_v<std::invoke_result_t<const Create&, const V&>>,
                    "combine_by_key: create returns void; it must return the combiner C of a key's first value");
      return false;
    } else {
      using C = Owned<std::decay_t<std::invoke_result_t<const Create&, const V&>>>;
      if constexpr (!kReturns<C, MergeValue, C, const V&>) {
        static_assert(kReturns<C, MergeValue, C, const V&>,
                      "combine_by_key: merge_value must be callable as merge_value(C, V) and return something "
                      "convertible to C (C: what create returns)");
        return false;
      } else if constexpr (!kReturns<C, MergeCombiners, C, C>) {
        static_assert(kReturns<C, MergeCombiners, C, C>,
                      "combine_by_key: merge_combiners must be callable as merge_combiners(C, C) and return "
                      "something convertible to C (C: what create returns)");
        return false;
      } else if constexpr (!kIsKey<K>) {
        static_assert(kIsKey<K>,
                      "combine_by_key: keys of this type cannot be hashed by value; " DATAFLOW_HASHABLE_KEYS);
        return false;
      } else {
        static_assert(kHasCodec<std::pair<Owned<K>, C>>,
                      "combine_by_key: keys or combiners of this type cannot be encoded for the "
                      "shuffle; " DATAFLOW_ENCODABLE_TYPES);
        return kHasCodec<std::pair<Owned<K>, C>>;
      }
    }
  }
}

// aggregate_by_key(zero, seq, comb) on T = pair<K, V>: seq(U, V) -> U, comb(U, U) -> U, with U
// the zero value's type; K hashable; K and U encodable.
template <class U, class Seq, class Comb, class T>
constexpr bool check_aggregate_by_key() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsPair<T>) {
    static_assert(kIsPair<T>, "aggregate_by_key: records must be std::pair<K, V>");
    return false;
  } else {
    using K = typename T::first_type;
    using V = typename T::second_type;
    if constexpr (!kReturns<U, Seq, U, const V&>) {
      static_assert(kReturns<U, Seq, U, const V&>,
                    "aggregate_by_key: seq must be callable as seq(U, V) and return something convertible to U (U: "
                    "the zero value's type)");
      return false;
    } else if constexpr (!kReturns<U, const Seq, U, const V&>) {
      static_assert(kReturns<U, const Seq, U, const V&>,
                    "aggregate_by_key: seq must be callable as const (no mutable lambda)");
      return false;
    } else if constexpr (!kReturns<U, Comb, U, U>) {
      static_assert(kReturns<U, Comb, U, U>,
                    "aggregate_by_key: comb must be callable as comb(U, U) and return something convertible to U (U: "
                    "the zero value's type)");
      return false;
    } else if constexpr (!kReturns<U, const Comb, U, U>) {
      static_assert(kReturns<U, const Comb, U, U>,
                    "aggregate_by_key: comb must be callable as const (no mutable lambda)");
      return false;
    } else if constexpr (!kIsKey<K>) {
      static_assert(kIsKey<K>,
                    "aggregate_by_key: keys of this type cannot be hashed by value; " DATAFLOW_HASHABLE_KEYS);
      return false;
    } else {
      static_assert(kHasCodec<std::pair<Owned<K>, Owned<U>>>,
                    "aggregate_by_key: keys or the zero value's type cannot be encoded for the "
                    "shuffle; " DATAFLOW_ENCODABLE_TYPES);
      return kHasCodec<std::pair<Owned<K>, Owned<U>>>;
    }
  }
}

// fold_by_key(zero, f) on T = pair<K, V>: zero converts to V, f(V, V) -> V; K hashable; K and V
// encodable.
template <class Z, class F, class T>
constexpr bool check_fold_by_key() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsPair<T>) {
    static_assert(kIsPair<T>, "fold_by_key: records must be std::pair<K, V>");
    return false;
  } else {
    using K = typename T::first_type;
    using VIn = typename T::second_type;
    using V = Owned<VIn>;
    // aggregate_by_key(V(zero), f, f): f as seq(V, const V&) and as comb(V, V), on const copies.
    if constexpr (!std::is_constructible_v<V, Z>) {
      static_assert(std::is_constructible_v<V, Z>,
                    "fold_by_key: the zero value cannot be converted to the value type V (of records pair<K, V>)");
      return false;
    } else if constexpr (!kReturns<V, F, V, const VIn&> || !kReturns<V, F, V, V>) {
      static_assert(kReturns<V, F, V, const VIn&> && kReturns<V, F, V, V>,
                    "fold_by_key: the function must be callable as f(V, V) and return something convertible to V");
      return false;
    } else if constexpr (!kReturns<V, const F, V, const VIn&> || !kReturns<V, const F, V, V>) {
      static_assert(kReturns<V, const F, V, const VIn&> && kReturns<V, const F, V, V>,
                    "fold_by_key: the function must be callable as const (no mutable lambda)");
      return false;
    } else if constexpr (!kIsKey<K>) {
      static_assert(kIsKey<K>, "fold_by_key: keys of this type cannot be hashed by value; " DATAFLOW_HASHABLE_KEYS);
      return false;
    } else {
      static_assert(
          kHasCodec<std::pair<Owned<K>, V>>,
          "fold_by_key: keys or values of this type cannot be encoded for the shuffle; " DATAFLOW_ENCODABLE_TYPES);
      return kHasCodec<std::pair<Owned<K>, V>>;
    }
  }
}

// distinct(), count_by_value(): records hashable and encodable.
template <class T>
constexpr bool check_distinct() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsKey<Owned<T>>) {
    static_assert(kIsKey<Owned<T>>,
                  "distinct: records of this type cannot be hashed by value; " DATAFLOW_HASHABLE_KEYS);
    return false;
  } else {
    static_assert(kHasCodec<Owned<T>>,
                  "distinct: records of this type cannot be encoded for the shuffle; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<Owned<T>>;
  }
}

}  // namespace dataflow::detail
