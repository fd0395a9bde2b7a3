// Input path expansion with Hadoop's messages ("Input path does not exist", "Input pattern
// ... matches 0 files") and Spark's hidden-file rule.
#include "io/input_paths.hpp"

#include <dirent.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "dataflow/error.hpp"

namespace dataflow::io {
namespace {

bool hidden(const std::string& path) {
  auto slash = path.find_last_of('/');
  const char c = path[slash == std::string::npos ? 0 : slash + 1];
  return c == '_' || c == '.';
}

bool has_glob(const std::string& p) { return p.find_first_of("*?[") != std::string::npos; }

[[noreturn]] void stat_error(const std::string& path, int err) {
  if (err == ENOENT || err == ENOTDIR) throw Error(ExitCode::kNoInput, "Input path does not exist: " + path);
  if (err == EACCES) throw Error(ExitCode::kNoPermission, "Permission denied: " + path);
  throw Error(ExitCode::kNoInput, "Cannot read input path " + path + ": " + std::strerror(err));
}

void add_file(const std::string& path, const struct stat& st, std::vector<InputFile>& out) {
  if (!S_ISREG(st.st_mode)) throw Error(ExitCode::kNoInput, "Input path is not a regular file or directory: " + path);
  if (access(path.c_str(), R_OK) != 0) throw Error(ExitCode::kNoPermission, "Permission denied: " + path);
  out.push_back({path, identity_of(st)});
}

void add_directory(const std::string& dir, std::vector<InputFile>& out) {
  DIR* d = opendir(dir.c_str());
  if (!d) stat_error(dir, errno);
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.empty() || name[0] == '_' || name[0] == '.') continue;
    names.push_back(std::move(name));
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    std::string path = dir + (dir.back() == '/' ? "" : "/") + name;
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) stat_error(path, errno);
    if (S_ISDIR(st.st_mode)) continue;  // not recursive, as Spark's text_file
    add_file(path, st, out);
  }
}

void add_path(const std::string& path, std::vector<InputFile>& out) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) stat_error(path, errno);
  if (S_ISDIR(st.st_mode)) {
    add_directory(path, out);
  } else {
    add_file(path, st, out);
  }
}

void add_glob(const std::string& pattern, std::vector<InputFile>& out) {
  glob_t g{};
  int rc = glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g);
  std::vector<std::string> matches;
  if (rc == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) {
      std::string m = g.gl_pathv[i];
      if (!hidden(m)) matches.push_back(std::move(m));
    }
  }
  globfree(&g);
  if (rc != 0 && rc != GLOB_NOMATCH) throw Error(ExitCode::kNoInput, "Cannot expand input pattern " + pattern);
  if (matches.empty()) throw Error(ExitCode::kNoInput, "Input pattern " + pattern + " matches 0 files");
  std::sort(matches.begin(), matches.end());
  for (const auto& m : matches) add_path(m, out);
}

}  // namespace

detail::FileIdentity identity_of(const struct stat& st) {
  detail::FileIdentity id;
  id.size = static_cast<std::uint64_t>(st.st_size);
  id.device = static_cast<std::uint64_t>(st.st_dev);
  id.inode = static_cast<std::uint64_t>(st.st_ino);
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return id;
}

std::vector<InputFile> expand_inputs(const std::vector<std::string>& patterns) {
  if (patterns.empty()) throw Error(ExitCode::kNoInput, "No input paths given");
  std::vector<InputFile> out;
  for (const auto& p : patterns) {
    if (p.empty()) throw Error(ExitCode::kNoInput, "Input path does not exist: (empty path)");
    struct stat st {};
    if (has_glob(p) && stat(p.c_str(), &st) != 0) {
      add_glob(p, out);
    } else {
      add_path(p, out);
    }
  }
  return out;
}

}  // namespace dataflow::io
