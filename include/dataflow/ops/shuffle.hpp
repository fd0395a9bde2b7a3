// The building blocks of the wide operations: a hash shuffle with its reduce side, a narrow
// node that sees a whole partition, and two datasets zipped partition by partition after
// hash-partitioning both alike (the reduce side of cogroup and the joins).
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "dataflow/dataset.hpp"

namespace dataflow {

template <class T, class Chain>
template <class R, class BucketOf, class Reduce>
Dataset<R> Dataset<T, Chain>::shuffle_to(detail::OpKind kind, const std::string& label, std::uint32_t partitions,
                                         BucketOf bucket_of, Reduce reduce, bool keyed, int like) const {
  detail::NodeSpec spec{kind, {node_}, label};
  spec.partitions = partitions;
  spec.like = like;
  spec.decodes_only = detail::kIsDecodeBlocks<Reduce>;
  const int node = runtime_->add_node(std::move(spec));
  runtime_->set_map_runner(
      node, [source = source_, chain = chain_, bucket_of](detail::TaskContext& ctx, detail::MapOutput& out) {
        detail::BucketBuffer buffer(out, ctx.memory);
        buffer.reserve(ctx.input_bytes() + ctx.input_bytes() / 8);  // records about as large as their input
        detail::ByteWriter w(buffer.data());
        std::uint64_t position = 0;
        auto push = [&](const T& x) {
          detail::Codec<T>::write(w, x);
          buffer.end_record(bucket_of(ctx, x, position++, out.buckets));
        };
        detail::run_chain(*source, chain, ctx, push);
        buffer.finish();
      });
  auto producer = std::make_shared<const detail::Producer<R>>(
      [node, reduce](detail::TaskContext& ctx, detail::Emit<R> emit) { reduce(ctx, *ctx.input(node).blocks, emit); });
  return Dataset<R>(runtime_, node, std::move(producer), {},
                    keyed ? detail::HashPartitioning{node, partitions} : detail::HashPartitioning{});
}

template <class T, class Chain>
template <class R, class KeyHash, class Reduce>
Dataset<R> Dataset<T, Chain>::hash_shuffle(const std::string& label, std::uint32_t partitions, KeyHash key_hash,
                                           Reduce reduce, bool keyed, int like) const {
  auto bucket_of = [key_hash](const detail::TaskContext& ctx, const T& x, std::uint64_t position,
                              std::uint32_t buckets) {
    return detail::partition_of(key_hash(ctx, x, position), buckets);
  };
  return shuffle_to<R>(detail::OpKind::kShuffle, label, partitions, bucket_of, std::move(reduce), keyed, like);
}

template <class T, class Chain>
template <class R, class Body>
Dataset<R> Dataset<T, Chain>::wrap(detail::OpKind kind, const std::string& label, Body body, bool keeps_keys) const {
  const int node = runtime_->add_node({kind, {node_}, label});
  auto producer = std::make_shared<const detail::Producer<R>>(
      [node, upstream = erased(), body](detail::TaskContext& ctx, detail::Emit<R> emit) {
        body(ctx, node, *upstream, emit);
      });
  return Dataset<R>(runtime_, node, std::move(producer), {}, keeps_keys ? partitioning_ : detail::HashPartitioning{});
}


template <class T, class Chain>
template <class R, class Other, class Body>
Dataset<R> Dataset<T, Chain>::co_group(const Other& other, int partitions, const std::string& label, Body body,
                                       bool right_may_broadcast) const {
  using K = detail::Owned<typename T::first_type>;
  using V = detail::Owned<typename T::second_type>;
  using OT = typename Other::value_type;
  using W = detail::Owned<typename OT::second_type>;
  // Spark's default partitioner: as asked, else one side's existing partitioning, else the
  // session's default parallelism. A side already partitioned so is not shuffled again; one
  // partitioned by reduce_by_key's default (its count known only once planned) gives the
  // other side a shuffle of as many partitions, whatever that count turns out to be.
  detail::HashPartitioning target;
  if (partitions > 0) {
    target.count = static_cast<std::uint32_t>(partitions);
  } else {
    for (const detail::HashPartitioning& p : {partitioning_, other.partitioning_}) {
      if (p.node >= 0 && (target.node < 0 || p.count > target.count)) target = p;
    }
    if (target.node < 0) target.count = resolve_partitions(0);
  }
  auto reused = [&target](const detail::HashPartitioning& p) {
    return p.node >= 0 && (p.count == 0 ? p.node == target.node : p.count == target.count);
  };
  auto side = [&](const auto& d, const std::string& name) {
    using D = std::decay_t<decltype(d)>;
    using X = typename D::value_type;
    using XK = detail::Owned<typename X::first_type>;
    using XV = detail::Owned<typename X::second_type>;
    using Out = Dataset<std::pair<XK, XV>>;
    if constexpr (std::is_same_v<X, std::pair<XK, XV>>) {
      if (reused(d.partitioning_)) return Out(d);
    }
    return d.template hash_shuffle<std::pair<XK, XV>>(name, target.count, detail::HashOfKey{},
                                                       detail::DecodeBlocks<X>{}, true,
                                                       target.count == 0 ? target.node : -1);
  };
  Dataset<std::pair<K, V>> left = side(*this, label + " (left side)");
  Dataset<std::pair<K, W>> right = side(other, label + " (right side)");
  detail::NodeSpec zip{detail::OpKind::kZipPartitions, {left.node_, right.node_}, label};
  zip.right_may_broadcast = right_may_broadcast;
  const int node = runtime_->add_node(std::move(zip));
  auto producer = std::make_shared<const detail::Producer<R>>(
      [lp = left.erased(), rp = right.erased(), body, sides = detail::ZipSides{left.node_, right.node_}](
          detail::TaskContext& ctx, detail::Emit<R> emit) {
        if constexpr (requires { body(ctx, *lp, *rp, emit, sides); }) {
          body(ctx, *lp, *rp, emit, sides);  // a body that wants to know each side's input
        } else {
          body(ctx, *lp, *rp, emit);
        }
      });
  // Partitioned as the sides are: a reused side's shuffle, or the left side's new one.
  return Dataset<R>(runtime_, node, std::move(producer), {},
                    detail::HashPartitioning{target.node >= 0 ? target.node : left.node_, target.count});
}

}  // namespace dataflow
