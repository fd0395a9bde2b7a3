// ResumeState (resume_state.hpp).
#include "driver/resume_state.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "dataflow/detail/hash.hpp"
#include "dataflow/error.hpp"
#include "io/input_paths.hpp"

namespace dataflow::driver {
namespace {

void put(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put(std::string& out, const std::string& s) {
  put(out, s.size());
  out += s;
}

// The executable's identity: a rebuilt program is another program.
std::string executable_identity() {
  struct stat st {};
  if (stat("/proc/self/exe", &st) != 0) return {};
  std::string out;
  put(out, static_cast<std::uint64_t>(st.st_size));
  put(out, static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ull + st.st_mtim.tv_nsec);
  return out;
}

// Writes `text` to `path` durably: a temporary name, fsync, rename, fsync of the directory.
void write_durably(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(ExitCode::kIoError, "cannot create " + temp + ": " + std::strerror(errno));
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  const int err = errno;
  close(fd);
  if (!ok || rename(temp.c_str(), path.c_str()) != 0) {
    unlink(temp.c_str());
    throw Error(ExitCode::kIoError, "cannot write " + path + ": " + std::strerror(ok ? errno : err));
  }
  const std::string parent = std::filesystem::path(path).parent_path().string();
  if (const int d = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
    fsync(d);
    close(d);
  }
}

}  // namespace

ResumeState::ResumeState(std::string dir, const std::vector<std::string>& command_line, std::string program)
    : dir_(std::move(dir)), program_(std::move(program)) {
  std::string canon = executable_identity();
  for (const std::string& arg : command_line) put(canon, arg);
  command_hash_ = XXH3_64bits(canon.data(), canon.size());
}

void ResumeState::open() {
  if (open_) return;
  if (mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST) {
    throw Error(ExitCode::kConfig, "--resume-dir " + dir_ + ": cannot make it: " + std::strerror(errno));
  }
  struct stat st {};
  if (stat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || access(dir_.c_str(), W_OK | X_OK) != 0) {
    throw Error(ExitCode::kConfig, "--resume-dir " + dir_ + " is not a directory this user can write");
  }
  open_ = true;
}

std::optional<std::string> ResumeState::key(const dag::Graph& graph, int node) {
  std::string canon;
  put(canon, command_hash_);
  put(canon, graph.fingerprint(node));
  for (int n : graph.lineage(node)) {
    const auto& spec = graph.node(n);
    if (!detail::is_source(spec.kind) || spec.paths.empty()) continue;
    auto it = inputs_.find(n);
    if (it == inputs_.end()) {
      std::string files;
      try {
        for (const io::InputFile& f : io::expand_inputs(spec.paths)) {
          put(files, f.path);
          put(files, f.identity.size);
          put(files, static_cast<std::uint64_t>(f.identity.mtime_ns));
        }
      } catch (const Error&) {
        return std::nullopt;  // not there (yet): nothing stored can stand for it
      }
      it = inputs_.emplace(n, XXH3_64bits(files.data(), files.size())).first;
    }
    put(canon, it->second);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(XXH3_64bits(canon.data(), canon.size())));
  return std::string(hex);
}

std::optional<std::uint32_t> ResumeState::stored(const dag::Graph& graph, int node) {
  const auto k = key(graph, node);
  if (!k) return std::nullopt;
  std::ifstream in(node_dir(*k) + "/_COMPLETE");
  std::string word;
  std::uint32_t partitions = 0;
  if (!(in >> word >> partitions) || word != "partitions") return std::nullopt;
  return partitions;
}

std::string ResumeState::begin_store(const dag::Graph& graph, int node) {
  if (!storing_) return {};
  const auto k = key(graph, node);
  if (!k) return {};
  const std::string path = node_dir(*k);
  if (std::filesystem::exists(path + "/_COMPLETE")) return {};
  std::error_code ec;
  std::filesystem::remove_all(path, ec);  // what an interrupted store left
  std::filesystem::create_directory(path, ec);
  if (ec) {
    stop_storing("cannot make " + path + ": " + ec.message());
    return {};
  }
  return path;
}

void ResumeState::commit_store(const dag::Graph& graph, int node, std::uint32_t partitions, std::uint64_t bytes) {
  const auto k = key(graph, node);
  if (!k) return;
  try {
    // The node names the shuffle for a person reading the directory (and for the tests).
    write_durably(node_dir(*k) + "/_COMPLETE", "partitions " + std::to_string(partitions) + "\nnode " +
                                                   std::to_string(node) + " " + graph.node(node).label + "\n");
  } catch (const Error& e) {
    stop_storing(e.what());
    return;
  }
  ++stored_;
  bytes_written_ += bytes;
}

void ResumeState::discard(const dag::Graph& graph, int node, const std::string& why) {
  std::fprintf(stderr, "%s: warning: --resume-dir: %s; computing that shuffle again\n", program_.c_str(), why.c_str());
  std::fflush(stderr);
  if (const auto k = key(graph, node)) {
    std::error_code ec;
    std::filesystem::remove_all(node_dir(*k), ec);
  }
}

void ResumeState::stop_storing(const std::string& why) {
  if (!storing_) return;
  storing_ = false;
  std::fprintf(stderr,
               "%s: warning: --resume-dir: %s; nothing more is stored in this run (a rerun resumes from what was "
               "stored before)\n",
               program_.c_str(), why.c_str());
  std::fflush(stderr);
}

void ResumeState::remove_all() {
  if (!open_) return;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.path().filename().string().rfind("shuffle-", 0) == 0) std::filesystem::remove_all(entry.path(), ec);
  }
  rmdir(dir_.c_str());  // only when empty: the user's other files stay
}

}  // namespace dataflow::driver
