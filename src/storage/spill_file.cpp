// SpillFile, MemoryPool and the spill counters.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <lz4.h>

#include "dataflow/detail/spill.hpp"
#include "dataflow/error.hpp"
#include "storage/local_dir.hpp"

namespace dataflow::detail {

SpillCounters& spill_counters() {
  static SpillCounters counters;
  return counters;
}

SpillFile::SpillFile(LocalDir& dir) : dir_(dir), compress_(dir.compress()) { fd_ = dir.create_file(path_); }

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

std::uint64_t SpillFile::append(std::string_view bytes) {
  const std::uint64_t at = size_;
  size_ += bytes.size();
  spill_counters().bytes += bytes.size();
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
    write_at_end(bytes);
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
    write_at_end(out);
    {
      std::lock_guard<std::mutex> lock(frames_mu_);
      frames_.push_back(frame);
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
}

void SpillFile::write_buffer() {
  store(buffer_);
  buffer_.clear();
}

void SpillFile::flush() {
  write_buffer();
  std::string().swap(buffer_);  // a finished run's file holds no buffer while it waits
  std::string().swap(packed_);
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
    pread_all(offset, out, n);
  }
}

void SpillFile::read_frames(std::uint64_t offset, char* out, std::size_t n) const {
  std::vector<Frame> covering;
  {
    std::lock_guard<std::mutex> lock(frames_mu_);
    auto it = std::upper_bound(frames_.begin(), frames_.end(), offset,
                               [](std::uint64_t o, const Frame& f) { return o < f.start; });
    for (--it; it != frames_.end() && it->start < offset + n; ++it) covering.push_back(*it);
  }
  std::string stored, raw;
  for (const Frame& f : covering) {
    const std::uint64_t from = std::max(offset, f.start);
    const std::uint64_t to = std::min<std::uint64_t>(offset + n, f.start + f.size);
    char* dest = out + (from - offset);
    const bool whole = from == f.start && to == f.start + f.size;
    if (f.stored == f.size) {  // stored as is
      pread_all(f.at + (from - f.start), dest, static_cast<std::size_t>(to - from));
      continue;
    }
    stored.resize(f.stored);
    pread_all(f.at, stored.data(), f.stored);
    if (!whole) raw.resize(f.size);
    char* into = whole ? dest : raw.data();
    const int got = LZ4_decompress_safe(stored.data(), into, static_cast<int>(f.stored), static_cast<int>(f.size));
    if (got != static_cast<int>(f.size)) {
      throw Error(ExitCode::kSoftware, "spill file " + path_ + " is corrupt: an LZ4 frame did not decompress");
    }
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
}

std::uint64_t MemoryPool::cached() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_;
}

}  // namespace dataflow::detail
