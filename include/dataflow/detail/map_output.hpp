// MapOutput: one map task's shuffle output, as Spark's sort shuffle writes it: the encoded
// records of every reduce partition side by side, in partition order, with an index of the
// pieces that hold records. An empty bucket costs nothing, so a task's memory does not grow
// with the number of reduce partitions. A task whose memory reservation is refused writes
// what it has so far to disk as a run and goes on: bucket b's records are then run 1's
// pieces of b, run 2's, ..., then the in-memory ones, in that order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/detail/huge_pages.hpp"
#include "dataflow/detail/spill.hpp"

namespace dataflow::detail {

struct MapOutput {
  struct Extent {
    std::uint32_t bucket;  // reduce partition
    std::uint64_t end;     // the piece's bytes end here (from the start of data, or of the run)
  };
  // Records written to disk before those in `data`: pieces at [offset + previous end,
  // offset + end) of the file.
  struct Run {
    std::shared_ptr<SpillFile> file;
    std::uint64_t offset = 0;
    std::vector<Extent> extents;
  };
  std::uint32_t buckets = 0;   // reduce partitions
  std::string data;            // the records in memory, bucket after bucket
  std::vector<Extent> extents; // pieces of non-empty buckets, buckets ascending
  std::vector<Run> spilled;    // earlier records, on disk, in order
  std::uint64_t records = 0;   // records written into it (memory and runs)
  Reservation memory;          // holds data's bytes
  // A range shuffle's map output before its bounds are known: its records (`data` and the
  // runs) are in their order, not yet cut into buckets (all in bucket 0), and `sample` holds
  // an encoded sample of their keys (reported to the driver, which computes the bounds when
  // the map stage ends).
  bool unsplit = false;
  std::string sample;

  std::string_view bytes(std::size_t i) const {
    const std::uint64_t begin = i == 0 ? 0 : extents[i - 1].end;
    return std::string_view(data).substr(begin, extents[i].end - begin);
  }

  // Closes a piece of bucket `bucket`: the bytes appended to `data` since the last close.
  // Buckets never descend; an empty piece is not recorded.
  void close_bucket(std::uint32_t bucket) {
    if (bucket >= buckets) throw std::logic_error("MapOutput: bucket " + std::to_string(bucket) + " out of range");
    close_piece(extents, data.size(), bucket);
  }

  static void close_piece(std::vector<Extent>& extents, std::uint64_t end, std::uint32_t bucket) {
    const std::uint64_t begin = extents.empty() ? 0 : extents.back().end;
    if (end == begin) return;
    if (!extents.empty() && bucket < extents.back().bucket) {
      throw std::logic_error("MapOutput: bucket " + std::to_string(bucket) + " closed out of order");
    }
    extents.push_back({bucket, end});
  }

  // Bytes per bucket over every run and the memory part: (bucket, bytes), buckets ascending.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> bucket_sizes() const {
    std::vector<std::pair<std::uint32_t, std::uint64_t>> all;
    auto add = [&](const std::vector<Extent>& ext) {
      std::uint64_t begin = 0;
      for (const Extent& e : ext) {
        all.emplace_back(e.bucket, e.end - begin);
        begin = e.end;
      }
    };
    for (const Run& r : spilled) add(r.extents);
    add(extents);
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<std::uint32_t, std::uint64_t>> out;
    for (const auto& [b, n] : all) {
      if (!out.empty() && out.back().first == b) {
        out.back().second += n;
      } else {
        out.emplace_back(b, n);
      }
    }
    return out;
  }
};

// Writes one run of a map output, bucket by bucket: into its memory part, or to a new run
// on disk. Records are encoded into buffer(), then end_record(bucket) with buckets never
// descending; a bucket is cut into pieces of about kPieceBytes at record boundaries.
class RunWriter {
 public:
  // To memory: out.data (which must hold no earlier records of a later bucket).
  explicit RunWriter(MapOutput& out)
      : out_(out), buffer_(&out.data), piece_start_(out.data.size()), record_end_(out.data.size()) {}
  // To disk: a new run in `file` (shared by the output's runs).
  RunWriter(MapOutput& out, std::shared_ptr<SpillFile> file) : out_(out), buffer_(&staging_) {
    out.spilled.push_back({std::move(file), 0, {}});
    out.spilled.back().offset = out.spilled.back().file->size();
    spill_counters().spills++;
  }
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  std::string& buffer() { return *buffer_; }
  void end_record(std::uint32_t bucket) {
    if (bucket != bucket_) {
      close_piece(record_end_);
      bucket_ = bucket;
    }
    record_end_ = buffer_->size();
    ++records_;
    if (record_end_ - piece_start_ >= kPieceBytes) close_piece(record_end_);
  }
  // Closes the last piece; a disk run is flushed, readable.
  void finish() {
    close_piece(record_end_);
    out_.records += std::exchange(records_, 0);
    if (to_disk()) out_.spilled.back().file->flush();
  }

 private:
  bool to_disk() const { return buffer_ == &staging_; }
  void close_piece(std::uint64_t end) {
    if (end == piece_start_) return;
    if (to_disk()) {
      MapOutput::Run& run = out_.spilled.back();
      run.file->append(std::string_view(staging_).substr(0, end));
      written_ += end;
      MapOutput::close_piece(run.extents, written_, bucket_);
      staging_.erase(0, end);
      record_end_ -= end;
      piece_start_ = 0;
    } else {
      MapOutput::close_piece(out_.extents, end, bucket_);
      piece_start_ = end;
    }
  }

  MapOutput& out_;
  std::string staging_;  // a disk run's piece being written
  std::string* buffer_;
  std::uint64_t piece_start_ = 0;
  std::uint64_t record_end_ = 0;  // end of the last whole record in buffer()
  std::uint32_t bucket_ = 0;
  std::uint64_t written_ = 0;  // bytes of this run on disk
  std::uint64_t records_ = 0;  // records ended since the last finish()
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
// Bounded by the task's memory: when its reservation cannot grow, the records so far go to
// disk as a run of the output, and the buffer is filled again.
class BucketBuffer {
 public:
  BucketBuffer() = default;
  // A map task's buffer for `out`, bounded by `memory` when that is bounded.
  BucketBuffer(MapOutput& out, TaskMemory memory) : out_(&out), task_(memory), reserved_(memory.pool) {}
  // Records already encoded back to back: mark where each ends.
  explicit BucketBuffer(std::string data) : data_(std::move(data)) {}

  // Room for about `bytes` of records, so that the buffer is not copied as it grows (an
  // unbounded buffer only: a bounded one grows by its reservation).
  void reserve(std::uint64_t bytes) {
    bytes = std::min<std::uint64_t>(bytes, kMaxReserve);
    if (task_.bounded()) {  // only what the reservation covers, records at 32 bytes or more
      if (!reserved_.grow_to(footprint(bytes, bytes / 32))) return;
      records_.reserve(static_cast<std::size_t>(bytes / 32));
    }
    data_.reserve(static_cast<std::size_t>(bytes));
    advise_huge_pages(data_.data(), data_.capacity());
  }
  // Append a record's encoding to data(), then call end_record with its bucket.
  std::string& data() { return data_; }
  void end_record(std::uint32_t bucket) {
    mark(bucket, data_.size());
    if (task_.bounded() && (data_.size() + kSlack > data_.capacity() || records_.size() == records_.capacity())) {
      grow_or_spill();
    }
  }
  // The record ending at byte `end` of data() goes to `bucket`; records are marked in order.
  void mark(std::uint32_t bucket, std::uint64_t end) { records_.push_back({bucket, end}); }

  // The map task's last record is in: the rest goes to the output, in memory if the
  // executor's storage memory has room for it, else to disk.
  void finish() {
    if (task_.bounded()) {
      Reservation keep(task_.pool, MemoryPool::Kind::kStorage);
      if (!keep.grow_to(data_.size())) {
        spill();
        release();
        return;
      }
      out_->memory = std::move(keep);
    }
    write_to(*out_);
    release();
  }

  // Writes the records into `out`'s memory part bucket by bucket. With `spare`, this
  // buffer's memory is left there for the next one (cleared, its pages already faulted in),
  // not freed.
  void write_to(MapOutput& out, std::string* spare = nullptr) {
    out.data.reserve(out.data.size() + data_.size());
    advise_huge_pages(out.data.data(), out.data.capacity());
    RunWriter run(out);
    write_run(run, out.buckets);
    if (spare) {
      data_.clear();
      *spare = std::move(data_);
    }
    std::string().swap(data_);
    records_ = {};
  }

  // Writes the records as one run, bucket by bucket (for `buckets` reduce partitions).
  void write_run(RunWriter& run, std::uint32_t buckets) {
    std::vector<std::uint32_t> bucket_of;
    const auto order =
        bucket_order(records_.size(), buckets, [&](std::size_t i) { return records_[i].bucket; }, bucket_of);
    std::string& to = run.buffer();
    for (const std::uint32_t i : order) {
      const std::uint64_t begin = i == 0 ? 0 : records_[i - 1].end;
      to.append(data_, begin, records_[i].end - begin);
      run.end_record(bucket_of[i]);
    }
    run.finish();
  }

 private:
  static constexpr std::uint64_t kMaxReserve = std::uint64_t{1} << 30;
  static constexpr std::uint64_t kSlack = std::uint64_t{64} << 10;  // room for the next record
  static constexpr std::uint64_t kMinBuffer = std::uint64_t{256} << 10;
  struct Record {
    std::uint32_t bucket;
    std::uint64_t end;  // its bytes end here in data_
  };

  std::uint64_t footprint(std::size_t data_capacity, std::size_t record_capacity) const {
    return data_capacity + record_capacity * sizeof(Record);
  }
  void grow_or_spill() {
    const std::size_t data_cap = data_.size() + kSlack > data_.capacity()
                                     ? std::max<std::size_t>(kMinBuffer, 2 * data_.capacity())
                                     : data_.capacity();
    const std::size_t record_cap = records_.size() == records_.capacity()
                                       ? std::max<std::size_t>(kMinBuffer / sizeof(Record), 2 * records_.capacity())
                                       : records_.capacity();
    // The old arrays are held until their copies are made.
    if (reserved_.grow_to(footprint(data_cap, record_cap) + footprint(data_.capacity(), records_.capacity()))) {
      data_.reserve(data_cap);
      records_.reserve(record_cap);
      reserved_.shrink_to(footprint(data_cap, record_cap));
      return;
    }
    spill();
    // The buffers keep their capacity, inside the reservation; buffers smaller than
    // kMinBuffer (a first record's) grow to it, the fixed overhead every task may use. (A
    // record array left at one record's capacity spilled every record as a run of its own.)
    if (data_.capacity() < kMinBuffer) data_.reserve(kMinBuffer);
    if (records_.capacity() < kMinBuffer / sizeof(Record)) records_.reserve(kMinBuffer / sizeof(Record));
  }
  void spill() {
    if (records_.empty()) return;
    if (!file_) file_ = std::make_shared<SpillFile>(*task_.dir);
    RunWriter run(*out_, file_);
    write_run(run, out_->buckets);
    data_.clear();
    records_.clear();
  }
  void release() {
    std::string().swap(data_);
    records_ = {};
    reserved_.shrink_to(0);
  }

  MapOutput* out_ = nullptr;
  TaskMemory task_;
  Reservation reserved_;
  std::shared_ptr<SpillFile> file_;
  std::string data_;
  std::vector<Record> records_;
};

}  // namespace dataflow::detail
