// Config defaults from the environment: DATAFLOW_EXECUTOR_CORES, DATAFLOW_MAX_TASK_ATTEMPTS,
// DATAFLOW_SPLIT_SIZE, DATAFLOW_MAX_LINE_SIZE, DATAFLOW_SHUFFLE_ROUND_BYTES,
// DATAFLOW_DEFAULT_PARALLELISM, DATAFLOW_BROADCAST_JOIN_THRESHOLD, DATAFLOW_EXECUTOR_MEMORY
// (a size), DATAFLOW_LOCAL_DIR (a directory), DATAFLOW_MAX_RESULT_SIZE (a size, 0 = no limit),
// DATAFLOW_PROGRESS (auto, on, off), DATAFLOW_PROGRESS_INTERVAL, DATAFLOW_NETWORK_TIMEOUT and
// DATAFLOW_TASK_TIMEOUT (seconds).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/config.hpp"

namespace dataflow::common {

// Throws Error(kConfig) naming the variable on a bad value.
Config config_from_env();

// Whole seconds, as "120" or "120s"; nullopt for anything else.
std::optional<int> parse_seconds(std::string_view text);
// Levenshtein distance, for "did you mean ...?" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

// One warning for each DATAFLOW_* variable of `env` (as environ) that the library does not
// read, naming the closest known one when it is probably a typo.
std::vector<std::string> unknown_settings(char** env);

}  // namespace dataflow::common
