// JobRunner: the driver's side of one job. Plans the stages, resolves their inputs,
// schedules one task per partition dynamically (an executor with a free slot gets the next
// task), retries failed attempts, runs the exchange between stages, commits output.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "dag/graph.hpp"
#include "dataflow/config.hpp"
#include "dataflow/detail/task_context.hpp"
#include "driver/backend.hpp"
#include "driver/reuse.hpp"
#include "driver/spmd_check.hpp"

namespace dataflow::driver {

class EventLog;
class ResumeState;

using RangePartitioners = std::unordered_map<int, detail::RangePartitioner>;

// Runs the job computing `action`; returns the result partitions concatenated in partition
// order. Throws Error (after the committer has removed any output) on failure; the caller
// ends the job on the executors either way.
// `program` starts the warning lines (a lost task that is retried). Throws Unrecoverable when
// the job cannot end in the ordinary way (a signal, a timeout, ranks out of step).
// `ranges`: the typed halves of the range shuffles (sorts), by node. `accumulator_updates`:
// those of the successful tasks, in stage and partition order, when the job succeeds.
// `reuse`: the shuffles kept from earlier jobs (read as they are) and the cached blocks'
// places; a job that succeeds adds the shuffles it exchanged and the blocks it cached.
// `check` (--check-spmd under mpirun, else empty): computes on the driver the output hash
// of a task, which the job compares with the executor's for the first task of each stage
// that reads no shuffle (spmd_check.hpp). `events` (--event-log, else null): the job's,
// stages' and tasks' events go there. `resume` (--resume-dir, else null): shuffles stored by
// an earlier run are read back instead of computed, and those this job exchanges stored.
std::string run_job(const dag::Graph& graph, int action, Backend& backend, const Config& config, std::uint64_t job,
                    const std::string& program, const RangePartitioners& ranges, Reuse& reuse,
                    std::string& accumulator_updates, const SpmdCheck& check = {}, EventLog* events = nullptr,
                    ResumeState* resume = nullptr);

// The lineage of `node` and the stages an action on it would run, with their partition and
// task counts when its inputs can be listed (`slots`: the executors' task threads).
std::string explain(const dag::Graph& graph, int node, const Config& config, int slots, const Reuse& reuse);

// The partitions of `node` (its inputs listed as a job would). Throws Error as a job would.
std::uint32_t partitions_of(const dag::Graph& graph, int node, const Config& config, int slots, const Reuse& reuse);

}  // namespace dataflow::driver
