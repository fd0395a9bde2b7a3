// Chains: the narrow operations of a stage composed at compile time, so a pipeline such as
// flat_map -> map -> filter -> map-side combine compiles into one loop over a partition,
// with no indirect call between operations.
#pragma once

#include "dataflow/detail/emit.hpp"

namespace dataflow::detail {

// The empty chain: passes each input record on.
template <class T>
struct Identity {
  using input = T;
  template <class E>
  void operator()(const T& x, E& emit) const {
    emit(x);
  }
};

// `prev`, then `step`: step(y, emit) sees each record prev emits.
template <class Prev, class Step>
struct Then {
  using input = typename Prev::input;
  Prev prev;
  Step step;
  template <class E>
  void operator()(const input& x, E& emit) const {
    auto next = [this, &emit](const auto& y) { step(y, emit); };
    prev(x, next);
  }
};

// Runs chain over the partition `source` produces, pushing every output record to sink.
template <class Source, class Chain, class Ctx, class Sink>
void run_chain(const Source& source, const Chain& chain, Ctx& ctx, Sink& sink) {
  using In = typename Chain::input;
  auto push = [&chain, &sink](const In& x) { chain(x, sink); };
  source(ctx, Emit<In>(push));
}

}  // namespace dataflow::detail
