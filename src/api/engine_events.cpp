// Engine: the event log and the report (--event-log, --report), opened collectively at the
// program's start and closed at its end, and what the engine adds to them.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "api/engine.hpp"
#include "dataflow/error.hpp"
#include "driver/event_log.hpp"
#include "io/bad_records.hpp"
#include "report/report.hpp"

namespace dataflow::detail {
namespace {

bool writable_directory(const std::string& dir) {
  struct stat st {};
  return stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && access(dir.c_str(), W_OK | X_OK) == 0;
}

// "RANK HOST CORES PID" of this rank, for the event log's list of executors.
std::string executor_line(int rank, int cores) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "?");
  return std::to_string(rank) + ' ' + host + ' ' + std::to_string(cores) + ' ' + std::to_string(getpid());
}

std::vector<driver::ExecutorInfo> executor_infos(const std::vector<std::string>& lines, bool local) {
  std::vector<driver::ExecutorInfo> out;
  for (const std::string& line : lines) {
    driver::ExecutorInfo e;
    char host[256] = {};
    if (std::sscanf(line.c_str(), "%d %255s %d %ld", &e.rank, host, &e.cores, &e.pid) != 4) continue;
    e.host = host;
    if (e.rank > 0 || local) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

void Engine::start_event_log(const std::vector<std::string>& argv) {
  if (events_started_) return;
  events_started_ = true;
  std::string error;
  int error_code = 0;
  const bool on = !config_.event_log.empty() || !config_.report.empty();
  // Collective: the driver lists every rank's host (only when the driver logs).
  std::vector<std::string> lines;
  if (on) lines = world_.gather_lines(executor_line(world_.rank(), executor_cores()));
  if (world_.rank() == 0 && on) {
    try {
      const std::string& dir = config_.event_log;
      if (!dir.empty() && !writable_directory(dir)) {
        throw Error(ExitCode::kConfig, "event log directory " + dir +
                                           " (--event-log, DATAFLOW_EVENT_LOG) is not a directory this user can write");
      }
      const std::string& report = config_.report;
      const std::string report_dir =
          report.find('/') == std::string::npos ? "." : report.substr(0, report.rfind('/') + 1);
      if (!report.empty() && !writable_directory(report_dir)) {
        throw Error(ExitCode::kCantCreate, "report " + report + " (--report, DATAFLOW_REPORT): its directory " +
                                               report_dir + " is not a directory this user can write");
      }
      events_ = std::make_unique<driver::EventLog>(dir, driver::application_id(program_, std::time(nullptr), getpid()),
                                                   program_, !report.empty());
      events_->application_start(argv, world_.size(), executor_infos(lines, world_.size() == 1), executor_cores(),
                                 config_.executor_memory);
    } catch (const Error& e) {
      error = e.what();
      error_code = e.exit_code();
      events_.reset();
    }
  }
  // Every rank ends alike when the driver cannot write its log: with the driver's code.
  const int code = world_.min_over_ranks(error.empty() ? INT_MAX : error_code);
  if (code != INT_MAX) {
    throw JobError(static_cast<ExitCode>(code), error.empty() ? "the driver cannot write its event log" : error);
  }
}

namespace {

// The page, written under a temporary name and renamed; a failure warns and changes nothing
// else (the report, like the log, never fails the job).
void write_report(const std::string& program, const std::string& path, const std::string& page) {
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  bool ok = f && std::fwrite(page.data(), 1, page.size(), f) == page.size();
  const int err = errno;
  ok = f && std::fclose(f) == 0 && ok;
  if (ok && std::rename(tmp.c_str(), path.c_str()) == 0) return;
  std::fprintf(stderr, "%s: warning: cannot write the report %s: %s\n", program.c_str(), path.c_str(),
               std::strerror(err ? err : errno));
  std::remove(tmp.c_str());
}

}  // namespace

void Engine::end_event_log(int code) {
  if (!events_ || events_ended_) return;
  events_ended_ = true;
  events_->finish(code);
  if (!config_.report.empty()) write_report(program_, config_.report, report::render_html(events_->kept()));
}

driver::Accumulables Engine::accumulables() const {
  driver::Accumulables out;
  for (const auto& a : accumulators_) {
    if (a.name.empty()) continue;
    if (&a == &accumulators_[io::kBadRecordsAccumulator] && bad_records_.count() == 0) continue;  // none yet
    out.emplace_back(a.name, a.show ? a.show() : std::string());
  }
  return out;
}

}  // namespace dataflow::detail
