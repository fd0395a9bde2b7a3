// Compile-time checks of the actions (ops/actions.hpp), as in checks.hpp.
#pragma once

#include <cstdlib>
#include <functional>
#include <optional>
#include <type_traits>
#include <vector>

#include "dataflow/detail/checks.hpp"

namespace dataflow::detail {

// reduce(f): f(T, T) -> T, called on a shared const copy; T encodable (the partitions'
// results travel).
template <class F, class T>
constexpr bool check_reduce() {
  using O = Owned<T>;
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kReturns<O, F, O, const T&> || !kReturns<O, F, O, O>) {
    static_assert(kReturns<O, F, O, const T&> && kReturns<O, F, O, O>,
                  "reduce: the function must be callable as f(T, T) and return something convertible to T");
    return false;
  } else if constexpr (!kReturns<O, const F, O, const T&> || !kReturns<O, const F, O, O>) {
    static_assert(kReturns<O, const F, O, const T&> && kReturns<O, const F, O, O>,
                  "reduce: the function must be callable as const (no mutable lambda): it may run on several threads "
                  "at once");
    return false;
  } else {
    static_assert(kHasCodec<std::optional<O>>,
                  "reduce: records of this type cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<std::optional<O>>;
  }
}

// fold(zero, f): as reduce.
template <class F, class T>
constexpr bool check_fold() {
  using O = Owned<T>;
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kReturns<O, F, O, const T&> || !kReturns<O, F, O, O>) {
    static_assert(kReturns<O, F, O, const T&> && kReturns<O, F, O, O>,
                  "fold: the function must be callable as f(T, T) and return something convertible to T");
    return false;
  } else if constexpr (!kReturns<O, const F, O, const T&> || !kReturns<O, const F, O, O>) {
    static_assert(kReturns<O, const F, O, const T&> && kReturns<O, const F, O, O>,
                  "fold: the function must be callable as const (no mutable lambda): it may run on several threads "
                  "at once");
    return false;
  } else {
    static_assert(kHasCodec<O>, "fold: records of this type cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<O>;
  }
}

// aggregate(zero, seq, comb): seq(U, T) -> U on a shared const copy, comb(U, U) -> U, with U
// the zero value's type; U encodable.
template <class U, class Seq, class Comb, class T>
constexpr bool check_aggregate() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kReturns<U, Seq, U, const T&>) {
    static_assert(kReturns<U, Seq, U, const T&>,
                  "aggregate: seq must be callable as seq(U, T) and return something convertible to U (U: the zero "
                  "value's type)");
    return false;
  } else if constexpr (!kReturns<U, const Seq, U, const T&>) {
    static_assert(kReturns<U, const Seq, U, const T&>,
                  "aggregate: seq must be callable as const (no mutable lambda): it may run on several threads at "
                  "once");
    return false;
  } else if constexpr (!kReturns<U, Comb, U, U>) {
    static_assert(kReturns<U, Comb, U, U>,
                  "aggregate: comb must be callable as comb(U, U) and return something convertible to U (U: the zero "
                  "value's type)");
    return false;
  } else {
    static_assert(kHasCodec<U>, "aggregate: the zero value's type U cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<U>;
  }
}

// take_ordered(n, less), top(n, less): less(const T&, const T&) -> bool; T encodable.
template <class Less, class T>
constexpr bool check_take_ordered() {
  using O = Owned<T>;
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (std::is_same_v<Less, std::less<>> && !kIsOrdered<O>) {
    static_assert(kIsOrdered<O>,
                  "take_ordered: records must be ordered by operator< (or pass a comparator less(const T&, const T&))");
    return false;
  } else if constexpr (!std::is_invocable_r_v<bool, Less&, const O&, const O&>) {
    static_assert(std::is_invocable_r_v<bool, Less&, const O&, const O&>,
                  "take_ordered: the comparator must be callable as less(const T&, const T&) and return bool");
    return false;
  } else if constexpr (!std::is_invocable_r_v<bool, const Less&, const O&, const O&>) {
    static_assert(std::is_invocable_r_v<bool, const Less&, const O&, const O&>,
                  "take_ordered: the comparator must be callable as const (no mutable lambda)");
    return false;
  } else {
    static_assert(kHasCodec<O>, "take_ordered: records of this type cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<O>;
  }
}

template <class Less, class T>
constexpr bool check_top() {
  using O = Owned<T>;
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (std::is_same_v<Less, std::less<>> && !kIsOrdered<O>) {
    static_assert(kIsOrdered<O>,
                  "top: records must be ordered by operator< (or pass a comparator less(const T&, const T&))");
    return false;
  } else if constexpr (!std::is_invocable_r_v<bool, Less&, const O&, const O&>) {
    static_assert(std::is_invocable_r_v<bool, Less&, const O&, const O&>,
                  "top: the comparator must be callable as less(const T&, const T&) and return bool");
    return false;
  } else if constexpr (!std::is_invocable_r_v<bool, const Less&, const O&, const O&>) {
    static_assert(std::is_invocable_r_v<bool, const Less&, const O&, const O&>,
                  "top: the comparator must be callable as const (no mutable lambda)");
    return false;
  } else {
    static_assert(kHasCodec<O>, "top: records of this type cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<O>;
  }
}

// min(), max(): T ordered by operator< and encodable.
template <class T>
constexpr bool check_min() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsOrdered<T>) {
    static_assert(kIsOrdered<T>, "min: records must be ordered by operator<");
    return false;
  } else {
    static_assert(kHasCodec<T>, "min: records of this type cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<T>;
  }
}

template <class T>
constexpr bool check_max() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsOrdered<T>) {
    static_assert(kIsOrdered<T>, "max: records must be ordered by operator<");
    return false;
  } else {
    static_assert(kHasCodec<T>, "max: records of this type cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<T>;
  }
}

// count_by_key() on T = pair<K, V>: K hashable, encodable and ordered (the result is a
// std::map).
template <class T>
constexpr bool check_count_by_key() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsPair<T>) {
    static_assert(kIsPair<T>, "count_by_key: records must be std::pair<K, V>");
    return false;
  } else {
    using K = Owned<typename T::first_type>;
    if constexpr (!kIsKey<K>) {
      static_assert(kIsKey<K>, "count_by_key: keys of this type cannot be hashed by value; " DATAFLOW_HASHABLE_KEYS);
      return false;
    } else if constexpr (!kHasCodec<K>) {
      static_assert(kHasCodec<K>, "count_by_key: keys of this type cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
      return false;
    } else {
      static_assert(kIsOrdered<K>, "count_by_key: keys must be ordered by operator< (the result is a std::map)");
      return kIsOrdered<K>;
    }
  }
}

// count_by_value(): T hashable, encodable and ordered (the result is a std::map).
template <class T>
constexpr bool check_count_by_value() {
  using O = Owned<T>;
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsKey<O>) {
    static_assert(kIsKey<O>, "count_by_value: records of this type cannot be hashed by value; " DATAFLOW_HASHABLE_KEYS);
    return false;
  } else if constexpr (!kHasCodec<O>) {
    static_assert(kHasCodec<O>, "count_by_value: records of this type cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
    return false;
  } else {
    static_assert(kIsOrdered<O>, "count_by_value: records must be ordered by operator< (the result is a std::map)");
    return kIsOrdered<O>;
  }
}

// lookup(key) on T = pair<K, V>: key converts to K; V encodable.
template <class Key, class T>
constexpr bool check_lookup() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!kIsPair<T>) {
    static_assert(kIsPair<T>, "lookup: records must be std::pair<K, V>");
    return false;
  } else if constexpr (!std::is_constructible_v<Owned<typename T::first_type>, const Key&>) {
    static_assert(std::is_constructible_v<Owned<typename T::first_type>, const Key&>,
                  "lookup: the key cannot be converted to the key type K (of records pair<K, V>)");
    return false;
  } else {
    static_assert(kHasCodec<typename T::second_type>,
                  "lookup: values of this type cannot be encoded; " DATAFLOW_ENCODABLE_TYPES);
    return kHasCodec<typename T::second_type>;
  }
}

// foreach(f): f(const T&), on a shared const copy.
template <class F, class T>
constexpr bool check_foreach() {
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!std::is_invocable_v<F&, const T&>) {
    static_assert(std::is_invocable_v<F&, const T&>,
                  "foreach: the function cannot be called with the record type (const T&)");
    return false;
  } else {
    static_assert(std::is_invocable_v<const F&, const T&>,
                  "foreach: the function must be callable as const (no mutable lambda): it may run on several threads "
                  "at once");
    return std::is_invocable_v<const F&, const T&>;
  }
}

// foreach_partition(f): f(std::vector<Owned<T>>&), on a shared const copy.
template <class F, class T>
constexpr bool check_foreach_partition() {
  using Records = std::vector<Owned<T>>;
  if constexpr (kIsError<T>) {
    return false;
  } else if constexpr (!std::is_invocable_v<F&, Records&>) {
    static_assert(std::is_invocable_v<F&, Records&>,
                  "foreach_partition: the function cannot be called with the partition's records (std::vector<T>&, "
                  "with std::string for std::string_view)");
    return false;
  } else {
    static_assert(std::is_invocable_v<const F&, Records&>,
                  "foreach_partition: the function must be callable as const (no mutable lambda): it may run on "
                  "several threads at once");
    return std::is_invocable_v<const F&, Records&>;
  }
}

// What an action that returns a value returns after a failed check: never called, as the
// program does not compile.
template <class R>
[[noreturn]] R failed_action() {
  std::abort();
}

}  // namespace dataflow::detail
