// UserDefinedFunction::apply: a user's function over columns as an expression node; bind.cpp
// casts its arguments to the parameter types and evaluate.cpp runs it a batch at a time.
#include "dataflow/udf.hpp"

#include <memory>
#include <string>

#include "dataflow/error.hpp"

namespace dataflow {

Column UserDefinedFunction::apply(const std::vector<Column>& columns) const {
  if (columns.size() != fn_->params.size()) {
    throw Error(ExitCode::kUsage, fn_->name + ": the function takes " + std::to_string(fn_->params.size()) +
                                      " arguments, given " + std::to_string(columns.size()));
  }
  auto n = std::make_shared<detail::ExprNode>();
  n->kind = detail::ExprKind::kUdf;
  n->name = fn_->name;
  n->udf = fn_;
  for (const Column& c : columns) n->children.push_back(c.node());
  return Column(std::move(n));
}

}  // namespace dataflow
