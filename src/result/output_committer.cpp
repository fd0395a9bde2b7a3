// Output commit protocol for text output directories: a private directory beside DIR,
// published with one rename; the private directories of dead jobs are removed.
#include "result/output_committer.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/signals.hpp"
#include "dataflow/error.hpp"

namespace dataflow::result {
namespace {

// This process's private directories, for the signal watcher (common/signals.hpp): a
// process that a signal cannot stop in time removes them before it ends. A directory leaves
// the list before its job publishes it, so the watcher never removes what is being renamed.
std::mutex g_temporaries_mu;
std::set<std::string> g_temporaries;

void remove_temporaries_now() {
  std::lock_guard<std::mutex> lock(g_temporaries_mu);
  for (const std::string& path : g_temporaries) {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  g_temporaries.clear();
}

constexpr const char* kTmpTag = ".dataflow-tmp-";
constexpr std::size_t kTmpSuffix = 6;  // mkdtemp's XXXXXX

}  // namespace

void track_temporary(const std::string& path) {
  common::add_signal_cleanup(remove_temporaries_now);
  std::lock_guard<std::mutex> lock(g_temporaries_mu);
  g_temporaries.insert(path);
}

void untrack_temporary(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_temporaries_mu);
  g_temporaries.erase(path);
}

namespace {

std::string part_name(std::uint32_t partition) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-%05u", partition);
  return buf;
}

[[noreturn]] void fail(ExitCode code, const std::string& what, const std::string& path, int err) {
  throw Error(code, what + " " + path + ": " + std::strerror(err));
}

ExitCode create_error(int err) {
  if (err == EACCES || err == EPERM) return ExitCode::kNoPermission;
  if (err == ENOSPC || err == EDQUOT || err == EIO) return ExitCode::kIoError;
  return ExitCode::kCantCreate;
}

// Creates the missing parents of `dir`, as Spark does (they stay when the job fails).
void make_parents(const std::string& dir) {
  for (auto slash = dir.find('/', 1); slash != std::string::npos; slash = dir.find('/', slash + 1)) {
    const std::string parent = dir.substr(0, slash);
    if (mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
      const int err = errno;
      fail(create_error(err), "cannot create directory", parent, err);
    }
  }
}

// fsync of a directory makes the names in it durable. EINVAL: the filesystem cannot sync
// directories (and promises nothing more by failing).
void sync_dir(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(ExitCode::kIoError, "cannot open", path, errno);
  if (fsync(fd) != 0 && errno != EINVAL) {
    const int err = errno;
    close(fd);
    fail(ExitCode::kIoError, "cannot sync", path, err);
  }
  close(fd);
}

void write_small_file(const std::string& path, const std::string& text, mode_t mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    const int err = errno;
    fail(create_error(err), "cannot create", path, err);
  }
  const ssize_t n = text.empty() ? 0 : write(fd, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size())) {
    const int err = n < 0 ? errno : ENOSPC;
    close(fd);
    fail(ExitCode::kIoError, "cannot write", path, err);
  }
  if (close(fd) != 0) fail(ExitCode::kIoError, "cannot close", path, errno);
}

// ---- who made a private directory, and whether that job is dead ----

// The state and start time (clock ticks since boot) of a process, from /proc/PID/stat.
struct ProcStat {
  char state = '?';
  unsigned long long start = 0;
};

// Returns 0, or the errno of opening /proc/PID/stat (ENOENT: no such process).
int read_proc_stat(long pid, ProcStat& out) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  std::FILE* f = std::fopen(path.c_str(), "re");
  if (!f) return errno;
  char buf[1024];
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  // "pid (comm) state ppid ... starttime(22) ...": comm may hold spaces and parentheses.
  const char* p = std::strrchr(buf, ')');
  if (!p) return EINVAL;
  std::istringstream fields(p + 1);
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 3) out.state = field.empty() ? '?' : field[0];
    if (i == 22) out.start = std::strtoull(field.c_str(), nullptr, 10);
  }
  return 0;
}

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// The pid namespace: two containers may share a host name and a filesystem, not pids.
std::string pid_namespace() {
  char buf[64] = {};
  const ssize_t n = readlink("/proc/self/ns/pid", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "-";
}

// The owner file: one line "uid=U host=H pid=P start=S pidns=N".
struct Owner {
  long uid = -1;
  std::string host;
  long pid = -1;
  unsigned long long start = 0;  // 0: unknown
  std::string pidns;
};

std::string owner_line() {
  ProcStat self;
  read_proc_stat(static_cast<long>(getpid()), self);
  return "uid=" + std::to_string(getuid()) + " host=" + host_name() + " pid=" + std::to_string(getpid()) +
         " start=" + std::to_string(self.start) + " pidns=" + pid_namespace() + "\n";
}

// Reads DIR/owner; false if it is missing, unreadable, not ours to trust or malformed.
bool read_owner(const std::string& tmp, Owner& owner, uid_t& file_uid) {
  const std::string path = tmp + "/owner";
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  char buf[512];
  ssize_t n = -1;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return false;
  file_uid = st.st_uid;
  std::istringstream in(std::string(buf, static_cast<std::size_t>(n)));
  for (std::string item; in >> item;) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) return false;
    const std::string key = item.substr(0, eq);
    const std::string value = item.substr(eq + 1);
    if (key == "uid") owner.uid = std::strtol(value.c_str(), nullptr, 10);
    if (key == "host") owner.host = value;
    if (key == "pid") owner.pid = std::strtol(value.c_str(), nullptr, 10);
    if (key == "start") owner.start = std::strtoull(value.c_str(), nullptr, 10);
    if (key == "pidns") owner.pidns = value;
  }
  return owner.uid >= 0 && owner.pid > 0 && !owner.host.empty();
}

// On this host and pid namespace: is the process that wrote `owner` gone? A pid that now
// belongs to a process started at another time was reused; a zombie has ended.
bool owner_is_dead(const Owner& owner) {
  ProcStat st;
  const int err = read_proc_stat(owner.pid, st);
  if (err == 0) return st.state == 'Z' || st.state == 'X' || (owner.start != 0 && st.start != owner.start);
  if (err == ENOENT) return true;
  return kill(static_cast<pid_t>(owner.pid), 0) != 0 && errno == ESRCH;  // no /proc
}

const char* program() { return program_invocation_short_name; }

// Removes the private directories for DIR (PARENT/.NAME.dataflow-tmp-XXXXXX) whose job is
// dead: same user, same host and pid namespace, process gone. Never another user's or a live
// job's; one from another host cannot be judged and is left with a note. Never throws.
void remove_dead_leftovers(const std::string& parent, const std::string& name) {
  DIR* d = opendir(parent.c_str());
  if (!d) return;
  const std::string prefix = "." + name + kTmpTag;
  std::vector<std::string> found;
  while (const dirent* e = readdir(d)) {
    const std::string entry = e->d_name;
    if (entry.size() == prefix.size() + kTmpSuffix && entry.compare(0, prefix.size(), prefix) == 0) {
      found.push_back(entry);
    }
  }
  closedir(d);
  const std::string me = host_name();
  const std::string my_ns = pid_namespace();
  for (const std::string& entry : found) {
    const std::string path = parent == "." ? entry : parent + (parent.back() == '/' ? "" : "/") + entry;
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid()) continue;
    Owner owner;
    uid_t file_uid = 0;
    // No owner yet: a job is starting this very moment (the file follows mkdtemp at once).
    if (!read_owner(path, owner, file_uid)) continue;
    if (file_uid != getuid() || owner.uid != static_cast<long>(getuid())) continue;
    const std::string who = "pid " + std::to_string(owner.pid) + " on " + owner.host;
    if (owner.host != me || owner.pidns != my_ns) {
      std::fprintf(stderr,
                   "%s: note: left the temporary output of a job on another host, which may still be running: "
                   "%s (%s); remove it once that job has ended\n",
                   program(), path.c_str(), who.c_str());
      continue;
    }
    if (!owner_is_dead(owner)) continue;
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) {
      std::fprintf(stderr, "%s: note: cannot remove the temporary output of a dead job: %s (%s): %s\n", program(),
                   path.c_str(), who.c_str(), ec.message().c_str());
    } else {
      std::fprintf(stderr, "%s: removed the temporary output of a dead job: %s (%s)\n", program(), path.c_str(),
                   who.c_str());
    }
  }
  std::fflush(stderr);
}

}  // namespace

OutputCommitter::OutputCommitter(std::string dir, bool private_files) : dir_(std::move(dir)), private_(private_files) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  const auto slash = dir_.rfind('/');
  if (slash == std::string::npos) {
    parent_ = ".";
    name_ = dir_;
  } else {
    parent_ = slash == 0 ? "/" : dir_.substr(0, slash);
    name_ = dir_.substr(slash + 1);
  }
}

void OutputCommitter::setup() {
  struct stat st {};
  if (lstat(dir_.c_str(), &st) == 0 || name_.empty() || name_ == "." || name_ == "..") {
    throw Error(ExitCode::kCantCreate, "Output directory " + dir_ + " already exists");
  }
  make_parents(dir_);
  remove_dead_leftovers(parent_, name_);
  const std::string base = parent_ == "." && dir_.find('/') == std::string::npos ? "" : parent_;
  std::string pattern =
      base + (base.empty() || base.back() == '/' ? "" : "/") + "." + name_ + kTmpTag + std::string(kTmpSuffix, 'X');
  if (!mkdtemp(pattern.data())) {  // 0700, a name no one can plant a link at in advance
    const int err = errno;
    throw Error(create_error(err),
                "cannot create output directory " + dir_ + ": cannot create " + pattern + ": " + std::strerror(err));
  }
  tmp_ = pattern;
  track_temporary(tmp_);
  try {
    write_small_file(tmp_ + "/owner", owner_line(), 0644);
    for (const auto& [path, mode] :
         {std::pair{output(), private_ ? 0700 : 0755}, std::pair{output() + "/_temporary", 0700}}) {
      if (mkdir(path.c_str(), static_cast<mode_t>(mode)) != 0) {
        const int err = errno;
        fail(create_error(err), "cannot create", path, err);
      }
    }
  } catch (...) {
    abort();
    throw;
  }
}

std::string OutputCommitter::attempt_file(std::uint32_t partition, std::uint32_t attempt) const {
  return output() + "/_temporary/" + part_name(partition) + ".attempt-" + std::to_string(attempt);
}

void OutputCommitter::commit_task(std::uint32_t partition, std::uint32_t attempt) {
  winners_.emplace(partition, attempt);
}

void OutputCommitter::commit_job() {
  const std::string out = output();
  for (const auto& [partition, attempt] : winners_) {
    const std::string from = attempt_file(partition, attempt);
    const std::string to = out + "/" + part_name(partition);
    if (std::rename(from.c_str(), to.c_str()) != 0) fail(ExitCode::kIoError, "cannot commit", to, errno);
  }
  std::error_code ec;
  std::filesystem::remove_all(out + "/_temporary", ec);
  if (ec) throw Error(ExitCode::kIoError, "cannot remove " + out + "/_temporary: " + ec.message());
  write_small_file(out + "/_SUCCESS", "", private_ ? 0600 : 0644);
  sync_dir(out);  // the names of the parts and _SUCCESS (the tasks synced their contents)
  untrack_temporary(tmp_);  // from here on, the signal watcher leaves it alone
  // The one step that makes DIR appear: never over a DIR that another job published meanwhile.
  int rc = renameat2(AT_FDCWD, out.c_str(), AT_FDCWD, dir_.c_str(), RENAME_NOREPLACE);
  if (rc != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) {
    rc = std::rename(out.c_str(), dir_.c_str());  // a filesystem without RENAME_NOREPLACE
  }
  if (rc != 0) {
    if (errno == EEXIST || errno == ENOTEMPTY) {
      throw Error(ExitCode::kCantCreate,
                  "Output directory " + dir_ + " already exists (it appeared while the job ran)");
    }
    fail(ExitCode::kIoError, "cannot publish", dir_, errno);
  }
  try {
    sync_dir(parent_);
  } catch (...) {
    std::rename(dir_.c_str(), out.c_str());  // not durable: take it back, abort() removes it
    throw;
  }
  // Published. What is left (the owner file) is not output; a failure to remove it only
  // leaves a dead job's directory that the next run removes.
  unlink((tmp_ + "/owner").c_str());
  rmdir(tmp_.c_str());
  tmp_.clear();
}

void OutputCommitter::abort() noexcept {
  if (tmp_.empty()) return;
  untrack_temporary(tmp_);
  std::error_code ec;
  std::filesystem::remove_all(tmp_, ec);
  tmp_.clear();
}

}  // namespace dataflow::result
