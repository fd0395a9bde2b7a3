// The name error lines start with: argv[0] without its directory.
#pragma once

#include <cstring>
#include <string>

namespace dataflow::common {

inline std::string program_name(int argc, char** argv) {
  if (argc < 1 || !argv[0]) return "dataflow";
  const char* slash = std::strrchr(argv[0], '/');
  return slash ? slash + 1 : argv[0];
}

}  // namespace dataflow::common
