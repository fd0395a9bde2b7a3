// Checked HDF5 handles, the error stack in one line, and opening files and datasets.
#include "io/hdf5_handle.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace dataflow::io::h5 {

std::unique_lock<std::recursive_mutex> lock() {
  static std::recursive_mutex mu;
  std::unique_lock<std::recursive_mutex> held(mu);
  static const bool quiet = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors come back as return values only
    return true;
  }();
  (void)quiet;
  return held;
}

void initialize() {
  auto held = lock();
  H5open();
}

std::string error_stack() {
  std::vector<std::string> lines;
  auto walk = [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
    auto& out = *static_cast<std::vector<std::string>*>(data);
    std::string line = e->desc ? e->desc : "";
    if (line.empty()) {
      char minor[128] = {0};
      if (H5Eget_msg(e->min_num, nullptr, minor, sizeof minor) > 0) line = minor;
    }
    if (!line.empty() && (out.empty() || out.back() != line)) out.push_back(std::move(line));
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk, &lines);
  H5Eclear2(H5E_DEFAULT);
  // Upward: the innermost (the reason) first; print the outer calls first, the reason last.
  std::string out;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) out += (out.empty() ? "" : ": ") + *it;
  return out;
}

void fail(ExitCode code, const std::string& what) {
  const std::string stack = error_stack();
  throw Error(code, stack.empty() ? what : what + ": " + stack);
}

void Hid::reset() noexcept {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id_);
      break;
    default:
      break;
  }
  H5Eclear2(H5E_DEFAULT);
  id_ = H5I_INVALID_HID;
}

void Hid::close(const std::string& what) {
  if (id_ < 0) return;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  herr_t status = 0;
  switch (H5Iget_type(id)) {
    case H5I_FILE:
      status = H5Fclose(id);
      break;
    case H5I_DATASET:
      status = H5Dclose(id);
      break;
    default:
      Hid(id).reset();
      return;
  }
  check_status(status, what, ExitCode::kIoError);
}

Hid open_for_read(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    throw Error(errno == EACCES ? ExitCode::kNoPermission : ExitCode::kNoInput,
                "HDF5 input " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) throw Error(ExitCode::kNoInput, "HDF5 input " + path + ": not a regular file");
  if (st.st_size == 0) throw Error(ExitCode::kDataError, "HDF5 input " + path + ": not an HDF5 file (0 bytes)");
  if (access(path.c_str(), R_OK) != 0) {
    throw Error(ExitCode::kNoPermission, "HDF5 input " + path + ": " + std::strerror(errno));
  }
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id >= 0) return Hid(id);
  std::string stack = error_stack();
  std::string what = "HDF5 input " + path + ": cannot open it";
  if (stack.find("already open for write") != std::string::npos) {
    what +=
        " (it was not closed cleanly: its writer crashed or is still running; h5clear -s clears the flag "
        "once no writer is left)";
  } else if (stack.find("signature") != std::string::npos) {
    what += " (not an HDF5 file)";
  } else if (stack.find("truncated") != std::string::npos) {
    what += " (the file is truncated)";
  }
  throw Error(ExitCode::kDataError, stack.empty() ? what : what + ": " + stack);
}

Hid open_dataset(hid_t file, const std::string& path, const std::string& name) {
  const std::string where = "HDF5 input " + path + ", dataset " + name;
  if (name.empty() || name[0] != '/') {
    throw Error(ExitCode::kUsage, where + ": the dataset path must start with '/'");
  }
  // Each link on the way must exist (H5Lexists fails, not says no, below a missing group).
  for (std::size_t at = name.find('/', 1);; at = name.find('/', at + 1)) {
    const std::string prefix = name.substr(0, at);
    if (prefix.size() > 1) {
      const htri_t there = H5Lexists(file, prefix.c_str(), H5P_DEFAULT);
      if (there < 0) fail(ExitCode::kDataError, where);
      if (there == 0) throw Error(ExitCode::kNoInput, where + ": no object " + prefix + " in the file");
    }
    if (at == std::string::npos) break;
  }
  H5O_info_t info;
  check_status(H5Oget_info_by_name(file, name.c_str(), &info, H5P_DEFAULT), where);
  if (info.type != H5O_TYPE_DATASET) {
    throw Error(ExitCode::kDataError,
                where + ": it is a " +
                    (info.type == H5O_TYPE_GROUP ? std::string("group") : std::string("named type")) +
                    ", not a dataset");
  }
  return owned(H5Dopen2(file, name.c_str(), H5P_DEFAULT), where + ": cannot open it");
}

}  // namespace dataflow::io::h5
