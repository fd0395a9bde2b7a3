// Input resolution: text splits, source and shuffle partition counts, stage sizes.
#include "driver/resolve_inputs.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "dataflow/error.hpp"
#include "io/hdf5_reader.hpp"
#include "io/input_paths.hpp"
#include "io/text_splits.hpp"

namespace dataflow::driver {
namespace {

using detail::OpKind;

// binary_records: every file must hold whole records.
void check_record_files(const std::vector<detail::TextSplit>& splits, std::uint64_t record_length) {
  for (const auto& split : splits) {
    for (const auto& piece : split.pieces) {
      if (piece.file.size % record_length != 0) {
        throw Error(ExitCode::kDataError, "input " + piece.path + ": its size, " + std::to_string(piece.file.size) +
                                              " bytes, is not a multiple of the record length " +
                                              std::to_string(record_length));
      }
    }
  }
}

}  // namespace

Resolved resolve_inputs(const dag::Graph& graph, const plan::Plan& plan, const Config& config, int slots,
                        const Reuse& reuse) {
  Resolved r;
  r.sizes.resize(plan.stages.size());
  for (const auto& [node, kept] : reuse.shuffles) r.counts[node] = static_cast<std::uint32_t>(kept.owners.size());
  for (const plan::Stage& s : plan.stages) {
    for (int in : s.inputs) {
      if (r.counts.count(in)) continue;  // a shuffle resolved by its map stage, or a shared source
      const auto& node = graph.node(in);
      if (node.kind == OpKind::kTextFile || node.kind == OpKind::kBinaryRecords) {
        auto& splits = r.splits[in];
        splits = io::plan_splits(io::expand_inputs(node.paths), config.split_size,
                                 static_cast<std::uint32_t>(std::max(1, slots)));
        if (node.kind == OpKind::kBinaryRecords) check_record_files(splits, node.limit);
        r.counts[in] = static_cast<std::uint32_t>(splits.size());
      } else if (node.kind == OpKind::kHdf5) {
        std::vector<std::string> files;
        for (auto& f : io::expand_inputs(node.paths)) files.push_back(std::move(f.path));
        auto& splits = r.hdf5_splits[in];
        splits = io::h5::plan_splits(files, node.dataset, detail::h5::decode_record_type(node.record_type),
                                     config.split_size, static_cast<std::uint32_t>(std::max(1, slots)));
        r.counts[in] = static_cast<std::uint32_t>(splits.size());
      } else if (detail::is_source(node.kind)) {
        r.counts[in] = node.partitions;
      } else {
        throw std::logic_error("planner: shuffle #" + std::to_string(in) + " read before it is written");
      }
    }
    plan::StageSize& size = r.sizes[s.id];
    size.tasks = plan::count_stage(graph, s, r.counts);
    if (s.output == plan::StageOutput::kShuffle) {
      const auto& spec = graph.node(s.output_node);
      std::uint32_t b = spec.partitions;
      if (b == 0 && spec.like >= 0) b = r.counts.at(spec.like);
      if (b == 0) b = static_cast<std::uint32_t>(config.default_parallelism);
      if (b == 0) b = size.tasks;
      size.buckets = b == 0 ? 1 : b;
      r.counts[s.output_node] = size.buckets;
    }
  }
  return r;
}

}  // namespace dataflow::driver
