// Session and run(): the public entry points.
#include "dataflow/session.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "api/engine.hpp"
#include "api/program_flags.hpp"
#include "api/spmd_relaunch.hpp"
#include "common/program_name.hpp"
#include "common/signals.hpp"

namespace dataflow {

namespace {

std::unique_ptr<detail::Engine> make_engine(int& argc, char**& argv) {
  api::relaunch_for_spmd_check(argc, argv);  // returns unless asked for, by a program started alone
  // Before MPI_Init, so that a signal while the ranks start also ends with its line and code.
  common::install_signal_handlers(common::launcher_rank(), common::program_name(argc, argv));
  return std::make_unique<detail::Engine>(argc, argv);
}

}  // namespace

Session::Session(int& argc, char**& argv) : engine_(make_engine(argc, argv)) {}

Session::~Session() = default;

Config& Session::config() { return engine_->mutable_config(); }
const Config& Session::config() const { return engine_->config(); }
int Session::rank() const { return engine_->rank(); }
int Session::size() const { return engine_->size(); }
int Session::executor_cores() const { return engine_->executor_cores(); }
std::uint64_t Session::bad_records() const { return engine_->bad_records(); }
detail::Runtime* Session::runtime() { return engine_.get(); }
void Session::abort(int code) { engine_->abort(code); }
void Session::end_with_error(const std::string& what, int code) { engine_->end_with_error(what, code); }

Dataset<std::string_view> Session::text_file(std::vector<std::string> paths) {
  std::string label = "text_file(";
  for (std::size_t i = 0; i < paths.size(); ++i) label += (i ? ", " : "") + paths[i];
  label += ")";
  detail::NodeSpec spec{detail::OpKind::kTextFile, {}, std::move(label)};
  spec.paths = std::move(paths);
  int node = engine_->add_node(std::move(spec));
  auto producer = std::make_shared<const detail::Producer<std::string_view>>(
      [node](detail::TaskContext& ctx, detail::Emit<std::string_view> emit) {
        detail::read_lines(*ctx.input(node).split, emit);
      });
  return Dataset<std::string_view>(engine_.get(), node, std::move(producer));
}

Dataset<std::string_view> Session::binary_records(std::vector<std::string> paths, std::uint64_t record_length) {
  if (record_length == 0) throw Error(ExitCode::kUsage, "binary_records: the record length must be at least 1");
  std::string label = "binary_records(";
  for (std::size_t i = 0; i < paths.size(); ++i) label += (i ? ", " : "") + paths[i];
  label += ", " + std::to_string(record_length) + ")";
  detail::NodeSpec spec{detail::OpKind::kBinaryRecords, {}, std::move(label)};
  spec.paths = std::move(paths);
  spec.limit = record_length;
  int node = engine_->add_node(std::move(spec));
  auto producer = std::make_shared<const detail::Producer<std::string_view>>(
      [node, record_length](detail::TaskContext& ctx, detail::Emit<std::string_view> emit) {
        detail::read_records(*ctx.input(node).split, record_length, emit);
      });
  return Dataset<std::string_view>(engine_.get(), node, std::move(producer));
}

Dataset<std::int64_t> Session::range(std::int64_t start, std::int64_t end, std::int64_t step, int slices) {
  if (step == 0) throw Error(ExitCode::kUsage, "range: step must not be 0");
  // The number of values, in 128 bits: end - start may not fit 64.
  __extension__ using i128 = __int128;
  const i128 span = static_cast<i128>(end) - start;
  const i128 n128 = (step > 0 ? (span > 0 ? (span + step - 1) / step : 0) : (span < 0 ? (span + step + 1) / step : 0));
  const auto n = static_cast<std::uint64_t>(n128);
  const auto parts = static_cast<std::uint32_t>(slices > 0 ? slices : engine_->default_parallelism());
  detail::NodeSpec spec{detail::OpKind::kRange, {},
                        "range(" + std::to_string(start) + ", " + std::to_string(end) + ", " + std::to_string(step) + ")"};
  spec.partitions = parts;
  int node = engine_->add_node(std::move(spec));
  auto producer = std::make_shared<const detail::Producer<std::int64_t>>(
      [node, start, step, n, parts](detail::TaskContext& ctx, detail::Emit<std::int64_t> emit) {
        const std::uint64_t p = ctx.input(node).partition;
        const std::uint64_t from = static_cast<std::uint64_t>(static_cast<i128>(n) * p / parts);
        const std::uint64_t to = static_cast<std::uint64_t>(static_cast<i128>(n) * (p + 1) / parts);
        for (std::uint64_t i = from; i < to; ++i) emit(static_cast<std::int64_t>(start + static_cast<i128>(step) * i));
      });
  return Dataset<std::int64_t>(engine_.get(), node, std::move(producer));
}

int run(int& argc, char**& argv, const std::function<int(Session&)>& body, const ProgramInfo& info) {
  const std::string prog = common::program_name(argc, argv);
  const std::vector<std::string> started_as(argv, argv + argc);  // for the event log
  std::unique_ptr<Session> session;
  try {
    session = std::make_unique<Session>(argc, argv);
  } catch (const Error& e) {  // a bad setting: every rank alike, rank 0 has printed it
    return e.exit_code();
  }
  // Every rank parses the same argv alike, so all end here together or none does.
  static std::vector<std::string> arg_storage;  // argv points here while the program runs
  static std::vector<char*> arg_pointers;
  if (auto code = api::parse_program_flags(argc, argv, info, session->config(), session->is_driver(), arg_storage,
                                           arg_pointers)) {
    return *code;
  }
  if (detail::Engine* engine = detail::Engine::instance()) engine->set_command_line({argv + 1, argv + argc});
  if (session->config().check_spmd && session->size() == 1 && session->is_driver()) {
    std::fprintf(stderr,
                 "%s: warning: --check-spmd compares the driver with an executor, and this run has one process: "
                 "start the program alone (it then runs as a driver and one executor) or with 2 or more ranks\n",
                 prog.c_str());
  }
  // An error this rank saw, maybe alone: printed once, and every rank ends with its code.
  auto fail_alone = [&](const char* what, int code) {
    session->end_with_error(what, code);  // returns in local mode only
    return code;
  };
  // The event log's last line and the report come when the engine ends, after every rank has
  // finished the program (an executor that failed there changes the code), or in end_now().
  detail::Engine* engine = detail::Engine::instance();
  auto end = [engine](int code) {
    if (engine) engine->set_exit_code(code);
    return code;
  };
  try {
    if (engine) engine->start_event_log(started_as);  // collective
    const int code = body(*session);
    common::set_program_code(code);  // for an MPI_Finalize that a signal keeps waiting
    return end(code);
  } catch (const JobError& e) {  // every rank has it; the driver reports it
    if (session->is_driver()) std::fprintf(stderr, "%s: error: %s\n", prog.c_str(), e.what());
    return end(e.exit_code());
  } catch (const Error& e) {
    return end(fail_alone(e.what(), e.exit_code()));
  } catch (const std::exception& e) {
    return end(fail_alone(e.what(), static_cast<int>(ExitCode::kSoftware)));
  }
}

}  // namespace dataflow
