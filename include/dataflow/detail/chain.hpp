// Chains: the narrow operations of a stage composed at compile time, so a pipeline such as
// flat_map -> map -> filter -> map-side combine compiles into one loop over a partition,
// with no indirect call between operations. Each link of a chain is a node of the DAG and
// carries that node's persistence mark, which cache() and persist() set: every handle to
// the node, and every chain built through it, before or after, then reads its cache.
#pragma once

#include <memory>
#include <optional>
#include <type_traits>

#include "dataflow/detail/cached_partition.hpp"
#include "dataflow/detail/emit.hpp"
#include "dataflow/detail/owned.hpp"
#include "dataflow/detail/task_context.hpp"

namespace dataflow::detail {

// A node's persistence, shared by every chain through the node. Set on the main thread by
// cache()/persist()/unpersist() between jobs; read by the tasks of later jobs.
struct PersistMark {
  int node = -1;
  std::optional<StorageLevel> level;
};

// The empty chain: passes each record of the source on. Its mark is the source node's.
template <class T>
struct Identity {
  using input = T;
  using output = T;
  std::shared_ptr<PersistMark> mark = std::make_shared<PersistMark>();
};

// `prev`, then `step`: step(y, emit) sees each record prev emits, and emits U records.
template <class Prev, class Step, class U>
struct Then {
  using input = typename Prev::input;
  using output = U;
  Prev prev;
  Step step;
  std::shared_ptr<PersistMark> mark = std::make_shared<PersistMark>();
};

template <class Source, class Chain, class Ctx, class Sink>
void run_chain(const Source& source, const Chain& chain, Ctx& ctx, Sink& sink);

// Runs chain over the partition `source` produces, its own node computed (the nodes before
// it still read their caches where marked).
template <class Source, class Chain, class Ctx, class Sink>
void run_chain_computed(const Source& source, const Chain& chain, Ctx& ctx, Sink& sink) {
  if constexpr (requires { chain.step; }) {
    auto next = [&chain, &sink](const auto& y) { chain.step(y, sink); };
    run_chain(source, chain.prev, ctx, next);
  } else {
    source(ctx, Emit<typename Chain::input>(sink));
  }
}

// A marked node's records as its downstream steps take them: the cache holds Owned<T>
// (views became strings), the steps were compiled for T (a view of the cached string).
template <class T>
inline constexpr bool kCacheable = std::is_same_v<T, Owned<T>> || std::is_constructible_v<T, const Owned<T>&>;

// Runs chain over the partition `source` produces, pushing every output record to sink;
// a node marked persisted reads its partition from the cache, or computes and stores it.
template <class Source, class Chain, class Ctx, class Sink>
void run_chain(const Source& source, const Chain& chain, Ctx& ctx, Sink& sink) {
  using T = typename Chain::output;
  if constexpr (kCacheable<T>) {
    if (const PersistMark& mark = *chain.mark; mark.level) {
      const Producer<T> upstream = [&](TaskContext& c, Emit<T> emit) { run_chain_computed(source, chain, c, emit); };
      auto downstream = [&sink](const Owned<T>& x) {
        if constexpr (std::is_same_v<T, Owned<T>>) {
          sink(x);
        } else {
          sink(T(x));
        }
      };
      cached_partition<T>(ctx, mark.node, *mark.level, upstream, Emit<Owned<T>>(downstream));
      return;
    }
  }
  run_chain_computed(source, chain, ctx, sink);
}

}  // namespace dataflow::detail
