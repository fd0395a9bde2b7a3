// The engine's shuffles as the DataFrame layer uses them for column batches: records of
// (reduce partition, encoded batch), each batch holding rows of that partition only, sent
// to it as they are (an aggregate's states), or zipped with another side's (a join).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "dataflow/dataset.hpp"

namespace dataflow {
namespace detail {

using BatchPart = std::pair<std::uint32_t, std::string>;  // (reduce partition or its key, encoded batch)

struct BatchShuffles {
  // The session's default partition count (a wide operation's, when not asked).
  template <class D>
  static std::uint32_t default_partitions(const D& d) {
    return d.resolve_partitions(0);
  }
  // Each partition streamed through body(ctx, upstream, emit): upstream(ctx, Emit) gives the
  // partition's records as they come, and emit sends output on as it is made (where
  // map_partitions holds the whole partition first).
  template <class R, class T, class Body>
  static Dataset<R> stream_partitions(const Dataset<T>& d, const std::string& label, Body body) {
    return d.template wrap<R>(
        OpKind::kMapPartitions, label,
        [body](TaskContext& ctx, int, const Producer<T>& upstream, Emit<R> emit) { body(ctx, upstream, emit); });
  }
  // Each record to reduce partition `first` of `partitions`; reduce(ctx, blocks, emit) there.
  template <class R, class Reduce>
  static Dataset<R> to_partitions(const Dataset<BatchPart>& parts, const std::string& label, std::uint32_t partitions,
                                  Reduce reduce) {
    auto bucket_of = [](const TaskContext&, const BatchPart& x, std::uint64_t, std::uint32_t buckets) {
      return x.first % buckets;
    };
    return parts.template shuffle_to<R>(OpKind::kShuffle, label, partitions, bucket_of, std::move(reduce), false);
  }
  // Both sides hash-partitioned by their keys (which name partitions by the engine's hash)
  // and zipped partition by partition: body(ctx, left, right, emit).
  template <class R, class L, class O, class Body>
  static Dataset<R> zip(const L& left, const O& right, std::uint32_t partitions, const std::string& label, Body body,
                        bool right_may_broadcast) {
    return left.template co_group<R>(right, static_cast<int>(partitions), label, std::move(body), right_may_broadcast);
  }
};

}  // namespace detail
}  // namespace dataflow
