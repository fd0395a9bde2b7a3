// BlockStore implementation and the in-process exchange.
#include "shuffle/block_store.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace dataflow::shuffle {

void BlockStore::put_map_output(int shuffle, std::uint32_t map_partition, detail::MapOutput out) {
  std::lock_guard<std::mutex> lock(mu_);
  map_outputs_[{shuffle, map_partition}] = std::move(out);
}

std::map<std::uint32_t, detail::MapOutput> BlockStore::take_map_outputs(int shuffle) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::uint32_t, detail::MapOutput> out;
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

void BlockStore::split_map_outputs(int shuffle, const detail::RangePartitioner& partitioner, std::string_view bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string spare;  // one output's memory, reused by the next (no fresh pages to zero)
  for (auto& [key, out] : map_outputs_) {
    if (key.first == shuffle && out.unsplit) {
      partitioner.split(out, bounds, key.second, spare);
      out.unsplit = false;
    }
  }
}

void BlockStore::add_reduce_block(int shuffle, std::uint32_t reduce_partition, std::uint32_t map_partition,
                                  std::string_view block, std::shared_ptr<const void> backing) {
  std::lock_guard<std::mutex> lock(mu_);
  reduce_inputs_[{shuffle, reduce_partition}].push_back({map_partition, block});
  if (backing_.empty() || backing_.back() != backing) backing_.push_back(std::move(backing));
}

std::vector<std::string_view> BlockStore::map_output_blocks(int shuffle, std::uint32_t map_partition) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = map_outputs_.find({shuffle, map_partition});
  if (it == map_outputs_.end()) {
    throw std::logic_error("map output " + std::to_string(map_partition) + " of shuffle #" + std::to_string(shuffle) +
                           " is not on this executor (internal scheduling error)");
  }
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < it->second.extents.size(); ++i) out.push_back(it->second.bytes(i));
  return out;
}

void BlockStore::hold(int shuffle, std::vector<bool> held) {
  std::lock_guard<std::mutex> lock(mu_);
  held_[shuffle] = std::move(held);
}

std::vector<std::string_view> BlockStore::reduce_input(int shuffle, std::uint32_t reduce_partition) const {
  std::vector<Block> blocks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto held = held_.find(shuffle);
    if (held == held_.end() || reduce_partition >= held->second.size() || !held->second[reduce_partition]) {
      throw std::logic_error("reduce partition " + std::to_string(reduce_partition) + " of shuffle #" +
                             std::to_string(shuffle) + " is not on this executor (internal scheduling error)");
    }
    auto it = reduce_inputs_.find({shuffle, reduce_partition});
    if (it != reduce_inputs_.end()) blocks = it->second;
  }
  // Each map partition's block arrives once, so the order is total.
  std::sort(blocks.begin(), blocks.end(),
            [](const Block& a, const Block& b) { return a.map_partition < b.map_partition; });
  std::vector<std::string_view> out;
  out.reserve(blocks.size());
  for (const Block& b : blocks) out.push_back(b.bytes);
  return out;
}

void BlockStore::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  map_outputs_.clear();
  reduce_inputs_.clear();
  backing_.clear();
  held_.clear();
}

void exchange_locally(BlockStore& store, int shuffle, std::uint32_t partitions) {
  store.hold(shuffle, std::vector<bool>(partitions, true));
  for (auto& [map_partition, out] : store.take_map_outputs(shuffle)) {
    auto backing = std::make_shared<const detail::MapOutput>(std::move(out));
    for (std::size_t i = 0; i < backing->extents.size(); ++i) {
      store.add_reduce_block(shuffle, backing->extents[i].bucket, map_partition, backing->bytes(i), backing);
    }
  }
}

}  // namespace dataflow::shuffle
