// Reading Config from DATAFLOW_* variables.
#include "common/env_config.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/error.hpp"

namespace dataflow::common {
namespace {

[[noreturn]] void bad(const char* name, const std::string& value, const char* want) {
  throw Error(ExitCode::kConfig, std::string(name) + "=\"" + value + "\": expected " + want);
}

// A size such as 64M; with `zero_means`, also 0 (which means that).
std::uint64_t size_var(const char* name, std::uint64_t fallback, const char* zero_means = nullptr) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  if (zero_means && std::string_view(v) == "0") return 0;
  auto size = parse_size(v);
  if (!size) bad(name, v, zero_means ? (std::string("a size such as 10M, or 0 (") + zero_means + ")").c_str()
                                     : "a positive size such as 64M");
  return *size;
}

int int_var(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  const std::string_view text(v);
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) bad(name, v, "a positive integer");
  return n;
}

}  // namespace

std::optional<int> parse_seconds(std::string_view text) {
  if (!text.empty() && text.back() == 's') text.remove_suffix(1);
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 0) return std::nullopt;
  return n;
}

namespace {

int seconds_var(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  auto n = parse_seconds(v);
  if (!n) bad(name, v, "whole seconds such as 120 or 120s (0 = off)");
  return *n;
}

}  // namespace

Config config_from_env() {
  Config c;
  c.executor_cores = int_var("DATAFLOW_EXECUTOR_CORES", c.executor_cores);
  c.max_task_attempts = int_var("DATAFLOW_MAX_TASK_ATTEMPTS", c.max_task_attempts);
  c.split_size = size_var("DATAFLOW_SPLIT_SIZE", c.split_size);
  c.max_line_size = size_var("DATAFLOW_MAX_LINE_SIZE", c.max_line_size);
  c.shuffle_round_bytes = size_var("DATAFLOW_SHUFFLE_ROUND_BYTES", c.shuffle_round_bytes);
  c.default_parallelism = int_var("DATAFLOW_DEFAULT_PARALLELISM", c.default_parallelism);
  c.broadcast_join_threshold =
      size_var("DATAFLOW_BROADCAST_JOIN_THRESHOLD", c.broadcast_join_threshold, "no broadcast joins");
  c.executor_memory = size_var("DATAFLOW_EXECUTOR_MEMORY", c.executor_memory);
  if (const char* d = std::getenv("DATAFLOW_LOCAL_DIR"); d && *d) c.local_dir = d;
  if (const char* d = std::getenv("DATAFLOW_CHECKPOINT_DIR"); d && *d) c.checkpoint_dir = d;
  if (const char* d = std::getenv("DATAFLOW_RESUME_DIR"); d && *d) c.resume_dir = d;
  if (const char* d = std::getenv("DATAFLOW_EVENT_LOG"); d && *d) c.event_log = d;
  if (const char* f = std::getenv("DATAFLOW_REPORT"); f && *f) c.report = f;
  c.metrics_interval_seconds = int_var("DATAFLOW_METRICS_INTERVAL", c.metrics_interval_seconds);
  if (const char* z = std::getenv("DATAFLOW_SPILL_COMPRESSION"); z && *z) {
    const auto codec = parse_spill_compression(z);
    if (!codec) bad("DATAFLOW_SPILL_COMPRESSION", z, "none or lz4");
    c.spill_compression = *codec;
  }
  c.max_result_size = size_var("DATAFLOW_MAX_RESULT_SIZE", c.max_result_size, "no limit");
  if (const char* b = std::getenv("DATAFLOW_BAD_RECORDS"); b && *b) {
    parse_bad_records(b, c.bad_records, c.bad_records_path);
  }
  c.progress_interval_seconds = int_var("DATAFLOW_PROGRESS_INTERVAL", c.progress_interval_seconds);
  c.network_timeout_seconds = seconds_var("DATAFLOW_NETWORK_TIMEOUT", c.network_timeout_seconds);
  c.task_timeout_seconds = seconds_var("DATAFLOW_TASK_TIMEOUT", c.task_timeout_seconds);
  if (const char* s = std::getenv("DATAFLOW_CHECK_SPMD"); s && *s) {
    const std::string v = s;
    if (v != "0" && v != "1") bad("DATAFLOW_CHECK_SPMD", v, "1 (on) or 0 (off)");
    c.check_spmd = v == "1";
  }
  if (const char* o = std::getenv("DATAFLOW_OPTIMIZER"); o && *o) {
    const std::string v = o;
    if (v != "on" && v != "off") bad("DATAFLOW_OPTIMIZER", v, "on or off");
    c.optimizer = v == "on";
  }
  if (const char* p = std::getenv("DATAFLOW_PROGRESS"); p && *p) {
    const std::string v = p;
    if (v == "on")
      c.progress = ProgressMode::kOn;
    else if (v == "off")
      c.progress = ProgressMode::kOff;
    else if (v == "auto")
      c.progress = ProgressMode::kAuto;
    else
      bad("DATAFLOW_PROGRESS", v, "auto, on or off");
  }
  return c;
}

namespace {

// Every DATAFLOW_* variable the library reads.
constexpr std::string_view kKnown[] = {
    "DATAFLOW_EXECUTOR_CORES",
    "DATAFLOW_MAX_TASK_ATTEMPTS",
    "DATAFLOW_SPLIT_SIZE",
    "DATAFLOW_SHUFFLE_ROUND_BYTES",
    "DATAFLOW_DEFAULT_PARALLELISM",
    "DATAFLOW_PROGRESS",
    "DATAFLOW_PROGRESS_INTERVAL",
    "DATAFLOW_RESOURCE_REPORT",
    "DATAFLOW_FAULT",
    "DATAFLOW_MESSAGE_CHUNK_BYTES",
    "DATAFLOW_NETWORK_TIMEOUT",
    "DATAFLOW_TASK_TIMEOUT",
    "DATAFLOW_MAX_LINE_SIZE",
    "DATAFLOW_BROADCAST_JOIN_THRESHOLD",
    "DATAFLOW_EXECUTOR_MEMORY",
    "DATAFLOW_LOCAL_DIR",
    "DATAFLOW_MAX_RESULT_SIZE",
    "DATAFLOW_SPILL_COMPRESSION",
    "DATAFLOW_CHECKPOINT_DIR",
    "DATAFLOW_RESUME_DIR",
    "DATAFLOW_FAULT_HDF5_WRITE",
    "DATAFLOW_CHECK_SPMD",
    "DATAFLOW_BAD_RECORDS",
    "DATAFLOW_EVENT_LOG",
    "DATAFLOW_REPORT",
    "DATAFLOW_METRICS_INTERVAL",
    "DATAFLOW_OPTIMIZER",
};

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::vector<std::string> unknown_settings(char** env) {
  std::vector<std::string> warnings;
  for (char** e = env; e && *e; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    if (name.substr(0, 9) != "DATAFLOW_") continue;
    if (std::find(std::begin(kKnown), std::end(kKnown), name) != std::end(kKnown)) continue;
    std::string_view best = kKnown[0];
    for (std::string_view k : kKnown) {
      if (edit_distance(name, k) < edit_distance(name, best)) best = k;
    }
    std::string w = "unknown setting " + std::string(name) + " is ignored";
    if (edit_distance(name, best) <= 4) w += " (did you mean " + std::string(best) + "?)";
    warnings.push_back(std::move(w));
  }
  return warnings;
}

}  // namespace dataflow::common
