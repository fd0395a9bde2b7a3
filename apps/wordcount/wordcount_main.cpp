// wordcount: counts the words of text files with libdataflow. See --help.
#include <CLI/CLI.hpp>

#include <charconv>
#include <iostream>
#include <string>

#include "dataflow/dataflow.hpp"
#include "parse_args.hpp"
#include "result_sink.hpp"
#include "wordcount_job.hpp"

namespace {

// --top N: a plain message for 0 or junk (CLI11's range check prints a 300-digit bound).
CLI::Validator positive_count() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc() || end != text.data() + text.size() || n == 0)
          return "expected a positive whole number, got \"" + text + "\"";
        return {};
      },
      "");
}

}  // namespace

int main(int argc, char** argv) {
  // wordcount's own flags; dataflow::run takes the common ones (--executor-cores,
  // --split-size, --progress, --explain, --help, --version) out of argv before the body.
  CLI::App app{"", "wordcount"};
  app.set_help_flag();  // --help is dataflow::run's, which prints app.help() below too
  wordcount::Options options;
  std::uint64_t top = 0;
  app.add_option("INPUT", options.inputs, "file, directory or glob")->required()->type_name("");
  auto* top_opt =
      app.add_option("--top", top, "only the N most frequent words")->check(positive_count())->type_name("N");
  app.add_option("-o,--output", options.output_dir,
                 "write part-NNNNN files (\"word<TAB>count\" lines) and _SUCCESS into DIR, which must not exist "
                 "(missing parent directories are created)")
      ->type_name("DIR");
  dataflow::ProgramInfo info;
  info.usage = "INPUT... [--top N] [-o DIR]";
  info.description =
      "Counts the words of text files: one \"word<TAB>count\" line per distinct word, by count descending, then "
      "word.\nRuns alone (local mode), under mpirun, or under srun.";
  info.help = app.help("", CLI::AppFormatMode::Normal);
  return dataflow::run(
      argc, argv,
      [&](dataflow::Session& session) {
        if (const int rc = app::parse_args(app, argc, argv, session, "wordcount", info.usage)) return rc;
        if (*top_opt) options.top = top;
        // Only the driver writes, after the last action: it alone exits 74 when the result
        // cannot be written (under mpirun, mpirun exits 74 too; the executors have ended).
        const bool prints = session.is_driver() && options.output_dir.empty();
        const int launcher_fd = prints ? app::launcher_stdout() : -1;
        const int fd = launcher_fd >= 0 ? launcher_fd : STDOUT_FILENO;
        app::FdStreambuf buf(fd);
        std::ostream out(&buf);
        wordcount::run(session, options, out);
        return prints ? app::finish_result(buf, out, fd, "wordcount") : 0;
      },
      info);
}
