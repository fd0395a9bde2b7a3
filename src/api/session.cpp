// Session and run(): the public entry points.
#include "dataflow/session.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "api/engine.hpp"
#include "api/program_flags.hpp"
#include "common/program_name.hpp"

namespace dataflow {

Session::Session(int& argc, char**& argv) : engine_(std::make_unique<detail::Engine>(argc, argv)) {}

Session::~Session() = default;

Config& Session::config() { return engine_->mutable_config(); }
const Config& Session::config() const { return engine_->config(); }
int Session::rank() const { return engine_->rank(); }
int Session::size() const { return engine_->size(); }
int Session::executor_cores() const { return engine_->executor_cores(); }
detail::Runtime* Session::runtime() { return engine_.get(); }
void Session::abort(int code) { engine_->abort(code); }

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

int run(int& argc, char**& argv, const std::function<int(Session&)>& body, const ProgramInfo& info) {
  const std::string prog = common::program_name(argc, argv);
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
  // An error this rank saw alone: report it here, and end every rank so none waits forever.
  auto fail_alone = [&](const char* what, int code) {
    std::fprintf(stderr, "%s: error: %s (rank %d)\n", prog.c_str(), what, session->rank());
    std::fflush(stderr);
    if (session->size() > 1) session->abort(code);
    return code;
  };
  try {
    return body(*session);
  } catch (const JobError& e) {  // every rank has it; the driver reports it
    if (session->is_driver()) std::fprintf(stderr, "%s: error: %s\n", prog.c_str(), e.what());
    return e.exit_code();
  } catch (const Error& e) {
    return fail_alone(e.what(), e.exit_code());
  } catch (const std::exception& e) {
    return fail_alone(e.what(), static_cast<int>(ExitCode::kSoftware));
  }
}

}  // namespace dataflow
