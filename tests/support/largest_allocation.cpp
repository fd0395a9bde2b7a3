// The replaced global operator new behind largest_allocation.hpp.
#include "largest_allocation.hpp"

#include <cstdlib>
#include <new>

namespace testing_support {
std::atomic<bool> g_probe{false};
std::atomic<std::size_t> g_largest{0};
}  // namespace testing_support

// GCC 12 flags free() of memory from the (replaced) operator new once it inlines both.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  using testing_support::g_largest;
  if (testing_support::g_probe.load(std::memory_order_relaxed)) {
    std::size_t prev = g_largest.load(std::memory_order_relaxed);
    while (n > prev && !g_largest.compare_exchange_weak(prev, n)) {
    }
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
