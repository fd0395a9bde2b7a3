// Output commit protocol for text output directories.
#include "result/output_committer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "dataflow/error.hpp"

namespace dataflow::result {
namespace {

std::string part_name(std::uint32_t partition) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-%05u", partition);
  return buf;
}

[[noreturn]] void fail(ExitCode code, const std::string& what, const std::string& path, int err) {
  throw Error(code, what + " " + path + ": " + std::strerror(err));
}

// Creates the missing parents of `dir`, as Spark does (they stay when the job fails).
void make_parents(const std::string& dir) {
  for (auto slash = dir.find('/', 1); slash != std::string::npos; slash = dir.find('/', slash + 1)) {
    const std::string parent = dir.substr(0, slash);
    if (mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
      fail(errno == EACCES ? ExitCode::kNoPermission : ExitCode::kCantCreate, "cannot create directory", parent, errno);
    }
  }
}

}  // namespace

void OutputCommitter::setup() {
  struct stat st {};
  if (lstat(dir_.c_str(), &st) == 0) {
    throw Error(ExitCode::kCantCreate, "Output directory " + dir_ + " already exists");
  }
  make_parents(dir_);
  if (mkdir(dir_.c_str(), 0755) != 0) {
    fail(errno == EACCES ? ExitCode::kNoPermission : ExitCode::kCantCreate, "cannot create output directory", dir_,
         errno);
  }
  created_ = true;
  const std::string tmp = dir_ + "/_temporary";
  if (mkdir(tmp.c_str(), 0700) != 0) fail(ExitCode::kIoError, "cannot create", tmp, errno);
}

std::string OutputCommitter::attempt_file(std::uint32_t partition, std::uint32_t attempt) const {
  return dir_ + "/_temporary/" + part_name(partition) + ".attempt-" + std::to_string(attempt);
}

void OutputCommitter::commit_task(std::uint32_t partition, std::uint32_t attempt) {
  winners_.emplace(partition, attempt);
}

void OutputCommitter::commit_job() {
  for (const auto& [partition, attempt] : winners_) {
    const std::string from = attempt_file(partition, attempt);
    const std::string to = dir_ + "/" + part_name(partition);
    if (std::rename(from.c_str(), to.c_str()) != 0) fail(ExitCode::kIoError, "cannot commit", to, errno);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_ + "/_temporary", ec);
  if (ec) throw Error(ExitCode::kIoError, "cannot remove " + dir_ + "/_temporary: " + ec.message());
  const std::string success = dir_ + "/_SUCCESS";
  int fd = open(success.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 || close(fd) != 0) fail(ExitCode::kIoError, "cannot create", success, errno);
  created_ = false;  // committed: abort() must not remove it any more
}

void OutputCommitter::abort() noexcept {
  if (!created_) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  created_ = false;
}

}  // namespace dataflow::result
