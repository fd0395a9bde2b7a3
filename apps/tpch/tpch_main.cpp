// tpch: TPC-H Q1, Q3 or Q18 over CSV tables with libdataflow's DataFrames. See --help.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "dataflow/dataflow.hpp"
#include "parse_args.hpp"
#include "result_sink.hpp"
#include "tpch_queries.hpp"

int main(int argc, char** argv) {
  CLI::App app{"", "tpch"};
  app.set_help_flag();  // --help is dataflow::run's, which prints app.help() below too
  std::string dir, query = "q1", out_dir;
  app.add_option("DIR", dir, "directory holding customer.csv, orders.csv and lineitem.csv")->required()->type_name("");
  app.add_option("--query", query, "q1, q3 or q18")->check(CLI::IsMember({"q1", "q3", "q18"}));
  bool infer = false;
  app.add_flag("--infer-schema", infer, "infer the columns' types (one more pass over each table), as inferSchema");
  bool cache = false;
  app.add_flag("--cache", cache,
               "read the tables into memory first (cache(), untimed), then time the query over them: each run's "
               "seconds go to stderr");
  int repeat = 1;
  app.add_option("--repeat", repeat, "answer the query this many times (default 1), each run timed on stderr")
      ->check(CLI::PositiveNumber);
  app.add_option("-o,--output", out_dir,
                 "write the answer as CSV files (part-NNNNN.csv, a header) into this directory");
  dataflow::ProgramInfo info;
  info.usage = "DIR [--query q1|q3|q18] [--infer-schema] [--cache] [--repeat K] [-o OUT]";
  info.description =
      "Answers TPC-H Q1, Q3 or Q18 over DIR's CSV tables (a header, comma-separated; ../shared/tools/tpch or "
      "tests/oracle make them) and prints the rows as tab-separated lines (null as \\N), or writes them as CSV "
      "with -o.\nRuns alone (local mode), under mpirun, or under srun.";
  info.help = app.help("", CLI::AppFormatMode::Normal);
  return dataflow::run(
      argc, argv,
      [&](dataflow::Session& session) {
        if (const int rc = app::parse_args(app, argc, argv, session, "tpch", info.usage)) return rc;
        const tpch::Tables tables(session, dir, infer);
        if (cache) tables.cache();
        std::string text;
        for (int run = 0; run < repeat; ++run) {
          const auto start = std::chrono::steady_clock::now();
          const dataflow::DataFrame answer = tpch::query(tables, query);
          if (!out_dir.empty()) {
            answer.write().mode("overwrite").option("header", true).csv(out_dir);
          } else {
            text = tpch::tsv(answer.collect());
          }
          const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
          if (session.is_driver() && (repeat > 1 || cache))
            std::fprintf(stderr, "%s %.3f s\n", query.c_str(), took.count());
        }
        if (!out_dir.empty() || !session.is_driver()) return 0;
        const int launcher_fd = app::launcher_stdout();
        const int fd = launcher_fd >= 0 ? launcher_fd : STDOUT_FILENO;
        app::FdStreambuf buf(fd);
        std::ostream out(&buf);
        out << text;
        out.flush();
        return app::finish_result(buf, out, fd, "tpch");
      },
      info);
}
