// Bad records, task side: what a text task does when its operations throw on a line (the
// origin named in the error, or the line skipped and reported with the task's accumulator
// updates), and how the reports are encoded. The driver's side: driver/bad_record_log.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/config.hpp"
#include "dataflow/detail/task_context.hpp"

namespace dataflow::io {

// The accumulator id of the bad records: the engine registers it first, on every rank.
inline constexpr std::uint32_t kBadRecordsAccumulator = 0;

// One skipped line: where it starts, the error, and (--bad-records FILE only) its bytes.
struct BadRecord {
  std::string path;
  std::uint64_t offset = 0;
  std::string error;
  std::string line;
};

// "FILE:OFFSET", the origin that prefixes a line's errors.
std::string record_origin(std::string_view path, std::uint64_t offset);

// Called from a catch block around the operations on the line at `offset` of piece.path:
// handles the exception being caught. Error(kDataError) under kFail, or any other
// std::exception except out of memory, is rethrown with "FILE:OFFSET: " before its message
// (another dataflow::Error, the engine's, as it is); Error(kDataError) under kSkip or kWrite
// is added to the running task's accumulator updates, and the task reads on.
void line_failed(const detail::FilePiece& piece, std::uint64_t offset, std::string_view line, BadRecordsMode mode);

// A task's bad records as its accumulator delta carries them: [varint count][varint n] then
// n records. The driver forwards only the count of the lines it had not seen (records: 0).
struct BadRecordsDelta {
  std::uint64_t count = 0;
  std::vector<BadRecord> records;
};
std::string encode_bad_records(const BadRecordsDelta& delta);
BadRecordsDelta decode_bad_records(std::string_view bytes);

}  // namespace dataflow::io
