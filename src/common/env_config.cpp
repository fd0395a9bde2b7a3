// Reading Config from DATAFLOW_* variables.
#include "common/env_config.hpp"

#include <charconv>
#include <cstdlib>
#include <string>

#include "dataflow/error.hpp"

namespace dataflow::common {
namespace {

[[noreturn]] void bad(const char* name, const std::string& value, const char* want) {
  throw Error(ExitCode::kConfig, std::string(name) + "=\"" + value + "\": expected " + want);
}

std::uint64_t size_var(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  auto size = parse_size(v);
  if (!size) bad(name, v, "a positive size such as 64M");
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

Config config_from_env() {
  Config c;
  c.executor_cores = int_var("DATAFLOW_EXECUTOR_CORES", c.executor_cores);
  c.max_task_attempts = int_var("DATAFLOW_MAX_TASK_ATTEMPTS", c.max_task_attempts);
  c.split_size = size_var("DATAFLOW_SPLIT_SIZE", c.split_size);
  c.shuffle_round_bytes = size_var("DATAFLOW_SHUFFLE_ROUND_BYTES", c.shuffle_round_bytes);
  c.default_parallelism = int_var("DATAFLOW_DEFAULT_PARALLELISM", c.default_parallelism);
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

}  // namespace dataflow::common
