// Descriptor: what the driver sends to run one task. Plain data that names code (node ids)
// and never ships it; the executor resolves it against its own DAG replica.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/detail/task_context.hpp"

namespace dataflow::task {

// kShuffle: one reduce partition, exchanged here. A broadcast join's sides: kShuffleInPlace,
// every bucket of map output `partition` (never exchanged: it stays where its map task
// ran); kShuffleWhole, all `partition` reduce partitions of a shuffle sent to every executor.
enum class InputKind : std::uint8_t { kTextSplit, kSlice, kShuffle, kShuffleInPlace, kShuffleWhole };
enum class OutputKind : std::uint8_t { kShuffle, kResult };

// One input of a task: a source's partition, or a reduce partition of a shuffle.
struct InputPart {
  std::int32_t node = -1;
  std::uint32_t partition = 0;
  std::uint32_t scope = 0;  // see NodePartition
  InputKind kind = InputKind::kSlice;
  std::string slice;        // parallelize: the driver's encoded records of this partition
  detail::TextSplit split;  // text_file: the file pieces to read, with their planned identities
};

// Scope 0 is the task's own; each parent partition merged by a coalesce has a scope of its
// own (see plan::TaskLayout), so a node may appear once per scope.
struct NodePartition {
  std::int32_t node = -1;
  std::uint32_t partition = 0;
  std::uint32_t scope = 0;
};
// Scope s >= 1: opened by the coalesce node `coalesce` inside scope `parent`.
struct Scope {
  std::int32_t coalesce = -1;
  std::uint32_t parent = 0;
};

struct Descriptor {
  std::uint64_t job = 0;
  std::uint32_t stage = 0;
  std::uint32_t partition = 0;
  std::uint32_t tasks = 0;  // of the stage
  std::uint32_t attempt = 0;
  std::uint64_t fingerprint = 0;  // of the driver's plan; the executor checks its own
  std::vector<NodePartition> nodes;  // every node the task touches, with its partition there
  std::vector<Scope> scopes;         // by scope - 1
  std::vector<InputPart> inputs;
  OutputKind output = OutputKind::kResult;
  std::int32_t output_node = -1;
  std::uint32_t num_buckets = 0;  // shuffle output: reduce partitions
  std::string output_file;        // save_as_text_file: this attempt's file
  bool check = false;             // --check-spmd: report the output's hash

  template <class Archive>
  void serialize(Archive& ar);
};

}  // namespace dataflow::task
