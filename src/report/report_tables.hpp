// The page's tables: summary and jobs, stages, skew, and the plans.
#pragma once

#include <string>

#include "report/report_model.hpp"

namespace dataflow::report {

// The id of jobs[job]'s DAG on the page: "dag-job-ID", with "-K" added for the K-th repeat
// of an id (logs of several runs concatenated).
std::string job_anchor(const ReportModel& model, std::size_t job);

// The application's facts (a <table class="facts">) and a <table class="jobs"> row per job.
void render_summary(std::string& out, const ReportModel& model);
// A <tr class="stage-row"> per stage of each job's plan (class "stage-row skipped" for one
// that did not run): time, tasks, input, shuffle, spill, peak memory, task-time quantiles.
void render_stage_table(std::string& out, const ReportModel& model);
// A <tr class="skew-row"> per stage that ran ("skew-row flagged" past the rule), and the rule.
void render_skew_table(std::string& out, const ReportModel& model);
// Each job's plan text in a <pre>.
void render_plans(std::string& out, const ReportModel& model);

}  // namespace dataflow::report
