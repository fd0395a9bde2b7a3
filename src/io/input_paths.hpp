// Input path expansion for text_file: files, directories and globs, checked at planning.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dataflow::io {

struct InputFile {
  std::string path;
  std::uint64_t size = 0;
};

// Expands each pattern, in order: a regular file; a directory (its regular files, sorted
// bytewise, not recursive); or a glob (matches sorted bytewise; matched directories are
// expanded as above). Names starting with "_" or "." are skipped inside directories and
// globs. Throws Error: kNoInput for a missing path or a glob matching no file,
// kNoPermission for an unreadable file.
std::vector<InputFile> expand_inputs(const std::vector<std::string>& patterns);

}  // namespace dataflow::io
