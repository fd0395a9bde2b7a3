// Aggregations by key: combine_by_key and its family (aggregate_by_key, fold_by_key),
// group_by_key, group_by, distinct. Combining ones merge on the map side first.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "dataflow/dataset.hpp"
#include "dataflow/detail/lookahead.hpp"

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
    detail::CombineTable<K, C> table;
    Create make = create;
    MergeValue merge = merge_value;
    auto add = [&](std::uint64_t hash, const T& kv) {
      table.upsert(
          hash, kv.first, [&] { return C(make(kv.second)); }, [&](C& c) { c = merge(std::move(c), kv.second); });
    };
    detail::feed_table<T>(table, add, [&](auto push) { detail::run_chain(*source, chain, ctx, push); });
    write_buckets(table, out);
  });
  auto producer = std::make_shared<const detail::Producer<KC>>(
      [node, merge_combiners](detail::TaskContext& ctx, detail::Emit<KC> emit) {
        detail::CombineTable<K, C> table;
        MergeCombiners merge = merge_combiners;
        auto add = [&](std::uint64_t hash, KC& kc) {
          table.upsert(
              hash, std::move(kc.first), [&] { return std::move(kc.second); },
              [&](C& c) { c = merge(std::move(c), std::move(kc.second)); });
        };
        detail::feed_table<KC>(table, add, [&](auto push) {
          for (std::string_view block : *ctx.input(node).blocks) detail::decode_all<KC>(block, push);
        });
        for (const auto& e : table.entries()) emit(e.kv);
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
  static_assert(detail::kIsPair<T>, "combine_by_key: records must be std::pair<K, V>");
  return combine_node("combine_by_key", std::move(create), std::move(merge_value), std::move(merge_combiners),
                      partitions);
}

// seq(U, V) -> U from `zero` within a partition, comb(U, U) -> U across partitions.
template <class T, class Chain>
template <class U, class Seq, class Comb>
auto Dataset<T, Chain>::aggregate_by_key(U zero, Seq seq, Comb comb, int partitions) const {
  using VIn = typename T::second_type;
  return combine_by_key([zero, seq](const VIn& v) { return U(seq(U(zero), v)); },
                        [seq](U u, const VIn& v) { return U(seq(std::move(u), v)); },
                        [comb](U a, U b) { return U(comb(std::move(a), std::move(b))); }, partitions);
}

// f(V, V) -> V folded from `zero` (which must be f's neutral element, as in Spark).
template <class T, class Chain>
template <class Z, class F>
auto Dataset<T, Chain>::fold_by_key(Z zero, F f, int partitions) const {
  using V = detail::Owned<typename T::second_type>;
  return aggregate_by_key(V(zero), f, f, partitions);
}

// For pair<K, V>: pair<K, std::vector<V>>, the values in their defined order (by map
// partition, then position). Nothing is combined on the map side, as in Spark.
template <class T, class Chain>
auto Dataset<T, Chain>::group_by_key(int partitions) const {
  static_assert(detail::kIsPair<T>, "group_by_key: records must be std::pair<K, V>");
  using K = detail::Owned<typename T::first_type>;
  using V = detail::Owned<typename T::second_type>;
  using KG = std::pair<K, std::vector<V>>;
  auto reduce = [](const std::vector<std::string_view>& blocks, detail::Emit<KG> emit) {
    detail::CombineTable<K, std::vector<V>> table;
    for (std::string_view block : blocks) {
      detail::decode_all<T>(block, [&](std::pair<K, V>&& kv) {
        table.upsert(
            detail::hash_key(kv.first), std::move(kv.first),
            [&] {
              std::vector<V> first;
              first.push_back(std::move(kv.second));
              return first;
            },
            [&](std::vector<V>& vs) { vs.push_back(std::move(kv.second)); });
      });
    }
    for (auto& e : table.entries()) emit(e.kv);
  };
  return hash_shuffle<KG>("group_by_key", resolve_partitions(partitions), detail::HashOfKey{}, reduce);
}

// pair<f(x), std::vector<T>>.
template <class T, class Chain>
template <class F>
auto Dataset<T, Chain>::group_by(F f, int partitions) const {
  return key_by(std::move(f)).group_by_key(partitions);
}

// Each record once (by its encoding's equality and hash), in order of first appearance.
template <class T, class Chain>
auto Dataset<T, Chain>::distinct(int partitions) const {
  using O = detail::Owned<T>;
  return map([](const T& x) { return std::pair<O, char>(O(x), 0); })
      .reduce_by_key([](char a, char) { return a; }, static_cast<int>(resolve_partitions(partitions)))
      .keys();
}

}  // namespace dataflow
