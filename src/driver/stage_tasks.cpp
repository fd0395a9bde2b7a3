// Task descriptors and the broadcast-join decision.
#include "driver/stage_tasks.hpp"

#include <algorithm>
#include <utility>

#include "dataflow/detail/node_spec.hpp"
#include "plan/partitions.hpp"
#include "plan/planner.hpp"

namespace dataflow::driver {

using detail::OpKind;

std::optional<BroadcastJoin> broadcast_join(const dag::Graph& graph, const plan::Stage& s, std::uint64_t threshold,
                                            const ShuffleState& shuffles) {
  if (threshold == 0 || s.inputs.size() != 2) return std::nullopt;
  BroadcastJoin b;
  for (int id : s.chain) {
    const auto& node = graph.node(id);
    if (node.kind == OpKind::kZipPartitions && b.left < 0 && node.right_may_broadcast && node.parents.size() == 2) {
      b.left = node.parents[0];
      b.right = node.parents[1];
    } else if (node.kind == OpKind::kUnion || node.kind == OpKind::kCoalesce || node.kind == OpKind::kZipPartitions) {
      return std::nullopt;
    }
  }
  if (b.left < 0 || b.left == b.right) return std::nullopt;
  for (int side : {b.left, b.right}) {
    const auto& spec = graph.node(side);
    if (!std::binary_search(s.inputs.begin(), s.inputs.end(), side) || !detail::is_wide(spec.kind) ||
        shuffles.ranges.count(side) || shuffles.owners.count(side) || !shuffles.bucket_bytes.count(side)) {
      return std::nullopt;
    }
  }
  if (!graph.node(b.left).decodes_only) return std::nullopt;
  const auto homes = shuffles.map_homes.find(b.left);
  if (homes == shuffles.map_homes.end() || homes->second.empty()) return std::nullopt;
  for (int e : homes->second) {
    if (e < 0) return std::nullopt;
  }
  for (std::uint64_t n : shuffles.bucket_bytes.at(b.right)) b.right_bytes += n;
  if (b.right_bytes > threshold) return std::nullopt;
  b.stage = s.id;
  return b;
}

task::Descriptor task_descriptor(const dag::Graph& graph, const plan::Stage& s, const Resolved& resolved,
                                 const Config& config, std::uint64_t job, std::uint64_t fingerprint,
                                 std::uint32_t partition, std::uint32_t attempt, const BroadcastJoin* broadcast,
                                 std::string output_file) {
  task::Descriptor d;
  d.job = job;
  d.stage = s.id;
  d.partition = partition;
  d.tasks = resolved.sizes[s.id].tasks;
  d.attempt = attempt;
  d.fingerprint = fingerprint;
  const plan::TaskLayout layout = plan::task_layout(graph, s, resolved.counts, partition);
  for (const plan::TaskScope& scope : layout.scopes) d.scopes.push_back({scope.coalesce, scope.parent});
  for (const plan::TaskNode& at : layout.nodes) {
    d.nodes.push_back({at.node, at.partition, at.scope});
    if (!std::binary_search(s.inputs.begin(), s.inputs.end(), at.node)) continue;
    task::InputPart& in = d.inputs.emplace_back();
    in.node = at.node;
    in.partition = at.partition;
    in.scope = at.scope;
    const auto& spec = graph.node(at.node);
    if (spec.kind == OpKind::kTextFile || spec.kind == OpKind::kBinaryRecords) {
      in.kind = task::InputKind::kTextSplit;
      in.split = resolved.splits.at(at.node).at(at.partition);
      in.split.max_line_size = config.max_line_size;
      in.split.bad_records = config.bad_records;
    } else if (spec.kind == OpKind::kHdf5) {
      in.kind = task::InputKind::kSlice;
      in.slice = resolved.hdf5_splits.at(at.node).at(at.partition);
    } else if (detail::is_source(spec.kind)) {
      in.kind = task::InputKind::kSlice;
      if (at.partition < spec.slices.size()) in.slice = spec.slices[at.partition];
    } else {
      in.kind = task::InputKind::kShuffle;
    }
  }
  if (broadcast && broadcast->stage == s.id) {
    for (task::InputPart& in : d.inputs) {
      if (in.node == broadcast->left) {
        in.kind = task::InputKind::kShuffleInPlace;  // map output `partition`, where it is
        in.partition = partition;
      } else if (in.node == broadcast->right) {
        in.kind = task::InputKind::kShuffleWhole;
        in.partition = resolved.counts.at(broadcast->right);
      }
    }
  }
  d.output_node = s.output_node;
  if (s.output == plan::StageOutput::kShuffle) {
    d.output = task::OutputKind::kShuffle;
    d.num_buckets = resolved.sizes[s.id].buckets;
  } else {
    d.output = task::OutputKind::kResult;
    d.output_file = std::move(output_file);
  }
  return d;
}

}  // namespace dataflow::driver
