// Transparent huge pages for large buffers that are touched at random (hash tables) or
// filled once (map outputs): one TLB entry then covers 2 MiB instead of 4 KiB. Advice only:
// where the kernel's setting is "never" nothing changes.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace dataflow::detail {

// Asks for transparent huge pages over the 2 MiB pages inside [p, p + bytes): a large
// buffer then faults in 2 MiB at a time instead of 4 KiB.
inline void advise_huge_pages(char* p, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

// std::allocator, but an allocation of 4 MiB or more is advised before it is first touched.
template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)

  T* allocate(std::size_t n) {
    T* p = std::allocator<T>().allocate(n);
    if (n * sizeof(T) >= (std::size_t{4} << 20)) advise_huge_pages(reinterpret_cast<char*>(p), n * sizeof(T));
    return p;
  }
  void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>().deallocate(p, n); }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace dataflow::detail
