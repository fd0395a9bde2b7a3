// Dataset<T>: a lazy, partitioned collection, as Spark's RDD. Transformations record a node
// and compose the fused per-partition pipeline; actions run a job and return the same value
// on every rank.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/detail/block_cache.hpp"
#include "dataflow/detail/chain.hpp"
#include "dataflow/detail/checks.hpp"
#include "dataflow/detail/codec.hpp"
#include "dataflow/detail/combine_table.hpp"
#include "dataflow/detail/hash.hpp"
#include "dataflow/detail/map_output.hpp"
#include "dataflow/detail/owned.hpp"
#include "dataflow/detail/runtime.hpp"
#include "dataflow/detail/shuffle_blocks.hpp"
#include "dataflow/detail/text_format.hpp"
#include "dataflow/hdf5.hpp"
#include "dataflow/stats.hpp"

namespace dataflow {

class DataFrame;
namespace detail {
struct BatchShuffles;
}

// Dataset<T, Chain>: records of type T, computed by `Chain` (the narrow operations since the
// last source or shuffle, composed at compile time) over a type-erased source. Name the type
// as Dataset<T> to type-erase the chain (one indirect call per record), or use auto.
// A method given a function or record type it cannot use fails one static_assert that says
// why (detail/checks.hpp) and skips its body, so the compiler prints no further errors.
template <class T, class Chain = detail::Identity<T>>
class Dataset {
  using Base = typename Chain::input;

 public:
  using value_type = T;

  Dataset(detail::Runtime* runtime, int node, std::shared_ptr<const detail::Producer<Base>> source, Chain chain = {},
          detail::HashPartitioning partitioning = {})
      : runtime_(runtime),
        node_(node),
        handle_(runtime->hold(node)),
        source_(std::move(source)),
        chain_(std::move(chain)),
        partitioning_(partitioning) {}

  // Dataset<T> from a Dataset<T, SomeChain>: the same node, its chain type-erased.
  template <class OtherChain, class C = Chain,
            class = std::enable_if_t<std::is_same_v<C, detail::Identity<T>> && !std::is_same_v<OtherChain, C>>>
  Dataset(const Dataset<T, OtherChain>& other)  // NOLINT(google-explicit-constructor)
      : runtime_(other.runtime_),
        node_(other.node_),
        handle_(other.handle_),
        source_(std::make_shared<const detail::Producer<T>>(
            [source = other.source_, chain = other.chain_](detail::TaskContext& ctx, detail::Emit<T> emit) {
              detail::run_chain_computed(*source, chain, ctx, emit);
            })),
        chain_{other.chain_.mark},  // the node's cache, if marked, is read here
        partitioning_(other.partitioning_) {}

  // f(const T&) -> U, one output per record.
  template <class F>
  auto map(F f) const {
    if constexpr (!detail::check_map<F, T>()) {
      return failed();
    } else {
      using U = std::decay_t<std::invoke_result_t<const F&, const T&>>;
      return derive<U>(detail::OpKind::kMap, "map", [f](const T& x, auto& emit) { emit(f(x)); });
    }
  }

  // f(const T&) -> a range of U (any type with begin/end), zero or more outputs per record.
  // Or, with U named, f(const T&, const Emit<U>&) pushes the outputs itself.
  template <class U = void, class F>
  auto flat_map(F f) const {
    if constexpr (!detail::check_flat_map<F, T, U>()) {
      return failed();
    } else if constexpr (std::is_void_v<U>) {
      using R = std::invoke_result_t<const F&, const T&>;
      using V = std::decay_t<decltype(*std::begin(std::declval<R&>()))>;
      return derive<V>(detail::OpKind::kFlatMap, "flat_map", [f](const T& x, auto& emit) {
        for (auto&& y : f(x)) emit(y);
      });
    } else {
      return derive<U>(detail::OpKind::kFlatMap, "flat_map", [f](const T& x, auto& emit) {
        detail::Emit<U> out(emit);  // the user's function sees a plain Emit<U>
        f(x, out);
      });
    }
  }

  // Keeps the records for which f(const T&) is true.
  template <class F>
  auto filter(F f) const {
    if constexpr (!detail::check_filter<F, T>()) {
      return failed();
    } else {
      return derive<T>(detail::OpKind::kFilter, "filter", [f](const T& x, auto& emit) {
        if (f(x)) emit(x);
      });
    }
  }

  // For T = pair<K, V>: one record per key, its values merged with f(V, V) -> V (associative
  // and commutative), combined on the map side before the shuffle. `partitions` = 0 uses
  // the session's default parallelism, else the parent's partition count.
  template <class F>
  auto reduce_by_key(F f, int partitions = 0) const {
    if constexpr (!detail::check_reduce_by_key<F, T>()) {
      return failed();
    } else {
      return shuffle_reduce(std::move(f), partitions);
    }
  }

  // Action: all records, in partition order, on every rank.
  std::vector<detail::Owned<T>> collect() const {
    if constexpr (!detail::check_collect<T>()) {
      return {};
    } else {
      return decode_records(run_encoded(detail::OpKind::kCollect, true));
    }
  }

  // Action: as collect(), but the records reach the driver only (other ranks get an empty
  // vector); skips the broadcast when only the driver prints or writes the result.
  std::vector<detail::Owned<T>> collect_on_driver() const {
    if constexpr (!detail::check_collect_on_driver<T>()) {
      return {};
    } else {
      return decode_records(run_encoded(detail::OpKind::kCollect, false));
    }
  }

  // Action: the number of records, on every rank.
  std::uint64_t count() const {
    int node = runtime_->add_node({detail::OpKind::kCount, {node_}, "count"});
    runtime_->set_result_runner(node, [source = source_, chain = chain_](detail::TaskContext& ctx) {
      std::uint64_t n = 0;
      auto push = [&n](const T&) { ++n; };
      detail::run_chain(*source, chain, ctx, push);
      return std::string(reinterpret_cast<const char*>(&n), sizeof n);
    });
    std::string bytes = runtime_->run_job(node, true);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i + sizeof total <= bytes.size(); i += sizeof total) {
      std::uint64_t n;
      std::memcpy(&n, bytes.data() + i, sizeof n);
      total += n;
    }
    return total;
  }

  // Action: writes DIR/part-NNNNN, one line per record (pairs as "first<TAB>second"), and an
  // empty DIR/_SUCCESS last. DIR must not exist (exit code 73); missing parents are
  // created. DIR appears only when the job commits: attempts write into a hidden directory
  // beside DIR, which the job publishes as DIR with one rename.
  void save_as_text_file(const std::string& dir) const {
    if constexpr (!detail::kIsError<T>) {  // else the failed transformation has said why
      detail::NodeSpec spec{detail::OpKind::kSaveAsTextFile, {node_}, "save_as_text_file"};
      spec.paths = {dir};
      int node = runtime_->add_node(std::move(spec));
      runtime_->set_result_runner(node, [source = source_, chain = chain_](detail::TaskContext& ctx) {
        detail::NewFile file(ctx.output_file);
        std::string line;
        auto push = [&](const T& x) {
          line.clear();
          detail::append_text(line, x);
          line.push_back('\n');
          file.append(line);
        };
        detail::run_chain(*source, chain, ctx, push);
        file.close();
        return std::string();
      });
      runtime_->run_job(node, true);
    }
  }

  // Action: writes the records as dataset `dataset` ("/group/name") of one new HDF5 file
  // (README: HDF5): numbers as a 1-D dataset, std::array and std::vector rows (all of one
  // length) as a 2-D one, strings as fixed-length UTF-8 as long as the longest; a struct with the
  // Compound that names its fields. Each task stages its partition where it runs; then the
  // processes write the file together (MPI-IO, collective) under a temporary name, and it
  // appears as `file` only once complete. An existing file is exit code 73 unless
  // options.overwrite. Defined in ops/hdf5_save.hpp.
  void save_as_hdf5(const std::string& file, const std::string& dataset, const hdf5::WriteOptions& options = {}) const;
  template <class S>
  void save_as_hdf5(const std::string& file, const std::string& dataset, const hdf5::Compound<S>& compound,
                    const hdf5::WriteOptions& options = {}) const;

  // ---- Pair and partition operations (ops/pair_ops.hpp) ----
  template <class F>
  auto key_by(F f) const;
  template <class F>
  auto map_values(F f) const;
  template <class F>
  auto flat_map_values(F f) const;
  auto keys() const;
  auto values() const;
  template <class F>
  auto map_partitions(F f) const;
  template <class F>
  auto map_partitions_with_index(F f) const;
  template <class OtherChain>
  Dataset<T> union_with(const Dataset<T, OtherChain>& other) const;
  auto sample(bool with_replacement, double fraction, std::uint64_t seed = 0) const;
  auto partition_by(int partitions) const;
  auto repartition(int partitions) const;
  Dataset<T> coalesce(int partitions) const;
  auto zip_with_index() const;

  // ---- Aggregations by key (ops/aggregate.hpp) ----
  template <class Create, class MergeValue, class MergeCombiners>
  auto combine_by_key(Create create, MergeValue merge_value, MergeCombiners merge_combiners, int partitions = 0) const;
  template <class U, class Seq, class Comb>
  auto aggregate_by_key(U zero, Seq seq, Comb comb, int partitions = 0) const;
  template <class Z, class F>
  auto fold_by_key(Z zero, F f, int partitions = 0) const;
  auto group_by_key(int partitions = 0) const;
  template <class F>
  auto group_by(F f, int partitions = 0) const;
  auto distinct(int partitions = 0) const;

  // ---- Joins and set operations (ops/join.hpp) ----
  template <class Other>
  auto cogroup(const Other& other, int partitions = 0) const;
  template <class Other>
  auto join(const Other& other, int partitions = 0) const;
  template <class Other>
  auto left_outer_join(const Other& other, int partitions = 0) const;
  template <class Other>
  auto right_outer_join(const Other& other, int partitions = 0) const;
  template <class Other>
  auto full_outer_join(const Other& other, int partitions = 0) const;
  template <class Other>
  auto subtract_by_key(const Other& other, int partitions = 0) const;
  template <class OtherChain>
  auto intersection(const Dataset<T, OtherChain>& other, int partitions = 0) const;
  template <class OtherChain>
  auto subtract(const Dataset<T, OtherChain>& other, int partitions = 0) const;

  // ---- Sorting (ops/sort.hpp) ----
  template <class F>
  auto sort_by(F key_of, bool ascending = true, int partitions = 0) const;
  auto sort_by_key(bool ascending = true, int partitions = 0) const;

  // ---- Actions (ops/actions.hpp); each returns the same value on every rank ----
  template <class F>
  detail::Owned<T> reduce(F f) const;
  template <class F>
  detail::Owned<T> fold(detail::Owned<T> zero, F f) const;
  template <class U, class Seq, class Comb>
  U aggregate(U zero, Seq seq, Comb comb) const;
  std::vector<detail::Owned<T>> take(std::uint64_t n) const;
  detail::Owned<T> first() const;
  template <class Less = std::less<>>
  std::vector<detail::Owned<T>> top(std::uint64_t n, Less less = {}) const;
  template <class Less = std::less<>>
  std::vector<detail::Owned<T>> take_ordered(std::uint64_t n, Less less = {}) const;
  auto count_by_key() const;
  auto count_by_value() const;
  template <class Key>
  auto lookup(const Key& key) const;
  bool is_empty() const;
  int num_partitions() const;
  auto sum() const;
  detail::Owned<T> min() const;
  detail::Owned<T> max() const;
  double mean() const;
  StatCounter stats() const;
  template <class F>
  void foreach(F f) const;
  template <class F>
  void foreach_partition(F f) const;

  // Action: writes DIR/part-NNNNN holding the records' bytes back to back (records of
  // std::string or std::string_view), committed as save_as_text_file is.
  void save_as_binary_records(const std::string& dir) const {
    static_assert(detail::kIsError<T> || std::is_convertible_v<const T&, std::string_view>,
                  "save_as_binary_records: records must be std::string or std::string_view");
    // (a failed transformation has said why; a wrong record type has had its one error)
    if constexpr (!detail::kIsError<T> && std::is_convertible_v<const T&, std::string_view>) {
      detail::NodeSpec spec{detail::OpKind::kSaveAsBinaryRecords, {node_}, "save_as_binary_records"};
      spec.paths = {dir};
      int node = runtime_->add_node(std::move(spec));
      runtime_->set_result_runner(node, [source = source_, chain = chain_](detail::TaskContext& ctx) {
        detail::NewFile file(ctx.output_file);
        auto push = [&file](const T& x) { file.append(std::string_view(x)); };
        detail::run_chain(*source, chain, ctx, push);
        file.close();
        return std::string();
      });
      runtime_->run_job(node, true);
    }
  }

  // ---- Persistence (ops/persist.hpp) ----
  // Marks this dataset's node persisted, as Spark's rdd.persist() does: its partitions are
  // kept where they are first computed (lazily, by the next action's tasks) and read back by
  // every later action, through this handle, its copies and every dataset derived from it,
  // before or after the call. Returns this dataset, for chaining. Records are kept as
  // Owned<T> (views become strings, which the views handed downstream then point into);
  // cache() is persist(kMemoryOnly). A second call with another level is exit code 64.
  Dataset persist(StorageLevel level = StorageLevel::kMemoryOnly) const;
  Dataset cache() const { return persist(StorageLevel::kMemoryOnly); }
  // Collective: drops the kept partitions on every executor and unmarks the node (no-op
  // unless persisted); later actions compute them again.
  void unpersist() const;
  // Collective, and an action: writes every partition to files under --checkpoint-dir (by
  // default the local directory's base) and returns a dataset that reads them, its lineage
  // cut there (Spark's RDD.checkpoint, done at once), partitioned as this one. The files go
  // when the last handle to the returned dataset does.
  [[nodiscard]] Dataset<detail::Owned<T>> checkpoint() const;

  // The DAG up to this dataset and the stages an action on it would run, as text.
  std::string explain() const { return runtime_->explain(node_); }

  int node_id() const { return node_; }
  // The session's settings (Session::config()), as every rank has them.
  const Config& config() const { return runtime_->config(); }

  // A DataFrame of these records: a column per element of a pair or tuple, or one column
  // (Spark's toDF; defined in dataflow/dataframe.hpp, which a caller includes).
  DataFrame to_df(const std::vector<std::string>& names) const;

 private:
  template <class, class>
  friend class Dataset;
  friend class DataFrameWriter;           // writes its column batches with save_hdf5_staged
  friend struct detail::BatchShuffles;    // DataFrame joins and aggregates shuffle column batches

  // save_as_hdf5 with the records' HDF5 type.
  void save_hdf5_as(const std::string& file, const std::string& dataset, const detail::h5::RecordType& type,
                    const hdf5::WriteOptions& options) const;
  // save_hdf5_as where stage(record, staging_file, rows, columns) appends each record's rows
  // in `type`'s memory layout and counts them.
  template <class Stage>
  void save_hdf5_staged(const std::string& file, const std::string& dataset, const detail::h5::RecordType& type,
                        const hdf5::WriteOptions& options, Stage stage) const;

  // What a transformation returns after a failed check: no further errors follow from it.
  Dataset<detail::ErrorRecord> failed() const { return Dataset<detail::ErrorRecord>(runtime_, node_, nullptr); }

  // reduce_by_key's node: combine_by_key with f as both merges.
  template <class F>
  auto shuffle_reduce(F f, int partitions) const {
    using V = detail::Owned<typename T::second_type>;
    return combine_node("reduce_by_key", [](const typename T::second_type& v) { return V(v); }, f, f, partitions);
  }
  // The node of combine_by_key and its family (ops/aggregate.hpp), labelled `label`.
  template <class Create, class MergeValue, class MergeCombiners>
  auto combine_node(const char* label, Create create, MergeValue merge_value, MergeCombiners merge_combiners,
                    int partitions) const;

  // A transformation fused into this stage's chain; `keeps_keys` (filter, map_values) keeps
  // the hash partitioning, so that a later join needs no new shuffle.
  template <class U, class Step>
  auto derive(detail::OpKind kind, const char* label, Step step, bool keeps_keys = false) const {
    using Next = detail::Then<Chain, Step, U>;
    int node = runtime_->add_node({kind, {node_}, label});
    return Dataset<U, Next>(runtime_, node, source_, Next{chain_, std::move(step)},
                            keeps_keys ? partitioning_ : detail::HashPartitioning{});
  }

  // This dataset's records as a type-erased producer.
  std::shared_ptr<const detail::Producer<T>> erased() const {
    return std::make_shared<const detail::Producer<T>>(
        [source = source_, chain = chain_](detail::TaskContext& ctx, detail::Emit<T> emit) {
          detail::run_chain(*source, chain, ctx, emit);
        });
  }

  static std::uint32_t spec_partitions(int partitions) {
    return static_cast<std::uint32_t>(partitions > 0 ? partitions : 0);
  }
  // The partitions of a new shuffle: as asked, else the session's default.
  std::uint32_t resolve_partitions(int partitions) const {
    return static_cast<std::uint32_t>(partitions > 0 ? partitions : runtime_->default_parallelism());
  }

  // Shuffles the records to hash partitions of key_hash(record); the reduce side runs
  // reduce(ctx, blocks, emit) over the partition's blocks (by map partition) to produce R.
  // `keyed`: key_hash is the key's hash, so the result is hash-partitioned by key. `like`:
  // with partitions 0, as many partitions as that shuffle has once planned.
  template <class R, class KeyHash, class Reduce>
  Dataset<R> hash_shuffle(const std::string& label, std::uint32_t partitions, KeyHash key_hash, Reduce reduce,
                          bool keyed = true, int like = -1) const;
  // As hash_shuffle, but a record goes to bucket_of(ctx, record, position, buckets).
  template <class R, class BucketOf, class Reduce>
  Dataset<R> shuffle_to(detail::OpKind kind, const std::string& label, std::uint32_t partitions, BucketOf bucket_of,
                        Reduce reduce, bool keyed, int like = -1) const;
  struct NoFinish {
    template <class P>
    void operator()(P&) const {}
  };
  // An action: each partition folded into a P from init() by step(acc, x), then finish(acc);
  // the partials of every partition, in partition order, on every rank.
  template <class P, class Init, class Step, class Finish = NoFinish>
  std::vector<P> aggregate_partitions(const char* label, Init init, Step step, Finish finish = {}) const {
    const int node = runtime_->add_node({detail::OpKind::kAggregate, {node_}, label});
    runtime_->set_result_runner(node, [source = source_, chain = chain_, init, step, finish](detail::TaskContext& ctx) {
      P acc = init();
      auto push = [&](const T& x) { step(acc, x); };
      detail::run_chain(*source, chain, ctx, push);
      finish(acc);
      std::string out;
      detail::ByteWriter w(out);
      detail::Codec<P>::write(w, acc);
      return out;
    });
    const std::string bytes = runtime_->run_job(node, true);
    std::vector<P> parts;
    detail::decode_all<P>(bytes, [&parts](detail::Owned<P>&& p) { parts.push_back(std::move(p)); });
    return parts;
  }

  // A narrow node over this dataset whose producer is body(ctx, node, upstream, emit).
  template <class R, class Body>
  Dataset<R> wrap(detail::OpKind kind, const std::string& label, Body body, bool keeps_keys = false) const;
  // Both sides hash-partitioned alike by key (shuffled where not already), zipped
  // partition by partition: body(ctx, left, right, emit) produces R. `right_may_broadcast`:
  // body's output is right with the whole right side beside any part of the left side.
  template <class R, class Other, class Body>
  Dataset<R> co_group(const Other& other, int partitions, const std::string& label, Body body,
                      bool right_may_broadcast = false) const;

  std::string run_encoded(detail::OpKind kind, bool broadcast) const {
    int node = runtime_->add_node({kind, {node_}, detail::op_name(kind)});
    runtime_->set_result_runner(node, [source = source_, chain = chain_](detail::TaskContext& ctx) {
      std::string out;
      detail::ByteWriter w(out);
      auto push = [&w, &out, &ctx](const T& x) {
        detail::Codec<T>::write(w, x);
        ctx.check_result_size(out.size());
      };
      detail::run_chain(*source, chain, ctx, push);
      return out;
    });
    return runtime_->run_job(node, broadcast);
  }

  static std::vector<detail::Owned<T>> decode_records(const std::string& bytes) {
    std::vector<detail::Owned<T>> out;
    detail::decode_all<T>(bytes, [&](detail::Owned<T>&& x) { out.push_back(std::move(x)); });
    return out;
  }

  // Writes the table's entries bucket by bucket, each bucket in the table's order, as a run.
  template <class Table>
  static void write_buckets(const Table& table, std::uint32_t buckets, detail::RunWriter& run) {
    const auto& entries = table.entries();
    std::vector<std::uint32_t> bucket_of;
    const auto order = detail::bucket_order(
        entries.size(), buckets, [&](std::size_t i) { return detail::partition_of(entries[i].hash, buckets); },
        bucket_of);
    detail::ByteWriter w(run.buffer());
    for (const std::uint32_t i : order) {
      detail::Codec<std::decay_t<decltype(entries[i].kv)>>::write(w, entries[i].kv);
      run.end_record(bucket_of[i]);
    }
    run.finish();
  }

  detail::Runtime* runtime_;
  int node_;
  std::shared_ptr<const void> handle_;  // keeps the node's shuffle output and cached blocks
  std::shared_ptr<const detail::Producer<Base>> source_;
  Chain chain_;
  detail::HashPartitioning partitioning_;  // by key, if it is
};

}  // namespace dataflow

// The operations' definitions, by family; shuffle.hpp holds the blocks the others build on.
#include "dataflow/ops/shuffle.hpp"  // IWYU pragma: keep
// clang-format off
#include "dataflow/ops/pair_ops.hpp"
#include "dataflow/ops/aggregate.hpp"
#include "dataflow/ops/join.hpp"
#include "dataflow/ops/sort.hpp"
#include "dataflow/ops/persist.hpp"
#include "dataflow/ops/actions.hpp"
#include "dataflow/ops/hdf5_save.hpp"
// clang-format on
