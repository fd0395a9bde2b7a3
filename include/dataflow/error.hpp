// Errors that end a job, each carrying the process exit code (README: Exit codes).
#pragma once

#include <stdexcept>
#include <string>

namespace dataflow {

// sysexits-style exit codes; every rank of a failed job exits with the same one.
enum class ExitCode : int {
  kOk = 0,
  kUsage = 64,       // bad flags
  kDataError = 65,   // malformed input or message
  kNoInput = 66,     // missing file, glob matching nothing
  kSoftware = 70,    // user code failed after all retries, internal error
  kCantCreate = 73,  // output already exists
  kIoError = 74,     // ENOSPC, EIO
  kTempFail = 75,    // a checkpoint was taken: requeue the job (reserved for recovery)
  kNoPermission = 77,
  kConfig = 78,
};

// An error that ends the job with `code`. what() is one human-readable line.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const noexcept { return code_; }
  int exit_code() const noexcept { return static_cast<int>(code_); }

 private:
  ExitCode code_;
};

// An Error raised by an action identically on every rank (the driver decided it and told
// the executors), so every rank may handle it and stay in lockstep.
class JobError : public Error {
 public:
  using Error::Error;
};

}  // namespace dataflow
