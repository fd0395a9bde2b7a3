// BlockStore: an executor's shuffle data. Map tasks leave their outputs here; the exchange
// turns them into reduce inputs: for each reduce partition, blocks ordered by map partition,
// which fixes the record order after a shuffle whatever ran where.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/detail/map_output.hpp"
#include "dataflow/detail/spill.hpp"
#include "dataflow/detail/task_context.hpp"

namespace dataflow::shuffle {

// Every piece of a map output with its bucket: bucket by bucket, and within a bucket the
// runs on disk in order, then the memory part (the records' order). Memory pieces view
// `out`'s data.
std::vector<std::pair<std::uint32_t, detail::Block>> pieces_of(const detail::MapOutput& out);

class BlockStore {
 public:
  // The executor's memory and local directory: received blocks that do not fit its storage
  // memory go to disk.
  void set_memory(detail::TaskMemory memory) { memory_ = memory; }
  const detail::TaskMemory& memory() const { return memory_; }
  // Thread-safe.
  void put_map_output(int shuffle, std::uint32_t map_partition, detail::MapOutput out);
  // Removes and returns this executor's map outputs of `shuffle`, by map partition.
  std::map<std::uint32_t, detail::MapOutput> take_map_outputs(int shuffle);
  // Cuts this executor's unsplit map outputs of `shuffle` (a range shuffle's) into buckets
  // by `bounds`, with the typed split function.
  void split_map_outputs(int shuffle, const detail::RangePartitioner& partitioner, std::string_view bounds);
  // A block in memory must lie inside `backing`, which the store keeps alive.
  void add_reduce_block(int shuffle, std::uint32_t reduce_partition, std::uint32_t map_partition,
                        detail::Block block, std::shared_ptr<const void> backing);
  // Keeps a reservation of received bytes as long as the shuffle's blocks.
  void keep(int shuffle, detail::Reservation reserved);
  // Every bucket of map output `map_partition` of `shuffle`, in bucket order, left where its
  // map task ran (a broadcast join's big side). Throws std::logic_error if it is not here.
  std::vector<detail::Block> map_output_blocks(int shuffle, std::uint32_t map_partition) const;
  // Records which reduce partitions of `shuffle` the exchange brings to this executor,
  // dropping what an earlier exchange of it left.
  void hold(int shuffle, std::vector<bool> held);
  // Thread-safe. The blocks of a reduce partition, ordered by map partition. Throws
  // std::logic_error for a partition this executor does not hold: a scheduling error must
  // fail the task, never read as an empty partition.
  std::vector<detail::Block> reduce_input(int shuffle, std::uint32_t reduce_partition) const;
  // The same blocks, each with its map partition (what --resume-dir stores).
  std::vector<std::pair<std::uint32_t, detail::Block>> reduce_blocks(int shuffle, std::uint32_t reduce_partition) const;
  // Which reduce partitions of `shuffle` are here (empty: none).
  std::vector<bool> held(int shuffle) const;
  // At a job's end: drops every map output and the reduce inputs of every shuffle not in
  // `kept` (those a later job may read again).
  void end_job(const std::vector<std::int32_t>& kept);
  // Drops everything of `shuffle` (its node's last handle is gone).
  void drop(int shuffle);
  // The shuffles whose reduce partitions are here.
  std::uint64_t shuffles_held() const {
    std::lock_guard<std::mutex> lock(mu_);
    return held_.size();
  }

 private:
  using MapKey = std::pair<int, std::uint32_t>;
  struct Block {
    std::uint32_t map_partition;
    detail::Block block;
  };
  detail::TaskMemory memory_;
  mutable std::mutex mu_;
  std::map<MapKey, detail::MapOutput> map_outputs_;
  std::map<MapKey, std::vector<Block>> reduce_inputs_;  // in arrival order
  // By shuffle: what its blocks in memory lie in, and the storage memory they hold.
  std::map<int, std::vector<std::shared_ptr<const void>>> backing_;
  std::map<int, std::vector<detail::Reservation>> reserved_;
  std::map<int, std::vector<bool>> held_;  // by shuffle: the reduce partitions held here
};

// The exchange within one process (local mode): moves map outputs to reduce inputs, no copy.
void exchange_locally(BlockStore& store, int shuffle, std::uint32_t partitions);

}  // namespace dataflow::shuffle
