// Common flags of every dataflow::run program: --executor-cores, --executor-memory,
// --local-dir, --event-log, --report, --split-size, --max-result-size, --bad-records, --progress/--no-progress,
// --explain, --help, --version.
#include "api/program_flags.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

#include "common/env_config.hpp"
#include "common/program_name.hpp"
#include "dataflow/error.hpp"
#include "dataflow/version.hpp"

namespace dataflow::api {
namespace {

constexpr const char* kCommonTitle = "libdataflow options (every program has them; DATAFLOW_* variables set defaults)";

// The common options' part of --help, without CLI11's usage line.
std::string common_options_help(const CLI::App& app) {
  std::string text = app.help("", CLI::AppFormatMode::Normal);
  const auto at = text.find("Options:");
  if (at != std::string::npos) text = text.substr(at + 8);
  return std::string(kCommonTitle) + ":" + text;
}

// "-x", "--name", "--name=value"; not "-", a negative number or a bare word.
bool looks_like_option(const std::string& arg) {
  if (arg.size() < 2 || arg[0] != '-') return false;
  const char c = arg[1];
  return !(std::isdigit(static_cast<unsigned char>(c)) || c == '.');
}

// The known name nearest to `name`, if near enough to be a likely typo ("" else).
std::string closest(const std::string& name, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const std::string& k : known) {
    const std::size_t d = common::edit_distance(name, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best;
}

}  // namespace

std::optional<int> parse_program_flags(int& argc, char**& argv, const ProgramInfo& info, Config& config, bool print,
                                       std::vector<std::string>& storage, std::vector<char*>& pointers) {
  const std::string prog = common::program_name(argc, argv);
  CLI::App app{info.description, prog};
  app.allow_extras();
  int cores = 0;
  std::string split;
  bool progress = false;
  bool no_progress = false;
  bool explain = false;
  app.set_help_flag("-h,--help", "print this help and exit");
  app.add_option("--executor-cores", cores,
                 "task threads per executor (default: the node's cores shared among its executors)")
      ->type_name("N");
  std::string memory;
  app.add_option("--executor-memory", memory,
                 "memory budget of each executor, a whole number with K, M or G; what does not fit is spilled "
                 "to disk (default: the node's memory, Slurm's grant or the cgroup limit, shared among its "
                 "executors)")
      ->type_name("SIZE");
  std::string local_dir;
  app.add_option("--local-dir", local_dir, "directory for spill files (default: $TMPDIR, else /tmp)")->type_name("DIR");
  std::string event_log;
  app.add_option("--event-log", event_log,
                 "write a JSON-lines event log of the run (jobs, stages, tasks and their metrics) into this "
                 "directory (default: none)")
      ->type_name("DIR");
  std::string report;
  app.add_option("--report", report,
                 "write one self-contained HTML report of the run (stage DAG, timeline, stage and skew tables, "
                 "memory per rank) to this file when the program ends (default: none)")
      ->type_name("FILE");
  std::string checkpoint_dir;
  app.add_option("--checkpoint-dir", checkpoint_dir,
                 "directory for checkpoint(), seen by every rank (default: the local directory's base)")
      ->type_name("DIR");
  std::string resume_dir;
  app.add_option("--resume-dir", resume_dir,
                 "store each shuffle's output in this directory, seen by every rank, so that the same command "
                 "run again (after a time limit, a signal or a crash) skips the stages stored; removed when "
                 "the program succeeds (default: none)")
      ->type_name("DIR");
  bool keep_resume_state = false;
  app.add_flag("--keep-resume-state", keep_resume_state, "keep the --resume-dir state after a successful end");
  std::string compression;
  app.add_option("--spill-compression", compression, "compress spill files: none or lz4 (default none)")
      ->type_name("CODEC");
  app.add_option("--split-size", split, "input split size: a whole number with K, M or G (default 128M)")
      ->type_name("SIZE");
  app.add_flag("--progress", progress,
               "show progress on stderr: a bar on a terminal (also through mpirun), else a line every 30 s "
               "(default: a bar when there is a terminal, else nothing)");
  app.add_flag("--no-progress", no_progress, "no progress bar or lines");
  app.add_flag("--explain", explain, "print each job's plan to stderr before it runs");
  std::string optimizer;
  app.add_option("--optimizer", optimizer,
                 "the DataFrame optimizer's rules (column pruning, filter pushdown into the scans): on, or off to "
                 "run DataFrames as written (default on)")
      ->type_name("on|off");
  bool check_spmd = false;
  app.add_flag("--check-spmd", check_spmd,
               "also run the first task of each stage on the driver and fail (exit 70) if its output differs: "
               "catches lambdas that read data only the driver has; alone, the program runs as a driver and one "
               "executor under mpirun -n 2 (a first run's check)");
  std::string max_line;
  app.add_option("--max-line-size", max_line,
                 "longest text line a task reads; a longer one fails the job (exit 65) "
                 "naming the file and offset (default 1G)")
      ->type_name("SIZE");
  std::string bad_records;
  app.add_option("--bad-records", bad_records,
                 "a text line whose processing throws a data error (exit 65): fail the job naming the line's "
                 "FILE:OFFSET, skip it and count it, or skip it and append it with its origin and error to the new "
                 "file FILE, on the driver (default fail)")
      ->type_name("fail|skip|FILE");
  std::string max_result;
  app.add_option("--max-result-size", max_result,
                 "fail an action (exit 70) whose results at the driver exceed this size (default 1G; 0 = no limit)")
      ->type_name("SIZE");
  std::string network_timeout;
  std::string task_timeout;
  app.add_option("--network-timeout", network_timeout,
                 "fail the job (exit 70) when an executor running tasks is silent this long (default 120s; 0 = never)")
      ->type_name("SECONDS");
  app.add_option("--task-timeout", task_timeout,
                 "fail the job (exit 70) when a task attempt runs longer (default 0 = no limit)")
      ->type_name("SECONDS");
  app.set_version_flag("--version", prog + " (libdataflow) " + DATAFLOW_VERSION, "print the version and exit");
  auto usage_error = [&](const std::string& message) -> std::optional<int> {
    if (print) {
      std::fprintf(stderr, "%s: error: %s\nUsage: %s [OPTIONS]%s%s\nRun with --help for more information.\n",
                   prog.c_str(), message.c_str(), prog.c_str(), info.usage.empty() ? "" : " ", info.usage.c_str());
      std::fflush(stderr);
    }
    return static_cast<int>(ExitCode::kUsage);
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    if (print) {
      std::string text = "Usage: " + prog + " [OPTIONS]" + (info.usage.empty() ? "" : " " + info.usage) + "\n";
      if (!info.description.empty()) text += "\n" + info.description + "\n";
      std::string own = info.help;
      if (own.rfind("Usage:", 0) == 0) {  // CLI11's help of the program's own App: our usage line replaces it
        const auto blank = own.find("\n\n");
        own = blank == std::string::npos ? std::string() : own.substr(blank + 2);
      }
      while (!own.empty() && own.back() == '\n') own.pop_back();
      if (!own.empty()) text += "\n" + own + "\n";
      text += "\n" + common_options_help(app);
      std::fputs(text.c_str(), stdout);
      std::fflush(stdout);
    }
    return 0;
  } catch (const CLI::CallForVersion&) {
    if (print) {
      std::printf("%s\n", app.version().c_str());
      std::fflush(stdout);
    }
    return 0;
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }
  if (cores < 0 || (app.count("--executor-cores") && cores == 0)) {
    return usage_error("--executor-cores: expected a positive whole number, got " + std::to_string(cores));
  }
  if (cores > 0) config.executor_cores = cores;
  if (app.count("--executor-memory")) {
    const auto size = parse_size(memory);
    if (!size) return usage_error("--executor-memory: expected a positive size such as 4G, got \"" + memory + "\"");
    config.executor_memory = *size;
  }
  if (app.count("--local-dir")) {
    if (local_dir.empty()) return usage_error("--local-dir: expected a directory, got \"\"");
    config.local_dir = local_dir;
  }
  if (app.count("--event-log")) {
    if (event_log.empty()) return usage_error("--event-log: expected a directory, got \"\"");
    config.event_log = event_log;
  }
  if (app.count("--report")) {
    if (report.empty()) return usage_error("--report: expected a file name, got \"\"");
    config.report = report;
  }
  if (app.count("--checkpoint-dir")) {
    if (checkpoint_dir.empty()) return usage_error("--checkpoint-dir: expected a directory, got \"\"");
    config.checkpoint_dir = checkpoint_dir;
  }
  if (app.count("--resume-dir")) {
    if (resume_dir.empty()) return usage_error("--resume-dir: expected a directory, got \"\"");
    config.resume_dir = resume_dir;
  }
  if (keep_resume_state) config.keep_resume_state = true;
  if (app.count("--spill-compression")) {
    const auto codec = parse_spill_compression(compression);
    if (!codec) return usage_error("--spill-compression: expected none or lz4, got \"" + compression + "\"");
    config.spill_compression = *codec;
  }
  if (!split.empty()) {
    const auto size = parse_size(split);
    if (!size) return usage_error("--split-size: expected a positive size such as 64M, got \"" + split + "\"");
    config.split_size = *size;
  }
  if (progress) config.progress = ProgressMode::kOn;
  if (no_progress) config.progress = ProgressMode::kOff;
  if (explain) config.explain = true;
  if (app.count("--optimizer")) {
    if (optimizer != "on" && optimizer != "off") {
      return usage_error("--optimizer: expected on or off, got \"" + optimizer + "\"");
    }
    config.optimizer = optimizer == "on";
  }
  if (check_spmd) config.check_spmd = true;
  if (!max_line.empty()) {
    const auto size = parse_size(max_line);
    if (!size) return usage_error("--max-line-size: expected a positive size such as 64M, got \"" + max_line + "\"");
    config.max_line_size = *size;
  }
  if (app.count("--bad-records") && !parse_bad_records(bad_records, config.bad_records, config.bad_records_path)) {
    return usage_error("--bad-records: expected fail, skip or a file name, got \"\"");
  }
  if (app.count("--max-result-size")) {
    const auto size = max_result == "0" ? std::optional<std::uint64_t>(0) : parse_size(max_result);
    if (!size) {
      return usage_error("--max-result-size: expected a size such as 1G, or 0 (no limit), got \"" + max_result + "\"");
    }
    config.max_result_size = *size;
  }
  for (auto [flag, text, field] : {std::tuple{"--network-timeout", &network_timeout, &config.network_timeout_seconds},
                                   std::tuple{"--task-timeout", &task_timeout, &config.task_timeout_seconds}}) {
    if (text->empty()) continue;
    const auto seconds = common::parse_seconds(*text);
    if (!seconds)
      return usage_error(std::string(flag) + ": expected whole seconds such as 120 or 120s, got \"" + *text + "\"");
    *field = *seconds;
  }

  if (!info.options.empty()) {
    std::vector<std::string> known = info.options;
    for (const CLI::Option* o : app.get_options()) {
      for (const std::string& name : o->get_lnames()) known.push_back("--" + name);
    }
    for (const std::string& arg : app.remaining()) {
      if (arg == "--") break;
      if (!looks_like_option(arg)) continue;
      const std::string name = arg.substr(0, arg.find('='));
      if (std::find(info.options.begin(), info.options.end(), name) != info.options.end()) continue;
      const std::string near = closest(name, known);
      return usage_error("unknown option " + name + (near.empty() ? "" : " (did you mean " + near + "?)"));
    }
  }

  storage.clear();
  storage.push_back(argc > 0 && argv[0] ? argv[0] : prog);
  for (auto& rest : app.remaining()) storage.push_back(rest);
  pointers.clear();
  for (auto& s : storage) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  argc = static_cast<int>(storage.size());
  argv = pointers.data();
  return std::nullopt;
}

}  // namespace dataflow::api
