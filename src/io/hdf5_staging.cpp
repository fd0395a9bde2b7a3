// StagingFile: a save_as_hdf5 task's partition, in the executor's local directory.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "dataflow/detail/hdf5_types.hpp"
#include "dataflow/error.hpp"
#include "storage/local_dir.hpp"

namespace dataflow::detail::h5 {

StagingFile::StagingFile(LocalDir* dir, int rank) : rank_(rank) {
  if (dir == nullptr) throw Error(ExitCode::kSoftware, "save_as_hdf5: this process has no local directory");
  fd_ = dir->create_file(path_);
  buffer_.reserve(kBufferBytes);
}

StagingFile::~StagingFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    unlink(path_.c_str());
  }
}

void StagingFile::flush() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw Error(ExitCode::kIoError, "cannot write the staged partition " + path_ + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  bytes_ += buffer_.size();
  buffer_.clear();
}

Staged StagingFile::finish(std::uint64_t rows, std::uint64_t columns) {
  flush();
  if (::close(std::exchange(fd_, -1)) != 0) {
    const int err = errno;
    unlink(path_.c_str());
    throw Error(ExitCode::kIoError, "cannot close the staged partition " + path_ + ": " + std::strerror(err));
  }
  return {rank_, rows, columns, bytes_, path_};
}

}  // namespace dataflow::detail::h5
