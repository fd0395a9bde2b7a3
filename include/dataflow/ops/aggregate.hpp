// Aggregations by key: combine_by_key and its family (aggregate_by_key, fold_by_key),
// group_by_key, group_by, distinct. Combining ones merge on the map side first.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "dataflow/dataset.hpp"
#include "dataflow/detail/checks_aggregate.hpp"
#include "dataflow/detail/lookahead.hpp"
#include "dataflow/detail/spill_runs.hpp"

namespace dataflow {

// Map side: a combine table per task, create(v) for a key's first value and
// merge_value(c, v) for the next; written bucket by bucket. Reduce side: a table merging the
// combiners with merge_combiners. Each task calls its own copies of the functions.
template <class T, class Chain>
template <class Create, class MergeValue, class MergeCombiners>
auto Dataset<T, Chain>::combine_node(const char* label, Create create, MergeValue merge_value,
                                     MergeCombiners merge_combiners, int partitions) const {
  using K = detail::Owned<typename T::first_type>;
  using VIn = typename T::second_type;
  using C = detail::Owned<std::decay_t<std::invoke_result_t<const Create&, const VIn&>>>;
  using KC = std::pair<K, C>;
  detail::NodeSpec spec{detail::OpKind::kReduceByKey, {node_}, label};
  spec.partitions = spec_partitions(partitions);
  const int node = runtime_->add_node(std::move(spec));
  runtime_->set_map_runner(node, [source = source_, chain = chain_, create, merge_value](detail::TaskContext& ctx,
                                                                                       detail::MapOutput& out) {
    // Bounded: when the table outgrows the task's memory, its partial combiners go to disk
    // as a run and a new table starts (the reduce side merges them; each key's first run is
    // where it first appeared, so the reduce side's order is the same).
    detail::CombineTable<K, C> table;
    detail::TableBudget budget(ctx.memory);
    std::shared_ptr<detail::SpillFile> file;
    auto spill = [&] {
      if (!file) file = std::make_shared<detail::SpillFile>(*ctx.memory.dir);
      detail::RunWriter run(out, file);
      write_buckets(table, out.buckets, run);
      table = detail::CombineTable<K, C>();
      budget.reset();
    };
    Create make = create;
    MergeValue merge = merge_value;
    auto add = [&](std::uint64_t hash, const T& kv) {
      const std::size_t size = table.size();
      std::uint64_t heap = 0;  // more than before, held by the values
      table.upsert(
          hash, kv.first, [&] { return C(make(kv.second)); },
          [&](C& c) {
            if constexpr (std::is_trivially_copyable_v<C>) {
              c = merge(std::move(c), kv.second);
            } else {
              const std::uint64_t before = budget.bounded() ? detail::heap_bytes(c) : 0;
              c = merge(std::move(c), kv.second);
              if (budget.bounded()) heap = detail::heap_bytes(c) - std::min(before, detail::heap_bytes(c));
            }
          });
      if (!budget.bounded() || (table.size() == size && heap == 0)) return;
      if (table.size() != size) heap += detail::heap_bytes(table.entries().back().kv);
      if (!budget.update(table.memory_bytes_adding(), heap)) spill();
    };
    detail::feed_table<T>(table, add, [&](auto push) { detail::run_chain(*source, chain, ctx, push); });
    if (budget.bounded()) {
      detail::Reservation keep(ctx.memory.pool, detail::MemoryPool::Kind::kStorage);
      if (!keep.grow_to(budget.used())) {
        spill();
        return;
      }
      out.memory = std::move(keep);
    }
    detail::RunWriter run(out);
    write_buckets(table, out.buckets, run);
    out.memory.grow_to(out.data.size());
  });
  auto producer = std::make_shared<const detail::Producer<KC>>(
      [node, merge_combiners](detail::TaskContext& ctx, detail::Emit<KC> emit) {
        // Merged in one table if it fits the task's memory, else slice by slice (see
        // run_sliced); the output order is the keys' first appearance either way.
        MergeCombiners merge = merge_combiners;
        auto body = [&](const detail::Slice& slice, auto&& out) {
          detail::CombineTable<K, C> table;
          detail::TableBudget budget(ctx.memory);
          std::uint64_t position = 0;
          std::vector<std::uint64_t> first;  // of each entry: its key's first position
          auto add = [&](std::uint64_t hash, KC& kc) {
            const std::uint64_t at = position++;
            if (!slice.contains(hash)) return;
            std::uint64_t heap = 0;  // more than before, held by the values
            table.upsert(
                hash, std::move(kc.first),
                [&] {
                  first.push_back(at);
                  return std::move(kc.second);
                },
                [&](C& c) {
                  if constexpr (std::is_trivially_copyable_v<C>) {
                    c = merge(std::move(c), std::move(kc.second));
                  } else {
                    const std::uint64_t before = budget.bounded() ? detail::heap_bytes(c) : 0;
                    c = merge(std::move(c), std::move(kc.second));
                    if (budget.bounded()) heap = detail::heap_bytes(c) - std::min(before, detail::heap_bytes(c));
                  }
                });
            if (!budget.bounded()) return;
            const bool fresh = first.back() == at;
            if (!fresh && heap == 0) return;
            if (fresh) heap += detail::heap_bytes(table.entries().back().kv) + sizeof(std::uint64_t);
            if (!budget.update(table.memory_bytes_adding(), heap)) throw detail::over_budget(table);
          };
          detail::feed_table<KC>(table, add, [&](auto push) {
            detail::for_each_block(*ctx.input(node).blocks,
                                   [&](std::string_view block) { detail::decode_all<KC>(block, push); });
          });
          for (std::size_t i = 0; i < table.size(); ++i) out(first[i], table.entries()[i].kv);
        };
        detail::run_sliced<KC>(ctx.memory, "reduce_by_key", body, emit);
      });
  return Dataset<KC>(runtime_, node, std::move(producer), {},
                     detail::HashPartitioning{node, spec_partitions(partitions)});
}

// For pair<K, V>: per key, create(v) for its first value, merge_value(c, v) for the next ones
// on the map side, merge_combiners(c1, c2) on the reduce side; records pair<K, C>.
template <class T, class Chain>
template <class Create, class MergeValue, class MergeCombiners>
auto Dataset<T, Chain>::combine_by_key(Create create, MergeValue merge_value, MergeCombiners merge_combiners,
                                       int partitions) const {
  if constexpr (!detail::check_combine_by_key<Create, MergeValue, MergeCombiners, T>()) {
    return failed();
  } else {
    return combine_node("combine_by_key", std::move(create), std::move(merge_value), std::move(merge_combiners),
                        partitions);
  }
}

// seq(U, V) -> U from `zero` within a partition, comb(U, U) -> U across partitions.
template <class T, class Chain>
template <class U, class Seq, class Comb>
auto Dataset<T, Chain>::aggregate_by_key(U zero, Seq seq, Comb comb, int partitions) const {
  if constexpr (!detail::check_aggregate_by_key<U, Seq, Comb, T>()) {
    return failed();
  } else {
    using VIn = typename T::second_type;
    return combine_by_key([zero, seq](const VIn& v) { return U(seq(U(zero), v)); },
                          [seq](U u, const VIn& v) { return U(seq(std::move(u), v)); },
                          [comb](U a, U b) { return U(comb(std::move(a), std::move(b))); }, partitions);
  }
}

// f(V, V) -> V folded from `zero` (which must be f's neutral element, as in Spark).
template <class T, class Chain>
template <class Z, class F>
auto Dataset<T, Chain>::fold_by_key(Z zero, F f, int partitions) const {
  if constexpr (!detail::check_fold_by_key<Z, F, T>()) {
    return failed();
  } else {
    using V = detail::Owned<typename T::second_type>;
    return aggregate_by_key(V(zero), f, f, partitions);
  }
}

// For pair<K, V>: pair<K, std::vector<V>>, the values in their defined order (by map
// partition, then position). Nothing is combined on the map side, as in Spark.
template <class T, class Chain>
auto Dataset<T, Chain>::group_by_key(int partitions) const {
  if constexpr (!detail::check_group_by_key<T>()) {
    return failed();
  } else {
    using K = detail::Owned<typename T::first_type>;
    using V = detail::Owned<typename T::second_type>;
    using KG = std::pair<K, std::vector<V>>;
    auto reduce = [](detail::TaskContext& ctx, const std::vector<detail::Block>& blocks, detail::Emit<KG> emit) {
      auto body = [&](const detail::Slice& slice, auto&& out) {
        detail::CombineTable<K, std::vector<V>> table;
        detail::TableBudget budget(ctx.memory);
        std::uint64_t position = 0;
        std::vector<std::uint64_t> first;  // of each key: its first position
        detail::for_each_block(blocks, [&](std::string_view block) {
          detail::decode_all<T>(block, [&](std::pair<K, V>&& kv) {
            const std::uint64_t at = position++;
            const std::uint64_t hash = detail::hash_key(kv.first);
            if (!slice.contains(hash)) return;
            std::uint64_t heap = 0;
            table.upsert(
                hash, std::move(kv.first),
                [&] {
                  first.push_back(at);
                  std::vector<V> values;
                  values.push_back(std::move(kv.second));
                  return values;
                },
                [&](std::vector<V>& vs) {
                  const std::size_t capacity = vs.capacity();
                  vs.push_back(std::move(kv.second));
                  if (budget.bounded()) heap = detail::pushed_bytes(capacity, vs);
                });
            if (!budget.bounded()) return;
            if (first.back() == at) heap += detail::heap_bytes(table.entries().back().kv) + sizeof(std::uint64_t);
            if (!budget.update(table.memory_bytes_adding(), heap)) throw detail::over_budget(table);
          });
        });
        for (std::size_t i = 0; i < table.size(); ++i) out(first[i], table.entries()[i].kv);
      };
      detail::run_sliced<KG>(ctx.memory, "group_by_key", body, emit);
    };
    return hash_shuffle<KG>("group_by_key", resolve_partitions(partitions), detail::HashOfKey{}, reduce);
  }
}

// pair<f(x), std::vector<T>>.
template <class T, class Chain>
template <class F>
auto Dataset<T, Chain>::group_by(F f, int partitions) const {
  if constexpr (!detail::check_group_by<F, T>()) {
    return failed();
  } else {
    return key_by(std::move(f)).group_by_key(partitions);
  }
}

// Each record once (by its encoding's equality and hash), in order of first appearance.
template <class T, class Chain>
auto Dataset<T, Chain>::distinct(int partitions) const {
  if constexpr (!detail::check_distinct<T>()) {
    return failed();
  } else {
    using O = detail::Owned<T>;
    return map([](const T& x) { return std::pair<O, char>(O(x), 0); })
        .reduce_by_key([](char a, char) { return a; }, static_cast<int>(resolve_partitions(partitions)))
        .keys();
  }
}

}  // namespace dataflow
