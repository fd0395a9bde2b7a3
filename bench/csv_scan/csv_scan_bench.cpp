// csv_scan_bench: times DataFrame CSV scans of one file (bench/csv_scan_bench.sh).
//   csv_scan_bench FILE infer    header + inferSchema, then count()
//   csv_scan_bench FILE inferonly header + inferSchema: the inference jobs alone (csv() runs them)
//   csv_scan_bench FILE schema   header + an explicit DDL schema (TPC-H lineitem's), count()
//   csv_scan_bench FILE filter   as schema, then filter + select of two columns + count()
// Prints "MODE rows=N seconds=S MB/s=R" at the driver (the file's bytes over the wall time).
// Runs alone (local mode) or under mpirun.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "dataflow/dataflow.hpp"

namespace {

constexpr const char* kLineitem =
    "l_orderkey LONG, l_partkey LONG, l_linenumber INT, l_quantity DOUBLE, l_extendedprice DOUBLE, "
    "l_discount DOUBLE, l_tax DOUBLE, l_shipdate DATE, l_returnflag STRING, l_linestatus STRING, "
    "l_shipmode STRING, l_comment STRING";

}  // namespace

int main(int argc, char** argv) {
  dataflow::Session session(argc, argv);
  if (argc != 3) {
    if (session.is_driver()) std::fprintf(stderr, "usage: csv_scan_bench FILE infer|inferonly|schema|filter\n");
    return 64;
  }
  const std::string path = argv[1];
  const std::string mode = argv[2];
  const auto started = std::chrono::steady_clock::now();
  auto reader = session.read().option("header", "true");
  if (mode == "infer" || mode == "inferonly") {
    reader.option("inferSchema", "true");
  } else {
    reader.schema(kLineitem);
  }
  dataflow::DataFrame df = reader.csv(std::vector<std::string>{path});
  if (mode == "filter") {
    df = df.filter(dataflow::functions::col("l_quantity") < dataflow::functions::lit(25.0))
             .select("l_orderkey", "l_shipdate");
  }
  const std::int64_t rows = mode == "inferonly" ? static_cast<std::int64_t>(df.schema().size()) : df.count();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (session.is_driver()) {
    const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    std::printf("%s rows=%lld seconds=%.3f MB/s=%.1f\n", mode.c_str(), static_cast<long long>(rows), seconds,
                mb / seconds);
  }
  return 0;
}
