// LocalDir: the private spill directory, its files, and the removal of stale ones.
#include "storage/local_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "common/signals.hpp"
#include "dataflow/error.hpp"

namespace dataflow::detail {
namespace {

std::mutex g_mu;
std::vector<LocalDir*> g_dirs;  // of this process, for remove_local_dirs_now
char g_signal_path[4096];       // the first one's path, for a signal handler's rmdir

void remove_for_signal() {
  if (g_signal_path[0]) rmdir(g_signal_path);  // async-signal-safe; empty between jobs
}

std::string random_name() {
  unsigned char raw[12];
  std::size_t got = 0;
  while (got < sizeof raw) {
    const ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(ExitCode::kIoError, std::string("getrandom: ") + std::strerror(errno));
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name;
  for (unsigned char c : raw) {
    name += kHex[c >> 4];
    name += kHex[c & 15];
  }
  return name;
}

// Removes what directory `fd` holds, never following a link, to a depth of 8.
void remove_inside(int fd, int depth) {
  DIR* d = fdopendir(fd);
  if (!d) {
    close(fd);
    return;
  }
  while (dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    if (unlinkat(dirfd(d), e->d_name, 0) == 0 || errno != EISDIR || depth == 0) continue;
    const int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0) continue;
    remove_inside(sub, depth - 1);
    unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
  }
  closedir(d);
}

// Removes directory `path` and everything in it. A task thread may still be making a spill
// file while an exit path removes the directory: its entries are listed again until it goes.
void remove_tree(const std::string& path) {
  for (int round = 0; round < 4; ++round) {
    const int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    remove_inside(fd, 8);
    if (rmdir(path.c_str()) == 0 || errno != ENOTEMPTY) return;
  }
}

}  // namespace

std::string local_dir_prefix(LocalDirKind kind) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "host");
  for (char* c = host; *c; ++c) {
    if (*c == '/') *c = '_';
  }
  return std::string(kind == LocalDirKind::kSpill ? "dataflow-" : "dataflow-checkpoint-") + std::to_string(getuid()) +
         "." + host + ".";
}

std::string local_dir_base(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* t = std::getenv("TMPDIR"); t && *t) return t;
  return "/tmp";
}

int remove_stale_local_dirs(const std::string& base, LocalDirKind kind) {
  const std::string prefix = local_dir_prefix(kind);
  DIR* d = opendir(base.c_str());
  if (!d) return 0;
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    // <prefix><pid>.<random>
    const std::string rest = name.substr(prefix.size());
    const auto dot = rest.find('.');
    if (dot == std::string::npos || dot == 0) continue;
    char* end = nullptr;
    const long pid = std::strtol(rest.c_str(), &end, 10);
    if (end != rest.c_str() + dot || pid <= 0) continue;
    if (kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    struct stat st {};
    const std::string path = base + "/" + name;
    if (lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid()) continue;
    stale.push_back(path);
  }
  closedir(d);
  for (const auto& path : stale) remove_tree(path);
  return static_cast<int>(stale.size());
}

void check_local_dir_base(const std::string& base) {
  struct stat st {};
  if (stat(base.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || access(base.c_str(), W_OK | X_OK) != 0) {
    throw Error(ExitCode::kConfig, "local directory " + base +
                                       " (--local-dir, DATAFLOW_LOCAL_DIR, else $TMPDIR or /tmp) is not a "
                                       "directory this user can write");
  }
}

LocalDir::LocalDir(const std::string& base, LocalDirKind kind) {
  if (kind == LocalDirKind::kSpill) {
    check_local_dir_base(base);
  } else if (access(base.c_str(), W_OK | X_OK) != 0) {
    throw Error(ExitCode::kConfig, "checkpoint directory " + base +
                                       " (--checkpoint-dir, DATAFLOW_CHECKPOINT_DIR, else the local directory) is "
                                       "not a directory this user can write");
  }
  remove_stale_local_dirs(base, kind);
  std::string templ = base + "/" + local_dir_prefix(kind) + std::to_string(getpid()) + ".XXXXXX";
  // A signal may come while the directory is being made. Outside a job its handler removes
  // g_signal_path, so the first directory is made right there, with the hook set before;
  // inside a job the watcher removes g_dirs, which it reads under g_mu, held until the
  // directory is listed.
  common::add_signal_cleanup(remove_local_dirs_now);
  std::lock_guard<std::mutex> lock(g_mu);
  char* name = templ.data();
  const bool signal_path = kind == LocalDirKind::kSpill && !g_signal_path[0] && templ.size() < sizeof g_signal_path;
  if (signal_path) {
    common::set_exit_hook(remove_for_signal);
    std::memcpy(g_signal_path, templ.c_str(), templ.size() + 1);
    name = g_signal_path;
  }
  if (!mkdtemp(name)) {
    const int err = errno;
    if (signal_path) g_signal_path[0] = '\0';
    throw Error(ExitCode::kIoError, std::string("cannot make a ") +
                                        (kind == LocalDirKind::kSpill ? "spill" : "checkpoint") + " directory in " +
                                        base + ": " + std::strerror(err));
  }
  path_ = name;
  g_dirs.push_back(this);
}

LocalDir::~LocalDir() {
  remove();
  std::lock_guard<std::mutex> lock(g_mu);
  g_dirs.erase(std::remove(g_dirs.begin(), g_dirs.end(), this), g_dirs.end());
  if (path_ == g_signal_path) g_signal_path[0] = '\0';
}

int LocalDir::create_file(std::string& path) {
  for (int tries = 0;; ++tries) {
    path = path_ + "/spill-" + random_name();
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    if (errno == EEXIST && tries < 8) continue;
    throw Error(ExitCode::kIoError, "cannot create a spill file in " + path_ + ": " + std::strerror(errno));
  }
}

void LocalDir::remove() noexcept {
  if (!path_.empty()) remove_tree(path_);
}

void remove_local_dirs_now() noexcept {
  std::lock_guard<std::mutex> lock(g_mu);
  for (LocalDir* d : g_dirs) d->remove();
}

}  // namespace dataflow::detail
