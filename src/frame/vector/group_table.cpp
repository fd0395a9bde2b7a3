// GroupTable: linear probing over a power-of-two slot array, kept under half full.
#include "frame/vector/group_table.hpp"

#include "dataflow/detail/hash.hpp"

namespace dataflow::frame {

std::uint64_t GroupTable::hash(std::string_view key) { return detail::hash_bytes(key); }

std::uint32_t GroupTable::find_or_add(std::string_view key, std::uint64_t h, bool& fresh) {
  if (2 * (hashes_.size() + 1) > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const std::uint32_t s = slots_[i];
    if (s == 0) {
      const auto g = static_cast<std::uint32_t>(hashes_.size());
      slots_[i] = g + 1;
      hashes_.push_back(h);
      arena_.append(key);
      offsets_.push_back(arena_.size());
      fresh = true;
      return g;
    }
    if (hashes_[s - 1] == h && this->key(s - 1) == key) {
      fresh = false;
      return s - 1;
    }
  }
}

void GroupTable::grow() {
  const std::size_t n = slots_.empty() ? 64 : 2 * slots_.size();
  slots_.assign(n, 0);
  const std::size_t mask = n - 1;
  for (std::uint32_t g = 0; g < hashes_.size(); ++g) {
    std::size_t i = hashes_[g] & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = g + 1;
  }
}

std::uint64_t GroupTable::bytes() const {
  return slots_.capacity() * sizeof(std::uint32_t) + hashes_.capacity() * sizeof(std::uint64_t) +
         offsets_.capacity() * sizeof(std::uint64_t) + arena_.capacity();
}

}  // namespace dataflow::frame
