// Plan fingerprint: XXH3 over a canonical encoding of the target's lineage.
#include <string>

#include "dataflow/detail/hash.hpp"
#include "plan/planner.hpp"

namespace dataflow::plan {
namespace {

void put(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

void put(std::string& out, const std::string& s) {
  put(out, s.size());
  out += s;
}

}  // namespace

std::uint64_t fingerprint(const dag::Graph& graph, int target) {
  std::string canon;
  for (int id : graph.lineage(target)) {
    const auto& n = graph.node(id);
    put(canon, static_cast<std::uint64_t>(id));
    put(canon, static_cast<std::uint64_t>(n.kind));
    put(canon, n.parents.size());
    for (int p : n.parents) put(canon, static_cast<std::uint64_t>(p));
    put(canon, n.label);
    put(canon, n.partitions);
    put(canon, static_cast<std::uint64_t>(static_cast<std::int64_t>(n.like)));
    put(canon, (n.decodes_only ? 1u : 0u) | (n.right_may_broadcast ? 2u : 0u));
    put(canon, n.paths.size());
    for (const auto& path : n.paths) put(canon, path);
    put(canon, n.limit);
  }
  return XXH3_64bits(canon.data(), canon.size());
}

}  // namespace dataflow::plan
