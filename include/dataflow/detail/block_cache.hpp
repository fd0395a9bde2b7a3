// BlockCache: an executor's blocks of persisted datasets (Spark's MemoryStore and DiskStore,
// in small). A block is one partition: its records in memory, decoded (a
// detail::Chunks<Owned<T>> behind a type-erased pointer, so that a reuse costs no decoding), or
// their encoded bytes in a file of the local directory. Memory blocks are charged to the
// executor's pool as cached memory; when execution needs it back, or a new block needs room,
// the least recently used blocks of other datasets are dropped, or, where their level allows,
// moved to disk. Defined in src/storage/block_cache.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/detail/spill.hpp"
#include "dataflow/detail/task_context.hpp"

namespace dataflow {

// Where persist() keeps a dataset's partitions (Spark's MEMORY_ONLY, MEMORY_AND_DISK,
// DISK_ONLY, MEMORY_ONLY_SER). cache() is kMemoryOnly. Serialized blocks hold the encoded
// records in one buffer per partition: no allocation per record when they are stored, a
// decoding (into one reused record) at each reuse.
enum class StorageLevel : std::uint8_t { kMemoryOnly, kMemoryAndDisk, kDiskOnly, kMemoryOnlySer };

inline const char* storage_level_name(StorageLevel level) {
  switch (level) {
    case StorageLevel::kMemoryOnly:
      return "memory only";
    case StorageLevel::kMemoryAndDisk:
      return "memory and disk";
    case StorageLevel::kDiskOnly:
      return "disk only";
    case StorageLevel::kMemoryOnlySer:
      return "memory only, serialized";
  }
  return "?";
}

// What the executors keep for later jobs, summed over them (Session::storage_info()).
struct StorageInfo {
  std::uint64_t memory_blocks = 0;  // cached partitions in memory
  std::uint64_t memory_bytes = 0;   // the cached memory they hold
  std::uint64_t disk_blocks = 0;    // cached partitions on disk
  std::uint64_t disk_bytes = 0;
  std::uint64_t kept_shuffles = 0;  // shuffle outputs kept, once per executor holding one
};

}  // namespace dataflow

namespace dataflow::detail {

// A block found in the cache: records in memory, or encoded bytes on disk.
struct CachedBlock {
  std::shared_ptr<const void> records;  // a detail::Chunks<Owned<T>> (ops/persist.hpp), or null
  Block bytes;                          // on disk, encoded (records null)
  bool serialized = false;              // records: a SerializedChunks
};

// A serialized block: its encoded records in chunks, each of whole records.
using SerializedChunks = std::vector<std::string>;

// Encodes a block's records (for a memory-and-disk block moved to disk).
using BlockEncoder = std::string (*)(const void* records);

class BlockCache {
 public:
  // The executor's pool and local directory; the pool's evictor becomes this cache's.
  void set_memory(TaskMemory memory);
  const TaskMemory& memory() const { return memory_; }

  // The program's name, for the warnings below.
  void set_program(std::string program) { program_ = std::move(program); }

  // The block of `node`'s partition, marked as just used; nullopt when not here.
  std::optional<CachedBlock> get(int node, std::uint32_t partition);
  // Whether `node` still wants its partitions stored (not unpersisted).
  bool wanted(int node) const;
  // Grows a cached-memory reservation to `bytes`, dropping least recently used blocks of
  // other nodes to make room; false when there is none.
  bool reserve(Reservation& reserved, std::uint64_t bytes, int node);
  // A new reservation of cached memory (unbounded without a pool).
  Reservation reservation() const { return Reservation(memory_.pool, MemoryPool::Kind::kCache); }
  // Stores a block in memory holding `reserved`; `encode` (null for memory only) moves it to
  // disk when it is evicted.
  void put_memory(int node, std::uint32_t partition, std::shared_ptr<const void> records, Reservation reserved,
                  BlockEncoder encode);
  // Stores a serialized block in memory holding `reserved`.
  void put_serialized(int node, std::uint32_t partition, std::shared_ptr<const SerializedChunks> chunks,
                      Reservation reserved);
  // Reads a block on disk of `node`'s partition into `out`. A block whose bytes fail their
  // checksum is dropped, with one warning naming its file, and false returned: the caller
  // computes the partition again from its lineage.
  bool read_disk(int node, std::uint32_t partition, const Block& block, std::string& out);
  // Stores a block on disk: [offset, offset + size) of `file`.
  void put_disk(int node, std::uint32_t partition, std::shared_ptr<const SpillFile> file, std::uint64_t offset,
                std::uint64_t size);
  // Drops every block of `node` (its last handle is gone); with `for_good`, never stores one
  // again (unpersist).
  void drop(int node, bool for_good = false);
  // Stores `node`'s blocks again after a drop for good (persisted again).
  void allow(int node);
  void clear();
  // Drops least recently used memory blocks (moving those that may go to disk) until about
  // `bytes` are freed. Never the blocks of `keep`.
  void evict(std::uint64_t bytes, int keep = -1);

  struct Stats {
    std::uint64_t memory_blocks = 0, memory_bytes = 0, disk_blocks = 0, disk_bytes = 0;
  };
  Stats stats() const;
  // The blocks stored and dropped since the last call, (node, partition) each, for the
  // driver's map of where blocks are.
  void take_changes(std::vector<std::pair<int, std::uint32_t>>& stored,
                    std::vector<std::pair<int, std::uint32_t>>& dropped);

 private:
  struct Entry {
    std::shared_ptr<const void> records;  // decoded records, or a serialized block's buffer
    Reservation reserved;
    BlockEncoder encode = nullptr;
    Block bytes;
    bool serialized = false;
    std::uint64_t last_use = 0;
  };
  using Key = std::pair<int, std::uint32_t>;
  void put(int node, std::uint32_t partition, Entry entry);

  TaskMemory memory_;
  std::string program_ = "dataflow";
  mutable std::mutex mu_;
  std::map<Key, Entry> entries_;
  std::set<int> unpersisted_;
  std::uint64_t clock_ = 0;
  std::vector<Key> stored_, dropped_;
};

}  // namespace dataflow::detail
