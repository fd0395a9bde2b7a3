// cached_partition(): a persisted node's partition read from the executor's block cache, or
// computed and stored on the way (Spark's BlockManager.getOrElseUpdate), at every storage
// level. run_chain (chain.hpp) calls it at each node that cache() or persist() marked.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "dataflow/detail/block_cache.hpp"
#include "dataflow/detail/codec.hpp"
#include "dataflow/detail/heap_size.hpp"
#include "dataflow/detail/owned.hpp"
#include "dataflow/detail/shuffle_blocks.hpp"
#include "dataflow/detail/spill.hpp"
#include "dataflow/detail/task_context.hpp"

namespace dataflow::detail {


// A cached partition's records in chunks of a fixed capacity: appending never moves the
// records already there (a vector of a partition's records would, each time it grows).
template <class O>
class Chunks {
 public:
  static constexpr std::size_t kChunk = std::max<std::size_t>(256, (std::size_t{64} << 10) / sizeof(O));
  void push(const O& x) {
    if (chunks_.empty() || chunks_.back().size() == kChunk) chunks_.emplace_back().reserve(kChunk);
    chunks_.back().push_back(x);
    ++size_;
  }
  const O& back() const { return chunks_.back().back(); }
  std::size_t size() const { return size_; }
  std::uint64_t array_bytes() const { return chunks_.size() * kChunk * sizeof(O); }
  template <class F>
  void for_each(F&& f) const {
    for (const auto& chunk : chunks_) {
      for (const O& x : chunk) f(x);
    }
  }

 private:
  std::vector<std::vector<O>> chunks_;
  std::size_t size_ = 0;
};

template <class O>
std::string encode_block(const void* records) {
  std::string out;
  ByteWriter w(out);
  static_cast<const Chunks<O>*>(records)->for_each([&w](const O& x) { Codec<O>::write(w, x); });
  return out;
}

// A serialized block: the records encoded while they stream through, into chunks of whole
// records that double from 4 KiB to 1 MiB (growing one buffer would copy it at every
// doubling), stored if the cache grants their memory all along.
template <class T>
void serialized_partition(TaskContext& ctx, int node, const Producer<T>& upstream, Emit<Owned<T>> emit) {
  using O = Owned<T>;
  constexpr std::size_t kFirstChunk = std::size_t{4} << 10, kLastChunk = std::size_t{1} << 20;
  BlockCache& cache = *ctx.cache;
  auto chunks = std::make_shared<SerializedChunks>();
  Reservation reserved = cache.reservation();
  std::size_t capacity = 0;  // of the chunk being filled
  std::uint64_t held = 0;    // the chunks' capacities
  bool storing = true;
  auto give_up = [&] {  // no room: the rest only streams through
    storing = false;
    chunks.reset();
    reserved.shrink_to(0);
  };
  auto push = [&](const T& x) {
    if (storing && (chunks->empty() || chunks->back().size() >= capacity)) {
      capacity = std::clamp<std::size_t>(2 * capacity, kFirstChunk, kLastChunk);
      if (cache.reserve(reserved, held + capacity, node)) {
        held += capacity;
        chunks->emplace_back().reserve(capacity);
      } else {
        give_up();
      }
    }
    if (storing) {
      ByteWriter w(chunks->back());
      Codec<T>::write(w, x);
    }
    if constexpr (std::is_same_v<T, O>) {
      emit(x);
    } else {
      emit(O(x));
    }
  };
  upstream(ctx, Emit<T>(push));
  if (!storing) return;
  std::uint64_t used = 0;  // a record longer than its chunk grew it
  for (const std::string& chunk : *chunks) used += chunk.capacity();
  if (used > held && !cache.reserve(reserved, used, node)) return;
  cache.put_serialized(node, ctx.partition_of(node), std::move(chunks), std::move(reserved));
}

// Partition `ctx.partition_of(node)` of a persisted dataset: from the cache when it is there,
// else computed by `upstream` and stored on the way. Records are unrolled into memory while
// the cache grants room for them (Spark's unrolling); when it refuses, the records so far go
// downstream and the rest stream through, to disk as well for a memory-and-disk level.
template <class T>
void cached_partition(TaskContext& ctx, int node, StorageLevel level, const Producer<T>& upstream,
                      Emit<Owned<T>> emit) {
  using O = Owned<T>;
  const std::uint32_t partition = ctx.partition_of(node);
  BlockCache* cache = ctx.cache;
  if (cache) {
    if (auto block = cache->get(node, partition)) {
      if (block->serialized) {
        if constexpr (kHasCodec<O>) {  // decoded into one record, whose buffers are reused
          std::optional<O> x;
          for (const std::string& chunk : *static_cast<const SerializedChunks*>(block->records.get())) {
            ByteReader r(chunk);
            while (!r.empty()) {
              if (x) {
                read_into(r, *x);
              } else {
                x.emplace(Codec<O>::read(r));
              }
              emit(*x);
            }
          }
        }
        return;
      }
      if (block->records) {
        static_cast<const Chunks<O>*>(block->records.get())->for_each([&emit](const O& x) { emit(x); });
        return;
      }
      if constexpr (kHasCodec<O>) {
        std::string bytes;
        if (cache->read_disk(node, partition, block->bytes, bytes)) {
          decode_all<O>(bytes, [&](O&& x) { emit(x); });
          return;
        }
      }
      // The block on disk was corrupt, and is dropped: computed again below, from its lineage.
    }
  }
  if (!cache || !cache->wanted(node)) {
    auto pass = [&](const T& x) {
      if constexpr (std::is_same_v<T, O>) {
        emit(x);
      } else {
        emit(O(x));
      }
    };
    upstream(ctx, Emit<T>(pass));
    return;
  }
  if constexpr (kHasCodec<T>) {
    if (level == StorageLevel::kMemoryOnlySer) {
      serialized_partition<T>(ctx, node, upstream, emit);
      return;
    }
  }
  auto records = std::make_shared<Chunks<O>>();
  Reservation reserved = cache->reservation();
  std::uint64_t heap = 0;  // bytes the records hold beyond the vector's array
  bool unrolling = level != StorageLevel::kDiskOnly;
  std::shared_ptr<SpillFile> file;  // memory and disk, or disk only: the encoded records
  std::string encoded;
  std::uint64_t file_start = 0;
  auto to_disk = [&](const O& x) {
    if constexpr (kHasCodec<O>) {
      ByteWriter w(encoded);
      Codec<O>::write(w, x);
      if (encoded.size() >= kPieceBytes) {
        file->append(encoded);
        encoded.clear();
      }
    }
  };
  auto start_disk = [&] {
    if (level == StorageLevel::kMemoryOnly || !ctx.memory.dir) return;
    file = std::make_shared<SpillFile>(*ctx.memory.dir, SpillUse::kCache);
    file_start = file->append({});
  };
  if (!unrolling) start_disk();
  auto push = [&](const T& x) {
    if (!unrolling) {
      if constexpr (std::is_same_v<T, O>) {
        if (file) to_disk(x);
        emit(x);
      } else {
        const O o(x);  // T holds views
        if (file) to_disk(o);
        emit(o);
      }
      return;
    }
    if constexpr (std::is_same_v<T, O>) {
      records->push(x);
    } else {
      records->push(O(x));
    }
    heap += heap_bytes(records->back());
    if ((records->size() & 127) != 0) return;
    if (cache->reserve(reserved, records->array_bytes() + heap, node)) return;
    // No room: what is unrolled goes downstream, the rest streams through.
    unrolling = false;
    start_disk();
    records->for_each([&](const O& o) {
      if (file) to_disk(o);
      emit(o);
    });
    records.reset();
    reserved.shrink_to(0);
  };
  upstream(ctx, Emit<T>(push));
  if (unrolling) {
    if (!cache->reserve(reserved, records->array_bytes() + heap, node)) {
      reserved.shrink_to(0);  // the last records tipped it over: not stored
      if (level != StorageLevel::kMemoryOnly) {  // (the others keep encoded records)
        start_disk();
        records->for_each(to_disk);
        unrolling = false;
      }
    } else {
      BlockEncoder encode = nullptr;
      if constexpr (kHasCodec<O>) {
        if (level == StorageLevel::kMemoryAndDisk) encode = &encode_block<O>;
      }
      cache->put_memory(node, partition, records, std::move(reserved), encode);
    }
    records->for_each([&emit](const O& o) { emit(o); });
  }
  if (file) {
    file->append(encoded);
    file->flush();
    cache->put_disk(node, partition, file, file_start, file->size() - file_start);
  }
}

}  // namespace dataflow::detail
