// tpch: TPC-H Q1, Q3 or Q18 over CSV tables with libdataflow's DataFrames. See --help.
#include <CLI/CLI.hpp>

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
  app.add_option("-o,--output", out_dir,
                 "write the answer as CSV files (part-NNNNN.csv, a header) into this directory");
  dataflow::ProgramInfo info;
  info.usage = "DIR [--query q1|q3|q18] [--infer-schema] [-o OUT]";
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
        const dataflow::DataFrame answer = tpch::query(tables, query);
        if (!out_dir.empty()) {
          answer.write().mode("overwrite").option("header", true).csv(out_dir);
          return 0;
        }
        const std::string text = tpch::tsv(answer.collect());
        if (!session.is_driver()) return 0;
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
