// Session: the entry point of a libdataflow program. Constructing it initializes MPI
// (collective) and decides the role of this rank: rank 0 is the driver, every other rank an
// executor; a single process is local mode, where the driver runs tasks on threads.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/config.hpp"
#include "dataflow/dataset.hpp"
#include "dataflow/error.hpp"

namespace dataflow {

namespace detail {
class Engine;
}

class Session {
 public:
  // Collective over MPI_COMM_WORLD (under mpirun or srun; a process that no launcher
  // started runs in local mode and does not initialize MPI). Reads DATAFLOW_* settings from
  // the environment; a bad
  // one throws Error(kConfig) on every rank, after rank 0 has printed it to stderr.
  // Prefer dataflow::run, which also parses the common flags; used directly, an exception
  // that escapes main still ends every rank with its exit code and one error line.
  Session(int& argc, char**& argv);
  // Collective: checks that every rank reached the end of the program (else every rank
  // exits with code 70), then MPI_Finalize.
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Settings; change them before the first action.
  Config& config();
  const Config& config() const;

  int rank() const;
  int size() const;
  bool is_driver() const { return rank() == 0; }
  bool local_mode() const { return size() == 1; }
  // Task threads each executor runs with the current settings.
  int executor_cores() const;

  // Lines of text files, without their "\n" or "\r\n". Each path is a file, a directory
  // (its regular files in sorted order, skipping names that start with "_" or ".") or a
  // glob. Paths are checked when an action runs (missing input: exit code 66).
  Dataset<std::string_view> text_file(std::vector<std::string> paths);
  Dataset<std::string_view> text_file(std::string path) { return text_file(std::vector<std::string>{std::move(path)}); }

  // Fixed-length records (as sc.binaryRecords): each file's bytes cut every record_length
  // bytes, split on record boundaries. A file whose size is not a multiple of record_length
  // is exit code 65, naming it. Views into a read buffer, valid while the record is handled.
  Dataset<std::string_view> binary_records(std::vector<std::string> paths, std::uint64_t record_length);
  Dataset<std::string_view> binary_records(std::string path, std::uint64_t record_length) {
    return binary_records(std::vector<std::string>{std::move(path)}, record_length);
  }

  // start, start + step, ... up to end (excluded), as spark.range; in `slices` partitions
  // (0 = default parallelism). Computed by the tasks: nothing is shipped.
  Dataset<std::int64_t> range(std::int64_t start, std::int64_t end, std::int64_t step = 1, int slices = 0);

  // Ends every rank of the job at once with `code` (MPI_Abort); for errors that only some
  // ranks saw, so that no rank waits forever for the others.
  [[noreturn]] void abort(int code);

  // The values, cut into `slices` contiguous partitions (0 = default parallelism). The
  // driver's values are the data: each task gets its slice from the driver, as in Spark, so
  // other ranks may pass anything (an empty vector, say). Every rank must still call it.
  template <class T>
  Dataset<T> parallelize(std::vector<T> values, int slices = 0);
  template <class T>
  Dataset<T> parallelize(std::initializer_list<T> values, int slices = 0) {
    return parallelize(std::vector<T>(values), slices);
  }

 private:
  detail::Runtime* runtime();
  std::unique_ptr<detail::Engine> engine_;
};

template <class T>
Dataset<T> Session::parallelize(std::vector<T> values, int slices) {
  static_assert(detail::kHasCodec<T>,
                "parallelize: records of this type cannot be encoded (the driver ships each slice to its task); "
                "supported: arithmetic types and enums, std::string(_view), std::pair, std::tuple, std::vector of "
                "those, and trivially copyable structs (no std::string or pointer members)");
  detail::Runtime* rt = runtime();
  const auto parts = static_cast<std::uint32_t>(slices > 0 ? slices : rt->default_parallelism());
  detail::NodeSpec spec{detail::OpKind::kParallelize, {}, "parallelize"};
  spec.partitions = parts;
  if constexpr (detail::kHasCodec<T>) {  // else the static_assert above is the one error
    if (rt->is_driver()) {
      const std::size_t n = values.size();
      spec.slices.resize(parts);
      for (std::uint32_t p = 0; p < parts; ++p) {
        detail::ByteWriter w(spec.slices[p]);
        for (std::size_t i = n * p / parts; i < n * (p + 1) / parts; ++i) detail::Codec<T>::write(w, values[i]);
      }
    }
  }
  const int node = rt->add_node(std::move(spec));
  auto producer = std::make_shared<const detail::Producer<T>>([node](detail::TaskContext& ctx, detail::Emit<T> emit) {
    if constexpr (detail::kHasCodec<T>) {
      detail::decode_all<T>(ctx.input(node).slice, [&emit](detail::Owned<T>&& x) { emit(x); });
    }
  });
  return Dataset<T>(rt, node, std::move(producer));
}

// What a program tells dataflow::run about itself, for --help.
struct ProgramInfo {
  std::string usage;        // its own arguments, as in "INPUT... [-o DIR]"
  std::string description;  // a paragraph under the usage line
  std::string help;         // its own options, formatted as it likes (printed before ours)
};

// Runs a libdataflow program: constructs the Session, takes the common flags out of argv
// (--executor-cores N, --split-size SIZE, --progress/--no-progress, --explain, --help,
// --version; see ProgramInfo) so that `body` sees only its own arguments, runs body(session)
// and turns errors into the documented exit codes: an Error's code, 70 for any other
// exception, 64 for a bad flag. The one-line message goes to stderr from rank 0 as
// "PROG: error: ...". An error raised on some ranks only (outside an action) ends the whole
// job with its code, so no rank waits forever for the others. Every rank must run the same
// actions in the same order; a rank that does not (an action inside if (is_driver()), a rank
// that returns early) ends every rank with exit code 70 and a message naming it.
int run(int& argc, char**& argv, const std::function<int(Session&)>& body, const ProgramInfo& info = {});

}  // namespace dataflow
