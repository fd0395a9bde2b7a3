#include "frame/optimizer/predicate.hpp"

#include <memory>
#include <utility>

#include "dataflow/error.hpp"

namespace dataflow::frame {
namespace {

bool is_and(const BoundExpr& e) { return e.kind == detail::ExprKind::kBinary && e.op == "AND"; }

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

std::shared_ptr<const detail::ExprNode> rename(const detail::ExprNode& n, const Schema& from,
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
    child = rename(*child, from, to_index, to);
    if (!child) return nullptr;
  }
  return out;
}

}  // namespace

std::optional<Column> rename_columns(const Column& c, const Schema& from, const std::vector<std::size_t>& to_index,
                                     const Schema& to) {
  auto node = rename(*c.node(), from, to_index, to);
  if (!node) return std::nullopt;
  return Column(std::move(node));
}

}  // namespace dataflow::frame
