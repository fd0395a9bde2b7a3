// OutputCommitter: commits save_as_text_file's output so that DIR appears at once, complete,
// or not at all. setup() makes a private directory beside DIR, PARENT/.NAME.dataflow-tmp-XXXXXX
// (hidden, so listings and text_file skip it), holding `owner` (user, host, pid and start time
// of the driver) and `output/`, the future DIR. Task attempts write under output/_temporary;
// the driver records the first successful attempt of each partition; commit_job() renames the
// winners to output/part-NNNNN, writes _SUCCESS, fsyncs the directory (the tasks fsynced their
// files) and publishes output/ as DIR with one rename, then fsyncs DIR's parent. A failed job
// removes its private directory; one that a killed job left behind is removed by the next
// setup() for the same DIR, once the job that made it is known to be dead. The owner file is
// one line, "uid=U host=H pid=P start=S pidns=N" (S: field 22 of /proc/P/stat; N: the
// /proc/self/ns/pid link), read by the next run, never by a reader of DIR.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace dataflow::result {

// A temporary file or directory of this process that the signal watcher removes (with all
// it holds) if a signal ends the process; untracked before it is published.
void track_temporary(const std::string& path);
void untrack_temporary(const std::string& path);

class OutputCommitter {
 public:
  // `private_files`: DIR is 0700 and _SUCCESS 0600 (a checkpoint), else 0755 and 0644.
  explicit OutputCommitter(std::string dir, bool private_files = false);
  // Error(kCantCreate) if DIR exists. Creates DIR's missing parents (they stay if the job
  // fails), removes the private directories that dead jobs of this user on this host left for
  // DIR (one line on stderr each), then creates this job's own.
  void setup();
  // Where an attempt writes: inside the private directory, on DIR's filesystem.
  std::string attempt_file(std::uint32_t partition, std::uint32_t attempt) const;
  // Records the attempt as its partition's output (the first one wins).
  void commit_task(std::uint32_t partition, std::uint32_t attempt);
  // Publishes the winners as DIR. Error(kIoError) naming the path if a rename or fsync
  // fails; Error(kCantCreate) if DIR appeared while the job ran. DIR is absent until the last
  // rename, so a crash anywhere before it leaves no DIR at all.
  void commit_job();
  // Removes what setup() and the tasks created; never throws.
  void abort() noexcept;

 private:
  std::string output() const { return tmp_ + "/output"; }

  std::string dir_;     // as given, without trailing slashes
  std::string parent_;  // DIR's parent ("." for a bare name)
  std::string name_;    // DIR's last component
  bool private_;
  std::string tmp_;     // the private directory; empty until setup() made it
  std::map<std::uint32_t, std::uint32_t> winners_;
};

}  // namespace dataflow::result
