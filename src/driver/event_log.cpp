// EventLog: the file, its name, and the application's events.
#include "driver/event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "dataflow/error.hpp"
#include "dataflow/version.hpp"

extern char** environ;

namespace dataflow::driver {

std::string application_id(std::string_view program, std::time_t now, long pid) {
  std::string id;
  if (const char* job = std::getenv("SLURM_JOB_ID"); job && *job) {
    const char* step = std::getenv("SLURM_STEP_ID");
    id = std::string("slurm") + job + "." + (step && *step ? step : "0") + "-";
  }
  id += program.empty() ? "dataflow" : program;
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  id += std::string("-") + stamp + "-" + std::to_string(pid);
  for (char& c : id) {
    const bool plain =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!plain) c = '_';
  }
  return id;
}

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

EventLog::EventLog(std::string dir, std::string app_id, std::string program, bool keep)
    : dir_(std::move(dir)), app_id_(std::move(app_id)), program_(std::move(program)), keep_(keep) {
  if (!dir_.empty()) {
    path_ = dir_ + "/" + app_id_ + ".jsonl";
    const std::string partial = path_ + ".inprogress";
    fd_ = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd_ < 0) {
      throw Error(ExitCode::kConfig, "event log directory " + dir_ +
                                         " (--event-log, DATAFLOW_EVENT_LOG): cannot create " + partial + ": " +
                                         std::strerror(errno));
    }
  }
  common::JsonWriter w;
  w.begin_object()
      .field("Event", "DataflowLogStart")
      .field("Format Version", 1)
      .field("Dataflow Version", DATAFLOW_VERSION)
      .end_object();
  write(w);
}

EventLog::~EventLog() {
  if (fd_ >= 0) ::close(fd_);
}

void EventLog::turn_off(const char* what, int err) {
  std::fprintf(stderr, "%s: warning: event log %s.inprogress: cannot %s: %s; the log stops here, the job goes on\n",
               program_.c_str(), path_.c_str(), what, std::strerror(err));
  std::fflush(stderr);
  ::close(fd_);
  fd_ = -1;
}

void EventLog::write(const common::JsonWriter& event) { write(std::string_view(event.str())); }

void EventLog::write(std::string_view line) {
  if (keep_) {
    kept_.append(line);
    kept_ += '\n';
  }
  if (fd_ < 0) return;
  std::string bytes;
  bytes.reserve(line.size() + 1);
  bytes.append(line);
  bytes += '\n';
  std::size_t done = 0;
  while (done < bytes.size()) {  // one write() per event unless the kernel cuts it
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return turn_off("write", n < 0 ? errno : ENOSPC);
    done += static_cast<std::size_t>(n);
  }
}

void EventLog::application_start(const std::vector<std::string>& argv, int ranks,
                                 const std::vector<ExecutorInfo>& executors, int executor_cores,
                                 std::uint64_t executor_memory) {
  common::JsonWriter w;
  w.begin_object()
      .field("Event", "DataflowApplicationStart")
      .field("App Name", program_)
      .field("App ID", app_id_)
      .field("Timestamp", epoch_ms());
  const char* user = std::getenv("USER");
  w.field("User", user ? user : "");
  w.key("Argv").begin_array();
  for (const std::string& a : argv) w.value(a);
  w.end_array();
  w.field("Ranks", ranks).key("Executors").begin_array();
  for (const ExecutorInfo& e : executors) {
    w.begin_object()
        .field("Executor ID", std::to_string(e.rank))
        .field("Host", e.host)
        .field("Total Cores", e.cores)
        .field("Executor Memory", executor_memory)
        .field("Pid", static_cast<std::int64_t>(e.pid))
        .end_object();
  }
  w.end_array()
      .field("Executor Cores", executor_cores)
      .field("Executor Memory", executor_memory)
      .field("Driver Pid", static_cast<std::int64_t>(getpid()));
  w.key("Settings").begin_object();
  for (char** e = environ; e && *e; ++e) {
    const std::string_view kv(*e);
    const auto eq = kv.find('=');
    if (kv.rfind("DATAFLOW_", 0) == 0 && eq != std::string_view::npos) w.field(kv.substr(0, eq), kv.substr(eq + 1));
  }
  w.end_object().end_object();
  write(w);
}

void EventLog::finish(int exit_code) {
  if (finished_) return;
  finished_ = true;
  common::JsonWriter w;
  w.begin_object()
      .field("Event", "DataflowApplicationEnd")
      .field("Timestamp", epoch_ms())
      .field("ExitCode", exit_code)
      .end_object();
  write(w);
  if (fd_ < 0) return;  // turned off: its .inprogress name says it is incomplete
  if (::fsync(fd_) != 0 && errno != EINVAL) return turn_off("sync", errno);
  ::close(fd_);
  fd_ = -1;
  const std::string partial = path_ + ".inprogress";
  if (std::rename(partial.c_str(), path_.c_str()) != 0) {
    std::fprintf(stderr, "%s: warning: cannot rename event log %s to %s: %s\n", program_.c_str(), partial.c_str(),
                 path_.c_str(), std::strerror(errno));
  }
}

}  // namespace dataflow::driver
