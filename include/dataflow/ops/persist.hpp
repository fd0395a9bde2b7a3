// persist(), cache() and unpersist(): a dataset's partitions kept on the executors that
// computed them, for the actions after the first (Spark's RDD.persist).
#pragma once

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/dataset.hpp"
#include "dataflow/detail/block_cache.hpp"
#include "dataflow/detail/heap_size.hpp"
#include "dataflow/error.hpp"

namespace dataflow {

template <class T, class Chain>
Dataset<T, Chain> Dataset<T, Chain>::persist(StorageLevel level) const {
  using O = detail::Owned<T>;
  static_assert(detail::kCacheable<T>,
                "persist: records of this type hold views that cannot be rebuilt from the stored copies; "
                "map them to owned values (std::string, std::vector<std::string>) first");
  if constexpr (!detail::kHasCodec<O>) {
    if (level != StorageLevel::kMemoryOnly) {  // (the others keep encoded records)
      throw Error(ExitCode::kUsage, std::string("persist(") + storage_level_name(level) +
                                        "): records of this type cannot be encoded for the disk; use "
                                        "StorageLevel::kMemoryOnly or give the type a serialize()");
    }
  }
  detail::PersistMark& mark = *chain_.mark;
  if (mark.level && *mark.level != level) {  // as Spark refuses it
    throw Error(ExitCode::kUsage, std::string("persist(") + storage_level_name(level) + "): dataset #" +
                                      std::to_string(node_) + " is already persisted as " +
                                      storage_level_name(*mark.level) + "; unpersist() it first");
  }
  if (!mark.level) {
    mark.node = node_;
    mark.level = level;
    runtime_->persist(node_, level);
  }
  return *this;
}

template <class T, class Chain>
void Dataset<T, Chain>::unpersist() const {
  if (!chain_.mark->level) return;
  runtime_->unpersist(node_);
  chain_.mark->level.reset();
}

}  // namespace dataflow

namespace dataflow {

template <class T, class Chain>
Dataset<detail::Owned<T>> Dataset<T, Chain>::checkpoint() const {
  using O = detail::Owned<T>;
  static_assert(detail::kHasCodec<T>,
                "checkpoint: records of this type cannot be encoded; give the type a serialize()");
  const auto partitions = static_cast<std::uint32_t>(num_partitions());
  const std::string dir = runtime_->new_checkpoint_dir();
  // The files: as save_as_binary_records writes them (committed at once as DIR), encoded.
  detail::NodeSpec save{detail::OpKind::kSaveAsBinaryRecords, {node_}, "checkpoint"};
  save.paths = {dir};
  const int save_node = runtime_->add_node(std::move(save));
  runtime_->set_result_runner(save_node, [source = source_, chain = chain_](detail::TaskContext& ctx) {
    detail::NewFile file(ctx.output_file, detail::NewFile::kCheckpointPart);
    std::string buffer;
    detail::ByteWriter w(buffer);
    auto push = [&](const T& x) {
      detail::Codec<T>::write(w, x);
      if (buffer.size() >= detail::kPieceBytes) {
        file.append(buffer);
        buffer.clear();
      }
    };
    detail::run_chain(*source, chain, ctx, push);
    file.append(buffer);
    file.close();
    return std::string();
  });
  runtime_->run_job(save_node, false);
  detail::NodeSpec spec{detail::OpKind::kCheckpoint, {}, "checkpoint(" + dir + ")"};
  spec.paths = {dir};
  spec.partitions = partitions;
  const int node = runtime_->add_node(std::move(spec));
  auto producer = std::make_shared<const detail::Producer<O>>([node, dir](detail::TaskContext& ctx,
                                                                          detail::Emit<O> emit) {
    char name[32];
    std::snprintf(name, sizeof name, "/part-%05u", ctx.partition_of(node));
    const std::string bytes = detail::read_checkpoint_part(
        dir + name, "checkpoint files must be where every rank sees them: give --checkpoint-dir a shared directory");
    detail::decode_all<T>(bytes, [&](O&& x) { emit(x); });
  });
  // Partitioned as this dataset: a join with a dataset partitioned alike moves nothing.
  return Dataset<O>(runtime_, node, std::move(producer), {},
                    partitioning_.node >= 0 ? detail::HashPartitioning{node, partitions} : detail::HashPartitioning{});
}

}  // namespace dataflow
