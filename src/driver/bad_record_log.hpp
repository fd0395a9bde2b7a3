// Bad records, driver side: the lines the tasks skipped (--bad-records skip or FILE), each
// counted once by its file and offset however many jobs read it, the first one kept for the
// closing warning, and, for FILE, each appended to that file. Every rank holds one for the
// count (Session::bad_records()); only the driver admits updates and writes.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "dataflow/accumulator.hpp"
#include "dataflow/config.hpp"

namespace dataflow::driver {

class BadRecordLog {
 public:
  BadRecordLog() = default;
  ~BadRecordLog();
  BadRecordLog(const BadRecordLog&) = delete;
  BadRecordLog& operator=(const BadRecordLog&) = delete;

  // The accumulator "bad records" (id io::kBadRecordsAccumulator): applies a count.
  detail::AccumulatorHooks hooks();
  // Driver, at the end of each job, before admit(): under --bad-records FILE, creates FILE
  // if this run has not yet (a change of FILE between jobs starts the new one). Throws
  // Error: kCantCreate if it exists, kNoPermission or kIoError if it cannot be made.
  void prepare(const Config& config);
  // Driver, after a successful job: a job's accumulator updates (`[id][delta]...`, by stage
  // and partition) with each task's bad records replaced by the count of the lines not seen
  // before, as every rank then applies them; those lines are appended to FILE. Throws
  // Error(kIoError) if they cannot be written.
  std::string admit(std::string_view updates);
  std::uint64_t count() const;
  // Driver, at the end of the program: one warning line on stderr if lines were skipped.
  void warn(const std::string& program) const;

 private:
  void append(const std::string& bytes);

  mutable std::mutex mu_;
  std::uint64_t count_ = 0;
  std::unordered_set<std::uint64_t> seen_;  // hashes of (file, offset): driver only
  std::string first_;                       // "FILE:OFFSET: error" of the first one
  std::string path_;                        // the file being written, if any
  int fd_ = -1;
};

}  // namespace dataflow::driver
