// The flags every dataflow::run program accepts (spark-submit's common options), parsed with
// CLI11 and removed from argv before the program's body sees it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dataflow/config.hpp"
#include "dataflow/session.hpp"

namespace dataflow::api {

// Parses the common flags out of argc/argv into `config`; afterwards argv holds the program
// name and the other arguments, in order, stored in `storage`. Returns an exit code when the
// program must end now: 0 after --help or --version, 64 after a bad flag. Only when `print`
// does it write the help, the version or the error (rank 0).
std::optional<int> parse_program_flags(int& argc, char**& argv, const ProgramInfo& info, Config& config,
                                       bool print, std::vector<std::string>& storage, std::vector<char*>& pointers);

}  // namespace dataflow::api
