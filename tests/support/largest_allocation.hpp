// A probe for the largest single operator new request made while it is on, so tests can
// check that decoding a hostile length prefix allocates nothing large. Link
// largest_allocation.cpp (it replaces the global operator new) into the test binary.
#pragma once

#include <atomic>
#include <cstddef>

namespace testing_support {

extern std::atomic<bool> g_probe;
extern std::atomic<std::size_t> g_largest;

}  // namespace testing_support
