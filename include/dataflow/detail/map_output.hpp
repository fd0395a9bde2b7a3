// MapOutput: one map task's shuffle output, as Spark's sort shuffle writes it: the encoded
// records of every reduce partition side by side in one buffer, in partition order, and an
// index of the partitions that have records. An empty bucket costs nothing, so a task's
// memory does not grow with the number of reduce partitions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/detail/huge_pages.hpp"

namespace dataflow::detail {

struct MapOutput {
  struct Extent {
    std::uint32_t bucket;  // reduce partition
    std::uint64_t end;     // its bytes are data[previous extent's end, end)
  };
  std::uint32_t buckets = 0;   // reduce partitions
  std::string data;            // the records, bucket after bucket
  std::vector<Extent> extents; // non-empty buckets only, ascending
  // A range shuffle's map output before its bounds are known: `data` holds the records in
  // their order, not yet cut into buckets, and `sample` an encoded sample of their keys
  // (reported to the driver, which computes the bounds when the map stage ends).
  bool unsplit = false;
  std::string sample;

  std::string_view bytes(std::size_t i) const {
    const std::uint64_t begin = i == 0 ? 0 : extents[i - 1].end;
    return std::string_view(data).substr(begin, extents[i].end - begin);
  }

  // Closes bucket `bucket`: the bytes appended to `data` since the last close are its
  // records. Buckets must be closed in ascending order; one left empty is not recorded.
  void close_bucket(std::uint32_t bucket) {
    const std::uint64_t begin = extents.empty() ? 0 : extents.back().end;
    if (data.size() == begin) return;
    if (bucket >= buckets || (!extents.empty() && bucket <= extents.back().bucket)) {
      throw std::logic_error("MapOutput: bucket " + std::to_string(bucket) + " closed out of order");
    }
    extents.push_back({bucket, data.size()});
  }
};

// The order in which to write `n` items so that their buckets ascend, items of one bucket
// keeping their order (a counting sort: linear in items and buckets, and deterministic).
// bucket_of(i) < buckets for every i < n.
template <class BucketOf>
std::vector<std::uint32_t> bucket_order(std::size_t n, std::uint32_t buckets, BucketOf bucket_of,
                                        std::vector<std::uint32_t>& bucket_of_item) {
  bucket_of_item.resize(n);
  std::vector<std::uint32_t> start(static_cast<std::size_t>(buckets) + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    bucket_of_item[i] = bucket_of(i);
    ++start[bucket_of_item[i] + 1];
  }
  for (std::uint32_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[start[bucket_of_item[i]]++] = static_cast<std::uint32_t>(i);
  return order;
}

// A map task's records as they come, each with its bucket, written out bucket by bucket at
// the end (records of one bucket keep their order). For shuffles without a combine table.
class BucketBuffer {
 public:
  BucketBuffer() = default;
  // Records already encoded back to back: mark where each ends.
  explicit BucketBuffer(std::string data) : data_(std::move(data)) {}

  // Room for about `bytes` of records, so that the buffer is not copied as it grows.
  void reserve(std::uint64_t bytes) {
    data_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(bytes, kMaxReserve)));
    advise_huge_pages(data_.data(), data_.capacity());
  }
  // Append a record's encoding to data(), then call end_record with its bucket.
  std::string& data() { return data_; }
  void end_record(std::uint32_t bucket) { mark(bucket, data_.size()); }
  // The record ending at byte `end` of data() goes to `bucket`; records are marked in order.
  void mark(std::uint32_t bucket, std::uint64_t end) { records_.push_back({bucket, end}); }

  // Writes the records into `out` bucket by bucket. With `spare`, this buffer's memory is
  // left there for the next one (cleared, its pages already faulted in), not freed.
  void write_to(MapOutput& out, std::string* spare = nullptr) {
    std::vector<std::uint32_t> bucket_of;
    const auto order =
        bucket_order(records_.size(), out.buckets, [&](std::size_t i) { return records_[i].bucket; }, bucket_of);
    out.data.reserve(out.data.size() + data_.size());
    advise_huge_pages(out.data.data(), out.data.capacity());
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::uint32_t i = order[k];
      const std::uint64_t begin = i == 0 ? 0 : records_[i - 1].end;
      out.data.append(data_, begin, records_[i].end - begin);
      if (k + 1 == order.size() || bucket_of[order[k + 1]] != bucket_of[i]) out.close_bucket(bucket_of[i]);
    }
    if (spare) {
      data_.clear();
      *spare = std::move(data_);
    }
    std::string().swap(data_);
    records_ = {};
  }

 private:
  static constexpr std::uint64_t kMaxReserve = std::uint64_t{1} << 30;
  struct Record {
    std::uint32_t bucket;
    std::uint64_t end;  // its bytes end here in data_
  };
  std::string data_;
  std::vector<Record> records_;
};

}  // namespace dataflow::detail
