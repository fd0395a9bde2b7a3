// dataflow-report LOG... -o FILE: one self-contained HTML page from a run's event logs
// (README "The HTML report"). Exit codes as the other programs' (README "Exit codes"):
// 64 a usage error, 66 a log that cannot be read, 73 an output that cannot be written.
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "report/report.hpp"

namespace {

constexpr int kUsage = 64, kNoInput = 66, kCantCreate = 73;
constexpr const char* kName = "dataflow-report";

// Appends the file at `path` to `out`; returns 0 or the errno of the failure.
int append_file(const std::string& path, std::string& out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return errno;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) out.append(buffer, n);
  const int err = std::ferror(f) ? (errno ? errno : EIO) : 0;
  std::fclose(f);
  return err;
}

int write_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return errno;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  int err = ok ? 0 : (errno ? errno : EIO);
  if (std::fclose(f) != 0 && err == 0) err = errno;
  return err;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "Makes one self-contained HTML page (no network needed) from a run's event logs: "
      "the files --event-log DIR wrote, DIR/APP-ID.jsonl or the .inprogress log of a killed run.",
      kName};
  std::vector<std::string> logs;
  std::string output;
  cli.add_option("LOG", logs, "event log files (JSON lines), read as one when several")->required();
  cli.add_option("-o,--output", output, "the HTML file to write")->required();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: error: %s\nUsage: %s LOG... -o FILE\nRun with --help for more information.\n", kName,
                 e.what(), kName);
    return kUsage;
  }
  std::string text;
  for (const std::string& path : logs) {
    if (const int err = append_file(path, text)) {
      std::fprintf(stderr, "%s: cannot read %s: %s\n", kName, path.c_str(), std::strerror(err));
      return kNoInput;
    }
    if (!text.empty() && text.back() != '\n') text += '\n';  // a cut last line stays one line
  }
  if (const int err = write_file(output, dataflow::report::render_html(text))) {
    std::fprintf(stderr, "%s: cannot write %s: %s\n", kName, output.c_str(), std::strerror(err));
    return kCantCreate;
  }
  return 0;
}
