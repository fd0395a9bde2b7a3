// Small pieces shared by the shuffling operations: decoding a reduce partition's blocks, and
// the hash of a pair's key by which reduce_by_key, partition_by and the joins partition.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "dataflow/detail/codec.hpp"
#include "dataflow/detail/emit.hpp"
#include "dataflow/detail/hash.hpp"
#include "dataflow/detail/owned.hpp"
#include "dataflow/detail/task_context.hpp"

namespace dataflow {
namespace detail {

// Decodes every record of a reduce partition's blocks, in order.
template <class T>
struct DecodeBlocks {
  void operator()(TaskContext&, const std::vector<Block>& blocks, Emit<Owned<T>> emit) const {
    for_each_block(blocks, [&](std::string_view b) { decode_all<T>(b, [&](Owned<T>&& x) { emit(x); }); });
  }
};

template <class Reduce>
inline constexpr bool kIsDecodeBlocks = false;
template <class T>
inline constexpr bool kIsDecodeBlocks<DecodeBlocks<T>> = true;

// The hash of a pair's key: the same function reduce_by_key partitions by, so that their
// outputs are co-partitioned.
struct HashOfKey {
  template <class KV>
  std::uint64_t operator()(const TaskContext&, const KV& kv, std::uint64_t) const {
    return hash_key(kv.first);
  }
};

}  // namespace detail

}  // namespace dataflow
