// Groups by key bytes (row_codec's cells): an open-addressing table of group ids over one
// arena of keys, so that a new group costs no allocation of its own and a lookup compares
// the stored hash before any bytes. Groups are numbered 0, 1, ... in order of arrival.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dataflow::frame {

class GroupTable {
 public:
  // The group of `key`, added as the next group if new (then `fresh` is set).
  std::uint32_t find_or_add(std::string_view key, bool& fresh) { return find_or_add(key, hash(key), fresh); }
  // The same, `h` being hash(key).
  std::uint32_t find_or_add(std::string_view key, std::uint64_t h, bool& fresh);
  // The hash of key bytes the table uses (detail::hash_bytes).
  static std::uint64_t hash(std::string_view key);
  std::uint64_t hash(std::uint32_t group) const { return hashes_[group]; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(hashes_.size()); }
  std::string_view key(std::uint32_t group) const {
    return std::string_view(arena_).substr(offsets_[group], offsets_[group + 1] - offsets_[group]);
  }
  // Bytes held (the arena, the slots, each group's offset and hash).
  std::uint64_t bytes() const;

 private:
  void grow();

  // Per slot: the hash's high 32 bits, then group + 1 in the low 32 (0: an empty slot), so
  // that a probe reads one slot, not the group's hash, before it compares any key.
  std::vector<std::uint64_t> slots_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint64_t> offsets_{0};
  std::string arena_;
};

}  // namespace dataflow::frame
