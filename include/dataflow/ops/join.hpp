// Joins and set operations. Both sides are hash-partitioned alike by key (a side that already
// is needs no shuffle: Spark's co-partitioned join); then each reduce partition builds a hash
// table from the right side and streams the left side through it. Output order: the left
// side's records in their order, then (outer joins) the right side's unmatched keys in theirs.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/dataset.hpp"

namespace dataflow {
namespace detail {

enum class JoinKind { kInner, kLeft, kRight, kFull };

// The right side of a reduce partition: each key's values and whether a left record matched.
template <class K, class W, class Right>
auto build_right(TaskContext& ctx, const Right& right) {
  CombineTable<K, std::pair<std::vector<W>, bool>> table;
  auto add = [&](const std::pair<K, W>& kw) {
    table.upsert(
        hash_key(kw.first), kw.first, [&] { return std::pair<std::vector<W>, bool>({kw.second}, false); },
        [&](std::pair<std::vector<W>, bool>& e) { e.first.push_back(kw.second); });
  };
  right(ctx, Emit<std::pair<K, W>>(add));
  return table;
}

template <JoinKind kJoin, class K, class V, class W, class R, class Left, class Right>
void hash_join(TaskContext& ctx, const Left& left, const Right& right, Emit<R> emit) {
  auto table = build_right<K, W>(ctx, right);
  auto probe = [&](const std::pair<K, V>& kv) {
    auto* e = table.find(hash_key(kv.first), kv.first);
    if (e) {
      e->kv.second.second = true;
      for (const W& w : e->kv.second.first) {
        if constexpr (kJoin == JoinKind::kInner || kJoin == JoinKind::kLeft) {
          emit(R(kv.first, {kv.second, w}));
        } else {
          emit(R(kv.first, {std::optional<V>(kv.second), w}));
        }
      }
    } else if constexpr (kJoin == JoinKind::kLeft) {
      emit(R(kv.first, {kv.second, std::nullopt}));
    } else if constexpr (kJoin == JoinKind::kFull) {
      emit(R(kv.first, {std::optional<V>(kv.second), std::nullopt}));
    }
  };
  left(ctx, Emit<std::pair<K, V>>(probe));
  if constexpr (kJoin == JoinKind::kRight || kJoin == JoinKind::kFull) {
    for (const auto& e : table.entries()) {
      if (e.kv.second.second) continue;
      for (const W& w : e.kv.second.first) emit(R(e.kv.first, {std::nullopt, w}));
    }
  }
}

}  // namespace detail

// pair<K, pair<std::vector<V>, std::vector<W>>>: every key of either side once.
template <class T, class Chain>
template <class Other>
auto Dataset<T, Chain>::cogroup(const Other& other, int partitions) const {
  static_assert(detail::kIsPair<T> && detail::kIsPair<typename Other::value_type>,
                "cogroup: both sides' records must be std::pair<K, V>");
  using K = detail::Owned<typename T::first_type>;
  using V = detail::Owned<typename T::second_type>;
  using W = detail::Owned<typename Other::value_type::second_type>;
  using Groups = std::pair<std::vector<V>, std::vector<W>>;
  using R = std::pair<K, Groups>;
  return co_group<R>(other, partitions, "cogroup", [](detail::TaskContext& ctx, const auto& left, const auto& right,
                                                      detail::Emit<R> emit) {
    detail::CombineTable<K, Groups> table;
    auto add_left = [&](const std::pair<K, V>& kv) {
      table.upsert(
          detail::hash_key(kv.first), kv.first, [&] { return Groups({kv.second}, {}); },
          [&](Groups& g) { g.first.push_back(kv.second); });
    };
    auto add_right = [&](const std::pair<K, W>& kw) {
      table.upsert(
          detail::hash_key(kw.first), kw.first, [&] { return Groups({}, {kw.second}); },
          [&](Groups& g) { g.second.push_back(kw.second); });
    };
    left(ctx, detail::Emit<std::pair<K, V>>(add_left));
    right(ctx, detail::Emit<std::pair<K, W>>(add_right));
    for (const auto& e : table.entries()) emit(e.kv);
  });
}

#define DATAFLOW_JOIN(NAME, KIND, VOUT, WOUT)                                                             \
  template <class T, class Chain>                                                                         \
  template <class Other>                                                                                  \
  auto Dataset<T, Chain>::NAME(const Other& other, int partitions) const {                                \
    static_assert(detail::kIsPair<T> && detail::kIsPair<typename Other::value_type>,                      \
                  #NAME ": both sides' records must be std::pair<K, V>");                                 \
    using K = detail::Owned<typename T::first_type>;                                                      \
    using V = detail::Owned<typename T::second_type>;                                                     \
    using W = detail::Owned<typename Other::value_type::second_type>;                                     \
    using R = std::pair<K, std::pair<VOUT, WOUT>>;                                                        \
    return co_group<R>(other, partitions, #NAME,                                                          \
                       [](detail::TaskContext& ctx, const auto& left, const auto& right, detail::Emit<R> emit) { \
                         detail::hash_join<KIND, K, V, W, R>(ctx, left, right, emit);                     \
                       },                                                                                 \
                       KIND == detail::JoinKind::kInner || KIND == detail::JoinKind::kLeft);              \
  }

// pair<K, pair<V, W>> for every pair of records with equal keys.
DATAFLOW_JOIN(join, detail::JoinKind::kInner, V, W)
// pair<K, pair<V, std::optional<W>>>: every left record, with or without a match.
DATAFLOW_JOIN(left_outer_join, detail::JoinKind::kLeft, V, std::optional<W>)
// pair<K, pair<std::optional<V>, W>>: every right record, with or without a match.
DATAFLOW_JOIN(right_outer_join, detail::JoinKind::kRight, std::optional<V>, W)
// pair<K, pair<std::optional<V>, std::optional<W>>>: every record of either side.
DATAFLOW_JOIN(full_outer_join, detail::JoinKind::kFull, std::optional<V>, std::optional<W>)
#undef DATAFLOW_JOIN

// The left side's records whose key the right side does not have.
template <class T, class Chain>
template <class Other>
auto Dataset<T, Chain>::subtract_by_key(const Other& other, int partitions) const {
  static_assert(detail::kIsPair<T> && detail::kIsPair<typename Other::value_type>,
                "subtract_by_key: both sides' records must be std::pair<K, V>");
  using K = detail::Owned<typename T::first_type>;
  using V = detail::Owned<typename T::second_type>;
  using W = detail::Owned<typename Other::value_type::second_type>;
  using R = std::pair<K, V>;
  return co_group<R>(other, partitions, "subtract_by_key",
                     [](detail::TaskContext& ctx, const auto& left, const auto& right, detail::Emit<R> emit) {
                       auto table = detail::build_right<K, W>(ctx, right);
                       auto probe = [&](const R& kv) {
                         if (!table.find(detail::hash_key(kv.first), kv.first)) emit(kv);
                       };
                       left(ctx, detail::Emit<R>(probe));
                     },
                     true);
}

// The records of both sides, each once.
template <class T, class Chain>
template <class OtherChain>
auto Dataset<T, Chain>::intersection(const Dataset<T, OtherChain>& other, int partitions) const {
  using O = detail::Owned<T>;
  auto mark = [](const T& x) { return std::pair<O, char>(O(x), 0); };
  using R = std::pair<O, char>;
  return map(mark)
      .template co_group<R>(other.map(mark), partitions, "intersection",
                            [](detail::TaskContext& ctx, const auto& left, const auto& right, detail::Emit<R> emit) {
                              auto table = detail::build_right<O, char>(ctx, right);
                              auto probe = [&](const R& x) {
                                auto* e = table.find(detail::hash_key(x.first), x.first);
                                if (e && !e->kv.second.second) {
                                  e->kv.second.second = true;  // once
                                  emit(x);
                                }
                              };
                              left(ctx, detail::Emit<R>(probe));
                            })
      .keys();
}

// The left side's records (duplicates kept) that the right side does not have.
template <class T, class Chain>
template <class OtherChain>
auto Dataset<T, Chain>::subtract(const Dataset<T, OtherChain>& other, int partitions) const {
  using O = detail::Owned<T>;
  auto mark = [](const T& x) { return std::pair<O, char>(O(x), 0); };
  return map(mark).subtract_by_key(other.map(mark), partitions).keys();
}

}  // namespace dataflow
