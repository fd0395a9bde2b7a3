// A join's type from Spark's names, and a Column condition split into key pairs (one
// operand on each side) and the residual predicate on the pairs.
#include <algorithm>
#include <cctype>
#include <utility>

#include "dataflow/error.hpp"
#include "frame/api/frame_rows.hpp"
#include "frame/api/join_spec.hpp"

namespace dataflow::frame {

How parse_how(const std::string& how) {
  std::string h;
  for (char c : how) {
    if (c != '_') h += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (h == "inner") return How::kInner;
  if (h == "left" || h == "leftouter") return How::kLeft;
  if (h == "right" || h == "rightouter") return How::kRight;
  if (h == "full" || h == "outer" || h == "fullouter") return How::kFull;
  if (h == "leftsemi" || h == "semi") return How::kSemi;
  if (h == "leftanti" || h == "anti") return How::kAnti;
  if (h == "cross") return How::kCross;
  throw Error(ExitCode::kUsage, "join: unsupported join type '" + how +
                                    "'. Supported join types include: 'inner', 'outer', 'full', 'fullouter', "
                                    "'full_outer', 'leftouter', 'left', 'left_outer', 'rightouter', 'right', "
                                    "'right_outer', 'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', "
                                    "'anti', 'cross'");
}

const char* how_name(How how) {  // as Spark's plans print it
  switch (how) {
    case How::kInner:
      return "Inner";
    case How::kLeft:
      return "LeftOuter";
    case How::kRight:
      return "RightOuter";
    case How::kFull:
      return "FullOuter";
    case How::kSemi:
      return "LeftSemi";
    case How::kAnti:
      return "LeftAnti";
    default:
      return "Cross";
  }
}

namespace {

using detail::ExprKind;
using detail::ExprNode;
using NodePtr = std::shared_ptr<const ExprNode>;

void split_and(const NodePtr& n, std::vector<NodePtr>& out) {
  if (n->kind == ExprKind::kBinary && n->name == "AND") {
    split_and(n->children[0], out);
    split_and(n->children[1], out);
  } else {
    out.push_back(n);
  }
}

// Which sides an expression's columns can come from: bit 1 the left, bit 2 the right (3:
// either, as a name both have); `columns` counts its column references.
int sides_of(const ExprNode& n, const Schema& left, const Schema& right, int& columns) {
  if (n.kind == ExprKind::kColumn) {
    ++columns;
    auto has = [&](const Schema& s, bool by_tag) {
      for (const Field& f : s.fields()) {
        if (!Schema({f}).find(n.name)) continue;
        if (!by_tag || std::find(f.frames.begin(), f.frames.end(), n.frame) != f.frames.end()) return true;
      }
      return false;
    };
    if (n.frame != 0) {
      const int tagged_sides = (has(left, true) ? 1 : 0) | (has(right, true) ? 2 : 0);
      if (tagged_sides != 0) return tagged_sides;
    }
    return (has(left, false) ? 1 : 0) | (has(right, false) ? 2 : 0);
  }
  int mask = 3;
  for (const NodePtr& c : n.children) mask &= sides_of(*c, left, right, columns);
  return mask;
}

}  // namespace

// Binds `on`: equalities with one operand on each side become keys, the rest the residual.
void bind_condition(const Column& on, JoinSpec& spec) {
  std::vector<NodePtr> conjuncts, rest;
  split_and(on.node(), conjuncts);
  for (const NodePtr& c : conjuncts) {
    if (c->kind == ExprKind::kBinary && c->name == "=") {
      int ca = 0, cb = 0;
      const int a = sides_of(*c->children[0], *spec.left, *spec.right, ca);
      const int b = sides_of(*c->children[1], *spec.left, *spec.right, cb);
      const NodePtr* l = nullptr;
      const NodePtr* r = nullptr;
      if (ca > 0 && cb > 0 && !(a == 3 && b == 3)) {
        if ((a & 1) && (b & 2)) {
          l = &c->children[0];
          r = &c->children[1];
        } else if ((a & 2) && (b & 1)) {
          l = &c->children[1];
          r = &c->children[0];
        }
      }
      if (l) {
        BoundExpr lk = frame::bind(Column(*l), *spec.left);
        BoundExpr rk = frame::bind(Column(*r), *spec.right);
        const auto t = frame::common_type(lk.type, rk.type);
        if (!t) {
          throw Error(ExitCode::kUsage, "join: cannot compare " + lk.name + " (" + std::string(type_name(lk.type)) +
                                            ") with " + rk.name + " (" + std::string(type_name(rk.type)) + ")");
        }
        spec.key_types.push_back(*t);
        spec.left_keys.push_back(frame::as_type(std::move(lk), *t));
        spec.right_keys.push_back(frame::as_type(std::move(rk), *t));
        continue;
      }
    }
    rest.push_back(c);
  }
  if (rest.empty()) return;
  Column residual(rest[0]);
  for (std::size_t i = 1; i < rest.size(); ++i) residual = detail::make_binary("AND", residual, Column(rest[i]));
  BoundExpr bound = frame::bind(residual, *spec.combined);
  if (bound.type != Type::kBool) {
    throw Error(ExitCode::kUsage, "join: the condition " + bound.name + " is a " + std::string(type_name(bound.type)) +
                                      ", not a boolean");
  }
  spec.residual = std::move(bound);
}

}  // namespace dataflow::frame
