// The shuffle exchange between executors: each executor sends every bucket to the executor
// that owns its reduce partition. Frames carry (reduce partition, map partition, length).
#pragma once

#include "net/world.hpp"
#include "shuffle/block_store.hpp"
#include "task/messages.hpp"

namespace dataflow::shuffle {

// Collective over the executors: every executor calls it for the same order.
void exchange_over_mpi(BlockStore& store, net::World& world, const task::ExchangeOrder& order);

}  // namespace dataflow::shuffle
