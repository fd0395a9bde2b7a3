// The skew rule (README "The HTML report"; OBSERVABILITY.md B.4) and each stage's skew.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "report/report_model.hpp"

namespace dataflow::report {

inline constexpr double kSkewFactor = 5.0;                         // Spark AQE's factor
inline constexpr double kSkewDurationFloorMs = 1000.0;             // max - median, durations
inline constexpr double kSkewBytesFloor = 64.0 * 1024.0 * 1024.0;  // max - median, bytes

// The rule as the page states it.
std::string_view skew_rule_text();

struct SkewVerdict {
  double ratio = 1;  // max / median; infinite when the median is 0 and the max is not
  bool flagged = false;
};

// Flagged when max >= 5 x median and max - median >= floor.
SkewVerdict judge_skew(double max, double median, double floor);

// The nearest-rank quantile q of `sorted` (not empty), as the driver computes its p50.
std::uint64_t quantile_sorted(const std::vector<std::uint64_t>& sorted, double q);

// A partition among a stage's largest, with the rank that held or ran it.
struct TopPartition {
  std::uint64_t partition = 0, value = 0;
  std::string rank;
};

struct StageSkew {
  std::size_t job = 0;
  std::uint32_t stage = 0;
  std::uint64_t duration_max = 0, duration_median = 0;  // ms, successful attempts
  SkewVerdict duration;
  bool has_bytes = false;  // shuffle partition bytes are known for this stage
  std::uint64_t bytes_max = 0, bytes_median = 0;
  SkewVerdict bytes;
  std::vector<TopPartition> top_durations, top_bytes;  // the largest first, at most kTop
  bool flagged = false;                                // the driver's verdict when it logged one, else the rule's
  static constexpr std::size_t kTop = 5;
};

// One row per stage that ran a task, in job and stage order.
std::vector<StageSkew> stage_skews(const ReportModel& model);

}  // namespace dataflow::report
