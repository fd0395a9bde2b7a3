// read_whole_file: the files checkpoint() wrote, read back by their tasks.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "dataflow/detail/task_context.hpp"
#include "dataflow/error.hpp"

namespace dataflow::detail {

std::string read_whole_file(const std::string& path, const std::string& hint) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? ExitCode::kNoInput : ExitCode::kIoError,
                "cannot open " + path + ": " + std::strerror(err) + (err == ENOENT ? "; " + hint : std::string()));
  }
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw Error(ExitCode::kIoError, "cannot read " + path + ": " + std::strerror(err));
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace dataflow::detail
