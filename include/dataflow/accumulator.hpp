// Accumulators (Spark's SparkContext.accumulator / longAccumulator): values that tasks add to
// and that the program reads after an action, the same on every rank. A task's updates
// travel with its report; the driver takes those of each task's successful attempt once (a
// failed or retried attempt never counts), and at the end of the job every rank applies them
// in the same order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/detail/codec.hpp"

namespace dataflow {

class Session;

namespace detail {

// The updates of the task attempt running on this thread, by accumulator id.
struct AccumulatorDelta {
  virtual ~AccumulatorDelta() = default;
  virtual void encode(ByteWriter& w) const = 0;
};
struct TaskAccumulators {
  std::vector<std::unique_ptr<AccumulatorDelta>> deltas;  // by id (ids are dense); null: no adds
  // The delta of accumulator `id` (null if the task has not added to it yet).
  std::unique_ptr<AccumulatorDelta>& delta(std::uint32_t id) {
    if (id >= deltas.size()) deltas.resize(id + 1);
    return deltas[id];
  }
  // [varint id][bytes: the delta's encoding] for each accumulator a task added to.
  std::string encode() const {
    std::string out, value;
    ByteWriter w(out);
    for (std::size_t id = 0; id < deltas.size(); ++id) {
      if (!deltas[id]) continue;
      value.clear();
      ByteWriter v(value);
      deltas[id]->encode(v);
      w.put_varint(id);
      w.put_bytes(value);
    }
    return out;
  }
};
// The running task's updates on this thread; null outside a task (set by the task runner).
TaskAccumulators*& current_task_accumulators();

// What the engine knows of an accumulator: its name, and how to apply one encoded delta.
struct AccumulatorHooks {
  std::string name;
  std::function<void(std::string_view delta)> apply;
  std::function<std::string()> show;  // the value as text, for --explain; empty if it has none
};

}  // namespace detail

// A handle to one accumulator (made by Session::accumulator, collectively: every rank makes
// its accumulators in the same order). Lambdas capture it by value; copies share the value.
// add() may be called from any task's thread: inside a task it goes to that attempt's
// updates, outside one (the program itself, on every rank alike) to this rank's value.
// value() is this rank's value: after each action, the same on every rank.
template <class T>
class Accumulator {
 public:
  Accumulator() = default;
  void add(const T& x) const {
    if (auto* task = detail::current_task_accumulators()) {
      auto& delta = task->delta(state_->id);
      if (!delta) delta = std::make_unique<Delta>(state_->zero);
      auto& d = static_cast<Delta&>(*delta);
      d.value = state_->merge(std::move(d.value), x);
      return;
    }
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->value = state_->merge(std::move(state_->value), x);
  }
  T value() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->value;
  }
  const std::string& name() const { return state_->name; }

 private:
  friend class Session;
  struct State {
    std::uint32_t id = 0;
    std::string name;
    T zero;
    std::function<T(T, const T&)> merge;
    mutable std::mutex mu;
    T value;
  };
  struct Delta : detail::AccumulatorDelta {
    explicit Delta(T zero) : value(std::move(zero)) {}
    void encode(detail::ByteWriter& w) const override { detail::Codec<T>::write(w, value); }
    T value;
  };
  explicit Accumulator(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace dataflow
