// Session: the entry point of a libdataflow program. Constructing it initializes MPI
// (collective) and decides the role of this rank: rank 0 is the driver, every other rank an
// executor; a single process is local mode, where the driver runs tasks on threads.
#pragma once

#include <cstdint>
#include <functional>
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
  // Collective over MPI_COMM_WORLD. Reads DATAFLOW_* settings from the environment; a bad
  // one throws Error(kConfig) on every rank, after rank 0 has printed it to stderr.
  Session(int& argc, char**& argv);
  ~Session();  // collective: MPI_Finalize
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

  // Ends every rank of the job at once with `code` (MPI_Abort); for errors that only some
  // ranks saw, so that no rank waits forever for the others.
  [[noreturn]] void abort(int code);

  // The values, cut into `slices` contiguous partitions (0 = default parallelism). Every
  // rank must pass equal values.
  template <class T>
  Dataset<T> parallelize(std::vector<T> values, int slices = 0);

 private:
  detail::Runtime* runtime();
  std::unique_ptr<detail::Engine> engine_;
};

template <class T>
Dataset<T> Session::parallelize(std::vector<T> values, int slices) {
  detail::Runtime* rt = runtime();
  auto data = std::make_shared<const std::vector<T>>(std::move(values));
  const auto parts = static_cast<std::uint32_t>(slices > 0 ? slices : rt->default_parallelism());
  detail::NodeSpec spec{detail::OpKind::kParallelize, {}, "parallelize"};
  spec.partitions = parts;
  spec.items = data->size();
  int node = rt->add_node(std::move(spec));
  auto producer =
      std::make_shared<const detail::Producer<T>>([data, parts](detail::TaskContext& ctx, detail::Emit<T> emit) {
        const std::size_t n = data->size();
        const std::size_t begin = n * ctx.partition / parts;
        const std::size_t end = n * (ctx.partition + 1) / parts;
        for (std::size_t i = begin; i < end; ++i) emit((*data)[i]);
      });
  return Dataset<T>(rt, node, std::move(producer));
}

// Runs body(session) and turns errors into RELIABILITY's exit codes: an Error's code, 70 for
// any other exception. The one-line message goes to stderr from rank 0 as "PROG: error: ...".
// An error raised on some ranks only (outside an action) aborts the whole job with its code,
// so no rank waits forever for the others.
int run(int& argc, char**& argv, const std::function<int(Session&)>& body);

}  // namespace dataflow
