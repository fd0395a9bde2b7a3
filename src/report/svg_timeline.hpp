// The run's timeline as inline SVG: a lane per rank and thread with one bar per task attempt.
#pragma once

#include <string>

#include "report/report_model.hpp"

namespace dataflow::report {

// One <rect class="task"> per attempt (class "task failed", red outline, for a failed one),
// coloured by stage, with a <title> tooltip; jobs in a "driver" lane; exchanges as hatched
// <rect class="exchange"> bars in an "exchange" lane; the x axis in seconds from `origin_ms()`.
void render_timeline(std::string& out, const ReportModel& model);

}  // namespace dataflow::report
