// DataFrameWriter::csv: each partition's batches as CSV text (a header line first), written
// by save_as_binary_records into a hidden staging directory beside DIR through the engine's
// output committer; the driver then names the parts part-NNNNN.csv and publishes them by
// mode (a rename of the directory, or for append a rename of each part into DIR). The
// driver decides and tells every rank (a broadcast), so all ranks end alike.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "api/engine.hpp"
#include "dataflow/frame_io.hpp"
#include "frame/api/frame_data.hpp"
#include "frame/ascii_lower.hpp"
#include "frame/csv/csv_options.hpp"
#include "frame/csv/csv_writer.hpp"

namespace dataflow {
namespace {

namespace fs = std::filesystem;

enum class SaveMode { kError, kOverwrite, kAppend, kIgnore };

SaveMode save_mode(const std::string& mode) {
  const std::string m = frame::ascii_lower(mode);
  if (m == "error" || m == "errorifexists" || m == "default") return SaveMode::kError;
  if (m == "overwrite") return SaveMode::kOverwrite;
  if (m == "append") return SaveMode::kAppend;
  if (m == "ignore") return SaveMode::kIgnore;
  throw Error(ExitCode::kUsage,
              "write: unknown save mode '" + mode + "' (known: error, errorifexists, overwrite, append, ignore)");
}

std::string without_trailing_slashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// renameat2 without replacing; falls back to rename on filesystems without it.
void rename_no_replace(const std::string& from, const std::string& to) {
  int rc = renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
  if (rc != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) rc = std::rename(from.c_str(), to.c_str());
  if (rc == 0) return;
  const int err = errno;
  if (err == EEXIST || err == ENOTEMPTY) {
    throw Error(ExitCode::kCantCreate, "Output " + to + " already exists (it appeared while the job ran)");
  }
  throw Error(ExitCode::kIoError, "cannot rename " + from + " to " + to + ": " + std::strerror(err));
}

// The part files of `dir` (part-NNNNN, as the committer names them), sorted.
std::vector<std::string> part_names(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("part-", 0) == 0) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string part_name(std::uint64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-%05llu.csv", static_cast<unsigned long long>(index));
  return buf;
}

// Driver only: moves the committed staging directory's parts to `dir` as `mode` says.
void publish(const std::string& staging, const std::string& dir, SaveMode mode) {
  const std::vector<std::string> parts = part_names(staging);
  std::error_code ec;
  if (mode == SaveMode::kAppend && fs::exists(dir, ec)) {
    std::uint64_t next = 0;
    for (const std::string& name : part_names(dir)) {
      next = std::max<std::uint64_t>(next, std::strtoull(name.c_str() + 5, nullptr, 10) + 1);
    }
    for (const std::string& name : parts) rename_no_replace(staging + "/" + name, dir + "/" + part_name(next++));
    if (!fs::exists(dir + "/_SUCCESS", ec)) fs::rename(staging + "/_SUCCESS", dir + "/_SUCCESS");
    fs::remove_all(staging);
    return;
  }
  for (std::size_t i = 0; i < parts.size(); ++i) fs::rename(staging + "/" + parts[i], staging + "/" + part_name(i));
  if (mode == SaveMode::kOverwrite) fs::remove_all(dir);
  rename_no_replace(staging, dir);
}

}  // namespace

DataFrameWriter DataFrame::write() const { return DataFrameWriter(schema_, data_); }

DataFrameWriter& DataFrameWriter::mode(std::string_view mode) {
  save_mode(std::string(mode));  // checked now: exit 64 at the call
  mode_ = std::string(mode);
  return *this;
}

DataFrameWriter& DataFrameWriter::option(std::string_view key, std::string_view value) {
  options_.emplace_back(frame::ascii_lower(key), std::string(value));
  return *this;
}

void DataFrameWriter::csv(const std::string& dir_arg) const {
  const frame::csv::CsvOptions o = frame::csv::parse_csv_options(options_, true);
  const SaveMode mode = save_mode(mode_);
  const std::string dir = without_trailing_slashes(dir_arg);
  detail::Runtime* rt = detail::Engine::instance();
  // The driver's decision, the same on every rank: "w" + staging path, "s" (skip) or "e" + why.
  std::string decision;
  if (rt->is_driver()) {
    std::error_code ec;
    const bool exists = fs::exists(dir, ec) || fs::is_symlink(dir, ec);
    if (exists && mode == SaveMode::kError) {
      decision = "eOutput directory " + dir + " already exists";
    } else if (exists && mode == SaveMode::kIgnore) {
      decision = "s";
    } else {
      const fs::path p(dir);
      const std::string parent = p.has_parent_path() ? p.parent_path().string() + "/" : "";
      const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
      decision = "w" + parent + "." + p.filename().string() + ".csv-staging-" + std::to_string(getpid()) + "-" +
                 std::to_string(now);
    }
  }
  decision = rt->broadcast_bytes(std::move(decision));
  if (decision[0] == 'e') throw JobError(ExitCode::kCantCreate, decision.substr(1));
  if (decision[0] == 's') return;
  const std::string staging = decision.substr(1);

  auto schema = schema_;
  data_->batches
      ->map_partitions([schema, o](std::vector<std::string>& batches) {
        std::vector<std::string> texts;
        texts.reserve(batches.size() + 1);
        if (o.header) frame::csv::append_csv_header(*schema, o, texts.emplace_back());
        for (std::string& bytes : batches) {
          const frame::RecordBatch batch = frame::decode_batch(bytes, *schema);
          std::string().swap(bytes);  // the batch's bytes are no longer needed
          frame::csv::append_csv_rows(batch, *schema, o, texts.emplace_back());
        }
        return texts;
      })
      .save_as_binary_records(staging);

  std::string outcome;  // "" or "CODE why"
  if (rt->is_driver()) {
    try {
      publish(staging, dir, mode);
    } catch (const Error& e) {
      outcome = std::to_string(e.exit_code()) + " " + e.what();
    } catch (const std::exception& e) {
      outcome = std::to_string(static_cast<int>(ExitCode::kIoError)) + " cannot publish " + dir + ": " + e.what();
    }
  }
  outcome = rt->broadcast_bytes(std::move(outcome));
  if (!outcome.empty()) {
    const std::size_t space = outcome.find(' ');
    throw JobError(static_cast<ExitCode>(std::stoi(outcome.substr(0, space))), outcome.substr(space + 1));
  }
}

}  // namespace dataflow
