// The steps of --resume-dir inside a job (resume_shuffles.hpp).
#include "driver/resume_shuffles.hpp"

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "dataflow/error.hpp"
#include "driver/resolve_inputs.hpp"
#include "plan/planner.hpp"

namespace dataflow::driver {

void load_stored_shuffles(const dag::Graph& graph, int action, Backend& backend, const Config& config, int slots,
                          std::uint64_t job, Reuse& reuse, ResumeState& resume) {
  std::set<int> unreadable;
  for (;;) {
    const plan::Plan plan = plan::make_plan(graph, action, reuse.shuffle_nodes());
    Resolved resolved;
    try {
      resolved = resolve_inputs(graph, plan, config, slots, reuse);
    } catch (const Error&) {
      return;  // the job itself reports it
    }
    int found = -1;
    for (auto s = plan.stages.rbegin(); s != plan.stages.rend() && found < 0; ++s) {
      if (s->output != plan::StageOutput::kShuffle || unreadable.count(s->output_node)) continue;
      const auto stored = resume.stored(graph, s->output_node);
      if (stored && *stored == resolved.counts.at(s->output_node)) found = s->output_node;
    }
    if (found < 0) return;
    task::ResumeOrder order;
    order.job = job;
    order.shuffle_node = found;
    order.load = true;
    order.dir = resume.begin_load(graph, found);
    const std::uint32_t partitions = resolved.counts.at(found);
    for (std::uint32_t p = 0; p < partitions; ++p) {
      order.owner.push_back(static_cast<std::int32_t>(p % static_cast<std::uint32_t>(backend.executors())));
    }
    std::uint64_t bytes = 0;
    std::string error;
    for (const task::ResumeDone& done : backend.resume(order)) {
      if (!done.ok && error.empty()) error = done.error;
      bytes += done.bytes;
    }
    if (!error.empty()) {  // the executors that read theirs drop them when it is exchanged again
      resume.discard(graph, found, error);
      unreadable.insert(found);
      continue;
    }
    resume.note_loaded(bytes);
    reuse.shuffles[found] = {order.owner, true};
  }
}

void store_shuffle(const dag::Graph& graph, int node, std::uint32_t partitions, Backend& backend, std::uint64_t job,
                   ResumeState& resume) {
  task::ResumeOrder order;
  order.job = job;
  order.shuffle_node = node;
  order.dir = resume.begin_store(graph, node);
  if (order.dir.empty()) return;
  const auto start = std::chrono::steady_clock::now();
  const std::vector<task::ResumeDone> answers = backend.resume(order);
  resume.add_store_time(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  std::uint64_t bytes = 0;
  for (const task::ResumeDone& done : answers) {
    if (!done.ok) return resume.stop_storing(done.error);
    bytes += done.bytes;
  }
  resume.commit_store(graph, node, partitions, bytes);
}

}  // namespace dataflow::driver
