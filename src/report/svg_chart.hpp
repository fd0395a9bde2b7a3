// The ranks section: per executor, sparklines of its samples over the run and its peak RSS.
#pragma once

#include <string>

#include "report/report_model.hpp"

namespace dataflow::report {

// A table with a row per executor that sent DataflowRankSample events: peak RSS and an <svg
// class="spark"> polyline each of RSS, CPU %, pool reserved and spilled bytes over the run's
// time; a sentence instead when the log has no samples.
void render_ranks(std::string& out, const ReportModel& model);

}  // namespace dataflow::report
