// --check-spmd on the driver (spmd_check.hpp).
#include "driver/spmd_check.hpp"

#include <exception>
#include <string>

#include "dataflow/error.hpp"

namespace dataflow::driver {

bool spmd_checkable(const dag::Graph& graph, const plan::Stage& s) {
  for (int in : s.inputs) {
    if (!detail::is_source(graph.node(in).kind)) return false;
  }
  if (s.output == plan::StageOutput::kShuffle) return true;
  const detail::OpKind kind = graph.node(s.output_node).kind;
  return kind != detail::OpKind::kForeach && kind != detail::OpKind::kSaveAsTextFile &&
         kind != detail::OpKind::kSaveAsBinaryRecords && kind != detail::OpKind::kSaveAsHdf5;
}

void compare_spmd(const dag::Graph& graph, const plan::Stage& s, std::uint64_t job, int target,
                  const SpmdCheck& check, const task::Descriptor& d, const task::TaskReport& r) {
  if (r.output_hash == 0) return;  // spilled: its bytes depend on the executor's memory
  std::string ops;
  for (int n : s.chain) ops += (ops.empty() ? "" : ", ") + graph.node(n).label;
  if (ops.empty()) ops = graph.node(s.top).label;
  const std::string where = "stage " + std::to_string(s.id) + " (" + ops + ") of job " + std::to_string(job) + " (" +
                            detail::op_name(graph.node(target).kind) + "), partition " + std::to_string(d.partition);
  const std::string fix =
      "a lambda reads data that differs between ranks: pass driver-only values with session.broadcast";
  std::uint64_t mine = 0;
  try {
    mine = check(d);
  } catch (const std::exception& e) {
    throw Error(ExitCode::kSoftware, "--check-spmd: " + where + " failed on the driver (" + e.what() +
                                         ") but not on rank " + std::to_string(r.rank) + ": " + fix);
  }
  if (mine != 0 && mine != r.output_hash) {
    throw Error(ExitCode::kSoftware, "--check-spmd: " + where + " computed other records on rank " +
                                         std::to_string(r.rank) + " than on the driver: " + fix);
  }
}

}  // namespace dataflow::driver
