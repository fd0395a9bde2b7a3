// SpillFile, MemoryPool and the spill counters.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "dataflow/detail/spill.hpp"
#include "dataflow/error.hpp"
#include "storage/local_dir.hpp"

namespace dataflow::detail {

SpillCounters& spill_counters() {
  static SpillCounters counters;
  return counters;
}

SpillFile::SpillFile(LocalDir& dir) : dir_(dir) { fd_ = dir.create_file(path_); }

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
    write_at_end(bytes);
  } else {
    if (buffer_.capacity() < kBuffer) buffer_.reserve(kBuffer);
    buffer_.append(bytes);
  }
  return at;
}

void SpillFile::write_at_end(std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(written_));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write", errno);
    if (n == 0) fail("write", ENOSPC);
    done += static_cast<std::size_t>(n);
    written_ += static_cast<std::uint64_t>(n);
  }
}

void SpillFile::write_buffer() {
  write_at_end(buffer_);
  buffer_.clear();
}

void SpillFile::flush() {
  write_buffer();
  std::string().swap(buffer_);  // a finished run's file holds no buffer while it waits
}

void SpillFile::read(std::uint64_t offset, char* out, std::size_t n) const {
  if (offset + n > written_) throw std::logic_error("SpillFile: read past the flushed end of " + path_);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail("read", errno);
    if (got == 0) fail("read", EIO);
    done += static_cast<std::size_t>(got);
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

bool MemoryPool::try_grow(Kind kind, std::uint64_t held, std::uint64_t more) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto tasks = static_cast<std::uint64_t>(std::max(1, tasks_));
  const bool minimum = kind == Kind::kTask && held + more <= budget_ / (2 * tasks);
  if (used_ + more > budget_ && !minimum) return false;
  if (kind == Kind::kTask && held + more > budget_ / tasks) return false;
  if (kind == Kind::kStorage && storage_ + more > budget_ / 2) return false;
  used_ += more;
  if (kind == Kind::kStorage) storage_ += more;
  peak_ = std::max(peak_, used_);
  return true;
}

void MemoryPool::release(Kind kind, std::uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  used_ -= std::min(used_, bytes);
  if (kind == Kind::kStorage) storage_ -= std::min(storage_, bytes);
}

}  // namespace dataflow::detail
