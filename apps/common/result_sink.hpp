// Where an app's driver writes its result: a file descriptor whose every write error is
// kept, so that a full disk ends in exit code 74, never in a truncated result and exit 0.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <ostream>
#include <streambuf>

namespace app {

// The result stream of an app's driver: writes straight to a file descriptor and keeps the first
// error, so that a full disk (or /dev/full) ends in exit 74, never in a truncated result and 0.
class FdStreambuf final : public std::streambuf {
 public:
  explicit FdStreambuf(int fd) : fd_(fd) {}
  int error() const { return error_; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override { return put(s, n) ? n : 0; }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return put(&ch, 1) ? c : traits_type::eof();
  }

 private:
  bool put(const char* s, std::streamsize n) {
    while (n > 0 && error_ == 0) {
      const ssize_t done = ::write(fd_, s, static_cast<std::size_t>(n));
      if (done < 0 && errno == EINTR) continue;
      if (done <= 0) {
        error_ = done < 0 ? errno : EIO;
        break;
      }
      s += done;
      n -= done;
    }
    return error_ == 0;
  }

  int fd_;
  int error_ = 0;
};

// Under mpirun, a duplicate of mpirun's own standard output (see result_sink.cpp), or -1.
int launcher_stdout();

// Closes the driver's end of the result and prints the one error line if any write, or the
// close, failed. Returns the exit code: 0, or 74.
int finish_result(const FdStreambuf& buf, const std::ostream& out, int fd, const char* program);

}  // namespace app
