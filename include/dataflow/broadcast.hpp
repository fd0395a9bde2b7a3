// Broadcast variables (Spark's SparkContext.broadcast): a read-only value that the driver
// has, sent once to every rank and read by tasks through a cheap handle.
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "dataflow/error.hpp"

namespace dataflow {

class Session;

// A handle to the driver's value, held by every rank (made by Session::broadcast). Lambdas
// capture it by value: copies share one value, and tasks on any thread read it with
// value(). destroy() frees the value on this rank for every copy of the handle (Spark's
// Broadcast.destroy); call it between actions, on every rank. value() after destroy() fails
// the task or the caller with exit code 70.
template <class T>
class Broadcast {
 public:
  Broadcast() = default;
  const T& value() const {
    if (!value_ || !*value_) throw Error(ExitCode::kSoftware, "Broadcast::value(): the broadcast was destroyed");
    return **value_;
  }
  void destroy() {
    if (value_) value_->reset();
  }
  bool destroyed() const { return !value_ || !*value_; }

 private:
  friend class Session;
  explicit Broadcast(T value) : value_(std::make_shared<std::optional<T>>(std::move(value))) {}
  std::shared_ptr<std::optional<T>> value_;
};

}  // namespace dataflow
