// UniqueFd: a file descriptor closed on every way out of its scope.
#pragma once

#include <unistd.h>

#include <utility>

namespace dataflow::common {

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  // Gives the descriptor up (to close it and see close's error).
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace dataflow::common
