// Config defaults from the environment: DATAFLOW_EXECUTOR_CORES, DATAFLOW_MAX_TASK_ATTEMPTS,
// DATAFLOW_SPLIT_SIZE, DATAFLOW_SHUFFLE_ROUND_BYTES, DATAFLOW_DEFAULT_PARALLELISM and
// DATAFLOW_PROGRESS (auto, on, off).
#pragma once

#include "dataflow/config.hpp"

namespace dataflow::common {

// Throws Error(kConfig) naming the variable on a bad value.
Config config_from_env();

}  // namespace dataflow::common
