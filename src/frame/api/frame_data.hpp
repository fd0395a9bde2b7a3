// What a DataFrame holds besides its schema: its rows as a Dataset of encoded column
// batches (record_batch.hpp's codec; never an empty batch), whether this rank prints, the
// logical plan that explain() prints, the frame's identity (df["x"] records it, so a
// join can tell its two sides' columns apart), and for a sorted frame how to take its top n.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/dataframe.hpp"
#include "dataflow/dataset.hpp"
#include "dataflow/schema.hpp"

namespace dataflow::frame {
struct BoundExpr;
}

namespace dataflow::detail {

// One node of a frame's logical plan, as Spark prints it: "Join Inner, (a = b)".
struct PlanNode {
  std::string text;
  std::vector<std::shared_ptr<const PlanNode>> children;
  // Set where an optimizer rule rewrote the plan: the subtree as the program wrote it, which
  // explain(true)'s parsed and analyzed plans print in this node's place.
  std::shared_ptr<const PlanNode> as_written = nullptr;
  // Where the node runs as several physical operators (an aggregate: its final half, the
  // exchange, its partial half), those, top first: the physical plan prints them in place of
  // `text`, each over the next and the children under the last.
  std::vector<std::string> physical = {};
};
using PlanPtr = std::shared_ptr<const PlanNode>;

// What the optimizer's rules, outside DataFrame's members, read of a frame.
struct FrameAccess {
  static const std::shared_ptr<const FrameData>& data(const DataFrame& df) { return df.data_; }
  static const std::shared_ptr<const Schema>& schema(const DataFrame& df) { return df.schema_; }
};

// A fresh frame identity (never 0), from a counter every rank advances in program order.
std::uint64_t next_frame_id();

// A frame's batches, made when first used. A broadcast join collects its small side when
// its batches are made (a job), so it makes them lazily: the optimizer can make a join
// again with fewer columns or filtered sides without running the join it replaces, and a
// join that a later rule replaces never runs. Copies share what was made.
class FrameBatches {
 public:
  FrameBatches(Dataset<std::string> made)  // NOLINT(google-explicit-constructor): as they are
      : state_(std::make_shared<State>(State{std::move(made), nullptr})), config_(&state_->made->config()) {}
  FrameBatches(const Config& config, std::function<Dataset<std::string>()> make)
      : state_(std::make_shared<State>(State{std::nullopt, std::move(make)})), config_(&config) {}
  // Makes them (on every rank alike: the program's order is every rank's).
  const Dataset<std::string>& get() const {
    if (!state_->made) {
      state_->made.emplace(state_->make());
      state_->make = nullptr;
    }
    return *state_->made;
  }
  const Dataset<std::string>* operator->() const { return &get(); }
  operator const Dataset<std::string>&() const { return get(); }  // NOLINT: a frame's batches
  // The session's settings, without making the batches.
  const Config& config() const { return *config_; }

 private:
  struct State {
    std::optional<Dataset<std::string>> made;
    std::function<Dataset<std::string>()> make;
  };
  std::shared_ptr<State> state_;
  const Config* config_;
};

struct FrameData {
  FrameBatches batches;
  bool driver = false;
  PlanPtr plan = nullptr;  // none: explain() prints a LogicalRDD leaf of the schema
  std::uint64_t id = next_frame_id();
  bool broadcast = false;  // F::broadcast(df): join it without a shuffle where the join allows
  // Set by order_by: the batches of its first n rows (ties in any order) from the unsorted
  // input, each partition's n first then one sort of those, so limit(n) skips the full sort.
  std::function<Dataset<std::string>(std::uint64_t)> top_n = nullptr;
  // The optimizer's hooks (frame/plan/; set only while Config::optimizer is on).
  // Set by a scan that can read fewer columns (CSV, an HDF5 table), and by a projection, a
  // filter or a join over frames that can: this frame made again with fewer columns, at
  // least the columns `used` (indices into this frame's schema, ascending), each under its
  // name, so that a select or an aggregate reads only what it uses, down to the scans
  // (column pruning, optimizer/column_pruning.cpp, which calls it: detail::narrowed).
  std::function<DataFrame(const std::vector<std::size_t>& used)> read_columns = nullptr;
  // Set by a scan that evaluates filters as it reads (CSV), and by a projection of plain
  // columns over such a frame: this frame with `condition` (over its columns) evaluated
  // inside the scan (filter pushdown), so a filter costs no pass of its own and the columns
  // it does not read are converted only for the rows that pass; nullopt where it cannot.
  std::function<std::optional<DataFrame>(const Column& condition)> push_filter = nullptr;
  // Set by persist (which marks the batches' node, as Spark's cache marks the frame): a
  // persisted frame is read from its cache, never narrowed into a new scan. Shared by the
  // copies of this FrameData (a broadcast hint, a rule's rewrite of the plan), which hold
  // the same batches, so that caching one is seen by every hook that holds another.
  std::shared_ptr<bool> persisted = std::make_shared<bool>(false);
  bool cached() const { return *persisted; }
};

// The first `count` column names of `schema`, comma-separated, as plan nodes list them.
std::string column_list(const Schema& schema, std::size_t count = SIZE_MAX);

// A scan's columns as Spark's explain shows them: "ReadSchema: struct<a:int,b:bigint>".
std::string read_schema(const Schema& schema);

// The frame's plan, or the leaf that stands for a frame built without one.
PlanPtr plan_of(const FrameData& data, const Schema& schema);

// The data of a frame made by an operation: its batches, and a plan node `text` over
// `children` (the operands' plans). Operations call it so explain() shows them.
std::shared_ptr<const FrameData> with_plan(FrameBatches batches, bool driver, std::string text,
                                           std::vector<PlanPtr> children);

// `data` with its plan's root marked as what a rule made of `as_written` (explain(true)'s
// parsed plan prints that instead).
std::shared_ptr<FrameData> rewritten(const FrameData& data, const Schema& schema, PlanPtr as_written);

// How a scan reads its source: which of the source's columns it outputs, the filter it
// evaluates (bound to the source's columns; none: every row), and how to make the scan of
// other columns or another filter (null where the source cannot).
struct ScanSpec {
  std::string format;                    // "csv", "hdf5 /dataset"
  std::shared_ptr<const Schema> source;  // the source's columns
  std::vector<std::size_t> columns;      // into source, in the frame's order
  std::shared_ptr<const frame::BoundExpr> filter = nullptr;
  std::function<DataFrame(std::vector<std::size_t> columns, std::shared_ptr<const frame::BoundExpr> filter)> make =
      nullptr;
  bool evaluates_filters = false;  // make() takes a filter
  bool optimize = true;            // Config::optimizer: with it off, the scan has no hooks
};

// The scan's frame of `batches` (the rows of spec.columns that pass spec.filter). Its plan
// is the leaf "Relation [a, b] FORMAT PushedFilters: [...], ReadSchema: struct<...>"; with
// spec.make, select narrows it (read_columns) and, where the scan has a filter or could,
// filter pushes into it (push_filter).
DataFrame scan_frame(ScanSpec spec, Dataset<std::string> batches, bool driver);

// Spark's tree drawing of a plan: the root, then each child under "+- " (the last) or
// ":- " (the others), indented by "   " or ":  ". kWritten: the plan as the program wrote
// it, before the optimizer's rewrites (PlanNode::as_written); kPhysical: the optimized plan
// with each node's physical operators (PlanNode::physical).
enum class PlanView { kOptimized, kWritten, kPhysical };
std::string plan_tree_string(const PlanNode& root, PlanView view = PlanView::kOptimized);

}  // namespace dataflow::detail
