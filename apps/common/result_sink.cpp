// The driver's result sink: mpirun's own standard output where it can be had, checked writes.
#include "result_sink.hpp"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "dataflow/error.hpp"

namespace app {

// Under Open MPI's mpirun, rank 0's standard output is a pty (or a pipe) that mpirun copies to
// its own, and mpirun 4.1 ignores a failed write there (exit 0 with a truncated result). So the
// driver writes the result through mpirun's own descriptor, taken with pidfd_getfd (Linux 5.6):
// the same open file and offset, as if mpirun wrote it, and its errors are ours to see. Not when
// mpirun was asked to transform its output (tags, timestamps, files, XML), nor where mpirun is
// not our parent (a rank on another node) or the kernel refuses: then the pty, as before.
int launcher_stdout() {
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_getfd)
  if (!std::getenv("OMPI_COMM_WORLD_SIZE")) return -1;
  struct stat st {};
  if (fstat(STDOUT_FILENO, &st) != 0 || !(S_ISFIFO(st.st_mode) || isatty(STDOUT_FILENO))) return -1;
  const pid_t parent = getppid();
  const std::string proc = "/proc/" + std::to_string(parent);
  std::string name;
  std::getline(std::ifstream(proc + "/comm"), name);
  if (name != "mpirun" && name != "mpiexec" && name != "orterun") return -1;
  std::ifstream cmdline(proc + "/cmdline", std::ios::binary);
  for (std::string arg; std::getline(cmdline, arg, '\0');) {
    if (arg.find("output") != std::string::npos || arg.find("xml") != std::string::npos) return -1;
  }
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, parent, 0));
  if (pidfd < 0) return -1;
  int fd = -1;
  // Still our parent (not a reused pid); the new descriptor is close-on-exec.
  if (getppid() == parent) fd = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, STDOUT_FILENO, 0));
  close(pidfd);
  return fd;
#else
  return -1;
#endif
}

// The driver's end of the result: the first error of a write, or of closing the descriptor
// (close(2) reports what an NFS server refused at write-back; for standard output, a
// duplicate is closed). Returns the exit code after printing the one error line.
int finish_result(const FdStreambuf& buf, const std::ostream& out, int fd, const char* program) {
  int err = buf.error();
  if (err == 0 && !out) err = EIO;
  const int closing = fd == STDOUT_FILENO ? dup(STDOUT_FILENO) : fd;
  if (closing >= 0 && close(closing) != 0 && err == 0) err = errno;
  if (err == 0) return 0;
  std::fprintf(stderr, "%s: error: cannot write to standard output: %s\n", program, std::strerror(err));
  return static_cast<int>(dataflow::ExitCode::kIoError);
}

}  // namespace app
