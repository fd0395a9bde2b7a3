// The shuffle exchange between executors: each executor sends every bucket to the executor
// that owns its reduce partition. Frames carry (reduce partition, map partition, length).
#pragma once

#include <string>

#include "dataflow/error.hpp"

#include "net/world.hpp"
#include "shuffle/block_store.hpp"
#include "task/messages.hpp"

namespace dataflow::shuffle {

// Received shuffle data that is not what was sent (exit code 74). Thrown once every round of
// the exchange is through, so that no rank is left waiting in the collective.
class CorruptShuffle : public Error {
 public:
  explicit CorruptShuffle(const std::string& message) : Error(ExitCode::kIoError, message) {}
};

// Collective over the executors: every executor calls it for the same order. Fills `done`'s
// figures (bytes per peer, rounds, times).
void exchange_over_mpi(BlockStore& store, net::World& world, const task::ExchangeOrder& order,
                       task::ExchangeDone& done);

}  // namespace dataflow::shuffle
