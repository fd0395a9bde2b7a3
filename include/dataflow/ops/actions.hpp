// Actions beyond collect/count/save: reduce, fold, aggregate, take, first, top, take_ordered,
// count_by_key, count_by_value, lookup, is_empty, num_partitions, sum, min, max, mean, stats,
// foreach, foreach_partition. Each task returns its partition's partial result; the driver
// broadcasts them, and every rank merges them in partition order, so every rank returns the
// same value.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/dataset.hpp"
#include "dataflow/detail/checks_actions.hpp"

namespace dataflow {
namespace detail {

// Thrown by a take() task once it has its records: the rest of the partition is not read.
struct EnoughRecords {};

[[noreturn]] inline void empty_dataset(const char* op) {
  throw Error(ExitCode::kDataError, std::string(op) + " of an empty dataset");
}

}  // namespace detail

template <class T, class Chain>
template <class F>
detail::Owned<T> Dataset<T, Chain>::reduce(F f) const {
  if constexpr (!detail::check_reduce<F, T>()) {
    return detail::failed_action<detail::Owned<T>>();
  } else {
    using O = detail::Owned<T>;
    std::optional<O> acc;
    for (auto& part : aggregate_partitions<std::optional<O>>(
             "reduce", [] { return std::optional<O>(); },
             [f](std::optional<O>& a, const T& x) { a = a ? O(f(std::move(*a), x)) : O(x); })) {
      if (part) acc = acc ? O(f(std::move(*acc), std::move(*part))) : std::move(*part);
    }
    if (!acc) detail::empty_dataset("reduce");
    return std::move(*acc);
  }
}

template <class T, class Chain>
template <class F>
detail::Owned<T> Dataset<T, Chain>::fold(detail::Owned<T> zero, F f) const {
  if constexpr (!detail::check_fold<F, T>()) {
    return zero;
  } else {
    using O = detail::Owned<T>;
    O acc = zero;
    for (auto& part : aggregate_partitions<O>(
             "fold", [zero] { return zero; }, [f](O& a, const T& x) { a = O(f(std::move(a), x)); })) {
      acc = O(f(std::move(acc), std::move(part)));
    }
    return acc;
  }
}

template <class T, class Chain>
template <class U, class Seq, class Comb>
U Dataset<T, Chain>::aggregate(U zero, Seq seq, Comb comb) const {
  if constexpr (!detail::check_aggregate<U, Seq, Comb, T>()) {
    return zero;
  } else {
    U acc = zero;
    for (auto& part : aggregate_partitions<U>(
             "aggregate", [zero] { return zero; }, [seq](U& a, const T& x) { a = U(seq(std::move(a), x)); })) {
      acc = U(comb(std::move(acc), std::move(part)));
    }
    return acc;
  }
}

// The first n records in partition order; runs the first partition, then more as needed.
template <class T, class Chain>
std::vector<detail::Owned<T>> Dataset<T, Chain>::take(std::uint64_t n) const {
  if (n == 0) return {};
  detail::NodeSpec spec{detail::OpKind::kTake, {node_}, "take"};
  spec.limit = n;
  const int node = runtime_->add_node(std::move(spec));
  runtime_->set_result_runner(node, [source = source_, chain = chain_, n](detail::TaskContext& ctx) {
    std::string out(sizeof(std::uint64_t), '\0');
    detail::ByteWriter w(out);
    std::uint64_t count = 0;
    auto push = [&](const T& x) {
      detail::Codec<T>::write(w, x);
      if (++count == n) throw detail::EnoughRecords{};
    };
    try {
      detail::run_chain(*source, chain, ctx, push);
    } catch (const detail::EnoughRecords&) {
    }
    std::memcpy(out.data(), &count, sizeof count);
    return out;
  });
  auto records = decode_records(runtime_->run_job(node, true));
  if (records.size() > n) records.resize(n);
  return records;
}

template <class T, class Chain>
detail::Owned<T> Dataset<T, Chain>::first() const {
  auto one = take(1);
  if (one.empty()) detail::empty_dataset("first");
  return std::move(one.front());
}

// The n largest records by `less`, largest first (Spark's top).
template <class T, class Chain>
template <class Less>
std::vector<detail::Owned<T>> Dataset<T, Chain>::top(std::uint64_t n, Less less) const {
  if constexpr (!detail::check_top<Less, T>()) {
    return {};
  } else {
    return take_ordered(n, [less](const auto& a, const auto& b) { return less(b, a); });
  }
}

// The n smallest records by `less`, smallest first (Spark's takeOrdered). Ties keep the
// records' order.
template <class T, class Chain>
template <class Less>
std::vector<detail::Owned<T>> Dataset<T, Chain>::take_ordered(std::uint64_t n, Less less) const {
  if constexpr (!detail::check_take_ordered<Less, T>()) {
    return {};
  } else {
    using O = detail::Owned<T>;
    using Best = std::vector<O>;
    if (n == 0) return {};
    auto keep_best = [n, less](Best& best) {
      std::stable_sort(best.begin(), best.end(), less);
      if (best.size() > n) best.resize(n);
    };
    auto parts = aggregate_partitions<Best>(
        "take_ordered", [] { return Best(); },
        [n, keep_best](Best& best, const T& x) {
          best.emplace_back(x);
          if (best.size() >= 2 * n + 16) keep_best(best);  // amortized: sort when twice full
        },
        [keep_best](Best& best) { keep_best(best); });
    Best all;
    for (auto& p : parts) all.insert(all.end(), std::make_move_iterator(p.begin()), std::make_move_iterator(p.end()));
    keep_best(all);
    return all;
  }
}

// For pair<K, V>: how many records each key has (K ordered by operator<).
template <class T, class Chain>
auto Dataset<T, Chain>::count_by_key() const {
  if constexpr (!detail::check_count_by_key<T>()) {
    return std::map<detail::ErrorRecord, std::uint64_t>();
  } else {
    using K = detail::Owned<typename T::first_type>;
    std::map<K, std::uint64_t> out;
    for (auto& [k, c] : map([](const T& kv) { return std::pair<K, std::uint64_t>(K(kv.first), 1); })
                            .reduce_by_key([](std::uint64_t a, std::uint64_t b) { return a + b; })
                            .collect()) {
      out.emplace(std::move(k), c);
    }
    return out;
  }
}

// How many times each record occurs (ordered by operator<).
template <class T, class Chain>
auto Dataset<T, Chain>::count_by_value() const {
  if constexpr (!detail::check_count_by_value<T>()) {
    return std::map<detail::ErrorRecord, std::uint64_t>();
  } else {
    using O = detail::Owned<T>;
    std::map<O, std::uint64_t> out;
    for (auto& [k, c] : map([](const T& x) { return std::pair<O, std::uint64_t>(O(x), 1); })
                            .reduce_by_key([](std::uint64_t a, std::uint64_t b) { return a + b; })
                            .collect()) {
      out.emplace(std::move(k), c);
    }
    return out;
  }
}

// For pair<K, V>: the values of `key`, in order.
template <class T, class Chain>
template <class Key>
auto Dataset<T, Chain>::lookup(const Key& key) const {
  if constexpr (!detail::check_lookup<Key, T>()) {
    return std::vector<detail::ErrorRecord>();
  } else {
    using K = detail::Owned<typename T::first_type>;
    return filter([k = K(key)](const T& kv) { return detail::keys_equal(kv.first, k); }).values().collect();
  }
}

template <class T, class Chain>
bool Dataset<T, Chain>::is_empty() const {
  return take(1).empty();
}

// The partitions an action on this dataset would compute (the driver lists its inputs).
template <class T, class Chain>
int Dataset<T, Chain>::num_partitions() const {
  return runtime_->num_partitions(node_);
}

template <class T, class Chain>
auto Dataset<T, Chain>::sum() const {
  if constexpr (!std::is_arithmetic_v<T>) {
    static_assert(detail::kIsError<T>, "sum: records must be numbers");
    return 0.0;
  } else {
    using S = std::conditional_t<std::is_floating_point_v<T>, double,
                                 std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>>;
    return aggregate(
        S(0), [](S a, const T& x) { return a + static_cast<S>(x); }, [](S a, S b) { return a + b; });
  }
}

template <class T, class Chain>
detail::Owned<T> Dataset<T, Chain>::min() const {
  if constexpr (!detail::check_min<T>()) {
    return detail::failed_action<detail::Owned<T>>();
  } else {
    auto parts = aggregate_partitions<std::optional<T>>(
        "min", [] { return std::optional<T>(); },
        [](std::optional<T>& a, const T& x) {
          if (!a || x < *a) a = x;
        });
    std::optional<T> m;
    for (auto& p : parts) {
      if (p && (!m || *p < *m)) m = p;
    }
    if (!m) detail::empty_dataset("min");
    return *m;
  }
}

template <class T, class Chain>
detail::Owned<T> Dataset<T, Chain>::max() const {
  if constexpr (!detail::check_max<T>()) {
    return detail::failed_action<detail::Owned<T>>();
  } else {
    auto parts = aggregate_partitions<std::optional<T>>(
        "max", [] { return std::optional<T>(); },
        [](std::optional<T>& a, const T& x) {
          if (!a || *a < x) a = x;
        });
    std::optional<T> m;
    for (auto& p : parts) {
      if (p && (!m || *m < *p)) m = p;
    }
    if (!m) detail::empty_dataset("max");
    return *m;
  }
}

template <class T, class Chain>
StatCounter Dataset<T, Chain>::stats() const {
  StatCounter total;
  if constexpr (!std::is_arithmetic_v<T>) {
    static_assert(detail::kIsError<T>, "stats: records must be numbers");
  } else {
    auto add = [](StatCounter& s, const T& x) { s.add(static_cast<double>(x)); };
    for (const auto& p : aggregate_partitions<StatCounter>("stats", [] { return StatCounter(); }, add)) {
      total.merge(p);
    }
  }
  return total;
}

template <class T, class Chain>
double Dataset<T, Chain>::mean() const {
  const StatCounter s = stats();
  if (s.count == 0) detail::empty_dataset("mean");
  return s.mean;
}

// f(const T&) on every record, on the executors (its side effects happen there).
template <class T, class Chain>
template <class F>
void Dataset<T, Chain>::foreach(F f) const {
  if constexpr (!detail::check_foreach<F, T>()) {
    return;
  } else {
    const int node = runtime_->add_node({detail::OpKind::kForeach, {node_}, "foreach"});
    runtime_->set_result_runner(node, [source = source_, chain = chain_, f](detail::TaskContext& ctx) {
      auto push = [&f](const T& x) { f(x); };
      detail::run_chain(*source, chain, ctx, push);
      return std::string();
    });
    runtime_->run_job(node, true);
  }
}

// f(std::vector<Owned<T>>& records) once per partition, on the executors.
template <class T, class Chain>
template <class F>
void Dataset<T, Chain>::foreach_partition(F f) const {
  if constexpr (!detail::check_foreach_partition<F, T>()) {
    return;
  } else {
    const int node = runtime_->add_node({detail::OpKind::kForeach, {node_}, "foreach_partition"});
    runtime_->set_result_runner(node, [source = source_, chain = chain_, f](detail::TaskContext& ctx) {
      std::vector<detail::Owned<T>> records;
      auto push = [&records](const T& x) { records.emplace_back(x); };
      detail::run_chain(*source, chain, ctx, push);
      f(records);
      return std::string();
    });
    runtime_->run_job(node, true);
  }
}

}  // namespace dataflow
