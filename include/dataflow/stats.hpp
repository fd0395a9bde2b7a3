// StatCounter: count, sum, min, max, mean and standard deviations of numbers, as Spark's
// stats(); merged with Chan et al.'s parallel update, so partitions combine in any grouping.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace dataflow {

struct StatCounter {
  std::uint64_t count = 0;
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double mean = 0;
  double stdev = 0;         // population standard deviation (Spark's stdev)
  double sample_stdev = 0;  // with Bessel's correction (Spark's sampleStdev)
  double m2 = 0;            // sum of squared deviations from the mean

  void add(double x) {
    ++count;
    sum += x;
    min = std::min(min, x);
    max = std::max(max, x);
    const double delta = x - mean;
    mean += delta / static_cast<double>(count);
    m2 += delta * (x - mean);
    finish();
  }

  void merge(const StatCounter& o) {
    if (o.count == 0) return;
    if (count == 0) {
      *this = o;
      return;
    }
    const double n = static_cast<double>(count), m = static_cast<double>(o.count);
    const double delta = o.mean - mean;
    mean += delta * m / (n + m);
    m2 += o.m2 + delta * delta * n * m / (n + m);
    count += o.count;
    sum += o.sum;
    min = std::min(min, o.min);
    max = std::max(max, o.max);
    finish();
  }

 private:
  void finish() {
    const double n = static_cast<double>(count);
    stdev = count > 0 ? std::sqrt(m2 / n) : 0;
    sample_stdev = count > 1 ? std::sqrt(m2 / (n - 1)) : std::numeric_limits<double>::quiet_NaN();
  }
};

}  // namespace dataflow
