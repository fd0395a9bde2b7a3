// read_whole_file and read_checkpoint_part: the files checkpoint() wrote, read back by
// their tasks.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "dataflow/detail/task_context.hpp"
#include "dataflow/error.hpp"
#include "storage/corruption_fault.hpp"

namespace dataflow::detail {
namespace {

// DATAFLOW_FAULT=flip-checkpoint: a bit of the part's middle byte changes on disk.
void flip_middle_byte(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return;
  const off_t at = lseek(fd, 0, SEEK_END) / 2;
  char byte = 0;
  if (pread(fd, &byte, 1, at) == 1) {
    byte = static_cast<char>(byte ^ 0x20);
    if (pwrite(fd, &byte, 1, at) == 1)
      std::fprintf(stderr, "dataflow: fault injection: flipped a bit of %s\n", path.c_str());
  }
  ::close(fd);
}

}  // namespace

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

std::string read_checkpoint_part(const std::string& path, const std::string& hint) {
  if (take_flip(Flip::kCheckpoint)) flip_middle_byte(path);
  std::string bytes = read_whole_file(path, hint);
  constexpr std::size_t kTrailer = 16;
  std::uint64_t want = 0;
  if (bytes.size() >= kTrailer) std::memcpy(&want, bytes.data() + bytes.size() - 8, 8);
  if (bytes.size() < kTrailer || bytes.compare(bytes.size() - kTrailer, 8, "dfcksum1") != 0 ||
      XXH3_64bits(bytes.data(), bytes.size() - kTrailer) != want) {
    throw Error(ExitCode::kIoError, "checkpoint part " + path +
                                        " is corrupt: its bytes do not match the checksum written with them (the "
                                        "disk, the file system or the memory changed them); the checkpoint "
                                        "cannot be read back");
  }
  bytes.resize(bytes.size() - kTrailer);
  return bytes;
}

}  // namespace dataflow::detail
