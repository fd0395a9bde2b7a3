// TaskContext: what one running task sees of its input and output. Built by the task
// runner from a descriptor; the typed pipelines read it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/config.hpp"
#include "dataflow/detail/emit.hpp"
#include "dataflow/detail/map_output.hpp"
#include "dataflow/detail/spill.hpp"
#include "dataflow/error.hpp"

namespace dataflow::detail {

class BlockCache;

// What identifies an input file's contents: recorded at planning, compared by every task
// that reads it, so a file replaced or rewritten while the job runs is an error, not a
// silently different answer. Tasks compare size, inode and mtime; not the device, whose
// number for a network file system differs from node to node.
struct FileIdentity {
  std::uint64_t size = 0;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t mtime_ns = 0;  // modification time, nanoseconds since the epoch
};

// A byte range of one text file. Lines whose first byte lies in [start, end) belong to it.
struct FilePiece {
  std::string path;
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  FileIdentity file;  // as planned
};

// The input of one text_file partition (Spark's FilePartition): pieces read in order, either
// a range of one large file or several whole small files packed together.
struct TextSplit {
  std::vector<FilePiece> pieces;
  // A longer line (without its line ending) fails the task with kDataError.
  std::uint64_t max_line_size = std::uint64_t{1} << 30;
  // A line whose processing throws Error(kDataError) (Config::bad_records).
  BadRecordsMode bad_records = BadRecordsMode::kFail;
};

// A piece of a reduce partition's input: whole records, in memory or in a spill file.
struct Block {
  std::string_view bytes;                  // in memory, or
  std::shared_ptr<const SpillFile> file;   // on disk: [offset, offset + size)
  std::uint64_t offset = 0;
  std::uint64_t size = 0;

  static Block in_memory(std::string_view b) { return {b, nullptr, 0, b.size()}; }
  bool on_disk() const { return file != nullptr; }
};

// Calls f(bytes) for each block in order; a block on disk is read into one reused buffer,
// so that only one block at a time needs memory.
template <class F>
void for_each_block(const std::vector<Block>& blocks, F&& f) {
  std::string buffer;
  for (const Block& b : blocks) {
    if (!b.on_disk()) {
      f(b.bytes);
      continue;
    }
    buffer.resize(static_cast<std::size_t>(b.size));
    b.file->read(b.offset, buffer.data(), buffer.size());
    f(std::string_view(buffer));
  }
}

// One input a task reads: a source's partition or a reduce partition of a shuffle.
struct TaskInput {
  int node = -1;
  std::uint32_t partition = 0;
  std::uint32_t scope = 0;                                 // see NodePart
  const TextSplit* split = nullptr;                        // text_file
  std::string_view slice;                                  // parallelize: encoded records
  const std::vector<Block>* blocks = nullptr;  // shuffle read, by map partition
};

// The shuffle nodes a zip of two sides (co_group) reads: ctx.input(left).blocks are the
// left side's records of the task, ctx.input(right).blocks the right side's.
struct ZipSides {
  int left = -1;
  int right = -1;
};

// A node the task computes or reads, with its partition there. Scope 0 is the task's own;
// each parent partition that a coalesce merges is computed in a scope of its own, so below a
// coalesce a node appears once per merged partition.
struct NodePart {
  int node = -1;
  std::uint32_t partition = 0;
  std::uint32_t scope = 0;
};

// A task's result alone is larger than --max-result-size (not retried).
class ResultTooLarge : public Error {
 public:
  using Error::Error;
};

struct TaskContext {
  std::uint32_t stage = 0;
  std::uint32_t partition = 0;  // of the stage's top node
  std::uint32_t tasks = 0;      // of the stage
  std::uint32_t attempt = 0;
  std::vector<NodePart> partitions;  // every node this task computes or reads, in every scope
  std::vector<TaskInput> inputs;
  // Scope s >= 1 is opened by coalesce node scopes[s - 1].first inside scope .second.
  std::vector<std::pair<int, std::uint32_t>> scopes;
  std::uint32_t scope = 0;  // the scope being computed
  std::string output_file;  // save: this attempt's file
  TaskMemory memory;        // the executor's pool and local directory
  BlockCache* cache = nullptr;  // the executor's blocks of persisted datasets
  int rank = 0;                 // the process running the task
  std::uint64_t max_result_bytes = 0;  // --max-result-size (0: no limit)

  // A result being built for the driver has reached `bytes`: throws ResultTooLarge past
  // --max-result-size, so that an oversized collect fails while it is produced, not after.
  void check_result_size(std::uint64_t bytes) const {
    if (max_result_bytes != 0 && bytes > max_result_bytes) result_too_large(bytes);
  }

  bool touches(int node) const { return find(node) != nullptr; }
  std::uint32_t partition_of(int node) const {
    if (const NodePart* n = find(node)) return n->partition;
    throw std::logic_error("task: node " + std::to_string(node) + " is not part of this task");
  }
  // Calls f() once per parent partition that coalesce `node` merges, in partition order,
  // with the parent's scope current.
  template <class F>
  void for_each_scope(int node, F&& f) {
    const std::uint32_t outer = scope;
    struct Restore {
      std::uint32_t& at;
      std::uint32_t value;
      ~Restore() { at = value; }
    } restore{scope, outer};
    for (std::size_t i = 0; i < scopes.size(); ++i) {
      if (scopes[i].first != node || scopes[i].second != outer) continue;
      scope = static_cast<std::uint32_t>(i + 1);
      f();
    }
  }
  // The bytes this task reads: its file pieces and shuffle blocks. A size hint for buffers.
  std::uint64_t input_bytes() const {
    std::uint64_t n = 0;
    for (const TaskInput& in : inputs) {
      if (in.split) {
        for (const FilePiece& p : in.split->pieces) n += p.end - p.start;
      }
      if (in.blocks) {
        for (const Block& b : *in.blocks) n += b.size;
      }
      n += in.slice.size();
    }
    return n;
  }
  const TaskInput& input(int node) const {
    for (const TaskInput& in : inputs) {
      if (in.node == node && in.scope == scope) return in;
    }
    throw std::logic_error("task: node " + std::to_string(node) + " is not an input of this task");
  }

 private:
  [[noreturn]] void result_too_large(std::uint64_t bytes) const {
    throw ResultTooLarge(ExitCode::kSoftware,
                         "Total size of results of 1 task (" + std::to_string(bytes) +
                             " bytes so far) is bigger than --max-result-size (" + std::to_string(max_result_bytes) +
                             " bytes); raise --max-result-size / DATAFLOW_MAX_RESULT_SIZE, or write the output "
                             "with save_as_text_file instead of collecting it");
  }
  const NodePart* find(int node) const {
    for (const NodePart& n : partitions) {
      if (n.node == node && n.scope == scope) return &n;
    }
    return nullptr;
  }
};

// Runs the fused narrow chain of one partition, pushing each record downstream.
template <class T>
using Producer = std::function<void(TaskContext&, Emit<T>)>;
// Map side of a shuffle: writes the partition's records into `out`, bucket by bucket
// (out.buckets is set: the number of reduce partitions).
using MapRunner = std::function<void(TaskContext&, MapOutput& out)>;
// A range shuffle's typed halves. bounds(samples, buckets), on the driver when the map stage
// ends: the encoded bounds of `buckets` ranges from the map tasks' samples (by map partition).
// split(out, bounds, map_partition, spare), on the executor holding an unsplit map output
// before the exchange: cuts it into buckets, writing into `spare`'s memory where it is large
// enough and leaving the unsplit buffer there for the next one.
struct RangePartitioner {
  std::function<std::string(const std::vector<std::string>& samples, std::uint32_t buckets)> bounds;
  std::function<void(MapOutput& out, std::string_view bounds, std::uint32_t map_partition, std::string& spare)> split;
};
// Last stage of an action: the partition's encoded result.
using ResultRunner = std::function<std::string(TaskContext&)>;

// Reads the lines of a split's pieces in order (defined in src/io/line_reader.cpp); views
// live for the call. Throws Error: kDataError for a file that changed since planning or a
// line over max_line_size, naming the file (and offset); kNoInput, kNoPermission or
// kIoError when a file cannot be read. An exception from `emit` (the stage's operations on
// a line) names the line's origin, or skips the line, as split.bad_records says
// (src/io/bad_records.hpp).
void read_lines(const TextSplit& split, Emit<std::string_view> emit);
// Reads the fixed-length records of a split's pieces in order: a piece owns the records that
// start inside it. Views live for the call. Throws Error as read_lines does.
void read_records(const TextSplit& split, std::uint64_t record_length, Emit<std::string_view> emit);
// The whole file at `path` (src/io/file_reader.cpp). Throws Error: kNoInput when it is
// missing, naming it and `hint`; kIoError when it cannot be read.
std::string read_whole_file(const std::string& path, const std::string& hint);
// A checkpoint part (written by a NewFile of kind kCheckpointPart) without its trailer, after
// checking the trailer's checksum: Error(kIoError) naming the file when they differ.
std::string read_checkpoint_part(const std::string& path, const std::string& hint);
// Writes `bytes` to a new file at `path` (never following a symlink), checking close().
void write_new_file(const std::string& path, std::string_view bytes);

// A new file written through a buffer (src/io/file_writer.cpp): created as write_new_file
// does; close() writes the rest, syncs and closes, checking each. Destroyed unclosed (an
// exception on the way), it removes the file. Output is mode 0644; a checkpoint part is
// 0600 and ends with a trailer, "dfcksum1" and the XXH3-64 of every byte before it.
class NewFile {
 public:
  enum Kind { kOutput, kCheckpointPart };
  explicit NewFile(std::string path, Kind kind = kOutput);
  ~NewFile();
  NewFile(const NewFile&) = delete;
  NewFile& operator=(const NewFile&) = delete;

  void append(std::string_view bytes) {
    if (buffer_.size() + bytes.size() > kBufferBytes) flush();
    if (bytes.size() >= kBufferBytes) {
      write_through(bytes);
    } else {
      buffer_.append(bytes);
    }
  }
  void close();
  void write_through(std::string_view bytes);

 private:
  static constexpr std::size_t kBufferBytes = std::size_t{1} << 20;
  void flush();
  [[noreturn]] void fail(const char* what, int err);

  struct Checksum;  // a checkpoint part's running XXH3 (file_writer.cpp)

  std::string path_;
  int fd_ = -1;
  std::string buffer_;
  std::unique_ptr<Checksum> checksum_;
};

}  // namespace dataflow::detail
