// write_new_file: create-exclusive, no symlink following, every write, fsync and close checked.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "dataflow/detail/task_context.hpp"
#include "dataflow/error.hpp"

namespace dataflow::detail {

void write_new_file(const std::string& path, std::string_view bytes) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    ExitCode code = errno == EACCES   ? ExitCode::kNoPermission
                    : errno == EEXIST ? ExitCode::kCantCreate
                                      : ExitCode::kIoError;
    throw Error(code, "cannot create " + path + ": " + std::strerror(errno));
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      unlink(path.c_str());
      throw Error(ExitCode::kIoError, "cannot write " + path + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  // Durable before the job commit publishes it (the committer syncs the directories).
  if (fsync(fd) != 0 && errno != EINVAL) {
    int err = errno;
    close(fd);
    unlink(path.c_str());
    throw Error(ExitCode::kIoError, "cannot sync " + path + ": " + std::strerror(err));
  }
  if (close(fd) != 0) {
    int err = errno;
    unlink(path.c_str());
    throw Error(ExitCode::kIoError, "cannot close " + path + ": " + std::strerror(err));
  }
}

}  // namespace dataflow::detail
