// The run's timeline as inline SVG.
#include "report/svg_timeline.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "report/html_escape.hpp"
#include "report/report_format.hpp"

namespace dataflow::report {
namespace {

constexpr int kLabelW = 130, kPlotW = 960, kLaneH = 16, kBarH = 12, kAxisH = 24;

using Lane = std::pair<int, int>;  // (rank, thread)

// Where times land on the x axis.
struct Scale {
  std::int64_t origin;
  double px_per_ms;
  double x(std::int64_t ms) const { return kLabelW + static_cast<double>(ms - origin) * px_per_ms; }
  double w(std::int64_t from, std::int64_t to) const {
    return std::max(1.0, static_cast<double>(std::max<std::int64_t>(to - from, 0)) * px_per_ms);
  }
};

std::vector<Lane> task_lanes(const ReportModel& model) {
  std::vector<Lane> lanes;
  for (const TaskAttempt& t : model.tasks) lanes.emplace_back(t.rank, t.thread);
  std::sort(lanes.begin(), lanes.end());
  lanes.erase(std::unique(lanes.begin(), lanes.end()), lanes.end());
  return lanes;
}

void lane_label(std::string& out, int row, std::string_view text) {
  const int y = kAxisH + row * kLaneH;
  appendf(out, "<text class=\"lane\" x=\"%d\" y=\"%d\">%.*s</text>", kLabelW - 6, y + kBarH - 2,
          static_cast<int>(text.size()), text.data());
  appendf(out, "<line class=\"lane\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>", kLabelW, kLabelW + kPlotW,
          y + kLaneH - 2, y + kLaneH - 2);
}

// Ticks at 1, 2 or 5 times a power of ten seconds, about eight across.
void axis(std::string& out, const Scale& s, std::int64_t span_ms, int height) {
  const double raw = static_cast<double>(span_ms) / 1000.0 / 8.0;
  const double p = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-3))));
  const double step = raw / p < 2 ? p : (raw / p < 5 ? 2 * p : 5 * p);
  for (double t = 0; t * 1000.0 <= static_cast<double>(span_ms) + 1e-9; t += step) {
    const double x = s.x(s.origin + static_cast<std::int64_t>(std::llround(t * 1000.0)));
    appendf(out, "<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", x, x, kAxisH - 4, height);
    appendf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%d\">%g s</text>", x, kAxisH - 8, t);
  }
}

void task_bar(std::string& out, const ReportModel& model, const TaskAttempt& t, const Scale& s, int row) {
  const std::string_view colour = stage_colour(t.stage);
  appendf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%.*s\">",
          t.failed ? "task failed" : "task", s.x(t.launch_ms), kAxisH + row * kLaneH, s.w(t.launch_ms, t.finish_ms),
          kBarH, static_cast<int>(colour.size()), colour.data());
  appendf(out, "<title>job %lld stage %u \u00b7 partition %u \u00b7 attempt %u \u00b7 rank %d",
          static_cast<long long>(model.jobs[t.job].id), t.stage, t.partition, t.attempt, t.rank);
  if (t.thread >= 0) appendf(out, " thread %d", t.thread);
  out += " \u00b7 " + fmt_ms(t.finish_ms - t.launch_ms);
  if (t.failed) {
    out += " \u00b7 failed: ";
    append_escaped(out, t.error);
  }
  out += "</title></rect>";
}

void job_bars(std::string& out, const ReportModel& model, const Scale& s, std::int64_t last_ms) {
  for (const Job& j : model.jobs) {
    if (j.submitted_ms < 0) continue;
    const std::int64_t end = j.completed_ms >= 0 ? j.completed_ms : last_ms;
    appendf(out, "<rect class=\"job\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>job %lld (",
            s.x(j.submitted_ms), kAxisH, s.w(j.submitted_ms, end), kBarH, static_cast<long long>(j.id));
    append_escaped(out, j.action);
    out += ") \u00b7 " + fmt_ms(end - j.submitted_ms) + "</title></rect>";
  }
}

void exchange_bars(std::string& out, const ReportModel& model, const Scale& s, int row) {
  for (const Exchange& x : model.exchanges) {
    appendf(out, "<rect class=\"exchange\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"url(#hatch)\">",
            s.x(x.start_ms), kAxisH + row * kLaneH, s.w(x.start_ms, x.end_ms), kBarH);
    appendf(out, "<title>%s #%lld (stage %lld) \u00b7 %lld round(s) \u00b7 ",
            x.broadcast ? "broadcast" : "exchange of shuffle", static_cast<long long>(x.shuffle),
            static_cast<long long>(x.stage), static_cast<long long>(x.rounds));
    out += fmt_bytes(x.bytes_sent) + " sent \u00b7 " + fmt_ms(x.end_ms - x.start_ms) + "</title></rect>";
  }
}

}  // namespace

void render_timeline(std::string& out, const ReportModel& model) {
  const std::vector<Lane> lanes = task_lanes(model);
  const std::int64_t origin = model.origin_ms();
  const std::int64_t last = model.last_ms();
  const std::int64_t span = std::max<std::int64_t>(last - origin, 1);
  const Scale s{origin, static_cast<double>(kPlotW) / static_cast<double>(span)};
  const int rows = 1 + static_cast<int>(lanes.size()) + (model.exchanges.empty() ? 0 : 1);
  const int height = kAxisH + rows * kLaneH + 4;
  appendf(out, "<svg class=\"timeline\" width=\"%d\" height=\"%d\" role=\"img\">", kLabelW + kPlotW + 20, height);
  out +=
      "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#d9d9d9\"/>"
      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#555\" stroke-width=\"3\"/></pattern></defs>";
  axis(out, s, span, height);
  lane_label(out, 0, "driver (jobs)");
  job_bars(out, model, s, last);
  std::string label;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    label.clear();
    appendf(label, lanes[i].second >= 0 ? "rank %d thread %d" : "rank %d", lanes[i].first, lanes[i].second);
    lane_label(out, static_cast<int>(i) + 1, label);
  }
  for (const TaskAttempt& t : model.tasks) {
    const auto row = std::lower_bound(lanes.begin(), lanes.end(), Lane(t.rank, t.thread)) - lanes.begin();
    task_bar(out, model, t, s, static_cast<int>(row) + 1);
  }
  if (!model.exchanges.empty()) {
    lane_label(out, rows - 1, "exchange");
    exchange_bars(out, model, s, rows - 1);
  }
  out += "</svg>";
}

}  // namespace dataflow::report
