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
#include "dataflow/detail/spill_runs.hpp"

namespace dataflow {
namespace detail {

enum class JoinKind { kInner, kLeft, kRight, kFull };

// The right side of a reduce partition (its keys in `slice`): each key's values (none when
// only the keys matter: kValues false) and whether a left record matched, with the position
// where each key first appeared. Throws OverBudget when the table outgrows the task's memory.
template <class K, class W>
struct RightTable {
  CombineTable<K, std::pair<std::vector<W>, bool>> table;
  std::vector<std::uint64_t> first;
  TableBudget budget;
};

template <class K, class W, bool kValues, class Right>
RightTable<K, W> build_right(TaskContext& ctx, const Right& right, const Slice& slice) {
  RightTable<K, W> t{{}, {}, TableBudget(ctx.memory)};
  std::uint64_t position = 0;
  auto add = [&](const std::pair<K, W>& kw) {
    const std::uint64_t at = position++;
    const std::uint64_t hash = hash_key(kw.first);
    if (!slice.contains(hash)) return;
    bool fresh = false;
    std::uint64_t heap = 0;
    t.table.upsert(
        hash, kw.first,
        [&] {
          fresh = true;
          t.first.push_back(at);
          std::pair<std::vector<W>, bool> e({}, false);
          if constexpr (kValues) e.first.push_back(kw.second);
          return e;
        },
        [&](std::pair<std::vector<W>, bool>& e) {
          if constexpr (kValues) {
            const std::size_t capacity = e.first.capacity();
            e.first.push_back(kw.second);
            if (t.budget.bounded()) heap = pushed_bytes(capacity, e.first);
          }
        });
    if (!t.budget.bounded()) return;
    if (fresh) heap += heap_bytes(t.table.entries().back().kv) + sizeof(std::uint64_t);
    if (!t.budget.update(t.table.memory_bytes_adding(), heap)) throw over_budget(t.table);
  };
  right(ctx, Emit<std::pair<K, W>>(add));
  return t;
}

// Right-side records that no left record matched come after every left record's output.
inline constexpr std::uint64_t kUnmatchedTag = std::uint64_t{1} << 63;

// The records of one hash (one key, as a rule) whose right-side values do not fit the task's
// memory, joined by a block nested loop: the right side's records of that hash are taken in
// chunks that fit, and each chunk is joined with the left side's records of the hash, read
// again for every chunk. Each chunk's output is a run of its own (cut), so the merge by tag,
// which keeps equal tags in the order of their runs, gives the one-pass order: a left
// record's matches in the right side's order.
template <JoinKind kJoin, class K, class V, class W, class R, class Left, class Right, class Out, class Cut>
void join_one_hash(TaskContext& ctx, const Left& left, const Right& right, std::uint64_t hash, Out& out, Cut& cut) {
  constexpr bool kKeepsLeft = kJoin == JoinKind::kLeft || kJoin == JoinKind::kFull;
  constexpr bool kKeepsRight = kJoin == JoinKind::kRight || kJoin == JoinKind::kFull;
  using LeftOut = typename R::second_type::first_type;
  using RightOut = typename R::second_type::second_type;
  // The right side's keys of this hash (one, unless a user's std::hash collides) and the
  // position where each first appeared.
  std::vector<std::pair<K, std::uint64_t>> keys;
  auto key_index = [&](const K& k) {
    std::size_t i = 0;
    while (i < keys.size() && !keys_equal(keys[i].first, k)) ++i;
    return i;
  };
  std::uint64_t taken = 0;  // right records of the hash joined by earlier chunks
  for (bool first_chunk = true;; first_chunk = false) {
    std::vector<std::pair<K, W>> chunk;
    TableBudget budget(ctx.memory);
    std::uint64_t seen = 0;
    bool more = false;
    std::uint64_t position = 0;
    auto take = [&](const std::pair<K, W>& kw) {
      const std::uint64_t at = position++;
      if (hash_key(kw.first) != hash) return;
      if (first_chunk && key_index(kw.first) == keys.size()) keys.emplace_back(kw.first, at);
      if (more || seen++ < taken) return;
      // A full vector holds its old and its new array while it grows.
      const std::size_t slots =
          chunk.size() < chunk.capacity() ? chunk.capacity() : 3 * std::max<std::size_t>(1, chunk.capacity());
      if (budget.bounded() && !budget.update(slots * sizeof(std::pair<K, W>), heap_bytes(kw))) {
        if (chunk.empty()) {
          throw Error(ExitCode::kDataError,
                      "join: one record does not fit in a task's share of the executor's memory "
                      "(--executor-memory " +
                          format_size(ctx.memory.pool->budget()) + ")");
        }
        more = true;
        return;
      }
      chunk.push_back(kw);
    };
    right(ctx, Emit<std::pair<K, W>>(take));
    std::vector<char> matched(keys.size());
    position = 0;
    auto probe = [&](const std::pair<K, V>& kv) {
      const std::uint64_t at = position++;
      if (hash_key(kv.first) != hash) return;
      const std::size_t i = key_index(kv.first);
      if (i == keys.size()) {
        if constexpr (kKeepsLeft) {
          if (first_chunk) out(at, R(kv.first, {LeftOut(kv.second), std::nullopt}));
        }
        return;
      }
      matched[i] = 1;
      for (const auto& kw : chunk) {
        if (keys_equal(kw.first, kv.first)) out(at, R(kv.first, {LeftOut(kv.second), RightOut(kw.second)}));
      }
    };
    left(ctx, Emit<std::pair<K, V>>(probe));
    if constexpr (kKeepsRight) {
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (matched[i]) continue;
        for (const auto& kw : chunk) {
          if (keys_equal(kw.first, keys[i].first))
            out(kUnmatchedTag + keys[i].second, R(kw.first, {std::nullopt, kw.second}));
        }
      }
    }
    if (!more) return;
    cut();
    taken += chunk.size();
  }
}

template <JoinKind kJoin, class K, class V, class W, class R, class Left, class Right>
void hash_join(TaskContext& ctx, const Left& left, const Right& right, Emit<R> emit) {
  auto body = [&](const Slice& slice, auto&& out) {
    auto right_side = build_right<K, W, true>(ctx, right, slice);
    auto& table = right_side.table;
    std::uint64_t position = 0;
    // Matches are built in one record reused across them: a value that holds memory (the
    // adjacency list of a graph's node) is copied into buffers it already has, instead of
    // allocating and freeing per output record.
    std::optional<R> matched;
    auto match = [&matched](const K& k, const V& v, const W& w) -> const R& {
      if (!matched) {
        matched.emplace(k, typename R::second_type(v, w));
      } else {
        matched->first = k;
        matched->second.first = v;
        matched->second.second = w;
      }
      return *matched;
    };
    auto probe = [&](const std::pair<K, V>& kv) {
      const std::uint64_t at = position++;
      const std::uint64_t hash = hash_key(kv.first);
      if (!slice.contains(hash)) return;
      auto* e = table.find(hash, kv.first);
      if (e) {
        e->kv.second.second = true;
        for (const W& w : e->kv.second.first) {
          if constexpr (kJoin == JoinKind::kInner) {
            out(at, match(kv.first, kv.second, w));
          } else if constexpr (kJoin == JoinKind::kLeft) {
            out(at, R(kv.first, {kv.second, w}));
          } else {
            out(at, R(kv.first, {std::optional<V>(kv.second), w}));
          }
        }
      } else if constexpr (kJoin == JoinKind::kLeft) {
        out(at, R(kv.first, {kv.second, std::nullopt}));
      } else if constexpr (kJoin == JoinKind::kFull) {
        out(at, R(kv.first, {std::optional<V>(kv.second), std::nullopt}));
      }
    };
    left(ctx, Emit<std::pair<K, V>>(probe));
    if constexpr (kJoin == JoinKind::kRight || kJoin == JoinKind::kFull) {
      for (std::size_t i = 0; i < table.size(); ++i) {
        const auto& e = table.entries()[i];
        if (e.kv.second.second) continue;
        for (const W& w : e.kv.second.first) out(kUnmatchedTag + right_side.first[i], R(e.kv.first, {std::nullopt, w}));
      }
    }
  };
  auto stream = [&](const Slice&, std::uint64_t hash, auto& out, auto& cut) {
    join_one_hash<kJoin, K, V, W, R>(ctx, left, right, hash, out, cut);
  };
  run_sliced<R>(ctx.memory, "join", body, emit, stream);
}

// A reduce partition of cogroup: each key of either side once, with its values from each
// side in their order; keys in order of first appearance (the left side's first).
template <class K, class V, class W, class R, class Left, class Right>
void cogroup_partition(TaskContext& ctx, const Left& left, const Right& right, Emit<R> emit) {
  using Groups = typename R::second_type;
  auto body = [&](const Slice& slice, auto&& out) {
    CombineTable<K, Groups> table;
    TableBudget budget(ctx.memory);
    std::uint64_t position = 0;  // over the left side, then the right
    std::vector<std::uint64_t> first;
    auto add = [&](const K& key, auto&& value, auto side) {
      const std::uint64_t at = position++;
      const std::uint64_t hash = hash_key(key);
      if (!slice.contains(hash)) return;
      bool fresh = false;
      std::uint64_t heap = 0;
      table.upsert(
          hash, key,
          [&] {
            fresh = true;
            first.push_back(at);
            Groups g;
            (g.*side).push_back(value);
            return g;
          },
          [&](Groups& g) {
            const std::size_t capacity = (g.*side).capacity();
            (g.*side).push_back(value);
            if (budget.bounded()) heap = pushed_bytes(capacity, g.*side);
          });
      if (!budget.bounded()) return;
      if (fresh) heap += heap_bytes(table.entries().back().kv) + sizeof(std::uint64_t);
      if (!budget.update(table.memory_bytes_adding(), heap)) throw over_budget(table);
    };
    auto add_left = [&](const std::pair<K, V>& kv) { add(kv.first, kv.second, &Groups::first); };
    auto add_right = [&](const std::pair<K, W>& kw) { add(kw.first, kw.second, &Groups::second); };
    left(ctx, Emit<std::pair<K, V>>(add_left));
    right(ctx, Emit<std::pair<K, W>>(add_right));
    for (std::size_t i = 0; i < table.size(); ++i) out(first[i], table.entries()[i].kv);
  };
  run_sliced<R>(ctx.memory, "cogroup", body, emit);
}

// A reduce partition's left records filtered by the right side's table: keep(entry or
// nullptr) says whether a left record goes out (subtract_by_key, intersection).
template <class K, class W, class R, class Left, class Right, class Keep>
void filter_by_right(TaskContext& ctx, const Left& left, const Right& right, const char* what, Keep keep,
                     Emit<R> emit) {
  auto body = [&](const Slice& slice, auto&& out) {
    auto right_side = build_right<K, W, false>(ctx, right, slice);
    std::uint64_t position = 0;
    auto probe = [&](const R& kv) {
      const std::uint64_t at = position++;
      const std::uint64_t hash = hash_key(kv.first);
      if (!slice.contains(hash)) return;
      if (keep(right_side.table.find(hash, kv.first))) out(at, kv);
    };
    left(ctx, Emit<R>(probe));
  };
  run_sliced<R>(ctx.memory, what, body, emit);
}

}  // namespace detail

// pair<K, pair<std::vector<V>, std::vector<W>>>: every key of either side once.
template <class T, class Chain>
template <class Other>
auto Dataset<T, Chain>::cogroup(const Other& other, int partitions) const {
  using OT = typename Other::value_type;
  if constexpr (!detail::kIsPair<T> || !detail::kIsPair<OT>) {
    static_assert(detail::kIsError<T> || detail::kIsError<OT>, "cogroup: both sides' records must be std::pair<K, V>");
    return failed();
  } else if constexpr (!detail::kSameKeys<T, OT>) {
    static_assert(detail::kSameKeys<T, OT>,
                  "cogroup: both sides' keys must be of one type (pair<K, V> and pair<K, W>)");
    return failed();
  } else {
    using K = detail::Owned<typename T::first_type>;
    using V = detail::Owned<typename T::second_type>;
    using W = detail::Owned<typename Other::value_type::second_type>;
    using Groups = std::pair<std::vector<V>, std::vector<W>>;
    using R = std::pair<K, Groups>;
    return co_group<R>(other, partitions, "cogroup",
                       [](detail::TaskContext& ctx, const auto& left, const auto& right, detail::Emit<R> emit) {
                         detail::cogroup_partition<K, V, W, R>(ctx, left, right, emit);
                       });
  }
}

#define DATAFLOW_JOIN(NAME, KIND, VOUT, WOUT)                                                       \
  template <class T, class Chain>                                                                   \
  template <class Other>                                                                            \
  auto Dataset<T, Chain>::NAME(const Other& other, int partitions) const {                          \
    using OT = typename Other::value_type;                                                          \
    if constexpr (!detail::kIsPair<T> || !detail::kIsPair<OT>) {                                    \
      static_assert(detail::kIsError<T> || detail::kIsError<OT>,                                    \
                    #NAME ": both sides' records must be std::pair<K, V>");                         \
      return failed();                                                                              \
    } else if constexpr (!detail::kSameKeys<T, OT>) {                                               \
      static_assert(detail::kSameKeys<T, OT>,                                                       \
                    #NAME ": both sides' keys must be of one type (pair<K, V> and pair<K, W>)");    \
      return failed();                                                                              \
    } else {                                                                                        \
      using K = detail::Owned<typename T::first_type>;                                              \
      using V = detail::Owned<typename T::second_type>;                                             \
      using W = detail::Owned<typename OT::second_type>;                                            \
      using R = std::pair<K, std::pair<VOUT, WOUT>>;                                                \
      return co_group<R>(                                                                           \
          other, partitions, #NAME,                                                                 \
          [](detail::TaskContext& ctx, const auto& left, const auto& right, detail::Emit<R> emit) { \
            detail::hash_join<KIND, K, V, W, R>(ctx, left, right, emit);                            \
          },                                                                                        \
          KIND == detail::JoinKind::kInner || KIND == detail::JoinKind::kLeft);                     \
    }                                                                                               \
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
  using OT = typename Other::value_type;
  if constexpr (!detail::kIsPair<T> || !detail::kIsPair<OT>) {
    static_assert(detail::kIsError<T> || detail::kIsError<OT>,
                  "subtract_by_key: both sides' records must be std::pair<K, V>");
    return failed();
  } else if constexpr (!detail::kSameKeys<T, OT>) {
    static_assert(detail::kSameKeys<T, OT>,
                  "subtract_by_key: both sides' keys must be of one type (pair<K, V> and pair<K, W>)");
    return failed();
  } else {
    using K = detail::Owned<typename T::first_type>;
    using V = detail::Owned<typename T::second_type>;
    using W = detail::Owned<typename Other::value_type::second_type>;
    using R = std::pair<K, V>;
    return co_group<R>(
        other, partitions, "subtract_by_key",
        [](detail::TaskContext& ctx, const auto& left, const auto& right, detail::Emit<R> emit) {
          detail::filter_by_right<K, W, R>(
              ctx, left, right, "subtract_by_key", [](const auto* e) { return e == nullptr; }, emit);
        },
        true);
  }
}

// The records of both sides, each once.
template <class T, class Chain>
template <class OtherChain>
auto Dataset<T, Chain>::intersection(const Dataset<T, OtherChain>& other, int partitions) const {
  if constexpr (detail::kIsError<T>) {  // the failed transformation has said why
    return failed();
  } else {
    using O = detail::Owned<T>;
    auto mark = [](const T& x) { return std::pair<O, char>(O(x), 0); };
    using R = std::pair<O, char>;
    return map(mark)
        .template co_group<R>(other.map(mark), partitions, "intersection",
                              [](detail::TaskContext& ctx, const auto& left, const auto& right, detail::Emit<R> emit) {
                                detail::filter_by_right<O, char, R>(
                                    ctx, left, right, "intersection",
                                    [](auto* e) {
                                      if (!e || e->kv.second.second) return false;
                                      e->kv.second.second = true;  // once
                                      return true;
                                    },
                                    emit);
                              })
        .keys();
  }
}

// The left side's records (duplicates kept) that the right side does not have.
template <class T, class Chain>
template <class OtherChain>
auto Dataset<T, Chain>::subtract(const Dataset<T, OtherChain>& other, int partitions) const {
  if constexpr (detail::kIsError<T>) {  // the failed transformation has said why
    return failed();
  } else {
    using O = detail::Owned<T>;
    auto mark = [](const T& x) { return std::pair<O, char>(O(x), 0); };
    return map(mark).subtract_by_key(other.map(mark), partitions).keys();
  }
}

}  // namespace dataflow
