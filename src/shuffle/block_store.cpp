// BlockStore implementation and the in-process exchange.
#include "shuffle/block_store.hpp"

#include <algorithm>

namespace dataflow::shuffle {

void BlockStore::put_map_output(int shuffle, std::uint32_t map_partition, std::vector<std::string> buckets) {
  std::lock_guard<std::mutex> lock(mu_);
  map_outputs_[{shuffle, map_partition}] = std::move(buckets);
}

std::map<std::uint32_t, std::vector<std::string>> BlockStore::take_map_outputs(int shuffle) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::uint32_t, std::vector<std::string>> out;
  for (auto it = map_outputs_.begin(); it != map_outputs_.end();) {
    if (it->first.first == shuffle) {
      out.emplace(it->first.second, std::move(it->second));
      it = map_outputs_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

void BlockStore::add_reduce_block(int shuffle, std::uint32_t reduce_partition, std::uint32_t map_partition,
                                  std::string_view block, std::shared_ptr<const std::string> backing) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& blocks = reduce_inputs_[{shuffle, reduce_partition}];
  blocks.push_back({map_partition, block});
  // Keep blocks sorted by map partition as they arrive (arrivals are nearly in order).
  for (std::size_t i = blocks.size() - 1; i > 0 && blocks[i - 1].map_partition > blocks[i].map_partition; --i) {
    std::swap(blocks[i - 1], blocks[i]);
  }
  if (backing_.empty() || backing_.back() != backing) backing_.push_back(std::move(backing));
}

std::vector<std::string_view> BlockStore::reduce_input(int shuffle, std::uint32_t reduce_partition) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string_view> out;
  auto it = reduce_inputs_.find({shuffle, reduce_partition});
  if (it != reduce_inputs_.end()) {
    for (const Block& b : it->second) out.push_back(b.bytes);
  }
  return out;
}

void BlockStore::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  map_outputs_.clear();
  reduce_inputs_.clear();
  backing_.clear();
}

void exchange_locally(BlockStore& store, int shuffle) {
  for (auto& [map_partition, buckets] : store.take_map_outputs(shuffle)) {
    for (std::size_t r = 0; r < buckets.size(); ++r) {
      if (buckets[r].empty()) continue;
      auto backing = std::make_shared<const std::string>(std::move(buckets[r]));
      store.add_reduce_block(shuffle, static_cast<std::uint32_t>(r), map_partition, *backing, backing);
    }
  }
}

}  // namespace dataflow::shuffle
