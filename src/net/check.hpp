// check(): turns an MPI error code into an Error carrying MPI's own error string.
#pragma once

#include <mpi.h>

#include <string>

#include "dataflow/error.hpp"

namespace dataflow::net {

inline void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw Error(ExitCode::kSoftware, std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(len)));
}

}  // namespace dataflow::net
