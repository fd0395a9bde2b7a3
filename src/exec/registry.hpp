// Registry: the type-erased runners the typed API registered, by node id. Written by the
// program's thread while it builds the DAG, read by task threads during a job.
#pragma once

#include <unordered_map>

#include "dataflow/detail/task_context.hpp"

namespace dataflow::exec {

struct Registry {
  std::unordered_map<int, detail::MapRunner> map_runners;
  std::unordered_map<int, detail::ResultRunner> result_runners;
  std::unordered_map<int, detail::RangePartitioner> range_partitioners;
};

}  // namespace dataflow::exec
