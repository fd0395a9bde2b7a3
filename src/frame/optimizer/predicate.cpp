#include "frame/optimizer/predicate.hpp"

#include <memory>
#include <utility>

#include "dataflow/error.hpp"

namespace dataflow::frame {
namespace {

bool is_and(const BoundExpr& e) { return e.kind == detail::ExprKind::kBinary && e.op == "AND"; }

void collect_terms(const Column& c, std::vector<Column>& out) {
  const detail::ExprNode& n = *c.node();
  if (n.kind != detail::ExprKind::kBinary || n.name != "AND") {
    out.push_back(c);
    return;
  }
  for (const auto& child : n.children) collect_terms(Column(child), out);
}

void collect(const BoundExpr& e, std::vector<BoundExpr>& out) {
  if (!is_and(e)) {
    out.push_back(e);
    return;
  }
  for (const BoundExpr& c : e.children) collect(c, out);
}

}  // namespace

std::vector<BoundExpr> conjuncts(const BoundExpr& predicate) {
  std::vector<BoundExpr> out;
  collect(predicate, out);
  return out;
}

BoundExpr conjunction(std::vector<BoundExpr> terms) {
  BoundExpr out = std::move(terms.front());
  for (std::size_t i = 1; i < terms.size(); ++i) {
    BoundExpr both;
    both.kind = detail::ExprKind::kBinary;
    both.op = "AND";
    both.type = Type::kBool;
    both.name = "(" + out.name + " AND " + terms[i].name + ")";
    both.children.push_back(std::move(out));
    both.children.push_back(std::move(terms[i]));
    out = std::move(both);
  }
  return out;
}

std::vector<Column> conjuncts(const Column& condition) {
  std::vector<Column> out;
  collect_terms(condition, out);
  return out;
}

Column conjunction(const std::vector<Column>& terms) {
  Column out = terms.front();
  for (std::size_t i = 1; i < terms.size(); ++i) out = out && terms[i];
  return out;
}

void mark_columns(const BoundExpr& e, std::vector<bool>& used) {
  if (e.kind == detail::ExprKind::kColumn) used[e.column] = true;
  for (const BoundExpr& c : e.children) mark_columns(c, used);
}

BoundExpr remap_columns(BoundExpr e, const std::vector<std::size_t>& to) {
  if (e.kind == detail::ExprKind::kColumn) e.column = to[e.column];
  for (BoundExpr& c : e.children) c = remap_columns(std::move(c), to);
  return e;
}

namespace {

std::shared_ptr<const detail::ExprNode> rename_node(const detail::ExprNode& n, const Schema& from,
                                                    const std::vector<std::size_t>& to_index, const Schema& to) {
  auto out = std::make_shared<detail::ExprNode>(n);
  if (n.kind == detail::ExprKind::kColumn) {
    const std::size_t i = bind(Column(out), from).column;  // as a filter on `from` reads it
    const std::size_t target = to_index[i];
    out->name = to[target].name;
    out->frame = 0;
    try {
      if (to.resolve(out->name) != target) return nullptr;
    } catch (const Error&) {  // ambiguous in `to`
      return nullptr;
    }
    return out;
  }
  for (auto& child : out->children) {
    child = rename_node(*child, from, to_index, to);
    if (!child) return nullptr;
  }
  return out;
}

}  // namespace

std::optional<Column> rename_columns(const Column& c, const Schema& from, const std::vector<std::size_t>& to_index,
                                     const Schema& to) {
  auto node = rename_node(*c.node(), from, to_index, to);
  if (!node) return std::nullopt;
  return Column(std::move(node));
}

SplitFilter split_filter(const Column& condition, const Schema& out, const std::vector<ColumnOrigin>& origin,
                         const std::vector<const Schema*>& inputs) {
  SplitFilter split;
  split.to.resize(inputs.size());
  for (const Column& term : conjuncts(condition)) {
    std::vector<bool> used(out.size());
    mark_columns(bind(term, out), used);
    std::optional<std::size_t> input;
    bool one = true;
    for (std::size_t i = 0; i < used.size() && one; ++i) {
      if (!used[i]) continue;
      if (!origin[i] || (input && *input != origin[i]->first)) one = false;
      if (origin[i]) input = origin[i]->first;
    }
    std::optional<Column> moved;
    if (one && input) {
      std::vector<std::size_t> index(out.size());
      for (std::size_t i = 0; i < out.size(); ++i) {
        if (origin[i] && origin[i]->first == *input) index[i] = origin[i]->second;
      }
      moved = rename_columns(term, out, index, *inputs[*input]);
    }
    if (moved) {
      split.to[*input].push_back(*moved);
    } else {
      split.rest.push_back(term);
    }
  }
  return split;
}

}  // namespace dataflow::frame
