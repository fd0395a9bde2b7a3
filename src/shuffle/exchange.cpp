// Framing of shuffle buckets for the MPI exchange, and their bounds-checked parsing.
#include "shuffle/exchange.hpp"

#include <cstring>
#include <memory>
#include <string>

#include "dataflow/error.hpp"

namespace dataflow::shuffle {
namespace {

struct FrameHeader {
  std::uint32_t reduce_partition;
  std::uint32_t map_partition;
  std::uint64_t length;
};

[[noreturn]] void malformed(const std::string& why) {
  throw Error(ExitCode::kSoftware, "malformed shuffle frame: " + why);
}

void parse_frames(BlockStore& store, int shuffle, std::size_t partitions, std::shared_ptr<const std::string> buffer) {
  const std::string& b = *buffer;
  std::size_t pos = 0;
  while (pos < b.size()) {
    FrameHeader h{};
    if (b.size() - pos < sizeof h) malformed("truncated header");
    std::memcpy(&h, b.data() + pos, sizeof h);
    pos += sizeof h;
    if (h.length > b.size() - pos) malformed("length " + std::to_string(h.length) + " exceeds the buffer");
    if (h.reduce_partition >= partitions) malformed("reduce partition out of range");
    store.add_reduce_block(shuffle, h.reduce_partition, h.map_partition, std::string_view(b.data() + pos, h.length),
                           buffer);
    pos += h.length;
  }
}

}  // namespace

void exchange_over_mpi(BlockStore& store, net::World& world, const task::ExchangeOrder& order) {
  const std::size_t executors = static_cast<std::size_t>(world.size() - 1);
  std::vector<std::string> send(executors);
  for (auto& [map_partition, buckets] : store.take_map_outputs(order.shuffle_node)) {
    for (std::size_t r = 0; r < buckets.size() && r < order.owner.size(); ++r) {
      if (buckets[r].empty()) continue;
      const auto dest = static_cast<std::size_t>(order.owner[r]);
      if (dest >= executors) malformed("owner out of range");
      FrameHeader h{static_cast<std::uint32_t>(r), map_partition, buckets[r].size()};
      send[dest].append(reinterpret_cast<const char*>(&h), sizeof h);
      send[dest].append(buckets[r]);
      std::string().swap(buckets[r]);  // free as we go
    }
  }
  auto received = world.alltoallv_executors(send, order.round_bytes);
  send.clear();
  for (auto& buffer : received) {
    if (buffer.empty()) continue;
    parse_frames(store, order.shuffle_node, order.owner.size(), std::make_shared<const std::string>(std::move(buffer)));
  }
}

}  // namespace dataflow::shuffle
