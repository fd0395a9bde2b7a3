// ReportModel: lookups and sums over what was read from the log.
#include "report/report_model.hpp"

#include <algorithm>

namespace dataflow::report {

Stage* Job::stage(std::uint32_t stage_id) {
  for (Stage& s : stages) {
    if (s.id == stage_id) return &s;
  }
  return nullptr;
}

const Stage* Job::stage(std::uint32_t stage_id) const { return const_cast<Job*>(this)->stage(stage_id); }

std::int64_t ReportModel::origin_ms() const {
  std::int64_t t = app.start_ms;
  for (const Job& j : jobs) {
    if (t < 0 || (j.submitted_ms >= 0 && j.submitted_ms < t)) t = j.submitted_ms;
  }
  for (const TaskAttempt& a : tasks) t = t < 0 ? a.launch_ms : std::min(t, a.launch_ms);
  return std::max<std::int64_t>(t, 0);
}

std::int64_t ReportModel::last_ms() const {
  std::int64_t t = std::max(app.end_ms, origin_ms());
  for (const Job& j : jobs) t = std::max({t, j.submitted_ms, j.completed_ms});
  for (const TaskAttempt& a : tasks) t = std::max(t, a.finish_ms);
  for (const Exchange& x : exchanges) t = std::max(t, x.end_ms);
  for (const RankSeries& r : ranks) {
    for (const RankSample& s : r.samples) t = std::max(t, s.time_ms);
  }
  return t;
}

bool ReportModel::broadcast_stage(std::size_t job, std::uint32_t stage) const {
  return std::any_of(exchanges.begin(), exchanges.end(), [&](const Exchange& x) {
    return x.job == job && x.broadcast && x.stage == static_cast<std::int64_t>(stage);
  });
}

std::span<const TaskAttempt> ReportModel::tasks_of(std::size_t job, std::uint32_t stage) const {
  const auto k = std::pair(job, stage);
  const auto lo = std::partition_point(tasks.begin(), tasks.end(),
                                       [&](const TaskAttempt& t) { return std::pair(t.job, t.stage) < k; });
  const auto hi =
      std::partition_point(lo, tasks.end(), [&](const TaskAttempt& t) { return std::pair(t.job, t.stage) == k; });
  return {lo, hi};
}

std::int64_t ReportModel::stage_duration_ms(std::size_t job, const Stage& s) const {
  if (s.submitted_ms >= 0 && s.completed_ms >= s.submitted_ms) return s.completed_ms - s.submitted_ms;
  const StageTotals t = stage_totals(tasks_of(job, s.id));
  return t.first_launch_ms >= 0 ? t.last_finish_ms - t.first_launch_ms : -1;
}

StageTotals stage_totals(std::span<const TaskAttempt> tasks) {
  StageTotals t;
  for (const TaskAttempt& a : tasks) {
    ++t.attempts;
    t.memory_spilled += a.memory_spilled;
    t.disk_spilled += a.disk_spilled;
    t.peak_memory = std::max(t.peak_memory, a.peak_memory);
    t.first_launch_ms = t.first_launch_ms < 0 ? a.launch_ms : std::min(t.first_launch_ms, a.launch_ms);
    t.last_finish_ms = std::max(t.last_finish_ms, a.finish_ms);
    if (a.failed) {
      ++t.failed;
      continue;
    }
    t.input_bytes += a.input_bytes;
    t.input_records += a.input_records;
    t.shuffle_write_bytes += a.shuffle_write_bytes;
    t.shuffle_write_records += a.shuffle_write_records;
    t.shuffle_read_bytes += a.shuffle_read_bytes;
    t.shuffle_read_records += a.shuffle_read_records;
    t.has_shuffle_read = t.has_shuffle_read || a.has_shuffle_read;
  }
  return t;
}

}  // namespace dataflow::report
