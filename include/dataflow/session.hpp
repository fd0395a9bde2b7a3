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
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/accumulator.hpp"
#include "dataflow/broadcast.hpp"
#include "dataflow/config.hpp"
#include "dataflow/dataset.hpp"
#include "dataflow/error.hpp"
#include "dataflow/hdf5.hpp"

namespace dataflow {

namespace detail {
class Engine;
}

class DataFrame;
class DataFrameReader;

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
  // Collective: what the executors keep for later jobs (persisted partitions, shuffle
  // outputs), summed over them; the same on every rank (Spark's getRDDStorageInfo, in sum).
  StorageInfo storage_info() { return runtime()->storage_info(); }
  bool local_mode() const { return size() == 1; }
  // Task threads each executor runs with the current settings.
  int executor_cores() const;
  // The text lines skipped as bad records so far (--bad-records skip or FILE), each counted
  // once however many jobs read it; the same on every rank after each action (shown as the
  // accumulator "bad records" by --explain).
  std::uint64_t bad_records() const;

  // Lines of text files, without their line ending: "\n", "\r\n" and a lone "\r" each end a
  // line (universal newlines, as Spark and Python read text). Each path is a file, a directory
  // (its regular files in sorted order, skipping names that start with "_" or ".") or a
  // glob. Paths are checked when an action runs (missing input: exit code 66). An exception
  // that a line's operations throw before the first shuffle names the line
  // ("FILE:OFFSET: ..."), or skips the line under --bad-records (README: Bad records).
  Dataset<std::string_view> text_file(std::vector<std::string> paths);
  Dataset<std::string_view> text_file(std::string path) { return text_file(std::vector<std::string>{std::move(path)}); }

  // Fixed-length records (as sc.binaryRecords): each file's bytes cut every record_length
  // bytes, split on record boundaries. A file whose size is not a multiple of record_length
  // is exit code 65, naming it. Views into a read buffer, valid while the record is handled.
  Dataset<std::string_view> binary_records(std::vector<std::string> paths, std::uint64_t record_length);
  Dataset<std::string_view> binary_records(std::string path, std::uint64_t record_length) {
    return binary_records(std::vector<std::string>{std::move(path)}, record_length);
  }

  // The records of an HDF5 dataset (README: HDF5): `dataset` ("/group/name") in each of
  // `paths` (files, directories or globs, as text_file), concatenated in path order. T: a
  // number (1-D), std::array<E, N> or std::vector<E> (the rows of a 2-D dataset), or
  // std::string (fixed or variable length strings); a struct S with its Compound<S>. The
  // driver checks every file while planning: a missing file or dataset is exit code 66, a
  // wrong shape or a type that does not convert to T without loss 65. Each task reads its
  // row ranges (about --split-size bytes, aligned to the dataset's chunks) by hyperslab.
  template <class T>
  Dataset<T> hdf5(std::vector<std::string> paths, std::string dataset);
  template <class T>
  Dataset<T> hdf5(std::string path, std::string dataset) {
    return hdf5<T>(std::vector<std::string>{std::move(path)}, std::move(dataset));
  }
  template <class S>
  Dataset<S> hdf5(std::vector<std::string> paths, std::string dataset, const ::dataflow::hdf5::Compound<S>& compound);
  template <class S>
  Dataset<S> hdf5(std::string path, std::string dataset, const ::dataflow::hdf5::Compound<S>& compound) {
    return hdf5<S>(std::vector<std::string>{std::move(path)}, std::move(dataset), compound);
  }

  // start, start + step, ... up to end (excluded), as spark.range; in `slices` partitions
  // (0 = default parallelism). Computed by the tasks: nothing is shipped.
  Dataset<std::int64_t> range(std::int64_t start, std::int64_t end, std::int64_t step = 1, int slices = 0);

  // Ends every rank of the job at once with `code` (MPI_Abort); for errors that only some
  // ranks saw, so that no rank waits forever for the others.
  [[noreturn]] void abort(int code);
  // Ends the program with `code` after an error this rank saw (dataflow::run calls it for an
  // exception that escapes the program body): the driver prints `what` once, an executor
  // hands it to the driver, and every rank exits with `code`, without Open MPI's MPI_ABORT
  // banner unless some rank cannot hear. Returns only in local mode, having printed it.
  void end_with_error(const std::string& what, int code);

  // Collective: every rank calls it, in the same order. The driver's `value` (other ranks may
  // pass anything, an empty one say) reaches every rank once, with MPI_Bcast, not once per
  // task: for a value only the driver has (read from a file on rank 0) or a large one. Tasks
  // read it with b.value() from lambdas that capture b by value. A value that every rank
  // computes alike (an action's result, which every rank returns) needs no broadcast. T: a
  // type parallelize accepts (std::string, not std::string_view).
  template <class T>
  Broadcast<T> broadcast(const T& value);

  // Collective: an accumulator (every rank makes its accumulators in the same order).
  // accumulator<T>(name) sums (Spark's longAccumulator, doubleAccumulator); with `zero` and
  // `merge(T, const T&) -> T` (associative and commutative, as Spark's AccumulatorV2), any
  // encodable T. Tasks add to it from lambdas that capture it by value; after each action
  // value() is the same on every rank, and counts each successful task once: the updates of
  // a failed or retried attempt never count. A failed action applies no updates. A name
  // shows the value after each job with --explain ("" for none).
  template <class T>
  Accumulator<T> accumulator(std::string name) {
    return accumulator<T>(std::move(name), T{}, [](T a, const T& b) { return static_cast<T>(a + b); });
  }
  template <class T, class Merge>
  Accumulator<T> accumulator(std::string name, T zero, Merge merge);

  // The values, cut into `slices` contiguous partitions (0 = default parallelism). The
  // driver's values are the data: each task gets its slice from the driver, as in Spark, so
  // other ranks may pass anything (an empty vector, say). Every rank must still call it.
  template <class T>
  Dataset<T> parallelize(std::vector<T> values, int slices = 0);
  // Spark's createDataFrame (dataflow/dataframe.hpp): a row per tuple, a column per element.
  template <class... Ts>
  DataFrame create_data_frame(const std::vector<std::tuple<Ts...>>& data, const std::vector<std::string>& names,
                              int slices = 0);
  // Spark's spark.read: CSV files as a DataFrame (dataflow/frame_io.hpp).
  DataFrameReader read();
  template <class T>
  Dataset<T> parallelize(std::initializer_list<T> values, int slices = 0) {
    return parallelize(std::vector<T>(values), slices);
  }

 private:
  template <class T>
  Dataset<T> hdf5_source(std::vector<std::string> paths, std::string dataset, const detail::h5::RecordType& type);
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
template <class T>
Broadcast<T> Session::broadcast(const T& value) {
  static_assert(detail::kHasCodec<T> && std::is_same_v<detail::Owned<T>, T>,
                "broadcast: the value's type must own its bytes and be encodable: arithmetic types and enums, "
                "std::string, std::pair, std::tuple, std::vector of those, trivially copyable structs, or a type "
                "with a Cereal serialize function");
  detail::Runtime* rt = runtime();
  std::string bytes;
  if constexpr (detail::kHasCodec<T>) {  // else the static_assert above is the one error
    if (rt->is_driver()) {
      detail::ByteWriter w(bytes);
      detail::Codec<T>::write(w, value);
    }
    bytes = rt->broadcast_bytes(std::move(bytes));
    if (!rt->is_driver()) {
      detail::ByteReader r(bytes);
      return Broadcast<T>(detail::Codec<T>::read(r));
    }
  }
  return Broadcast<T>(value);
}

template <class T, class Merge>
Accumulator<T> Session::accumulator(std::string name, T zero, Merge merge) {
  static_assert(detail::kHasCodec<T> && std::is_same_v<detail::Owned<T>, T>,
                "accumulator: the value's type must own its bytes and be encodable (as for broadcast)");
  static_assert(std::is_invocable_r_v<T, const Merge&, T, const T&>,
                "accumulator: merge(T, const T&) must return T (and be callable as const: tasks call it at once)");
  using State = typename Accumulator<T>::State;
  auto state = std::make_shared<State>();
  state->name = name;
  state->zero = zero;
  state->value = std::move(zero);
  state->merge = [merge](T a, const T& b) { return static_cast<T>(merge(std::move(a), b)); };
  detail::AccumulatorHooks hooks;
  hooks.name = std::move(name);
  hooks.apply = [state](std::string_view bytes) {
    detail::ByteReader r(bytes);
    T delta = detail::Codec<T>::read(r);
    std::lock_guard<std::mutex> lock(state->mu);
    state->value = state->merge(std::move(state->value), delta);
  };
  hooks.show = [state]() -> std::string {
    if constexpr (std::is_arithmetic_v<T>) {
      std::lock_guard<std::mutex> lock(state->mu);
      return std::to_string(state->value);
    } else {
      return {};
    }
  };
  state->id = runtime()->add_accumulator(std::move(hooks));
  return Accumulator<T>(std::move(state));
}

struct ProgramInfo {
  std::string usage;        // its own arguments, as in "INPUT... [-o DIR]"
  std::string description;  // a paragraph under the usage line
  std::string help;         // its own options, formatted as it likes (printed before ours)
  // Its own option names ("--iterations", "-o"). When given, an argument that looks like an
  // option and is neither one of these nor a libdataflow flag is refused with exit code 64,
  // naming the closest known option (after "--", arguments pass as they are).
  std::vector<std::string> options;
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

#include "dataflow/ops/hdf5_read.hpp"  // IWYU pragma: keep
