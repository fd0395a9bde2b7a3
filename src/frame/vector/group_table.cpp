// GroupTable: linear probing over a power-of-two slot array, kept under half full.
#include "frame/vector/group_table.hpp"

#include "dataflow/detail/hash.hpp"

namespace dataflow::frame {

std::uint64_t GroupTable::hash(std::string_view key) { return detail::hash_bytes(key); }

namespace {

std::uint64_t slot_of(std::uint64_t hash, std::uint32_t group) {
  return (hash & ~std::uint64_t{0xffffffff}) | (group + 1);
}

}  // namespace

std::uint32_t GroupTable::find_or_add(std::string_view key, std::uint64_t h, bool& fresh) {
  if (2 * (hashes_.size() + 1) > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  const std::uint64_t tag = h & ~std::uint64_t{0xffffffff};
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const std::uint64_t s = slots_[i];
    if (s == 0) {
      const auto g = static_cast<std::uint32_t>(hashes_.size());
      slots_[i] = slot_of(h, g);
      hashes_.push_back(h);
      arena_.append(key);
      offsets_.push_back(arena_.size());
      fresh = true;
      return g;
    }
    const auto g = static_cast<std::uint32_t>(s) - 1;
    if ((s & ~std::uint64_t{0xffffffff}) == tag && hashes_[g] == h && this->key(g) == key) {
      fresh = false;
      return g;
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
    slots_[i] = slot_of(hashes_[g], g);
  }
}

std::uint64_t GroupTable::bytes() const {
  return slots_.capacity() * sizeof(std::uint64_t) + hashes_.capacity() * sizeof(std::uint64_t) +
         offsets_.capacity() * sizeof(std::uint64_t) + arena_.capacity();
}

}  // namespace dataflow::frame
