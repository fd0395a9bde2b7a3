// A job's stage DAG as inline SVG.
#include "report/svg_dag.hpp"

#include <algorithm>
#include <numeric>

#include "report/html_escape.hpp"
#include "report/report_format.hpp"

namespace dataflow::report {
namespace {

constexpr int kBoxW = 260, kBoxH = 88, kGapX = 56, kGapY = 18, kMargin = 8, kLine = 15, kArcBand = 36;
constexpr std::size_t kNameChars = 42;

// Each node's layer: the longest path from a root. A cycle (a broken log) stops after n rounds.
std::vector<int> longest_path_layers(const std::vector<std::vector<std::size_t>>& parents) {
  const std::size_t n = parents.size();
  std::vector<int> layer(n, 0);
  for (std::size_t round = 0; round < n; ++round) {
    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      for (const std::size_t p : parents[i]) {
        if (p < n && p != i && layer[p] + 1 > layer[i] && layer[p] + 1 < static_cast<int>(n)) {
          layer[i] = layer[p] + 1;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return layer;
}

// Reorders `column` by the mean row of each node's neighbours (its own row when it has
// none), ties by index, and writes the new rows into `order`.
void order_by_barycentre(std::vector<std::size_t>& column, const std::vector<std::vector<std::size_t>>& neighbours,
                         std::vector<int>& order, std::vector<double>& bary) {
  for (const std::size_t i : column) {
    double sum = 0;
    int count = 0;
    for (const std::size_t k : neighbours[i]) {
      if (k < order.size()) {
        sum += order[k];
        ++count;
      }
    }
    bary[i] = count ? sum / count : order[i];
  }
  std::sort(column.begin(), column.end(),
            [&](std::size_t a, std::size_t b) { return bary[a] != bary[b] ? bary[a] < bary[b] : a < b; });
  for (std::size_t r = 0; r < column.size(); ++r) order[column[r]] = static_cast<int>(r);
}

// A stage name cut to about kNameChars bytes at a UTF-8 character boundary.
std::string_view short_name(std::string_view name) {
  if (name.size() <= kNameChars) return name;
  std::size_t cut = kNameChars;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut);
}

void text_line(std::string& out, int x, int y, const char* cls, std::string_view text) {
  appendf(out, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, y, cls);
  append_escaped(out, text);
  out += "</text>";
}

void stage_box(std::string& out, const ReportModel& model, std::size_t job, const Stage& s, int x, int y) {
  const StageTotals t = stage_totals(model.tasks_of(job, s.id));
  const bool skipped = t.attempts == 0 && s.submitted_ms < 0;
  const std::string_view colour = skipped ? "#9a9a9a" : stage_colour(s.id);
  out += skipped ? "<g class=\"stage skipped\">" : "<g class=\"stage\">";
  out += "<title>";
  appendf(out, "Stage %u%s: ", s.id, skipped ? " (skipped: not run)" : "");
  append_escaped(out, s.name);
  out += "</title>";
  appendf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"5\" fill=\"%.*s\" fill-opacity=\"0.13\" ", x, y,
          kBoxW, kBoxH, static_cast<int>(colour.size()), colour.data());
  appendf(out, "stroke=\"%.*s\"/>", static_cast<int>(colour.size()), colour.data());
  std::string line;
  appendf(line, "Stage %u \u00b7 %u tasks \u00b7 %s%s", s.id, s.tasks,
          skipped ? "skipped" : fmt_ms(model.stage_duration_ms(job, s)).c_str(),
          model.broadcast_stage(job, s.id) ? " \u00b7 broadcast" : "");
  text_line(out, x + 8, y + 17, "head", line);
  std::string name(short_name(s.name));
  if (name.size() < s.name.size()) name += "\u2026";
  text_line(out, x + 8, y + 17 + kLine, "name", name);
  line = "input " + fmt_bytes(t.input_bytes) + " \u00b7 " + fmt_count(t.input_records) + " records";
  text_line(out, x + 8, y + 17 + 2 * kLine, "metric", line);
  line = "shuffle write " + fmt_bytes(t.shuffle_write_bytes) + " \u00b7 read " +
         (t.has_shuffle_read ? fmt_bytes(t.shuffle_read_bytes) : std::string("-"));
  text_line(out, x + 8, y + 17 + 3 * kLine, "metric", line);
  line = "spill " + fmt_bytes(t.memory_spilled) + " / " + fmt_bytes(t.disk_spilled) + " disk";
  if (t.failed) line += " \u00b7 " + std::to_string(t.failed) + " failed";
  text_line(out, x + 8, y + 17 + 4 * kLine, "metric", line);
  out += "</g>";
}

void reused_box(std::string& out, std::int64_t shuffle, int x, int y) {
  out += "<g class=\"stage skipped\"><title>Shuffle reused from an earlier job: its stage is skipped</title>";
  appendf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"5\" fill=\"#9a9a9a\" fill-opacity=\"0.13\" ", x,
          y, kBoxW, kBoxH);
  out += "stroke=\"#9a9a9a\" stroke-dasharray=\"4 3\"/>";
  std::string line;
  appendf(line, "shuffle #%lld \u00b7 skipped", static_cast<long long>(shuffle));
  text_line(out, x + 8, y + 17, "head", line);
  text_line(out, x + 8, y + 17 + kLine, "name", "kept by an earlier job, read as it is");
  out += "</g>";
}

}  // namespace

DagLayout layout_dag(const std::vector<std::vector<std::size_t>>& parents) {
  const std::size_t n = parents.size();
  DagLayout d;
  d.layer = longest_path_layers(parents);
  d.layers = n ? *std::max_element(d.layer.begin(), d.layer.end()) + 1 : 0;
  std::vector<std::vector<std::size_t>> columns(static_cast<std::size_t>(d.layers));
  std::vector<std::vector<std::size_t>> children(n);
  d.order.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    auto& column = columns[static_cast<std::size_t>(d.layer[i])];
    d.order[i] = static_cast<int>(column.size());
    column.push_back(i);
    for (const std::size_t p : parents[i]) {
      if (p < n) children[p].push_back(i);
    }
  }
  std::vector<double> bary(n);
  for (std::size_t l = 1; l < columns.size(); ++l) order_by_barycentre(columns[l], parents, d.order, bary);
  for (std::size_t l = columns.size(); l-- > 1;) order_by_barycentre(columns[l - 1], children, d.order, bary);
  for (const auto& c : columns) d.rows = std::max(d.rows, static_cast<int>(c.size()));
  return d;
}

void render_dag(std::string& out, const ReportModel& model, std::size_t job) {
  const Job& j = model.jobs[job];
  const std::size_t stages = j.stages.size();
  std::vector<std::vector<std::size_t>> parents(stages + j.reused_shuffles.size());
  for (std::size_t i = 0; i < stages; ++i) {
    for (const std::uint32_t p : j.stages[i].parents) {
      const auto it = std::find_if(j.stages.begin(), j.stages.end(), [&](const Stage& s) { return s.id == p; });
      if (it != j.stages.end()) parents[i].push_back(static_cast<std::size_t>(it - j.stages.begin()));
    }
  }
  const DagLayout d = layout_dag(parents);
  // An edge that skips a layer would cross the boxes between: it arcs over them, in a band
  // above the first row.
  bool long_edges = false;
  for (std::size_t i = 0; i < stages; ++i) {
    for (const std::size_t p : parents[i]) long_edges = long_edges || d.layer[i] - d.layer[p] > 1;
  }
  const int top = kMargin + (long_edges ? kArcBand : 0);
  const auto x_of = [&](std::size_t i) { return kMargin + d.layer[i] * (kBoxW + kGapX); };
  const auto y_of = [&](std::size_t i) { return top + d.order[i] * (kBoxH + kGapY); };
  appendf(out, "<svg class=\"dag\" width=\"%d\" height=\"%d\" role=\"img\">", 2 * kMargin + d.layers * (kBoxW + kGapX),
          top + kMargin + std::max(d.rows, 1) * (kBoxH + kGapY));
  appendf(out,
          "<defs><marker id=\"arrow-%zu\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
          "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#555\"/></marker></defs>",
          job);
  int arc = 0;  // long edges arc at different heights so that they stay apart
  for (std::size_t i = 0; i < stages; ++i) {
    for (const std::size_t p : parents[i]) {
      const int x1 = x_of(p) + kBoxW, y1 = y_of(p) + kBoxH / 2, x2 = x_of(i), y2 = y_of(i) + kBoxH / 2;
      if (d.layer[i] - d.layer[p] > 1) {
        const int y = kMargin + (arc++ * 7) % kArcBand;
        appendf(out, "<path class=\"edge\" d=\"M%d,%dC%d,%d %d,%d %d,%d\" marker-end=\"url(#arrow-%zu)\"/>",
                x_of(p) + kBoxW / 2, y_of(p), x_of(p) + kBoxW / 2, y, x2 + kBoxW / 2, y, x2 + kBoxW / 2, y_of(i), job);
        continue;
      }
      appendf(out, "<path class=\"edge\" d=\"M%d,%dC%d,%d %d,%d %d,%d\" marker-end=\"url(#arrow-%zu)\"/>", x1, y1,
              x1 + kGapX / 2, y1, x2 - kGapX / 2, y2, x2, y2, job);
    }
  }
  for (std::size_t i = 0; i < stages; ++i) stage_box(out, model, job, j.stages[i], x_of(i), y_of(i));
  for (std::size_t r = 0; r < j.reused_shuffles.size(); ++r) {
    reused_box(out, j.reused_shuffles[r], x_of(stages + r), y_of(stages + r));
  }
  out += "</svg>";
}

}  // namespace dataflow::report
