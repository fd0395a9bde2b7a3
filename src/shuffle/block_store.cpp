// BlockStore implementation and the in-process exchange.
#include "shuffle/block_store.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace dataflow::shuffle {

std::vector<std::pair<std::uint32_t, detail::Block>> pieces_of(const detail::MapOutput& out) {
  std::vector<std::pair<std::uint32_t, detail::Block>> all;
  for (const auto& run : out.spilled) {
    std::uint64_t begin = 0;
    for (const auto& e : run.extents) {
      all.push_back({e.bucket, {{}, run.file, run.offset + begin, e.end - begin}});
      begin = e.end;
    }
  }
  for (std::size_t i = 0; i < out.extents.size(); ++i) {
    all.push_back({out.extents[i].bucket, detail::Block::in_memory(out.bytes(i))});
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return all;
}

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
                                  detail::Block block, std::shared_ptr<const void> backing) {
  std::lock_guard<std::mutex> lock(mu_);
  reduce_inputs_[{shuffle, reduce_partition}].push_back({map_partition, std::move(block)});
  auto& backing_list = backing_[shuffle];
  if (backing && (backing_list.empty() || backing_list.back() != backing)) backing_list.push_back(std::move(backing));
}

void BlockStore::keep(int shuffle, detail::Reservation reserved) {
  std::lock_guard<std::mutex> lock(mu_);
  reserved_[shuffle].push_back(std::move(reserved));
}

std::vector<detail::Block> BlockStore::map_output_blocks(int shuffle, std::uint32_t map_partition) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = map_outputs_.find({shuffle, map_partition});
  if (it == map_outputs_.end()) {
    throw std::logic_error("map output " + std::to_string(map_partition) + " of shuffle #" + std::to_string(shuffle) +
                           " is not on this executor (internal scheduling error)");
  }
  std::vector<detail::Block> out;
  for (auto& [bucket, block] : pieces_of(it->second)) out.push_back(std::move(block));
  return out;
}

void BlockStore::hold(int shuffle, std::vector<bool> held) {
  std::lock_guard<std::mutex> lock(mu_);
  // A kept shuffle exchanged again (its old placement did not suit a job) starts empty.
  for (auto it = reduce_inputs_.lower_bound({shuffle, 0}); it != reduce_inputs_.end() && it->first.first == shuffle;) {
    it = reduce_inputs_.erase(it);
  }
  backing_.erase(shuffle);
  reserved_.erase(shuffle);
  held_[shuffle] = std::move(held);
}

std::vector<std::pair<std::uint32_t, detail::Block>> BlockStore::reduce_blocks(int shuffle,
                                                                               std::uint32_t reduce_partition) const {
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
  // A map partition's pieces arrive in order, so a stable sort gives the total order.
  std::stable_sort(blocks.begin(), blocks.end(),
                   [](const Block& a, const Block& b) { return a.map_partition < b.map_partition; });
  std::vector<std::pair<std::uint32_t, detail::Block>> out;
  out.reserve(blocks.size());
  for (Block& b : blocks) out.emplace_back(b.map_partition, std::move(b.block));
  return out;
}

std::vector<detail::Block> BlockStore::reduce_input(int shuffle, std::uint32_t reduce_partition) const {
  std::vector<detail::Block> out;
  for (auto& [map_partition, block] : reduce_blocks(shuffle, reduce_partition)) out.push_back(std::move(block));
  return out;
}

std::vector<bool> BlockStore::held(int shuffle) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = held_.find(shuffle);
  return it == held_.end() ? std::vector<bool>() : it->second;
}

void BlockStore::end_job(const std::vector<std::int32_t>& kept) {
  std::vector<int> shuffles;
  {
    std::lock_guard<std::mutex> lock(mu_);
    map_outputs_.clear();
    for (const auto& [shuffle, held] : held_) {
      if (std::find(kept.begin(), kept.end(), shuffle) == kept.end()) shuffles.push_back(shuffle);
    }
  }
  for (int shuffle : shuffles) drop(shuffle);
}

void BlockStore::drop(int shuffle) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = map_outputs_.lower_bound({shuffle, 0}); it != map_outputs_.end() && it->first.first == shuffle;) {
    it = map_outputs_.erase(it);
  }
  for (auto it = reduce_inputs_.lower_bound({shuffle, 0}); it != reduce_inputs_.end() && it->first.first == shuffle;) {
    it = reduce_inputs_.erase(it);
  }
  backing_.erase(shuffle);
  reserved_.erase(shuffle);
  held_.erase(shuffle);
}

void exchange_locally(BlockStore& store, int shuffle, std::uint32_t partitions) {
  store.hold(shuffle, std::vector<bool>(partitions, true));
  for (auto& [map_partition, out] : store.take_map_outputs(shuffle)) {
    auto backing = std::make_shared<const detail::MapOutput>(std::move(out));
    for (auto& [bucket, block] : pieces_of(*backing)) {
      store.add_reduce_block(shuffle, bucket, map_partition, std::move(block), backing);
    }
  }
}

}  // namespace dataflow::shuffle
