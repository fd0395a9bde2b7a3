// The page's tables: summary and jobs, stages, skew, and the plans.
#include "report/report_tables.hpp"

#include <algorithm>
#include <vector>

#include "report/html_escape.hpp"
#include "report/report_format.hpp"
#include "report/skew.hpp"

namespace dataflow::report {
namespace {

void cell(std::string& out, std::string_view text, bool number = true) {
  out += number ? "<td class=\"num\">" : "<td>";
  append_escaped(out, text);
  out += "</td>";
}

void fact(std::string& out, std::string_view name, std::string_view value) {
  out += "<tr><th>";
  out += name;
  out += "</th><td>";
  append_escaped(out, value);
  out += "</td></tr>";
}

std::string number_or_dash(std::int64_t n) { return n < 0 ? std::string("-") : std::to_string(n); }

std::string hosts_of(const Application& a) {
  std::vector<std::string> hosts;
  for (const ExecutorInfo& e : a.executors) {
    if (!e.host.empty() && std::find(hosts.begin(), hosts.end(), e.host) == hosts.end()) hosts.push_back(e.host);
  }
  std::string out;
  for (const std::string& h : hosts) out += (out.empty() ? "" : ", ") + h;
  return out.empty() ? "-" : out;
}

std::string executors_of(const Application& a) {
  std::string out = number_or_dash(a.executor_count);
  if (a.executor_cores >= 0) out += " \u00d7 " + std::to_string(a.executor_cores) + " cores";
  if (a.executor_memory >= 0) out += ", " + fmt_bytes(static_cast<std::uint64_t>(a.executor_memory)) + " memory each";
  for (const ExecutorInfo& e : a.executors) {
    out += "; executor " + e.id + (e.host.empty() ? "" : " on " + e.host);
    if (e.cores >= 0) out += ", " + std::to_string(e.cores) + " cores";
    if (e.memory >= 0) out += ", " + fmt_bytes(static_cast<std::uint64_t>(e.memory));
  }
  return out;
}

void application_facts(std::string& out, const ReportModel& model) {
  const Application& a = model.app;
  std::string argv;
  for (const std::string& arg : a.argv) argv += (argv.empty() ? "" : " ") + arg;
  out += "<table class=\"facts\">";
  fact(out, "program", a.name.empty() ? "- (no DataflowApplicationStart in the log)" : a.name);
  fact(out, "application id", a.app_id);
  fact(out, "argv", argv);
  fact(out, "user", a.user);
  fact(out, "dataflow version", a.version);
  fact(out, "ranks", number_or_dash(a.ranks));
  fact(out, "hosts", hosts_of(a));
  fact(out, "executors", executors_of(a));
  fact(out, "start", fmt_utc(a.start_ms));
  fact(out, "duration", fmt_ms(model.last_ms() - model.origin_ms()) + (a.end_ms < 0 ? " (so far)" : ""));
  fact(out, "exit code",
       a.exit_code ? std::to_string(*a.exit_code) : "still running or killed (no DataflowApplicationEnd)");
  if (model.skipped_lines)
    fact(out, "skipped lines", std::to_string(model.skipped_lines) + " (not JSON objects: a cut last line?)");
  for (const auto& [k, v] : a.settings) fact(out, "setting", k + "=" + v);
  out += "</table>";
}

std::string result_of(const Job& j) {
  switch (j.result) {
    case Job::Result::kSucceeded:
      return "succeeded";
    case Job::Result::kFailed:
      return "failed: " + j.error;
    case Job::Result::kRunning:
      break;
  }
  return "running or killed";
}

void job_row(std::string& out, const ReportModel& model, std::size_t i) {
  const Job& j = model.jobs[i];
  std::size_t run = 0;
  StageTotals all;
  for (const Stage& s : j.stages) {
    const StageTotals t = stage_totals(model.tasks_of(i, s.id));
    run += t.attempts > 0 || s.submitted_ms >= 0;
    all.attempts += t.attempts;
    all.failed += t.failed;
  }
  out += j.result == Job::Result::kFailed ? "<tr class=\"job-row failed\">" : "<tr class=\"job-row\">";
  appendf(out, "<td class=\"num\"><a href=\"#%s\">%lld</a></td>", job_anchor(model, i).c_str(),
          static_cast<long long>(j.id));
  cell(out, j.action, false);
  cell(out, fmt_ms(j.submitted_ms >= 0 && j.completed_ms >= 0 ? j.completed_ms - j.submitted_ms : -1));
  cell(out,
       std::to_string(run) + " run, " + std::to_string(j.stages.size() - run + j.reused_shuffles.size()) + " skipped");
  cell(out, fmt_count(all.attempts));
  cell(out, fmt_count(all.failed));
  cell(out, result_of(j), false);
  std::string acc;
  for (const Accumulable& a : j.accumulables) acc += (acc.empty() ? "" : "; ") + a.name + " = " + a.value;
  cell(out, acc, false);
  out += "</tr>";
}

void quantile_cells(std::string& out, const ReportModel& model, std::size_t job, const Stage& s) {
  std::optional<Quantiles> q = s.durations;
  if (!q) {
    std::vector<std::uint64_t> ms;
    for (const TaskAttempt& t : model.tasks_of(job, s.id)) {
      if (!t.failed) ms.push_back(static_cast<std::uint64_t>(std::max<std::int64_t>(t.run_ms, 0)));
    }
    std::sort(ms.begin(), ms.end());
    if (!ms.empty()) {
      const auto at = [&](double p) { return static_cast<std::int64_t>(quantile_sorted(ms, p)); };
      q = Quantiles{at(0), at(0.25), at(0.5), at(0.75), at(1)};
    }
  }
  for (const std::int64_t v : {q ? q->min : -1, q ? q->p25 : -1, q ? q->p50 : -1, q ? q->p75 : -1, q ? q->max : -1}) {
    cell(out, fmt_ms(v));
  }
}

void stage_row(std::string& out, const ReportModel& model, std::size_t job, const Stage& s) {
  const StageTotals t = stage_totals(model.tasks_of(job, s.id));
  const bool skipped = t.attempts == 0 && s.submitted_ms < 0;
  out += skipped ? "<tr class=\"stage-row skipped\">" : "<tr class=\"stage-row\">";
  cell(out, std::to_string(model.jobs[job].id));
  cell(out, std::to_string(s.id));
  cell(out, s.name, false);
  cell(out, skipped ? "skipped" : fmt_ms(model.stage_duration_ms(job, s)));
  cell(out, std::to_string(s.tasks));
  cell(out, fmt_count(s.failed_attempts >= 0 ? static_cast<std::uint64_t>(s.failed_attempts) : t.failed));
  cell(out, fmt_count(t.input_records));
  cell(out, fmt_bytes(t.input_bytes));
  cell(out, fmt_bytes(t.shuffle_write_bytes));
  cell(out, fmt_count(t.shuffle_write_records));
  cell(out, t.has_shuffle_read ? fmt_bytes(t.shuffle_read_bytes) : "-");
  cell(out, t.has_shuffle_read ? fmt_count(t.shuffle_read_records) : "-");
  cell(out, fmt_bytes(t.memory_spilled));
  cell(out, fmt_bytes(t.disk_spilled));
  cell(out, fmt_bytes(t.peak_memory));
  quantile_cells(out, model, job, s);
  out += "</tr>";
}

std::string tops(const std::vector<TopPartition>& top, bool bytes) {
  std::string out;
  for (const TopPartition& p : top) {
    out += (out.empty() ? "" : ", ") + std::string("p") + std::to_string(p.partition);
    if (!p.rank.empty()) out += " (rank " + p.rank + ")";
    out += " " + (bytes ? fmt_bytes(p.value) : fmt_ms(static_cast<std::int64_t>(p.value)));
  }
  return out.empty() ? "-" : out;
}

void skew_row(std::string& out, const ReportModel& model, const StageSkew& k) {
  out += k.flagged ? "<tr class=\"skew-row flagged\">" : "<tr class=\"skew-row\">";
  cell(out, std::to_string(model.jobs[k.job].id));
  cell(out, std::to_string(k.stage));
  cell(out, fmt_ms(static_cast<std::int64_t>(k.duration_median)));
  cell(out, fmt_ms(static_cast<std::int64_t>(k.duration_max)));
  cell(out, fmt_ratio(k.duration.ratio));
  cell(out, k.has_bytes ? fmt_bytes(k.bytes_median) : "-");
  cell(out, k.has_bytes ? fmt_bytes(k.bytes_max) : "-");
  cell(out, k.has_bytes ? fmt_ratio(k.bytes.ratio) : "-");
  cell(out, tops(k.top_durations, false), false);
  cell(out, tops(k.top_bytes, true), false);
  cell(out, k.flagged ? "skewed" : "", false);
  out += "</tr>";
}

}  // namespace

std::string job_anchor(const ReportModel& model, std::size_t job) {
  std::string id = "dag-job-" + std::to_string(model.jobs[job].id);
  const auto repeats = std::count_if(model.jobs.begin(), model.jobs.begin() + static_cast<std::ptrdiff_t>(job),
                                     [&](const Job& j) { return j.id == model.jobs[job].id; });
  if (repeats > 0) id += "-" + std::to_string(repeats);
  return id;
}

void render_summary(std::string& out, const ReportModel& model) {
  application_facts(out, model);
  out +=
      "<h3>Jobs</h3><table class=\"jobs sortable\"><thead><tr><th>job</th><th>action</th><th>duration</th>"
      "<th>stages</th><th>task attempts</th><th>failed attempts</th><th>result</th><th>accumulators</th>"
      "</tr></thead><tbody>";
  for (std::size_t i = 0; i < model.jobs.size(); ++i) job_row(out, model, i);
  out += "</tbody></table>";
}

void render_stage_table(std::string& out, const ReportModel& model) {
  out +=
      "<table class=\"stages sortable\"><thead><tr><th>job</th><th>stage</th><th>name</th><th>duration</th>"
      "<th>tasks</th><th>failed attempts</th><th>input records</th><th>input bytes</th><th>shuffle write</th>"
      "<th>shuffle write records</th><th>shuffle read</th><th>shuffle read records</th><th>memory spill</th>"
      "<th>disk spill</th><th>peak execution memory</th><th>task min</th><th>p25</th><th>p50</th><th>p75</th>"
      "<th>max</th></tr></thead><tbody>";
  for (std::size_t j = 0; j < model.jobs.size(); ++j) {
    for (const Stage& s : model.jobs[j].stages) stage_row(out, model, j, s);
  }
  out += "</tbody></table>";
}

void render_skew_table(std::string& out, const ReportModel& model) {
  out += "<p class=\"rule\">";
  out += skew_rule_text();
  out += " Median and max are over the successful attempts.</p>";
  out +=
      "<table class=\"skew sortable\"><thead><tr><th>job</th><th>stage</th><th>task median</th><th>task max</th>"
      "<th>max/median</th><th>partition bytes median</th><th>max</th><th>max/median</th>"
      "<th>longest tasks</th><th>largest partitions</th><th>flag</th></tr></thead><tbody>";
  for (const StageSkew& k : stage_skews(model)) skew_row(out, model, k);
  out += "</tbody></table>";
}

void render_plans(std::string& out, const ReportModel& model) {
  for (const Job& j : model.jobs) {
    appendf(out, "<h3>Job %lld (", static_cast<long long>(j.id));
    append_escaped(out, j.action);
    out += ")</h3><pre class=\"plan\">";
    append_escaped(out, j.plan.empty() ? std::string_view("(no plan in the log)") : std::string_view(j.plan));
    out += "</pre>";
  }
}

}  // namespace dataflow::report
