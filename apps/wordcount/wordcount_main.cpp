// wordcount: counts the words of text files with libdataflow. See --help.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "dataflow/dataflow.hpp"
#include "wordcount_job.hpp"

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [&](dataflow::Session& session) {
    CLI::App app{
        "Counts the words of text files: one \"word<TAB>count\" line per distinct word, by count "
        "descending, then word.\nRuns alone (local mode), under mpirun, or under srun.",
        "wordcount"};
    wordcount::Options options;
    std::string split_size;
    int executor_cores = 0;
    std::uint64_t top = 0;
    bool progress = false;
    app.add_option("INPUT", options.inputs, "file, directory or glob")->required();
    auto* top_opt = app.add_option("--top", top, "only the N most frequent words")->check(CLI::PositiveNumber);
    app.add_option("-o,--output", options.output_dir,
                   "write part-NNNNN files (\"word<TAB>count\" lines) and _SUCCESS into DIR, which must not exist");
    app.add_option("--split-size", split_size, "input split size, suffixes K, M, G (default 128M)");
    app.add_option("--executor-cores", executor_cores,
                   "task threads per executor (default: the node's cores "
                   "shared among its executors)")
        ->check(CLI::PositiveNumber);
    app.add_flag("--explain", options.explain, "print the plan to stderr before running");
    auto* progress_opt = app.add_flag("--progress,!--no-progress", progress,
                                      "progress bar on stderr (default: when stderr is a terminal)");
    app.set_version_flag("--version", std::string("wordcount (libdataflow) ") + DATAFLOW_VERSION);
    const bool driver = session.is_driver();
    try {
      app.parse(argc, argv);
      if (!split_size.empty()) {
        const auto size = dataflow::parse_size(split_size);
        if (!size)
          throw CLI::ValidationError("--split-size",
                                     "expected a positive size such as 64M, got \"" + split_size + "\"");
        session.config().split_size = *size;
      }
    } catch (const CLI::CallForHelp&) {
      if (driver) std::cout << app.help();
      return 0;
    } catch (const CLI::CallForVersion&) {
      if (driver) std::cout << app.version() << '\n';
      return 0;
    } catch (const CLI::ParseError& e) {
      if (driver) std::cerr << "wordcount: error: " << e.what() << "\n" << app.help();
      return static_cast<int>(dataflow::ExitCode::kUsage);
    }
    if (*top_opt) options.top = top;
    if (executor_cores > 0) session.config().executor_cores = executor_cores;
    if (*progress_opt)
      session.config().progress = progress ? dataflow::ProgressMode::kOn : dataflow::ProgressMode::kOff;
    wordcount::run(session, options, std::cout);
    return 0;
  });
}
