// BlockCache: blocks of persisted datasets, least recently used first out.
#include "dataflow/detail/block_cache.hpp"

#include <algorithm>
#include <cstdio>

namespace dataflow::detail {

void BlockCache::set_memory(TaskMemory memory) {
  memory_ = memory;
  if (memory_.pool) memory_.pool->set_evictor([this](std::uint64_t bytes) { evict(bytes); });
}

std::optional<CachedBlock> BlockCache::get(int node, std::uint32_t partition) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find({node, partition});
  if (it == entries_.end()) return std::nullopt;
  it->second.last_use = ++clock_;
  return CachedBlock{it->second.records, it->second.bytes, it->second.serialized};
}

bool BlockCache::wanted(int node) const {
  std::lock_guard<std::mutex> lock(mu_);
  return !unpersisted_.count(node);
}

bool BlockCache::reserve(Reservation& reserved, std::uint64_t bytes, int node) {
  if (reserved.grow_to(bytes)) return true;
  evict(bytes - reserved.held(), node);
  return reserved.grow_to(bytes);
}

void BlockCache::put_memory(int node, std::uint32_t partition, std::shared_ptr<const void> records,
                            Reservation reserved, BlockEncoder encode) {
  Entry e;
  e.records = std::move(records);
  e.reserved = std::move(reserved);
  e.encode = encode;
  put(node, partition, std::move(e));
}

void BlockCache::put_serialized(int node, std::uint32_t partition, std::shared_ptr<const SerializedChunks> chunks,
                                Reservation reserved) {
  Entry e;
  e.records = std::move(chunks);
  e.reserved = std::move(reserved);
  e.serialized = true;
  put(node, partition, std::move(e));
}

bool BlockCache::read_disk(int node, std::uint32_t partition, const Block& block, std::string& out) {
  out.resize(static_cast<std::size_t>(block.size));
  try {
    block.file->read(block.offset, out.data(), out.size());
    return true;
  } catch (const CorruptBlock& e) {
    std::fprintf(stderr, "%s: warning: %s; the cached partition %u of dataset %d is computed again from its lineage\n",
                 program_.c_str(), e.what(), partition, node);
    std::fflush(stderr);
  }
  Entry gone;  // released after the lock
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find({node, partition});
  if (it != entries_.end() && it->second.bytes.file == block.file) {
    gone = std::move(it->second);
    entries_.erase(it);
    dropped_.push_back({node, partition});
  }
  return false;
}

void BlockCache::put_disk(int node, std::uint32_t partition, std::shared_ptr<const SpillFile> file,
                          std::uint64_t offset, std::uint64_t size) {
  Entry e;
  e.bytes = Block{{}, std::move(file), offset, size};
  put(node, partition, std::move(e));
}

void BlockCache::put(int node, std::uint32_t partition, Entry entry) {
  Entry old;  // a block stored twice (two attempts of one task): the first goes, unlocked
  std::lock_guard<std::mutex> lock(mu_);
  if (unpersisted_.count(node)) return;
  Entry& e = entries_[{node, partition}];
  old = std::move(e);
  e = std::move(entry);
  e.last_use = ++clock_;
  stored_.push_back({node, partition});
}

void BlockCache::drop(int node, bool for_good) {
  std::vector<Entry> gone;  // released after the lock: a reservation's release takes the pool's
  std::lock_guard<std::mutex> lock(mu_);
  if (for_good) unpersisted_.insert(node);
  for (auto it = entries_.lower_bound({node, 0}); it != entries_.end() && it->first.first == node;) {
    gone.push_back(std::move(it->second));
    dropped_.push_back(it->first);
    it = entries_.erase(it);
  }
}

void BlockCache::allow(int node) {
  std::lock_guard<std::mutex> lock(mu_);
  unpersisted_.erase(node);
}

void BlockCache::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, e] : entries_) dropped_.push_back(key);
  entries_.clear();
}

void BlockCache::evict(std::uint64_t bytes, int keep) {
  struct Victim {
    Key key;
    Entry entry;
  };
  std::vector<Victim> victims;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::pair<std::uint64_t, Key>> order;  // memory blocks by last use
    for (const auto& [key, e] : entries_) {
      if (e.records && key.first != keep) order.emplace_back(e.last_use, key);
    }
    std::sort(order.begin(), order.end());
    std::uint64_t freed = 0;
    for (const auto& [use, key] : order) {
      if (freed >= bytes) break;
      auto it = entries_.find(key);
      freed += it->second.reserved.held();
      victims.push_back({key, std::move(it->second)});
      entries_.erase(it);
      dropped_.push_back(key);
    }
  }
  // Memory-and-disk blocks go to disk: encoded and written outside the lock.
  for (Victim& v : victims) {
    if (!v.entry.encode || !memory_.dir) continue;
    const std::string bytes_of = v.entry.encode(v.entry.records.get());
    v.entry.reserved.shrink_to(0);
    v.entry.records.reset();
    auto file = std::make_shared<SpillFile>(*memory_.dir, SpillUse::kCache);
    const std::uint64_t at = file->append(bytes_of);
    file->flush();
    put_disk(v.key.first, v.key.second, std::move(file), at, bytes_of.size());
  }
}

BlockCache::Stats BlockCache::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  Stats s;
  for (const auto& [key, e] : entries_) {
    if (e.records) {
      ++s.memory_blocks;
      s.memory_bytes += e.reserved.held();
    } else {
      ++s.disk_blocks;
      s.disk_bytes += e.bytes.size;
    }
  }
  return s;
}

void BlockCache::take_changes(std::vector<std::pair<int, std::uint32_t>>& stored,
                              std::vector<std::pair<int, std::uint32_t>>& dropped) {
  std::lock_guard<std::mutex> lock(mu_);
  stored = std::exchange(stored_, {});
  dropped = std::exchange(dropped_, {});
}

}  // namespace dataflow::detail
