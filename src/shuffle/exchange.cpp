// The MPI exchange of a shuffle: map outputs go out as frames, streamed in rounds, and come
// back as reduce blocks after bounds-checked parsing. Blocks an executor owns itself never
// leave it. Every frame ends with the XXH3-64 of its header and payload, taken as the bytes
// go out and checked as they come in: a frame that the network or the memory changed fails
// the job with exit code 74, naming the rank it came from.
#include "shuffle/exchange.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "dataflow/error.hpp"
#include "storage/corruption_fault.hpp"

namespace dataflow::shuffle {
namespace {

struct FrameHeader {
  std::uint32_t reduce_partition;
  std::uint32_t map_partition;
  std::uint64_t length;
};

constexpr std::size_t kTrailer = sizeof(std::uint64_t);

[[noreturn]] void malformed(const std::string& why) {
  throw Error(ExitCode::kSoftware, "malformed shuffle frame: " + why);
}

// The frames bound for one executor, copied out a round at a time.
class FrameStream {
 public:
  struct Frame {
    FrameHeader header;
    std::size_t output;    // index of the map output holding the payload
    detail::Block payload; // in memory or in a spill file
  };

  void add(Frame f) {
    bytes_ += sizeof(FrameHeader) + f.payload.size + kTrailer;
    frames_.push_back(std::move(f));
  }
  std::uint64_t bytes() const { return bytes_; }

  // Copies the next n bytes to `out`; done(output) is called after a frame's last byte.
  template <class Done>
  void copy(char* out, std::size_t n, Done done) {
    while (n > 0) {
      Frame& f = frames_.at(next_);
      const std::size_t payload_end = sizeof(FrameHeader) + f.payload.size;
      const std::size_t frame_size = payload_end + kTrailer;
      if (offset_ == 0) XXH3_64bits_reset(&state_);
      const std::size_t take = std::min(n, frame_size - offset_);
      std::size_t from = offset_;
      std::size_t left = take;
      if (from < sizeof(FrameHeader)) {
        const std::size_t h = std::min(left, sizeof(FrameHeader) - from);
        std::memcpy(out, reinterpret_cast<const char*>(&f.header) + from, h);
        XXH3_64bits_update(&state_, out, h);
        out += h;
        from += h;
        left -= h;
      }
      if (left > 0 && from < payload_end) {
        const std::size_t p = std::min(left, payload_end - from);
        const std::size_t at = from - sizeof(FrameHeader);
        if (f.payload.on_disk()) {
          f.payload.file->read(f.payload.offset + at, out, p);
        } else {
          std::memcpy(out, f.payload.bytes.data() + at, p);
        }
        XXH3_64bits_update(&state_, out, p);
        if (detail::take_flip(detail::Flip::kShuffle)) out[p / 2] = static_cast<char>(out[p / 2] ^ 0x20);
        out += p;
        from += p;
        left -= p;
      }
      if (left > 0) {
        if (from == payload_end) sum_ = XXH3_64bits_digest(&state_);
        std::memcpy(out, reinterpret_cast<const char*>(&sum_) + (from - payload_end), left);
        out += left;
      }
      offset_ += take;
      n -= take;
      if (offset_ == frame_size) {
        f.payload = {};
        done(f.output);
        ++next_;
        offset_ = 0;
      }
    }
  }

 private:
  std::vector<Frame> frames_;
  std::uint64_t bytes_ = 0;
  std::size_t next_ = 0;    // the frame being copied
  std::size_t offset_ = 0;  // bytes of it already copied
  XXH3_state_t state_;      // its checksum so far
  std::uint64_t sum_ = 0;   // its checksum, once its payload is out
};

// Parses one executor's frames as its bytes arrive. A frame inside one round's buffer
// becomes a block of that buffer; one cut by a round boundary is gathered into its own (a
// frame is one piece of a bucket: about kPieceBytes). Bytes the executor's storage memory
// cannot hold go to a spill file instead.
class FrameParser {
 public:
  FrameParser(BlockStore& store, int shuffle, std::size_t partitions, std::shared_ptr<detail::SpillFile>* file,
              int from_rank)
      : store_(store), shuffle_(shuffle), partitions_(partitions), file_(file), from_rank_(from_rank) {}

  // `keep`: the round's bytes may stay in memory.
  void feed(std::string_view bytes, const std::shared_ptr<const void>& round, bool keep) {
    keep_ = keep;
    while (!bytes.empty()) {
      if (!partial_.empty() || bytes.size() < sizeof(FrameHeader)) {
        bytes = gather(bytes);
        continue;
      }
      const FrameHeader h = header(bytes.data());
      if (bytes.size() - sizeof h < kTrailer || h.length > bytes.size() - sizeof h - kTrailer) {
        bytes = gather(bytes);
        continue;
      }
      check(bytes.substr(0, sizeof h + h.length + kTrailer));
      add(h, bytes.substr(sizeof h, h.length), round);
      bytes.remove_prefix(sizeof h + h.length + kTrailer);
    }
  }

  // After the last round: nothing may be left half received.
  void finish() const {
    if (!partial_.empty()) corrupt("its last frame is cut short");
  }

  // The frames written to the spill file become blocks once it is flushed.
  void flush_spilled() {
    if (pending_.empty()) return;
    (*file_)->flush();
    for (const auto& [h, at] : pending_) {
      store_.add_reduce_block(shuffle_, h.reduce_partition, h.map_partition, {{}, *file_, at, h.length}, nullptr);
    }
    pending_.clear();
  }

 private:
  [[noreturn]] void corrupt(const std::string& why) const {
    throw CorruptShuffle("shuffle data received from rank " + std::to_string(from_rank_) + " is corrupt: " + why +
                         " (the network or the memory changed it after it was sent)");
  }

  FrameHeader header(const char* p) const {
    FrameHeader h{};
    std::memcpy(&h, p, sizeof h);
    if (h.reduce_partition >= partitions_) corrupt("a frame names a reduce partition out of range");
    return h;
  }

  // `frame`: header, payload and checksum.
  void check(std::string_view frame) const {
    std::uint64_t sum = 0;
    std::memcpy(&sum, frame.data() + frame.size() - kTrailer, kTrailer);
    if (XXH3_64bits(frame.data(), frame.size() - kTrailer) != sum) {
      corrupt("a frame does not match its checksum");
    }
  }

  // Appends to the frame being gathered; returns what is left of `bytes`.
  std::string_view gather(std::string_view bytes) {
    std::size_t want = sizeof(FrameHeader) - std::min(partial_.size(), sizeof(FrameHeader));
    if (want == 0) {
      want = sizeof(FrameHeader) + header(partial_.data()).length + kTrailer - partial_.size();
    }
    const std::size_t take = std::min(want, bytes.size());
    partial_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (partial_.size() >= sizeof(FrameHeader)) {
      const FrameHeader h = header(partial_.data());
      if (partial_.size() == sizeof h + h.length + kTrailer) {
        check(partial_);
        auto frame = std::make_shared<const std::string>(std::move(partial_));
        partial_.clear();
        add(h, std::string_view(*frame).substr(sizeof h, h.length), frame);
      }
    }
    return bytes;
  }

  void add(const FrameHeader& h, std::string_view payload, std::shared_ptr<const void> backing) {
    if (keep_) {
      store_.add_reduce_block(shuffle_, h.reduce_partition, h.map_partition, detail::Block::in_memory(payload),
                              std::move(backing));
      return;
    }
    if (!*file_) *file_ = std::make_shared<detail::SpillFile>(*store_.memory().dir);
    const std::uint64_t at = (*file_)->append(payload);
    pending_.push_back({h, at});
  }

  BlockStore& store_;
  int shuffle_;
  std::size_t partitions_;
  std::shared_ptr<detail::SpillFile>* file_;  // the exchange's, made on first use
  int from_rank_;
  std::string partial_;
  bool keep_ = true;
  std::vector<std::pair<FrameHeader, std::uint64_t>> pending_;
};

// Rounds of at most this many bytes per peer when the executor's memory is bounded: the
// send and the receive buffer of a round then take at most half the budget.
std::uint64_t round_bytes(const task::ExchangeOrder& order, const detail::TaskMemory& memory, std::size_t peers) {
  if (order.round_bytes || !memory.bounded()) return order.round_bytes;
  const std::uint64_t cap = memory.pool->budget() / (4 * std::max<std::size_t>(1, peers));
  return std::clamp<std::uint64_t>(cap, std::uint64_t{64} << 10, std::uint64_t{256} << 20);
}

}  // namespace

void exchange_over_mpi(BlockStore& store, net::World& world, const task::ExchangeOrder& order,
                       task::ExchangeDone& done) {
  const auto started = std::chrono::steady_clock::now();
  const std::size_t executors = static_cast<std::size_t>(world.size() - 1);
  const std::size_t self = static_cast<std::size_t>(world.rank() - 1);
  std::vector<std::shared_ptr<const detail::MapOutput>> outputs;
  std::vector<std::size_t> frames_left;  // per map output: frames not yet copied out
  std::vector<FrameStream> streams(executors);
  std::vector<bool> held(order.owner.size());
  for (std::size_t r = 0; r < held.size(); ++r) {
    held[r] = order.broadcast || static_cast<std::size_t>(order.owner[r]) == self;
  }
  store.hold(order.shuffle_node, std::move(held));
  for (auto& [map_partition, out] : store.take_map_outputs(order.shuffle_node)) {
    auto output = std::make_shared<const detail::MapOutput>(std::move(out));
    const std::size_t index = outputs.size();
    std::size_t frames = 0;
    for (auto& [r, block] : pieces_of(*output)) {
      if (r >= order.owner.size()) malformed("bucket out of range");
      const auto owner = static_cast<std::size_t>(order.owner[r]);
      if (!order.broadcast && owner >= executors) malformed("owner out of range");
      const std::size_t first = order.broadcast ? 0 : owner, last = order.broadcast ? executors : owner + 1;
      for (std::size_t dest = first; dest < last; ++dest) {
        if (dest == self) {
          store.add_reduce_block(order.shuffle_node, r, map_partition, block, output);
        } else {
          streams[dest].add({{r, map_partition, block.size}, index, block});
          ++frames;
        }
      }
    }
    outputs.push_back(frames > 0 ? std::move(output) : nullptr);
    frames_left.push_back(frames);
  }
  std::vector<std::uint64_t> send_sizes(executors);
  for (std::size_t d = 0; d < executors; ++d) send_sizes[d] = streams[d].bytes();

  const detail::TaskMemory& memory = store.memory();
  std::shared_ptr<detail::SpillFile> file;  // received bytes that storage memory cannot hold
  std::vector<FrameParser> parsers;
  for (std::size_t source = 0; source < executors; ++source) {
    parsers.emplace_back(store, order.shuffle_node, order.owner.size(), &file, static_cast<int>(source) + 1);
  }
  // A spilled map output that fails its checksum as it goes out: the rest of that peer's
  // rounds go as zeros (the peer drops them), and the error is thrown after the last round.
  std::string corrupt;
  std::vector<bool> zeros(executors);
  auto fill = [&](std::size_t dest, char* out, std::size_t n) {
    if (!zeros[dest]) {
      try {
        streams[dest].copy(out, n, [&](std::size_t output) {
          if (--frames_left[output] == 0) outputs[output].reset();  // sent: free it unless kept here
        });
        return;
      } catch (const detail::CorruptBlock& e) {
        zeros[dest] = true;
        if (corrupt.empty()) corrupt = e.what();
      }
    }
    std::memset(out, 0, n);
  };
  // Corrupt data from a peer: the rest of its rounds are received and dropped, and the error
  // thrown after the last one.
  std::vector<bool> dropping(executors);
  auto deliver = [&](std::size_t source, std::string_view bytes, const std::shared_ptr<const void>& round) {
    done.bytes_received += bytes.size();
    if (dropping[source]) return;
    detail::Reservation reserved(memory.bounded() ? memory.pool : nullptr, detail::MemoryPool::Kind::kStorage);
    const bool keep = reserved.grow_to(bytes.size());
    if (keep) store.keep(order.shuffle_node, std::move(reserved));
    try {
      parsers[source].feed(bytes, round, keep);
    } catch (const CorruptShuffle& e) {
      dropping[source] = true;
      if (corrupt.empty()) corrupt = e.what();
    }
    parsers[source].flush_spilled();
  };
  done.bytes_to = send_sizes;
  const auto stats = world.alltoallv_executors(send_sizes, round_bytes(order, memory, executors), fill, deliver);
  done.rounds = stats.rounds;
  done.collective_us = stats.collective_us;
  done.total_us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count());
  for (std::size_t source = 0; source < executors; ++source) {
    if (!dropping[source] && corrupt.empty()) {
      try {
        parsers[source].finish();
      } catch (const CorruptShuffle& e) {
        corrupt = e.what();
      }
    }
  }
  if (!corrupt.empty()) throw CorruptShuffle(corrupt);
}

}  // namespace dataflow::shuffle
