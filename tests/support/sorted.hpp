// A copy of a vector in ascending order: how the tests compare a job's records, which
// arrive in no particular order, with the expected ones.
#pragma once

#include <algorithm>
#include <vector>

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}
