// The two steps of --resume-dir inside a job: before planning, read back the stored shuffles
// that spare it stages; after each exchange, store the shuffle it made (resume_state.hpp
// holds the directory and the keys, shuffle/resume_files.hpp the executors' files).
#pragma once

#include <cstdint>

#include "dag/graph.hpp"
#include "dataflow/config.hpp"
#include "driver/backend.hpp"
#include "driver/resume_state.hpp"
#include "driver/reuse.hpp"

namespace dataflow::driver {

// While the plan of `action` has a stage whose shuffle is stored complete, with the
// partitions it would have now, reads the last such shuffle back (each executor the
// partitions p with p % executors == its index) into `reuse`, marked resumed, and plans
// again without the stages that made it. A stored shuffle that cannot be read back (a part
// file missing, cut short or failing its checksum) is reported in one warning, removed, and
// computed again. `slots`: the executors' task threads.
void load_stored_shuffles(const dag::Graph& graph, int action, Backend& backend, const Config& config, int slots,
                          std::uint64_t job, Reuse& reuse, ResumeState& resume);

// The executors store shuffle `node`, just exchanged into `partitions` reduce partitions,
// which is then marked complete; a failure stops storing with a warning, and the job goes on.
void store_shuffle(const dag::Graph& graph, int node, std::uint32_t partitions, Backend& backend, std::uint64_t job,
                   ResumeState& resume);

}  // namespace dataflow::driver
