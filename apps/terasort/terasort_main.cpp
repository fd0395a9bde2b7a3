// terasort: sorts 100-byte records (gensort's layout: a 10-byte key first) by key, with
// libdataflow: binary_records -> sort_by -> save_as_binary_records. See --help.
#include <CLI/CLI.hpp>

#include <array>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "dataflow/dataflow.hpp"
#include "parse_args.hpp"

namespace {

constexpr std::uint64_t kRecordBytes = 100;
constexpr std::size_t kKeyBytes = 10;
using Key = std::array<unsigned char, kKeyBytes>;  // compares as memcmp does

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"", "terasort"};
  app.set_help_flag();  // --help is dataflow::run's, which prints app.help() below too
  std::vector<std::string> inputs;
  std::string output;
  int partitions = 0;
  app.add_option("INPUT", inputs, "file, directory or glob of 100-byte records")->required()->type_name("");
  app.add_option("-o,--output", output,
                 "write part-NNNNN files (records in key order across parts) and _SUCCESS into DIR, which must "
                 "not exist")
      ->required()
      ->type_name("DIR");
  app.add_option("--partitions", partitions, "output parts (default: the executors' task slots)")
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  dataflow::ProgramInfo info;
  info.usage = "INPUT... -o DIR [--partitions N]";
  info.description =
      "Sorts 100-byte records (gensort's layout) by their 10-byte key, as TeraSort: concatenated in name "
      "order, DIR/part-* hold every input record once, in key order (equal keys in input order).\nRuns alone "
      "(local mode), under mpirun, or under srun.";
  info.help = app.help("", CLI::AppFormatMode::Normal);
  return dataflow::run(
      argc, argv,
      [&](dataflow::Session& session) {
        if (const int rc = app::parse_args(app, argc, argv, session, "terasort", info.usage)) return rc;
        auto key_of = [](std::string_view record) {
          Key k;
          std::memcpy(k.data(), record.data(), kKeyBytes);
          return k;
        };
        session.binary_records(inputs, kRecordBytes).sort_by(key_of, true, partitions).save_as_binary_records(output);
        return 0;
      },
      info);
}
