// --check-spmd on the driver: which stages it can run a task of itself, and the comparison
// of its output with an executor's.
#pragma once

#include <cstdint>
#include <functional>

#include "dag/graph.hpp"
#include "plan/stage.hpp"
#include "task/descriptor.hpp"
#include "task/messages.hpp"

namespace dataflow::driver {

// Computes on the driver the output hash of a task, as an executor reports it for a
// descriptor with `check` set (exec::TaskRunner::output_hash).
using SpmdCheck = std::function<std::uint64_t(const task::Descriptor&)>;

// Whether the driver can run a task of `s` itself: it reads no shuffle (the driver holds
// none) and has no effect beyond its output (no file written, no foreach).
bool spmd_checkable(const dag::Graph& graph, const plan::Stage& s);

// Runs `d` (a task of stage `s` of job `job`, whose action is `target`) on the driver with
// `check` and compares its output with what rank r.rank reported. Throws Error(kSoftware)
// naming the stage, its operations and the likely cause on a difference, or when only the
// driver's run fails. A report without a hash (a spilled map output) is not compared.
void compare_spmd(const dag::Graph& graph, const plan::Stage& s, std::uint64_t job, int target,
                  const SpmdCheck& check, const task::Descriptor& d, const task::TaskReport& r);

}  // namespace dataflow::driver
