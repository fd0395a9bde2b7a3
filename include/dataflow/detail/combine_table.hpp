// CombineTable: an open-addressing hash table that merges values by key with a user
// function, for map-side combine and the reduce side of reduce_by_key.
// Entries keep first-insertion order, so iteration is deterministic: it depends only on
// the order records arrived, never on hash-table layout or the machine.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/detail/huge_pages.hpp"

namespace dataflow::detail {

// Equality of short byte strings without a call to memcmp: overlapping word loads that
// never read outside either string. Keys in word counts are mostly under 16 bytes.
inline bool bytes_equal(const char* a, const char* b, std::size_t n) {
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    std::uint64_t a0, b0, a1, b1;
    std::memcpy(&a0, a, 8);
    std::memcpy(&b0, b, 8);
    std::memcpy(&a1, a + n - 8, 8);
    std::memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n >= 4) {
    std::uint32_t a0, b0, a1, b1;
    std::memcpy(&a0, a, 4);
    std::memcpy(&b0, b, 4);
    std::memcpy(&a1, a + n - 4, 4);
    std::memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

template <class A, class B>
bool keys_equal(const A& a, const B& b) {
  if constexpr (std::is_convertible_v<const A&, std::string_view> &&
                std::is_convertible_v<const B&, std::string_view>) {
    std::string_view x(a), y(b);
    return x.size() == y.size() && bytes_equal(x.data(), y.data(), x.size());
  } else {
    return a == b;
  }
}

template <class K, class V>
class CombineTable {
 public:
  struct Entry {
    std::pair<K, V> kv;
    std::uint64_t hash;
  };

  CombineTable() { slots_.assign(kInitialSlots, 0); }

  // Adds (key, value): a new key is copied in; an existing one gets value = f(old, value).
  template <class KK, class VV, class F>
  void add(std::uint64_t hash, KK&& key, VV&& value, F& combine) {
    upsert(
        hash, std::forward<KK>(key), [&] { return V(std::forward<VV>(value)); },
        [&](V& old) { old = combine(std::move(old), std::forward<VV>(value)); });
  }

  // The value of `key`: make() for a new key (copied in), else update(value) on the one
  // there. For combine_by_key's create / merge_value, group_by_key's append.
  template <class KK, class Make, class Update>
  void upsert(std::uint64_t hash, KK&& key, Make&& make, Update&& update) {
    const std::size_t i = probe(hash, key);
    if (slots_[i] != 0) {
      update(entries_[(slots_[i] & 0xffffffffu) - 1].kv.second);
      return;
    }
    entries_.push_back(Entry{{K(std::forward<KK>(key)), V(make())}, hash});
    slots_[i] = ((hash >> 32) << 32) | entries_.size();
    if (entries_.size() * 2 > slots_.size()) grow();
  }

  // The entry of `key`, or nullptr.
  template <class KK>
  Entry* find(std::uint64_t hash, const KK& key) {
    const std::size_t i = probe(hash, key);
    return slots_[i] == 0 ? nullptr : &entries_[(slots_[i] & 0xffffffffu) - 1];
  }

  // Prefetches the slot of `hash`, then (once that is likely cached) the entry it points
  // to, for Lookahead.
  void prefetch_slot(std::uint64_t hash) const { __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]); }
  void prefetch_entry(std::uint64_t hash) const {
    const std::uint64_t slot = slots_[hash & (slots_.size() - 1)];
    if (slot != 0) __builtin_prefetch(&entries_[(slot & 0xffffffffu) - 1]);
  }

  using Entries = std::vector<Entry, HugePageAllocator<Entry>>;
  const Entries& entries() const { return entries_; }
  Entries& entries() { return entries_; }
  std::size_t size() const { return entries_.size(); }
  // The table's own bytes (entries and slots, by capacity), not what keys and values hold.
  std::uint64_t memory_bytes() const {
    return entries_.capacity() * sizeof(Entry) + slots_.capacity() * sizeof(std::uint64_t);
  }
  // The most the table's own bytes may reach while it takes one more key: a vector that
  // doubles holds its old and its new array until the copy is done.
  std::uint64_t memory_bytes_adding() const {
    std::uint64_t n = memory_bytes();
    if (entries_.size() == entries_.capacity()) n += 2 * std::max<std::size_t>(1, entries_.capacity()) * sizeof(Entry);
    if ((entries_.size() + 1) * 2 > slots_.size()) n += 2 * slots_.size() * sizeof(std::uint64_t);
    return n;
  }

 private:
  static constexpr std::size_t kInitialSlots = 1024;

  // The slot holding `key`, or the empty slot where it would go (linear probing).
  template <class KK>
  std::size_t probe(std::uint64_t hash, const KK& key) const {
    const std::uint64_t tag = hash >> 32;
    std::size_t i = static_cast<std::size_t>(hash) & (slots_.size() - 1);
    for (;;) {
      const std::uint64_t slot = slots_[i];
      if (slot == 0) return i;
      if ((slot >> 32) == tag) {
        const Entry& e = entries_[(slot & 0xffffffffu) - 1];
        if (e.hash == hash && keys_equal(e.kv.first, key)) return i;
      }
      i = (i + 1) & (slots_.size() - 1);
    }
  }

  void grow() {
    Slots slots(slots_.size() * 2, 0);
    const std::size_t mask = slots.size() - 1;
    for (std::size_t n = 0; n < entries_.size(); ++n) {
      std::uint64_t h = entries_[n].hash;
      std::size_t i = static_cast<std::size_t>(h) & mask;
      while (slots[i] != 0) i = (i + 1) & mask;
      slots[i] = ((h >> 32) << 32) | (n + 1);
    }
    slots_.swap(slots);
  }

  using Slots = std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>>;
  Entries entries_;
  Slots slots_;  // 0 = empty; else (hash >> 32) << 32 | (entry index + 1)
};

}  // namespace dataflow::detail
