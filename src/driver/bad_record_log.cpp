// Bad records, driver side.
#include "driver/bad_record_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "dataflow/detail/codec.hpp"
#include "dataflow/detail/hash.hpp"
#include "dataflow/error.hpp"
#include "io/bad_records.hpp"

namespace dataflow::driver {
namespace {

// The error as one field of a tab-separated line.
std::string one_field(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

BadRecordLog::~BadRecordLog() {
  if (fd_ >= 0) close(fd_);
}

detail::AccumulatorHooks BadRecordLog::hooks() {
  detail::AccumulatorHooks h;
  h.name = "bad records";
  h.apply = [this](std::string_view delta) {
    const io::BadRecordsDelta d = io::decode_bad_records(delta);
    std::lock_guard<std::mutex> lock(mu_);
    count_ += d.count;
  };
  h.show = [this] { return std::to_string(count()); };
  return h;
}

void BadRecordLog::prepare(const Config& config) {
  if (config.bad_records != BadRecordsMode::kWrite || config.bad_records_path == path_) return;
  const std::string& path = config.bad_records_path;
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) {
      throw Error(ExitCode::kCantCreate,
                  "--bad-records: " + path + " already exists (each run writes its bad records to a new file)");
    }
    throw Error(err == EACCES ? ExitCode::kNoPermission : ExitCode::kIoError,
                "--bad-records: cannot create " + path + ": " + std::strerror(err));
  }
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
  path_ = path;
}

std::string BadRecordLog::admit(std::string_view updates) {
  std::string out, lines;
  detail::ByteWriter w(out);
  detail::ByteReader r(updates);
  while (r.remaining() > 0) {
    const std::uint64_t id = r.get_varint();
    const std::string_view delta = r.get_bytes();
    w.put_varint(id);
    if (id != io::kBadRecordsAccumulator) {
      w.put_bytes(delta);
      continue;
    }
    io::BadRecordsDelta fresh;
    for (io::BadRecord& b : io::decode_bad_records(delta).records) {
      const std::uint64_t key = detail::mix64(detail::hash_bytes(b.path) ^ detail::mix64(b.offset));
      if (!seen_.insert(key).second) continue;  // read again by a later job, or twice in one
      ++fresh.count;
      const std::string origin = io::record_origin(b.path, b.offset);
      if (first_.empty()) first_ = origin + ": " + b.error;
      if (fd_ >= 0) lines += origin + '\t' + one_field(std::move(b.error)) + '\t' + b.line + '\n';
    }
    w.put_bytes(io::encode_bad_records(fresh));
  }
  if (!lines.empty()) append(lines);
  return out;
}

void BadRecordLog::append(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(ExitCode::kIoError, "--bad-records: cannot write " + path_ + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

std::uint64_t BadRecordLog::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

void BadRecordLog::warn(const std::string& program) const {
  const std::uint64_t n = count();
  if (n == 0) return;
  std::fprintf(stderr, "%s: warning: skipped %llu bad record%s (--bad-records %s); the first: %s\n", program.c_str(),
               static_cast<unsigned long long>(n), n == 1 ? "" : "s", path_.empty() ? "skip" : path_.c_str(),
               first_.c_str());
  std::fflush(stderr);
}

}  // namespace dataflow::driver
