// The checked RAII layer under every HDF5 call of libdataflow. HDF5's automatic error
// printing is off; a failed call throws Error with the collapsed error stack in its one line.
// The library (Debian's parallel build) is not thread-safe: every call is made holding
// lock(), from whichever task thread.
#pragma once

#include <hdf5.h>

#include <mutex>
#include <string>
#include <utility>

#include "dataflow/error.hpp"

namespace dataflow::io::h5 {

// The process-wide lock for HDF5 calls; the first call also turns automatic printing off.
std::unique_lock<std::recursive_mutex> lock();

// Starts the library on this thread (the main one: parallel HDF5 makes MPI calls as it
// starts, and MPI is initialized FUNNELED).
void initialize();

// The current error stack, innermost reason last, as "a: b: c" (empty if none); clears it.
std::string error_stack();

// Throws Error(code, what + ": " + the error stack).
[[noreturn]] void fail(ExitCode code, const std::string& what);

// A checked identifier: `id` < 0 throws Error(code, what: stack).
inline hid_t check(hid_t id, const std::string& what, ExitCode code = ExitCode::kDataError) {
  if (id < 0) fail(code, what);
  return id;
}
inline void check_status(herr_t status, const std::string& what, ExitCode code = ExitCode::kDataError) {
  if (status < 0) fail(code, what);
}

// An owned identifier, closed with the function that fits its kind.
class Hid {
 public:
  Hid() = default;
  explicit Hid(hid_t id) : id_(id) {}
  ~Hid() { reset(); }
  Hid(Hid&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Hid& operator=(Hid&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;

  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }  // NOLINT(google-explicit-constructor): passed to H5 calls
  // Closes now, checked (a file's close flushes it: its failure is an error to report).
  void close(const std::string& what);
  void reset() noexcept;
  // Forgets the identifier without closing it: for a collective object (a file opened with
  // MPI-IO) on an error path, where closing would wait for ranks that never come.
  void release() noexcept { id_ = H5I_INVALID_HID; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// Checked constructors: Hid(check(call, what, code)).
inline Hid owned(hid_t id, const std::string& what, ExitCode code = ExitCode::kDataError) {
  return Hid(check(id, what, code));
}

// Opens `path` read-only. Missing: kNoInput. Not HDF5, truncated, or left open by a writer
// that crashed: kDataError with HDF5's reason.
Hid open_for_read(const std::string& path);
// Opens dataset `name` in `file`. A missing group or dataset: kNoInput; a group where a
// dataset is expected: kDataError.
Hid open_dataset(hid_t file, const std::string& path, const std::string& name);

}  // namespace dataflow::io::h5
