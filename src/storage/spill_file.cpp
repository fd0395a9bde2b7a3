// SpillFile, MemoryPool and the spill counters.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <lz4.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "dataflow/detail/spill.hpp"
#include "dataflow/detail/task_metrics.hpp"
#include "dataflow/error.hpp"
#include "storage/corruption_fault.hpp"
#include "storage/local_dir.hpp"

namespace dataflow::detail {

SpillCounters& spill_counters() {
  static SpillCounters counters;
  return counters;
}

// The checksums of a file's stored bytes. Plain files: one per kCheckBytes of the file, and
// one for the bytes after the last whole window (`tail`, growing as bytes are appended).
// Compressed files: one per frame, parallel to frames_.
struct SpillFile::Checksums {
  std::vector<std::uint64_t> sums;
  XXH3_state_t tail;  // plain files: the window being filled
  std::uint64_t tail_sum = 0;
};

namespace {

constexpr std::uint64_t kCheckBytes = 4096;

struct Window {
  std::uint64_t start, end, sum;
};

}  // namespace

SpillFile::SpillFile(LocalDir& dir, SpillUse use)
    : dir_(dir), compress_(dir.compress()), use_(use), sums_(std::make_unique<Checksums>()) {
  XXH3_64bits_reset(&sums_->tail);
  sums_->tail_sum = XXH3_64bits_digest(&sums_->tail);
  fd_ = dir.create_file(path_);
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
  unlink(path_.c_str());
}

void SpillFile::fail(const char* what, int err) const {
  std::string hint = err == ENOSPC || err == EDQUOT ? " (the local directory is full: give --local-dir a larger "
                                                      "file system, or the executors more memory)"
                                                    : "";
  throw Error(ExitCode::kIoError, std::string("cannot ") + what + " spill file " + path_ + " in local directory " +
                                      dir_.path() + ": " + std::strerror(err) + hint);
}

void SpillFile::corrupt(std::uint64_t from, std::uint64_t to) const {
  throw CorruptBlock(std::string(use_ == SpillUse::kCache ? "cached block file " : "spill file ") + path_ +
                     " is corrupt: its bytes " + std::to_string(from) + " to " + std::to_string(to) +
                     " do not match their checksum (the disk, the file system or the memory changed them "
                     "after they were written)");
}

std::uint64_t SpillFile::append(std::string_view bytes) {
  const std::uint64_t at = size_;
  size_ += bytes.size();
  spill_counters().bytes += bytes.size();
  if (TaskMetrics* m = current_task_metrics()) m->memory_bytes_spilled += bytes.size();
  constexpr std::size_t kBuffer = std::size_t{1} << 20;
  if (buffer_.size() + bytes.size() > kBuffer) write_buffer();
  if (bytes.size() >= kBuffer) {
    store(bytes);
  } else {
    if (buffer_.capacity() < kBuffer) buffer_.reserve(kBuffer);
    buffer_.append(bytes);
  }
  return at;
}

void SpillFile::store(std::string_view bytes) {
  if (!compress_) {
    // Checksums first, from the bytes in memory: whatever happens to them on the way to
    // the disk and back is caught.
    std::vector<std::uint64_t> whole;
    std::uint64_t in_window = written_ % kCheckBytes;
    for (std::string_view rest = bytes; !rest.empty();) {
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(rest.size(), kCheckBytes - in_window));
      XXH3_64bits_update(&sums_->tail, rest.data(), take);
      rest.remove_prefix(take);
      in_window += take;
      if (in_window == kCheckBytes) {
        whole.push_back(XXH3_64bits_digest(&sums_->tail));
        XXH3_64bits_reset(&sums_->tail);
        in_window = 0;
      }
    }
    write_at_end(bytes);
    std::lock_guard<std::mutex> lock(frames_mu_);
    sums_->sums.insert(sums_->sums.end(), whole.begin(), whole.end());
    sums_->tail_sum = XXH3_64bits_digest(&sums_->tail);
    written_ += bytes.size();
    return;
  }
  constexpr std::size_t kFrame = std::size_t{64} << 10;
  for (std::size_t first = 0; first < bytes.size(); first += kFrame) {
    const std::string_view raw = bytes.substr(first, kFrame);
    packed_.resize(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(raw.size()))));
    const int n = LZ4_compress_default(raw.data(), packed_.data(), static_cast<int>(raw.size()),
                                       static_cast<int>(packed_.size()));
    const bool shrank = n > 0 && static_cast<std::size_t>(n) < raw.size();
    const std::string_view out = shrank ? std::string_view(packed_.data(), static_cast<std::size_t>(n)) : raw;
    const Frame frame{written_, stored_, static_cast<std::uint32_t>(out.size()),
                      static_cast<std::uint32_t>(raw.size())};
    const std::uint64_t sum = XXH3_64bits(out.data(), out.size());
    write_at_end(out);
    {
      std::lock_guard<std::mutex> lock(frames_mu_);
      frames_.push_back(frame);
      sums_->sums.push_back(sum);
    }
    written_ += raw.size();
  }
}

void SpillFile::write_at_end(std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(stored_));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write", errno);
    if (n == 0) fail("write", ENOSPC);
    done += static_cast<std::size_t>(n);
    stored_ += static_cast<std::uint64_t>(n);
  }
  spill_counters().disk_bytes += bytes.size();
  if (TaskMetrics* m = current_task_metrics()) m->disk_bytes_spilled += bytes.size();
}

void SpillFile::write_buffer() {
  store(buffer_);
  buffer_.clear();
}

void SpillFile::flush() {
  write_buffer();
  std::string().swap(buffer_);  // a finished run's file holds no buffer while it waits
  std::string().swap(packed_);
  if (stored_ > 0 && take_flip(use_ == SpillUse::kCache ? Flip::kCache : Flip::kSpill)) flip_for_fault();
}

void SpillFile::flip_for_fault() const {
  const auto at = static_cast<off_t>(stored_ / 2);
  char byte = 0;
  if (::pread(fd_, &byte, 1, at) != 1) return;
  byte = static_cast<char>(byte ^ 0x20);
  if (::pwrite(fd_, &byte, 1, at) != 1) return;
  std::fprintf(stderr, "dataflow: fault injection: flipped a bit of byte %lld of %s\n", static_cast<long long>(at),
               path_.c_str());
}

void SpillFile::pread_all(std::uint64_t at, char* out, std::size_t n) const {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(at + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail("read", errno);
    if (got == 0) fail("read", EIO);
    done += static_cast<std::size_t>(got);
  }
}

void SpillFile::read(std::uint64_t offset, char* out, std::size_t n) const {
  if (offset + n > written_) throw std::logic_error("SpillFile: read past the flushed end of " + path_);
  if (n == 0) return;
  if (compress_) {
    read_frames(offset, out, n);
  } else {
    read_plain(offset, out, n);
  }
}

// Reads the checksum windows that [offset, offset + n) covers: the whole ones inside it
// straight into `out`, in one read; the one or two it cuts through into a small buffer.
void SpillFile::read_plain(std::uint64_t offset, char* out, std::size_t n) const {
  const std::uint64_t end = offset + n;
  std::vector<Window> windows;
  {
    std::lock_guard<std::mutex> lock(frames_mu_);
    for (std::uint64_t i = offset / kCheckBytes; i * kCheckBytes < end; ++i) {
      const std::uint64_t start = i * kCheckBytes;
      const bool whole = i < sums_->sums.size();
      windows.push_back({start, whole ? start + kCheckBytes : written_, whole ? sums_->sums[i] : sums_->tail_sum});
    }
  }
  char cut[kCheckBytes];
  for (std::size_t w = 0; w < windows.size();) {
    const Window& first = windows[w];
    if (first.start >= offset && first.end <= end) {  // a run of whole windows inside the range
      std::size_t last = w;
      while (last + 1 < windows.size() && windows[last + 1].end <= end) ++last;
      char* into = out + (first.start - offset);
      pread_all(first.start, into, static_cast<std::size_t>(windows[last].end - first.start));
      for (; w <= last; ++w) {
        const Window& x = windows[w];
        if (XXH3_64bits(out + (x.start - offset), x.end - x.start) != x.sum) corrupt(x.start, x.end);
      }
      continue;
    }
    const auto size = static_cast<std::size_t>(first.end - first.start);
    pread_all(first.start, cut, size);
    if (XXH3_64bits(cut, size) != first.sum) corrupt(first.start, first.end);
    const std::uint64_t from = std::max(offset, first.start), to = std::min(end, first.end);
    std::memcpy(out + (from - offset), cut + (from - first.start), static_cast<std::size_t>(to - from));
    ++w;
  }
}

void SpillFile::read_frames(std::uint64_t offset, char* out, std::size_t n) const {
  std::vector<std::pair<Frame, std::uint64_t>> covering;
  {
    std::lock_guard<std::mutex> lock(frames_mu_);
    auto it = std::upper_bound(frames_.begin(), frames_.end(), offset,
                               [](std::uint64_t o, const Frame& f) { return o < f.start; });
    for (--it; it != frames_.end() && it->start < offset + n; ++it) {
      covering.emplace_back(*it, sums_->sums[static_cast<std::size_t>(it - frames_.begin())]);
    }
  }
  std::string stored, raw;
  for (const auto& [f, sum] : covering) {
    const std::uint64_t from = std::max(offset, f.start);
    const std::uint64_t to = std::min<std::uint64_t>(offset + n, f.start + f.size);
    char* dest = out + (from - offset);
    stored.resize(f.stored);
    pread_all(f.at, stored.data(), f.stored);
    if (XXH3_64bits(stored.data(), f.stored) != sum) corrupt(f.at, f.at + f.stored);
    if (f.stored == f.size) {  // stored as is
      std::memcpy(dest, stored.data() + (from - f.start), static_cast<std::size_t>(to - from));
      continue;
    }
    const bool whole = from == f.start && to == f.start + f.size;
    if (!whole) raw.resize(f.size);
    char* into = whole ? dest : raw.data();
    const int got = LZ4_decompress_safe(stored.data(), into, static_cast<int>(f.stored), static_cast<int>(f.size));
    if (got != static_cast<int>(f.size)) corrupt(f.at, f.at + f.stored);
    if (!whole) std::memcpy(dest, raw.data() + (from - f.start), static_cast<std::size_t>(to - from));
  }
}

std::uint64_t MemoryPool::used() const {
  std::lock_guard<std::mutex> lock(mu_);
  return used_;
}

std::uint64_t MemoryPool::peak() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peak_;
}

void MemoryPool::task_started() {
  std::lock_guard<std::mutex> lock(mu_);
  ++tasks_;
}

void MemoryPool::task_finished() {
  std::lock_guard<std::mutex> lock(mu_);
  --tasks_;
}

bool MemoryPool::grant(Kind kind, std::uint64_t held, std::uint64_t more) {
  const auto tasks = static_cast<std::uint64_t>(std::max(1, tasks_));
  const bool minimum = kind == Kind::kTask && held + more <= budget_ / (2 * tasks);
  if (used_ + more > budget_ && !minimum) return false;
  if (kind == Kind::kTask && held + more > budget_ / tasks) return false;
  if (kind == Kind::kStorage && storage_ + more > budget_ / 2) return false;
  used_ += more;
  if (kind == Kind::kStorage) storage_ += more;
  if (kind == Kind::kCache) cache_ += more;
  peak_ = std::max(peak_, used_);
  if (kind == Kind::kTask) {
    if (TaskMetrics* m = current_task_metrics()) {  // Spark's Peak Execution Memory
      m->reserved_bytes += more;
      m->peak_reserved_bytes = std::max(m->peak_reserved_bytes, m->reserved_bytes);
    }
  }
  return true;
}

bool MemoryPool::try_grow(Kind kind, std::uint64_t held, std::uint64_t more) {
  std::uint64_t short_by = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (grant(kind, held, more)) return true;
    // Only the whole budget's limit is eased by eviction, and only for execution.
    if (kind == Kind::kCache || !evict_ || cache_ == 0 || used_ + more <= budget_) return false;
    short_by = std::min(cache_, used_ + more - budget_);
  }
  evict_(short_by);
  std::lock_guard<std::mutex> lock(mu_);
  return grant(kind, held, more);
}

void MemoryPool::release(Kind kind, std::uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  used_ -= std::min(used_, bytes);
  if (kind == Kind::kStorage) storage_ -= std::min(storage_, bytes);
  if (kind == Kind::kCache) cache_ -= std::min(cache_, bytes);
  if (kind == Kind::kTask) {
    if (TaskMetrics* m = current_task_metrics()) m->reserved_bytes -= std::min(m->reserved_bytes, bytes);
  }
}

std::uint64_t MemoryPool::cached() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_;
}

}  // namespace dataflow::detail
