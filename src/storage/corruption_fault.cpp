// The armed corruption fault: one target, taken once.
#include "storage/corruption_fault.hpp"

#include <atomic>

namespace dataflow::detail {
namespace {

std::atomic<Flip> g_armed{Flip::kNone};

}  // namespace

void arm_flip(Flip what) { g_armed.store(what); }

bool take_flip(Flip what) {
  if (what == Flip::kNone || g_armed.load(std::memory_order_relaxed) != what) return false;
  Flip expected = what;
  return g_armed.compare_exchange_strong(expected, Flip::kNone);
}

}  // namespace dataflow::detail
