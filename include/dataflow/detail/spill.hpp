// Bounded memory: an executor's memory pool, the reservations its tasks hold in it, and the
// spill files they write to its private local directory when a reservation is refused
// (Spark's unified memory manager and DiskBlockManager, in small). Defined in src/storage/.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/error.hpp"

namespace dataflow::detail {

class LocalDir;

// Spill activity of this process, for tests, metrics and the resource report.
struct SpillCounters {
  std::atomic<std::uint64_t> spills{0};      // runs written to disk
  std::atomic<std::uint64_t> bytes{0};       // bytes written to spill files
  std::atomic<std::uint64_t> disk_bytes{0};  // the same bytes as stored (compressed or not)
};
SpillCounters& spill_counters();

// One executor's memory budget. Task memory (buffers, tables) is shared fairly: with N tasks
// running, one reservation may hold at most budget / N, and is always granted up to
// budget / 2N, even past the budget (Spark's minimum share, which Spark waits for: here the
// pool lends it, so that a task always progresses; the pool may then hold up to 1.5 times
// the budget). Storage memory (map outputs waiting for the exchange, received shuffle blocks)
// may hold at most half the budget, so that reduce tasks find room. Cached blocks (persist)
// may fill what the others leave free, and give it back: a task or storage reservation that
// would be refused first has the evictor drop cached blocks (least recently used). Never
// blocks: a refused reservation spills instead.
class MemoryPool {
 public:
  explicit MemoryPool(std::uint64_t budget) : budget_(budget) {}
  std::uint64_t budget() const { return budget_; }
  // Between jobs only (Config::executor_memory changed by the program).
  void set_budget(std::uint64_t budget) { budget_ = budget; }
  std::uint64_t used() const;
  std::uint64_t peak() const;
  void task_started();
  void task_finished();

  enum class Kind { kTask, kStorage, kCache };
  // Moves a reservation of `kind` from `held` to `held + more` bytes if the rules allow,
  // evicting cached blocks first where that makes room for a task or storage reservation.
  bool try_grow(Kind kind, std::uint64_t held, std::uint64_t more);
  void release(Kind kind, std::uint64_t bytes);
  std::uint64_t cached() const;
  // evict(bytes): drops cached blocks holding about `bytes` (releasing them here); called
  // without the pool's lock held. Set once, before any task runs.
  void set_evictor(std::function<void(std::uint64_t)> evict) { evict_ = std::move(evict); }

 private:
  bool grant(Kind kind, std::uint64_t held, std::uint64_t more);  // with mu_ held

  std::uint64_t budget_;
  std::function<void(std::uint64_t)> evict_;
  mutable std::mutex mu_;
  std::uint64_t used_ = 0;
  std::uint64_t storage_ = 0;
  std::uint64_t cache_ = 0;
  std::uint64_t peak_ = 0;
  int tasks_ = 0;
};

// Bytes reserved from a pool, released when destroyed. Without a pool (tests, tools) every
// request is granted: nothing is bounded.
class Reservation {
 public:
  Reservation() = default;
  explicit Reservation(MemoryPool* pool, MemoryPool::Kind kind = MemoryPool::Kind::kTask)
      : pool_(pool), kind_(kind) {}
  ~Reservation() { shrink_to(0); }
  Reservation(Reservation&& o) noexcept : pool_(o.pool_), kind_(o.kind_), held_(o.held_) { o.held_ = 0; }
  Reservation& operator=(Reservation&& o) noexcept {
    if (this != &o) {
      shrink_to(0);
      pool_ = o.pool_;
      kind_ = o.kind_;
      held_ = o.held_;
      o.held_ = 0;
    }
    return *this;
  }
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;

  // Whether the reservation now holds at least `bytes`.
  bool grow_to(std::uint64_t bytes) {
    if (bytes <= held_) return true;
    if (pool_ && !pool_->try_grow(kind_, held_, bytes - held_)) return false;
    held_ = bytes;
    return true;
  }
  void shrink_to(std::uint64_t bytes) {
    if (bytes >= held_) return;
    if (pool_) pool_->release(kind_, held_ - bytes);
    held_ = bytes;
  }
  std::uint64_t held() const { return held_; }
  bool bounded() const { return pool_ != nullptr; }
  MemoryPool* pool() const { return pool_; }

 private:
  MemoryPool* pool_ = nullptr;
  MemoryPool::Kind kind_ = MemoryPool::Kind::kTask;
  std::uint64_t held_ = 0;
};

// What a spill file holds, for the corruption fault of tests (DATAFLOW_FAULT=flip-spill or
// flip-cache) and for the messages.
enum class SpillUse : std::uint8_t { kSpill, kCache };

// A private temporary file in the executor's local directory (mode 0600, created with
// O_EXCL | O_NOFOLLOW under an unpredictable name), removed when destroyed. One writer
// appends; once flushed, any thread may read. Errors are Error(kIoError) naming the
// directory: a full disk is exit code 74, never a crash. When the directory says so
// (--spill-compression lz4), the bytes are stored in LZ4 frames of 64 KiB, each stored
// as is where LZ4 would not shrink it; offsets and sizes stay those of the bytes appended,
// and a read decompresses the frames it covers.
//
// No byte is read back unchecked: every 4 KiB stored (every frame, compressed) has an
// XXH3-64 checksum, kept in this process's memory, never in the file, and a read verifies
// the ones it covers; a mismatch throws CorruptBlock naming the file.
class SpillFile {
 public:
  explicit SpillFile(LocalDir& dir, SpillUse use = SpillUse::kSpill);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends `bytes` (buffered); returns the offset where they start.
  std::uint64_t append(std::string_view bytes);
  // Writes the buffered bytes and frees the buffer; reads see everything appended before.
  void flush();
  // Reads [offset, offset + n) into `out` (thread-safe after flush()).
  void read(std::uint64_t offset, char* out, std::size_t n) const;
  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  struct Frame {
    std::uint64_t start;   // offset of its first byte, as appended
    std::uint64_t at;      // where it is stored in the file
    std::uint32_t stored;  // bytes in the file (== size: stored as is)
    std::uint32_t size;    // bytes appended
  };
  struct Checksums;  // spill_file.cpp

  [[noreturn]] void fail(const char* what, int err) const;
  [[noreturn]] void corrupt(std::uint64_t from, std::uint64_t to) const;
  void pread_all(std::uint64_t at, char* out, std::size_t n) const;
  void store(std::string_view bytes);          // after the bytes stored so far, framed if compressed
  void write_at_end(std::string_view bytes);   // at stored_, every byte
  void write_buffer();                         // the buffered bytes, keeping the buffer
  void read_plain(std::uint64_t offset, char* out, std::size_t n) const;
  void read_frames(std::uint64_t offset, char* out, std::size_t n) const;
  void flip_for_fault() const;  // DATAFLOW_FAULT=flip-*: one stored byte changed

  LocalDir& dir_;
  std::string path_;
  int fd_ = -1;
  bool compress_ = false;
  SpillUse use_;
  std::string buffer_;
  std::uint64_t size_ = 0;     // bytes appended
  std::uint64_t written_ = 0;  // of which stored
  std::uint64_t stored_ = 0;   // the file's size
  std::string packed_;         // a frame being compressed
  mutable std::mutex frames_mu_;
  std::vector<Frame> frames_;  // compressed files: by start
  std::unique_ptr<Checksums> sums_;
};

// Bytes read back from a spill file that are not the bytes written there: the disk, the file
// system or the memory changed them. Exit code 74, naming the file.
class CorruptBlock : public Error {
 public:
  explicit CorruptBlock(const std::string& message) : Error(ExitCode::kIoError, message) {}
};

// What a task may use to bound its memory: the executor's pool and its local directory.
// Both null: unbounded (nothing spills).
struct TaskMemory {
  MemoryPool* pool = nullptr;
  LocalDir* dir = nullptr;
  bool bounded() const { return pool != nullptr && dir != nullptr; }
};

// Bytes of a piece of a shuffle block: buckets are cut at record boundaries into pieces of
// about this size, so that a block read back from disk, or a frame cut by an exchange
// round, needs a buffer of one piece (or one record, if larger).
inline constexpr std::uint64_t kPieceBytes = std::uint64_t{1} << 20;

}  // namespace dataflow::detail
