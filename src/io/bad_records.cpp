// Bad records, task side.
#include "io/bad_records.hpp"

#include <memory>
#include <new>
#include <stdexcept>
#include <utility>

#include "dataflow/accumulator.hpp"
#include "dataflow/detail/codec.hpp"
#include "dataflow/error.hpp"

namespace dataflow::io {
namespace {

void write_record(detail::ByteWriter& w, const BadRecord& r) {
  w.put_bytes(r.path);
  w.put_varint(r.offset);
  w.put_bytes(r.error);
  w.put_bytes(r.line);
}

// The running attempt's bad records, kept with its other accumulator updates: they count
// only if it succeeds.
struct TaskBadRecords : detail::AccumulatorDelta {
  BadRecordsDelta delta;
  void encode(detail::ByteWriter& w) const override {
    w.put_varint(delta.count);
    w.put_varint(delta.records.size());
    for (const BadRecord& r : delta.records) write_record(w, r);
  }
};

void skip(const detail::FilePiece& piece, std::uint64_t offset, std::string_view line, const char* error,
          bool keep_line) {
  detail::TaskAccumulators* task = detail::current_task_accumulators();
  if (!task) return;  // not under a task runner (a test reading lines directly): nothing to report to
  auto& slot = task->delta(kBadRecordsAccumulator);
  if (!slot) slot = std::make_unique<TaskBadRecords>();
  auto& d = static_cast<TaskBadRecords&>(*slot).delta;
  ++d.count;
  d.records.push_back({piece.path, offset, error, keep_line ? std::string(line) : std::string()});
}

}  // namespace

std::string record_origin(std::string_view path, std::uint64_t offset) {
  std::string s(path);
  s += ':';
  s += std::to_string(offset);
  return s;
}

void line_failed(const detail::FilePiece& piece, std::uint64_t offset, std::string_view line, BadRecordsMode mode) {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    throw;  // the engine's: the task runner reports it as out of memory
  } catch (const Error& e) {
    // Another code is the engine's (a spill that cannot be written, a result too large):
    // not the line's fault, and its message says what it is about.
    if (e.code() != ExitCode::kDataError) throw;
    if (mode == BadRecordsMode::kFail) {
      throw Error(ExitCode::kDataError, record_origin(piece.path, offset) + ": " + e.what());
    }
    skip(piece, offset, line, e.what(), mode == BadRecordsMode::kWrite);
  } catch (const std::exception& e) {
    // A bug in a lambda, not bad data: it fails the job in every mode (retried as ever).
    throw std::runtime_error(record_origin(piece.path, offset) + ": " + e.what());
  }
}

std::string encode_bad_records(const BadRecordsDelta& delta) {
  TaskBadRecords t;
  t.delta = delta;
  std::string out;
  detail::ByteWriter w(out);
  t.encode(w);
  return out;
}

BadRecordsDelta decode_bad_records(std::string_view bytes) {
  detail::ByteReader r(bytes);
  BadRecordsDelta d;
  d.count = r.get_varint();
  const std::uint64_t n = r.get_varint();
  if (n > r.remaining()) throw Error(ExitCode::kSoftware, "malformed bad records update");
  d.records.resize(n);
  for (BadRecord& b : d.records) {
    b.path = r.get_bytes();
    b.offset = r.get_varint();
    b.error = r.get_bytes();
    b.line = r.get_bytes();
  }
  return d;
}

}  // namespace dataflow::io
