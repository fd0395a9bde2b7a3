// Input path expansion for text_file: files, directories and globs, checked at planning.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

#include "dataflow/detail/task_context.hpp"

namespace dataflow::io {

struct InputFile {
  std::string path;
  detail::FileIdentity identity;  // size, device, inode and mtime when planned
};

// The identity of the file `st` describes.
detail::FileIdentity identity_of(const struct stat& st);

// Expands each pattern, in order: a regular file; a directory (its regular files, sorted
// bytewise, not recursive); or a glob (matches sorted bytewise; matched directories are
// expanded as above). Names starting with "_" or "." are skipped inside directories and
// globs. Throws Error: kNoInput for a missing path or a glob matching no file,
// kNoPermission for an unreadable file.
std::vector<InputFile> expand_inputs(const std::vector<std::string>& patterns);

}  // namespace dataflow::io
