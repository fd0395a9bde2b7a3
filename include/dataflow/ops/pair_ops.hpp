// Pair and partition operations: key_by, map_values, flat_map_values, keys, values,
// map_partitions(_with_index), union_with, sample, partition_by, repartition, coalesce,
// zip_with_index.
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/dataset.hpp"

namespace dataflow {

// f(const T&) -> K: records become pair<K, T>.
template <class T, class Chain>
template <class F>
auto Dataset<T, Chain>::key_by(F f) const {
  if constexpr (!detail::check_key_by<F, T>()) {
    return failed();
  } else {
    using K = detail::Owned<std::decay_t<std::invoke_result_t<const F&, const T&>>>;
    using U = std::pair<K, detail::Owned<T>>;
    return derive<U>(detail::OpKind::kMap, "key_by",
                     [f](const T& x, auto& emit) { emit(U(K(f(x)), detail::Owned<T>(x))); });
  }
}

// For pair<K, V>: f(const V&) -> U, the key kept (and the partitioning with it).
template <class T, class Chain>
template <class F>
auto Dataset<T, Chain>::map_values(F f) const {
  if constexpr (!detail::check_map_values<F, T>()) {
    return failed();
  } else {
    using K = typename T::first_type;
    using U = std::decay_t<std::invoke_result_t<const F&, const typename T::second_type&>>;
    return derive<std::pair<K, U>>(
        detail::OpKind::kMap, "map_values",
        [f](const T& kv, auto& emit) { emit(std::pair<K, U>(kv.first, f(kv.second))); }, true);
  }
}

// For pair<K, V>: f(const V&) -> a range of U; one pair<K, U> per element.
template <class T, class Chain>
template <class F>
auto Dataset<T, Chain>::flat_map_values(F f) const {
  if constexpr (!detail::check_flat_map_values<F, T>()) {
    return failed();
  } else {
    using K = typename T::first_type;
    using R = std::invoke_result_t<const F&, const typename T::second_type&>;
    using U = std::decay_t<decltype(*std::begin(std::declval<R&>()))>;
    return derive<std::pair<K, U>>(
        detail::OpKind::kFlatMap, "flat_map_values",
        [f](const T& kv, auto& emit) {
          for (auto&& u : f(kv.second)) emit(std::pair<K, U>(kv.first, u));
        },
        true);
  }
}

template <class T, class Chain>
auto Dataset<T, Chain>::keys() const {
  if constexpr (!detail::kIsPair<T>) {
    static_assert(detail::kIsError<T>, "keys: records must be std::pair<K, V>");
    return failed();
  } else {
    return derive<typename T::first_type>(detail::OpKind::kMap, "keys",
                                          [](const T& kv, auto& emit) { emit(kv.first); });
  }
}

template <class T, class Chain>
auto Dataset<T, Chain>::values() const {
  if constexpr (!detail::kIsPair<T>) {
    static_assert(detail::kIsError<T>, "values: records must be std::pair<K, V>");
    return failed();
  } else {
    return derive<typename T::second_type>(detail::OpKind::kMap, "values",
                                           [](const T& kv, auto& emit) { emit(kv.second); });
  }
}

// f(std::vector<Owned<T>>& records) -> a range of U: the whole partition at once.
template <class T, class Chain>
template <class F>
auto Dataset<T, Chain>::map_partitions(F f) const {
  if constexpr (!detail::check_map_partitions<F, T>()) {
    return failed();
  } else {
    return map_partitions_with_index([f](std::uint32_t, std::vector<detail::Owned<T>>& records) { return f(records); });
  }
}

// f(partition index, std::vector<Owned<T>>& records) -> a range of U.
template <class T, class Chain>
template <class F>
auto Dataset<T, Chain>::map_partitions_with_index(F f) const {
  if constexpr (!detail::check_map_partitions_with_index<F, T>()) {
    return failed();
  } else {
    using Records = std::vector<detail::Owned<T>>;
    using R = std::invoke_result_t<const F&, std::uint32_t, Records&>;
    using U = detail::Owned<std::decay_t<decltype(*std::begin(std::declval<R&>()))>>;
    return wrap<U>(detail::OpKind::kMapPartitions, "map_partitions",
                   [f](detail::TaskContext& ctx, int node, const detail::Producer<T>& up, detail::Emit<U> emit) {
                     Records records;
                     auto keep = [&records](const T& x) { records.emplace_back(x); };
                     up(ctx, detail::Emit<T>(keep));
                     for (auto&& u : f(ctx.partition_of(node), records)) emit(U(u));
                   });
  }
}

// The partitions of this dataset, then those of `other` (no shuffle).
template <class T, class Chain>
template <class OtherChain>
Dataset<T> Dataset<T, Chain>::union_with(const Dataset<T, OtherChain>& other) const {
  const int node = runtime_->add_node({detail::OpKind::kUnion, {node_, other.node_}, "union_with"});
  auto producer = std::make_shared<const detail::Producer<T>>(
      [left_node = node_, left = erased(), right = other.erased()](detail::TaskContext& ctx, detail::Emit<T> emit) {
        (ctx.touches(left_node) ? *left : *right)(ctx, emit);
      });
  return Dataset<T>(runtime_, node, std::move(producer));
}

// A random subset, the same for the same seed on every run: each record kept with
// probability `fraction` (Bernoulli), or with replacement a Poisson(fraction) number of
// times. The generator of each partition is seeded from (seed, partition).
template <class T, class Chain>
auto Dataset<T, Chain>::sample(bool with_replacement, double fraction, std::uint64_t seed) const {
  if (!(fraction >= 0) || (!with_replacement && fraction > 1)) {
    throw Error(ExitCode::kUsage, "sample: fraction must be in [0, 1] without replacement, >= 0 with it");
  }
  return wrap<T>(detail::OpKind::kFilter, "sample",
                 [with_replacement, fraction, seed](detail::TaskContext& ctx, int node, const detail::Producer<T>& up,
                                                    detail::Emit<T> emit) {
                   std::mt19937_64 rng(detail::mix64(seed ^ detail::mix64(ctx.partition_of(node) + 1)));
                   std::uniform_real_distribution<double> unit(0.0, 1.0);
                   std::poisson_distribution<int> times(fraction > 0 ? fraction : 1e-300);
                   auto keep = [&](const T& x) {
                     if (with_replacement) {
                       for (int i = times(rng); i > 0; --i) emit(x);
                     } else if (unit(rng) < fraction) {
                       emit(x);
                     }
                   };
                   up(ctx, detail::Emit<T>(keep));
                 },
                 true);
}

// Hash-partitions pairs by key (Spark's partitionBy with a HashPartitioner).
template <class T, class Chain>
auto Dataset<T, Chain>::partition_by(int partitions) const {
  if constexpr (!detail::check_partition_by<T>()) {
    return failed();
  } else {
    return hash_shuffle<detail::Owned<T>>("partition_by", resolve_partitions(partitions), detail::HashOfKey{},
                                          detail::DecodeBlocks<T>{});
  }
}

// `partitions` partitions of about equal size. Deterministic (RELIABILITY F11): a record's
// partition depends only on its map partition and its position there, as in Spark's round
// robin, never on a counter that a retried task could shift.
template <class T, class Chain>
auto Dataset<T, Chain>::repartition(int partitions) const {
  auto position_hash = [](const detail::TaskContext& ctx, const T&, std::uint64_t position) {
    // partition_of() takes the high 32 bits: spread consecutive positions evenly there.
    const std::uint64_t start = detail::mix64(ctx.partition + 1);
    return (start + position * 0x9e3779b97f4a7c15ull);
  };
  return hash_shuffle<detail::Owned<T>>("repartition", resolve_partitions(partitions), position_hash,
                                        detail::DecodeBlocks<T>{}, false);
}

// At most `partitions` partitions, each merging a run of consecutive parent partitions in
// their order, without a shuffle (Spark's coalesce); more partitions than the parent has
// keep the parent's. (Spark's coalesce(n, shuffle=True) is repartition(n).)
template <class T, class Chain>
Dataset<T> Dataset<T, Chain>::coalesce(int partitions) const {
  if (partitions < 1) {
    throw Error(ExitCode::kUsage, "coalesce: partitions must be at least 1, not " + std::to_string(partitions));
  }
  detail::NodeSpec spec{detail::OpKind::kCoalesce, {node_}, "coalesce(" + std::to_string(partitions) + ")"};
  spec.partitions = static_cast<std::uint32_t>(partitions);
  const int node = runtime_->add_node(std::move(spec));
  auto producer = std::make_shared<const detail::Producer<T>>(
      [node, up = erased()](detail::TaskContext& ctx, detail::Emit<T> emit) {
        ctx.for_each_scope(node, [&] { (*up)(ctx, emit); });
      });
  return Dataset<T>(runtime_, node, std::move(producer));
}

// pair<T, index>: each record with its position in the dataset's order. As in Spark, a first
// job counts the records of every partition (the dataset is computed twice).
template <class T, class Chain>
auto Dataset<T, Chain>::zip_with_index() const {
  using O = detail::Owned<T>;
  using R = std::pair<O, std::uint64_t>;
  const auto counts = aggregate_partitions<std::uint64_t>(
      "zip_with_index (count)", [] { return std::uint64_t{0}; }, [](std::uint64_t& n, const T&) { ++n; });
  auto offsets = std::make_shared<std::vector<std::uint64_t>>(counts.size() + 1, 0);
  for (std::size_t p = 0; p < counts.size(); ++p) (*offsets)[p + 1] = (*offsets)[p] + counts[p];
  return wrap<R>(detail::OpKind::kMapPartitions, "zip_with_index",
                 [offsets](detail::TaskContext& ctx, int node, const detail::Producer<T>& up, detail::Emit<R> emit) {
                   std::uint64_t i = offsets->at(ctx.partition_of(node));
                   auto number = [&](const T& x) { emit(R(O(x), i++)); };
                   up(ctx, detail::Emit<T>(number));
                 });
}

}  // namespace dataflow
