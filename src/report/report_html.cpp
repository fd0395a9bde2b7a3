// The page: one self-contained HTML file (inline CSS and SVG, a little optional script).
#include <algorithm>
#include <vector>

#include "report/html_escape.hpp"
#include "report/report.hpp"
#include "report/report_format.hpp"
#include "report/report_model.hpp"
#include "report/report_tables.hpp"
#include "report/svg_chart.hpp"
#include "report/svg_dag.hpp"
#include "report/svg_timeline.hpp"

namespace dataflow::report {
namespace {

constexpr std::string_view kStyle = R"(
body{font-family:"DejaVu Sans",Verdana,sans-serif;font-size:13px;color:#222;margin:16px 24px;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:14px;margin:16px 0 6px}nav a{margin-right:12px;color:#36c}
table{border-collapse:collapse;margin:4px 0}th,td{border:1px solid #d4d4d4;padding:3px 7px;vertical-align:top}
thead th{background:#f3f3f3;cursor:pointer;white-space:nowrap}td.num{text-align:right;white-space:nowrap}
table.facts th{text-align:left;background:#f7f7f7;font-weight:normal;color:#555}
tr.flagged td{background:#fde2e1}tr.skipped td{color:#999}tr.failed td{background:#fdecea}
.wide{overflow-x:auto}pre.plan{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:12px}
svg text{font-family:"DejaVu Sans",Verdana,sans-serif}text.head{font-size:12px;font-weight:bold}
text.name,text.metric{font-size:11px}text.metric{fill:#444}.edge{fill:none;stroke:#555;stroke-width:1.2}
g.skipped text{fill:#888}text.lane{font-size:11px;text-anchor:end}line.lane{stroke:#eee}
line.tick{stroke:#ddd}text.tick{font-size:10px;text-anchor:middle;fill:#555}
rect.task{stroke:#fff;stroke-width:0.5}rect.task.failed{stroke:#d00;stroke-width:2}
rect.job{fill:#c9d3df}rect.exchange{stroke:#555;stroke-width:0.5}
.spark polyline{fill:none;stroke:#4e79a7;stroke-width:1.5}.spark{background:#fafafa;vertical-align:middle}
span.max{font-size:11px;color:#555;margin-left:6px}table.ranks td{white-space:nowrap}
table.stages td:nth-child(3){min-width:180px;max-width:320px;overflow-wrap:anywhere}p.note,p.rule{color:#555}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;
margin-right:4px;vertical-align:middle;border:1px solid #fff}
)";

// Sorting a table by a clicked column: a convenience, the page is complete without it.
constexpr std::string_view kScript = R"(
document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){
var tb=th.closest('table').tBodies[0],rows=Array.from(tb.rows),d=th.dataset.d=th.dataset.d==='1'?'-1':'1';
var u={KiB:1024,MiB:1048576,GiB:1073741824,TiB:1099511627776,s:1000,min:60000};
function k(r){var t=r.cells[i].textContent,m=/^([\d.,]+)\s*([A-Za-z]*)/.exec(t);
return m?[0,parseFloat(m[1].replace(/,/g,''))*(u[m[2]]||1)]:[1,t];}
rows.sort(function(a,b){var x=k(a),y=k(b);return (x[0]-y[0]||(x[1]<y[1]?-1:x[1]>y[1]?1:0))*d;});
rows.forEach(function(r){tb.appendChild(r);});});});
)";

void head(std::string& out, const ReportModel& model) {
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\"><title>dataflow report: ";
  append_escaped(out, model.app.app_id.empty() ? std::string_view(model.app.name) : std::string_view(model.app.app_id));
  out += "</title><style>";
  out += kStyle;
  out += "</style></head><body><header><h1>";
  append_escaped(out, model.app.name.empty() ? std::string_view("dataflow run") : std::string_view(model.app.name));
  out +=
      "</h1><nav><a href=\"#summary\">summary</a><a href=\"#dags\">stage DAGs</a><a href=\"#timeline\">timeline"
      "</a><a href=\"#stages\">stages</a><a href=\"#skew\">skew</a><a href=\"#ranks\">ranks</a>"
      "<a href=\"#plans\">plans</a></nav></header>\n";
}

void dags(std::string& out, const ReportModel& model) {
  out += "<section id=\"dags\"><h2>Stage DAGs</h2>";
  if (model.jobs.empty()) out += "<p class=\"note\">No job started in this log.</p>";
  for (std::size_t i = 0; i < model.jobs.size(); ++i) {
    const Job& j = model.jobs[i];
    std::uint64_t tasks = 0;
    for (const Stage& s : j.stages) tasks += s.tasks;
    out += "<div class=\"dag-job\" id=\"" + job_anchor(model, i) + "\"><h3>Job " + std::to_string(j.id) + " (";
    append_escaped(out, j.action);
    appendf(out, "): %zu stages, %llu tasks</h3><div class=\"wide\">", j.stages.size(),
            static_cast<unsigned long long>(tasks));
    render_dag(out, model, i);
    out += "</div></div>\n";
  }
  out += "</section>\n";
}

void legend(std::string& out, const ReportModel& model) {
  std::vector<std::uint32_t> stages;
  for (const TaskAttempt& t : model.tasks) stages.push_back(t.stage);
  std::sort(stages.begin(), stages.end());
  stages.erase(std::unique(stages.begin(), stages.end()), stages.end());
  out += "<p class=\"legend\">";
  for (const std::uint32_t s : stages) {
    const std::string_view c = stage_colour(s);
    appendf(out, "<span><i style=\"background:%.*s\"></i>stage %u</span>", static_cast<int>(c.size()), c.data(), s);
  }
  out +=
      "<span><i style=\"background:#ccc;border:2px solid #d00\"></i>failed attempt</span>"
      "<span><i style=\"background:repeating-linear-gradient(45deg,#555 0 2px,#d9d9d9 2px 5px)\"></i>exchange"
      "</span></p>";
}

void section(std::string& out, const char* id, const char* title, void (*body)(std::string&, const ReportModel&),
             const ReportModel& model) {
  appendf(out, "<section id=\"%s\"><h2>%s</h2>", id, title);
  body(out, model);
  out += "</section>\n";
}

}  // namespace

std::string render_html(std::string_view log_text) {
  const ReportModel model = read_event_log(log_text);
  std::string out;
  out.reserve(16384 + model.tasks.size() * 320);
  head(out, model);
  section(out, "summary", "Summary", render_summary, model);
  dags(out, model);
  section(
      out, "timeline", "Timeline (rank and thread; seconds from the start)",
      [](std::string& o, const ReportModel& m) {
        legend(o, m);
        o += "<div class=\"wide\">";
        render_timeline(o, m);
        o += "</div>";
      },
      model);
  section(
      out, "stages", "Stages",
      [](std::string& o, const ReportModel& m) {
        o += "<div class=\"wide\">";
        render_stage_table(o, m);
        o += "</div>";
      },
      model);
  section(out, "skew", "Skew", render_skew_table, model);
  section(out, "ranks", "Ranks", render_ranks, model);
  section(out, "plans", "Plans", render_plans, model);
  out += "<footer><p class=\"note\">Made from the event log by libdataflow; this page needs no network.</p></footer>";
  out += "<script>";
  out += kScript;
  out += "</script></body></html>\n";
  return out;
}

}  // namespace dataflow::report
