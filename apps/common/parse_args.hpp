// Parsing an app's own flags inside dataflow::run, the same way in every app.
#pragma once

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "dataflow/dataflow.hpp"

namespace app {

// Parses what dataflow::run left of argv. On a bad flag the driver prints one error line and
// the usage; returns 64 then (every rank alike), else 0.
inline int parse_args(CLI::App& cli, int argc, char** argv, const dataflow::Session& session, const char* name,
                      const std::string& usage) {
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (session.is_driver()) {
      std::cerr << name << ": error: " << e.what() << "\nUsage: " << name << " [OPTIONS] " << usage
                << "\nRun with --help for more information.\n";
    }
    return static_cast<int>(dataflow::ExitCode::kUsage);
  }
  return 0;
}

}  // namespace app
