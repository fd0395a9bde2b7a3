// The command line both etl programs share (etl with DataFrames, etl_rdd with datasets):
// DIR and --left, and the usage and description --help prints.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "dataflow/dataflow.hpp"

namespace etl {

struct Cli {
  CLI::App app;
  std::string dir;
  bool left = false;
  dataflow::ProgramInfo info;

  explicit Cli(const char* name) : app("", name) {
    app.set_help_flag();  // --help is dataflow::run's, which prints app.help() below too
    app.add_option("DIR", dir, "directory holding customers.tsv and orders.tsv")->required()->type_name("");
    app.add_flag("--left", left, "keep orders whose customer is missing, under the country (unknown)");
    info.usage = "DIR [--left]";
    info.description =
        "Joins DIR/orders.tsv (order_id, customer_id, amount_cents, date) to DIR/customers.tsv (customer_id, "
        "name, country) on customer_id, groups by country and prints \"country<TAB>orders<TAB>sum<TAB>average\" "
        "lines (average with 2 decimals), by sum descending, then country.\nRuns alone (local mode), under "
        "mpirun, or under srun.";
    info.help = app.help("", CLI::AppFormatMode::Normal);
  }
};

}  // namespace etl
