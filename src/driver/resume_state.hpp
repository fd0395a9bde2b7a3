// ResumeState: the driver's side of --resume-dir. Each shuffle, once exchanged, is stored by
// the executors in its own directory, dir/shuffle-KEY, and marked complete by the driver
// (a _COMPLETE file, written last: "partitions N", then "node ID LABEL"). KEY hashes the shuffle node's lineage
// fingerprint, the identity (path, size, modification time) of every input file in its lineage, and the program's
// command line and executable: a changed input, program or argument is another key, never a stale answer. A rerun with
// the same directory reads complete shuffles back instead of running the stages that made them (job_runner.cpp); a
// directory without _COMPLETE is what an interrupted store left, removed before it is used again.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dag/graph.hpp"

namespace dataflow::driver {

class ResumeState {
 public:
  // `command_line`: the program's arguments, as started.
  ResumeState(std::string dir, const std::vector<std::string>& command_line, std::string program);
  // Makes the directory if missing (once; each job calls it). Throws Error(kConfig) when it
  // is not a directory this user can write.
  void open();

  const std::string& dir() const { return dir_; }
  // The partitions stored for `node`, when its state is complete.
  std::optional<std::uint32_t> stored(const dag::Graph& graph, int node);
  // The directory `node` is stored in (after stored() found it).
  std::string begin_load(const dag::Graph& graph, int node) { return node_dir(key(graph, node).value()); }
  // An empty directory for storing `node` into, or "" when storing is off (after a failure)
  // or the node is stored already or has no key (an input cannot be listed).
  std::string begin_store(const dag::Graph& graph, int node);
  // The executors have stored every partition: marks it complete (durably).
  void commit_store(const dag::Graph& graph, int node, std::uint32_t partitions, std::uint64_t bytes);
  // Time the job waited for the executors to store (DATAFLOW_RESOURCE_REPORT shows it).
  void add_store_time(double seconds) { store_seconds_ += seconds; }
  double store_seconds() const { return store_seconds_; }
  // The stored `node` cannot be read back (`why`): one warning, and its directory removed so
  // that it is stored again once computed.
  void discard(const dag::Graph& graph, int node, const std::string& why);
  // Storing failed (a full disk): one warning, and nothing more is stored in this run.
  void stop_storing(const std::string& why);
  void note_loaded(std::uint64_t bytes) {
    ++loaded_;
    bytes_read_ += bytes;
  }
  // After the program succeeded: removes every shuffle-* directory and `dir` when empty.
  void remove_all();

  std::uint64_t bytes_written() const { return bytes_written_; }
  std::uint64_t bytes_read() const { return bytes_read_; }
  int stored_count() const { return stored_; }
  int loaded_count() const { return loaded_; }

 private:
  std::optional<std::string> key(const dag::Graph& graph, int node);
  std::string node_dir(const std::string& key) const { return dir_ + "/shuffle-" + key; }

  std::string dir_;
  std::string program_;
  std::uint64_t command_hash_ = 0;
  std::map<int, std::uint64_t> inputs_;  // by source node: the hash of its files' identities
  bool storing_ = true;
  bool open_ = false;
  int stored_ = 0, loaded_ = 0;
  std::uint64_t bytes_written_ = 0, bytes_read_ = 0;
  double store_seconds_ = 0;
};

}  // namespace dataflow::driver
