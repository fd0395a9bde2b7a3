// NewFile and write_new_file: create-exclusive, no symlink following, every write, fsync and
// close checked; a file that could not be written whole is removed. Checkpoint parts end
// with a checksum trailer.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "dataflow/detail/task_context.hpp"
#include "dataflow/error.hpp"

namespace dataflow::detail {

struct NewFile::Checksum {
  XXH3_state_t state;
};

NewFile::NewFile(std::string path, Kind kind) : path_(std::move(path)) {
  if (kind == kCheckpointPart) {
    checksum_ = std::make_unique<Checksum>();
    XXH3_64bits_reset(&checksum_->state);
  }
  fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kind == kOutput ? 0644 : 0600);
  if (fd_ < 0) {
    ExitCode code = errno == EACCES   ? ExitCode::kNoPermission
                    : errno == EEXIST ? ExitCode::kCantCreate
                                      : ExitCode::kIoError;
    throw Error(code, "cannot create " + path_ + ": " + std::strerror(errno));
  }
  buffer_.reserve(kBufferBytes);
}

NewFile::~NewFile() {
  if (fd_ >= 0) {  // not closed: an error on the way; leave no partial file
    ::close(fd_);
    unlink(path_.c_str());
  }
}

void NewFile::fail(const char* what, int err) {
  ::close(fd_);
  fd_ = -1;
  unlink(path_.c_str());
  throw Error(ExitCode::kIoError, std::string("cannot ") + what + " " + path_ + ": " + std::strerror(err));
}

void NewFile::write_through(std::string_view bytes) {
  if (checksum_) XXH3_64bits_update(&checksum_->state, bytes.data(), bytes.size());
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write", errno);
    done += static_cast<std::size_t>(n);
  }
}

void NewFile::flush() {
  write_through(buffer_);
  buffer_.clear();
}

void NewFile::close() {
  flush();
  if (checksum_) {
    char trailer[16] = {'d', 'f', 'c', 'k', 's', 'u', 'm', '1'};
    const std::uint64_t sum = XXH3_64bits_digest(&checksum_->state);
    std::memcpy(trailer + 8, &sum, 8);
    checksum_.reset();
    write_through({trailer, sizeof trailer});
  }
  // Durable before the job commit publishes it (the committer syncs the directories).
  if (fsync(fd_) != 0 && errno != EINVAL) fail("sync", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    const int err = errno;
    unlink(path_.c_str());
    throw Error(ExitCode::kIoError, "cannot close " + path_ + ": " + std::strerror(err));
  }
}

void write_new_file(const std::string& path, std::string_view bytes) {
  NewFile f(path);
  f.write_through(bytes);
  f.close();
}

}  // namespace dataflow::detail
