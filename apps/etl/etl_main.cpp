// etl: orders joined to customers, grouped by country, with libdataflow's DataFrames (the
// same program with Datasets is etl_rdd_main.cpp). See --help.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#include "dataflow/dataflow.hpp"
#include "etl_cli.hpp"
#include "parse_args.hpp"
#include "result_sink.hpp"

namespace F = dataflow::functions;
using F::col;

int main(int argc, char** argv) {
  etl::Cli cli("etl");
  CLI::App& app = cli.app;
  const std::string& dir = cli.dir;
  const bool& left = cli.left;
  const dataflow::ProgramInfo& info = cli.info;
  return dataflow::run(
      argc, argv,
      [&](dataflow::Session& session) {
        if (const int rc = app::parse_args(app, argc, argv, session, "etl", info.usage)) return rc;
        // Tab-separated, no header; a line that does not fit its schema fails the job (65,
        // naming FILE:OFFSET), or is skipped under --bad-records.
        auto tsv = [&](const std::string& name, const char* ddl) {
          return session.read().option("sep", "\t").option("mode", "FAILFAST").schema(ddl).csv(dir + "/" + name);
        };
        const dataflow::DataFrame customers = tsv("customers.tsv", "customer_id LONG, name STRING, country STRING");
        const dataflow::DataFrame orders =
            tsv("orders.tsv", "order_id LONG, customer_id LONG, amount_cents LONG, date STRING");
        // Orders are totalled per customer first (partial aggregates on the map side), so the
        // join moves one row per customer, not one per order.
        const dataflow::DataFrame per_customer =
            orders.group_by("customer_id").agg(F::count("*").alias("orders"), F::sum("amount_cents").alias("total"));
        const std::vector<dataflow::Row> groups =
            per_customer.join(customers.select("customer_id", "country"), "customer_id", left ? "left" : "inner")
                .group_by(F::coalesce(col("country"), F::lit("(unknown)")).alias("country"))
                .agg(F::sum("orders").alias("orders"), F::sum("total").alias("total"))
                .order_by(col("total").desc(), col("country"))
                .collect();
        if (!session.is_driver()) return 0;
        const int launcher_fd = app::launcher_stdout();
        const int fd = launcher_fd >= 0 ? launcher_fd : STDOUT_FILENO;
        app::FdStreambuf buf(fd);
        std::ostream out(&buf);
        char avg[64];
        for (const dataflow::Row& row : groups) {
          const auto n = row.get<std::int64_t>("orders");
          const auto total = row.get<std::int64_t>("total");
          std::snprintf(avg, sizeof avg, "%.2f", static_cast<double>(total) / static_cast<double>(n));
          out << row.get<std::string>("country") << '\t' << n << '\t' << total << '\t' << avg << '\n';
        }
        out.flush();
        return app::finish_result(buf, out, fd, "etl");
      },
      info);
}
