// h5_stats: the libdataflow side of bench/hdf5_bench.sh.
//   h5_stats FILE:/dataset count    prints "count N" (1-D float64 dataset)
//   h5_stats FILE:/dataset sum      prints "count N" and "sum S" (%.17g), one pass (an aggregate of a pair)
//   h5_stats write OUT.h5 N         writes N float64 values double(i) * 0.5 as OUT.h5:/x
//                                   (range().map().save_as_hdf5, default WriteOptions: OUT.h5 must not exist)
// The output of count and sum is that of bench/h5_sum_baseline.c.
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/dataflow.hpp"
#include "parse_args.hpp"

namespace {

[[noreturn]] void usage_error(const std::string& what) { throw dataflow::Error(dataflow::ExitCode::kUsage, what); }

// "FILE:/dataset" into its file and dataset.
std::pair<std::string, std::string> parse_source(const std::string& arg) {
  const std::size_t colon = arg.rfind(":/");
  if (colon == std::string::npos || colon == 0) usage_error("expected FILE:/dataset, got \"" + arg + "\"");
  return {arg.substr(0, colon), arg.substr(colon + 1)};
}

std::int64_t parse_count(const std::string& arg) {
  errno = 0;
  char* end = nullptr;
  const long long n = std::strtoll(arg.c_str(), &end, 10);
  if (arg.empty() || *end != '\0' || errno != 0 || n < 0) {
    usage_error("write: N must be a whole number >= 0, got \"" + arg + "\"");
  }
  return n;
}

void flush_stdout() {
  if (std::fflush(stdout) != 0) throw dataflow::Error(dataflow::ExitCode::kIoError, "cannot write to standard output");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"", "h5_stats"};
  app.set_help_flag();
  std::vector<std::string> args;
  app.add_option("ARGS", args, "FILE:/dataset count | FILE:/dataset sum | write OUT.h5 N")->required()->type_name("");
  dataflow::ProgramInfo info;
  info.usage = "FILE:/dataset count | FILE:/dataset sum | write OUT.h5 N";
  info.description =
      "Benchmark helper (bench/hdf5_bench.sh). count: the records of a 1-D float64 dataset. sum: their count and sum "
      "(%.17g) in one pass. write: N float64 values double(i) * 0.5 as OUT.h5:/x (OUT.h5 must not exist).\nRuns "
      "alone (local mode), under mpirun, or under srun.";
  info.help = app.help("", CLI::AppFormatMode::Normal);
  return dataflow::run(
      argc, argv,
      [&](dataflow::Session& session) {
        if (const int rc = app::parse_args(app, argc, argv, session, "h5_stats", info.usage)) return rc;
        if (args.size() == 3 && args[0] == "write") {
          const std::string& out = args[1];
          const std::int64_t n = parse_count(args[2]);
          session.range(0, n)
              .map([](std::int64_t i) { return static_cast<double>(i) * 0.5; })
              .save_as_hdf5(out, "/x", dataflow::hdf5::WriteOptions{});
          if (session.is_driver()) {
            std::printf("wrote %lld values to %s:/x\n", static_cast<long long>(n), out.c_str());
            flush_stdout();
          }
          return 0;
        }
        if (args.size() != 2 || (args[1] != "count" && args[1] != "sum")) {
          usage_error("expected FILE:/dataset count, FILE:/dataset sum or write OUT.h5 N");
        }
        const auto [file, dataset] = parse_source(args[0]);
        const dataflow::Dataset<double> values = session.hdf5<double>(file, dataset);
        if (args[1] == "count") {
          const std::uint64_t n = values.count();
          if (session.is_driver()) {
            std::printf("count %llu\n", static_cast<unsigned long long>(n));
            flush_stdout();
          }
          return 0;
        }
        using CountSum = std::pair<std::uint64_t, double>;
        const CountSum cs = values.aggregate(
            CountSum{0, 0.0}, [](CountSum a, double v) { return CountSum{a.first + 1, a.second + v}; },
            [](CountSum a, const CountSum& b) { return CountSum{a.first + b.first, a.second + b.second}; });
        if (session.is_driver()) {
          std::printf("count %llu\nsum %.17g\n", static_cast<unsigned long long>(cs.first), cs.second);
          flush_stdout();
        }
        return 0;
      },
      info);
}
