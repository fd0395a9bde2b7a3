// Column pruning through the operators (DATAFRAME.md A.7): an operator that reads only some
// of its input's columns (a select, an aggregate) asks the frame below for those alone
// (FrameData::read_columns), and a filter or a join below passes the request on to its own
// inputs, adding the columns it needs itself, so that the scans at the leaves read only what
// the query uses and a join shuffles no column that nothing above it reads.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "dataflow/dataframe.hpp"
#include "frame/api/join_spec.hpp"
#include "frame/optimizer/filter_pushdown.hpp"  // JoinRebuild

namespace dataflow::detail {

using ReadColumns = std::function<DataFrame(const std::vector<std::size_t>& used)>;

// `df` made again with fewer columns, holding at least those marked in `used` (as long as
// df's schema), by its read_columns hook; nullopt where it has none, is cached, or could
// not drop a column. The result is still the frame df["x"] names (its id), keeps df's
// broadcast hint, and explain(true)'s parsed plan prints df's plan in its place.
std::optional<DataFrame> narrowed(const DataFrame& df, const std::vector<bool>& used);

// `df` narrowed as above, else (a cached frame, a frame of rows the program built) the
// projection of the columns marked in `used` where that drops one, else df: what a filter
// or a join that copies its input's rows puts below itself, so that it copies no column that
// nothing above it reads. The projection copies each column's encoding as it is, and keeps
// its name and join tags, df's identity and its broadcast hint.
DataFrame narrowed_or_projected(const DataFrame& df, const std::vector<bool>& used);

// A filter's hook: the frame below narrowed or projected to the columns used and those the
// condition reads, filtered again.
ReadColumns filter_pruning(DataFrame below, Column condition);

// A join's hook: each side narrowed or projected to the columns used of it, its key columns
// and those the residual predicate reads; rebuild(l, r) makes the join again.
ReadColumns join_pruning(DataFrame left, DataFrame right, std::shared_ptr<const frame::JoinSpec> spec,
                         JoinRebuild rebuild);

}  // namespace dataflow::detail
