// Runtime: the interface between the typed Dataset templates and the engine in src/.
// The templates record nodes and register type-erased runners; the engine plans, schedules
// and moves bytes, and never sees a user type.
#pragma once

#include <memory>
#include <string>

#include "dataflow/accumulator.hpp"
#include "dataflow/config.hpp"
#include "dataflow/detail/block_cache.hpp"
#include "dataflow/detail/hdf5_types.hpp"
#include "dataflow/detail/node_spec.hpp"
#include "dataflow/detail/task_context.hpp"

namespace dataflow::detail {

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Records a node in this rank's DAG replica; ids follow creation order. Not thread-safe.
  virtual int add_node(NodeSpec spec) = 0;
  // A handle that keeps `node` alive: its shuffle output and cached blocks, and through its
  // parents' handles those of its lineage. Datasets hold one each; when the last one is
  // destroyed, every rank (in program order) releases the node's data. Not thread-safe.
  virtual std::shared_ptr<const void> hold(int node) = 0;
  virtual void set_map_runner(int node, MapRunner runner) = 0;
  virtual void set_result_runner(int node, ResultRunner runner) = 0;
  virtual void set_range_partitioner(int node, RangePartitioner partitioner) = 0;
  // Collective: every rank calls it for the same action node. Runs the job and returns the
  // partition results concatenated in partition order, on every rank when `broadcast`
  // (else on the driver only, and empty elsewhere). Throws Error on every rank on failure.
  virtual std::string run_job(int action_node, bool broadcast) = 0;
  virtual std::string explain(int node) const = 0;
  // Collective: the partitions of `node`, as the driver resolves them (listing its inputs).
  virtual int num_partitions(int node) = 0;
  // In program order on every rank: `node` is persisted at `level` from the next job on
  // (its tasks store and read its partitions in the executors' block caches).
  virtual void persist(int node, StorageLevel level) = 0;
  // Collective (in program order): drops the cached blocks of persisted node `node` on every
  // executor and stores no more (no-op for another node).
  virtual void unpersist(int node) = 0;
  // Collective: a new directory name for checkpoint() (not yet made), the same on every rank.
  virtual std::string new_checkpoint_dir() = 0;
  // Collective: the executors' cached blocks and kept shuffles, summed.
  virtual StorageInfo storage_info() = 0;
  // Collective: registers an accumulator; returns its id (creation order).
  virtual std::uint32_t add_accumulator(AccumulatorHooks hooks) = 0;
  // Collective: runs save_as_hdf5's action `action_node` (its tasks stage their partitions
  // where they run), then writes them into the one file spec.file, published by rename when
  // complete. Throws JobError on every rank for an error every rank saw.
  virtual void save_hdf5(int action_node, const h5::WriteSpec& spec) = 0;
  // Collective: the driver's `bytes` on every rank.
  virtual std::string broadcast_bytes(std::string bytes) = 0;
  virtual const Config& config() const = 0;
  virtual int default_parallelism() const = 0;
  virtual bool is_driver() const = 0;
};

}  // namespace dataflow::detail
