// Emit<T>: a non-owning, non-allocating callable reference through which a pipeline pushes
// records downstream. It is the only indirect call between fused narrow operations.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace dataflow::detail {

template <class T>
class Emit {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Emit>>>
  Emit(F& f) noexcept  // NOLINT(google-explicit-constructor): used like a function_ref
      : obj_(static_cast<void*>(std::addressof(f))),
        call_([](void* obj, const T& value) { (*static_cast<F*>(obj))(value); }) {}

  void operator()(const T& value) const { call_(obj_, value); }

 private:
  void* obj_;
  void (*call_)(void*, const T&);
};

}  // namespace dataflow::detail
