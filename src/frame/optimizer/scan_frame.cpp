// A scan's frame and the two rules that rewrite it (DATAFRAME.md A.6): column pruning (a
// select right after the scan makes the scan of only the columns it uses) and filter
// pushdown (a filter right after the scan, or after a projection of plain columns over it,
// is evaluated by the scan as it builds each batch). DataFrame::select and ::filter apply
// them through FrameData's hooks, which this file sets.
#include <memory>
#include <utility>

#include "dataflow/dataframe.hpp"
#include "frame/api/frame_data.hpp"
#include "frame/optimizer/predicate.hpp"

namespace dataflow::detail {
namespace {

// The scan's line in a plan, as Spark's FileScan names what it reads:
// "Relation [a, b] csv PushedFilters: [(a > 1)], ReadSchema: struct<a:int,b:string,c:int>"
// (ReadSchema: the columns it outputs, then those only its filter reads).
std::string scan_text(const ScanSpec& spec, const Schema& out) {
  std::string text = "Relation [" + column_list(out) + "] " + spec.format;
  std::vector<Field> read = out.fields();
  if (spec.filter) {
    std::string names;
    for (const frame::BoundExpr& term : frame::conjuncts(*spec.filter))
      names += (names.empty() ? "" : ", ") + term.name;
    text += " PushedFilters: [" + names + "],";
    std::vector<bool> used(spec.source->size());
    frame::mark_columns(*spec.filter, used);
    for (std::size_t c : spec.columns) used[c] = false;
    for (std::size_t c = 0; c < used.size(); ++c) {
      if (used[c]) read.push_back((*spec.source)[c]);
    }
  }
  return text + " " + read_schema(Schema(std::move(read)));
}

}  // namespace

DataFrame scan_frame(ScanSpec spec, Dataset<std::string> batches, bool driver) {
  std::vector<Field> fields;
  for (std::size_t c : spec.columns) fields.push_back((*spec.source)[c]);
  auto schema = std::make_shared<const Schema>(std::move(fields));
  auto data = std::make_shared<FrameData>(*with_plan(std::move(batches), driver, scan_text(spec, *schema), {}));
  if (spec.optimize && spec.make) {
    auto scan = std::make_shared<const ScanSpec>(std::move(spec));
    // Column pruning: the same scan (and filter) over fewer of the source's columns.
    data->read_columns = [scan](const std::vector<std::size_t>& used) {
      std::vector<std::size_t> subset;
      for (std::size_t i : used) subset.push_back(scan->columns[i]);
      return scan->make(std::move(subset), scan->filter);
    };
    // Filter pushdown: the predicate over the source's columns, ANDed after the scan's own.
    if (scan->evaluates_filters) {
      data->push_filter = [scan, schema](const Column& condition) -> std::optional<DataFrame> {
        std::vector<frame::BoundExpr> terms;
        if (scan->filter) terms = frame::conjuncts(*scan->filter);
        const frame::BoundExpr predicate = frame::bind(condition, *schema);
        for (frame::BoundExpr& t : frame::conjuncts(frame::remap_columns(predicate, scan->columns))) {
          terms.push_back(std::move(t));
        }
        return scan->make(scan->columns,
                          std::make_shared<const frame::BoundExpr>(frame::conjunction(std::move(terms))));
      };
    }
  }
  return DataFrame(std::move(schema), std::move(data));
}

}  // namespace dataflow::detail
