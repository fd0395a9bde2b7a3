// The skew rule and each stage's skew, from its tasks or the driver's logged summary.
#include "report/skew.hpp"

#include <algorithm>
#include <limits>

namespace dataflow::report {
namespace {

struct Item {
  std::uint64_t value, partition;
  int rank;
};

// The largest kTop of `items` (reordered), largest first.
std::vector<TopPartition> top_of(std::vector<Item>& items) {
  const std::size_t n = std::min(items.size(), StageSkew::kTop);
  std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n), items.end(),
                    [](const Item& a, const Item& b) { return a.value > b.value; });
  std::vector<TopPartition> top;
  for (std::size_t i = 0; i < n; ++i) {
    top.push_back({items[i].partition, items[i].value, items[i].rank < 0 ? "" : std::to_string(items[i].rank)});
  }
  return top;
}

// Max and median of the items' values (sorted in `scratch`), and their verdict.
void judge(const std::vector<Item>& items, double floor, std::vector<std::uint64_t>& scratch, std::uint64_t& max,
           std::uint64_t& median, SkewVerdict& verdict) {
  scratch.clear();
  for (const Item& i : items) scratch.push_back(i.value);
  std::sort(scratch.begin(), scratch.end());
  max = scratch.back();
  median = quantile_sorted(scratch, 0.5);
  verdict = judge_skew(static_cast<double>(max), static_cast<double>(median), floor);
}

void bytes_from_tasks(std::span<const TaskAttempt> tasks, StageSkew& row, std::vector<Item>& items,
                      std::vector<std::uint64_t>& scratch) {
  items.clear();
  for (const TaskAttempt& t : tasks) {
    if (!t.failed && t.has_shuffle_read) items.push_back({t.shuffle_read_bytes, t.partition, t.rank});
  }
  if (items.empty()) return;
  row.has_bytes = true;
  judge(items, kSkewBytesFloor, scratch, row.bytes_max, row.bytes_median, row.bytes);
  row.top_bytes = top_of(items);
}

void bytes_from_summary(const PartitionBytes& p, StageSkew& row) {
  row.has_bytes = true;
  row.bytes_max = p.max;
  row.bytes_median = p.p50;
  row.bytes = judge_skew(static_cast<double>(p.max), static_cast<double>(p.p50), kSkewBytesFloor);
  for (const PartitionBytes::Top& t : p.top) {
    if (row.top_bytes.size() == StageSkew::kTop) break;
    row.top_bytes.push_back({t.partition, t.bytes, t.rank});
  }
}

}  // namespace

std::string_view skew_rule_text() {
  return "A stage is flagged when max \u2265 5 \u00d7 median and max \u2212 median \u2265 1 s (task durations) "
         "or \u2265 64 MiB (shuffle partition bytes).";
}

SkewVerdict judge_skew(double max, double median, double floor) {
  SkewVerdict v;
  if (median > 0) {
    v.ratio = max / median;
  } else if (max > 0) {
    v.ratio = std::numeric_limits<double>::infinity();
  }
  v.flagged = max >= kSkewFactor * median && max - median >= floor;
  return v;
}

std::uint64_t quantile_sorted(const std::vector<std::uint64_t>& sorted, double q) {
  const auto i = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

std::vector<StageSkew> stage_skews(const ReportModel& model) {
  std::vector<StageSkew> rows;
  std::vector<Item> items;
  std::vector<std::uint64_t> scratch;
  for (std::size_t j = 0; j < model.jobs.size(); ++j) {
    for (const Stage& s : model.jobs[j].stages) {
      const std::span<const TaskAttempt> tasks = model.tasks_of(j, s.id);
      items.clear();
      for (const TaskAttempt& t : tasks) {
        if (!t.failed)
          items.push_back({static_cast<std::uint64_t>(std::max<std::int64_t>(t.run_ms, 0)), t.partition, t.rank});
      }
      if (items.empty()) continue;
      StageSkew row;
      row.job = j;
      row.stage = s.id;
      judge(items, kSkewDurationFloorMs, scratch, row.duration_max, row.duration_median, row.duration);
      row.top_durations = top_of(items);
      if (s.partition_bytes && s.partition_bytes->count > 0) {
        bytes_from_summary(*s.partition_bytes, row);
      } else {
        bytes_from_tasks(tasks, row, items, scratch);
      }
      row.flagged = s.skew ? s.skew->flagged : row.duration.flagged || (row.has_bytes && row.bytes.flagged);
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace dataflow::report
