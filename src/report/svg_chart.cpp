// The ranks section: sparklines of each executor's samples.
#include "report/svg_chart.hpp"

#include <algorithm>
#include <vector>

#include "report/html_escape.hpp"
#include "report/report_format.hpp"

namespace dataflow::report {
namespace {

constexpr int kSparkW = 200, kSparkH = 34;

enum class Metric { kRss, kCpu, kPool, kSpilled };

// The metric's value at sample i; CPU % from the CPU time used since the previous sample.
double value_at(const std::vector<RankSample>& s, std::size_t i, Metric m) {
  switch (m) {
    case Metric::kRss:
      return static_cast<double>(s[i].rss);
    case Metric::kPool:
      return static_cast<double>(s[i].pool_reserved);
    case Metric::kSpilled:
      return static_cast<double>(s[i].disk_spilled);
    case Metric::kCpu:
      break;
  }
  if (i == 0 || s[i].time_ms <= s[i - 1].time_ms || s[i].cpu_ms < s[i - 1].cpu_ms) return 0;
  return 100.0 * static_cast<double>(s[i].cpu_ms - s[i - 1].cpu_ms) /
         static_cast<double>(s[i].time_ms - s[i - 1].time_ms);
}

std::string label_of(double max, Metric m) {
  if (m != Metric::kCpu) return fmt_bytes(static_cast<std::uint64_t>(max));
  std::string out;
  appendf(out, "%.0f %%", max);
  return out;
}

void sparkline(std::string& out, const RankSeries& r, Metric m, std::int64_t origin, std::int64_t span) {
  double max = 0;
  for (std::size_t i = 0; i < r.samples.size(); ++i) max = std::max(max, value_at(r.samples, i, m));
  appendf(out, "<td><svg class=\"spark\" width=\"%d\" height=\"%d\"><polyline points=\"", kSparkW, kSparkH);
  for (std::size_t i = 0; i < r.samples.size(); ++i) {
    const double x = static_cast<double>(r.samples[i].time_ms - origin) * (kSparkW - 2) / static_cast<double>(span) + 1;
    const double y = kSparkH - 2 - (max > 0 ? value_at(r.samples, i, m) / max * (kSparkH - 4) : 0);
    appendf(out, "%s%.1f,%.1f", i ? " " : "", x, y);
  }
  out += "\"/></svg><span class=\"max\">max " + label_of(max, m) + "</span></td>";
}

}  // namespace

void render_ranks(std::string& out, const ReportModel& model) {
  if (model.ranks.empty()) {
    out +=
        "<p class=\"note\">No rank samples in this log (DataflowRankSample events are written about once a "
        "second while the program runs with an event log).</p>";
    return;
  }
  const std::int64_t origin = model.origin_ms();
  const std::int64_t span = std::max<std::int64_t>(model.last_ms() - origin, 1);
  out +=
      "<table class=\"ranks\"><thead><tr><th>executor</th><th>samples</th><th>peak RSS</th><th>RSS</th>"
      "<th>CPU %</th><th>pool reserved</th><th>disk spilled</th></tr></thead><tbody>";
  for (const RankSeries& r : model.ranks) {
    std::uint64_t peak = 0;
    for (const RankSample& s : r.samples) peak = std::max({peak, s.peak_rss, s.rss});
    out += "<tr><td>";
    append_escaped(out, r.executor == "0" ? std::string_view("0 (driver)") : std::string_view(r.executor));
    appendf(out, "</td><td class=\"num\">%zu</td><td class=\"num\">", r.samples.size());
    out += fmt_bytes(peak) + "</td>";
    for (const Metric m : {Metric::kRss, Metric::kCpu, Metric::kPool, Metric::kSpilled})
      sparkline(out, r, m, origin, span);
    out += "</tr>";
  }
  out += "</tbody></table>";
}

}  // namespace dataflow::report
