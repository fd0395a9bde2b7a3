// OutputCommitter: Hadoop v1-style commit for save_as_text_file. Task attempts write under
// DIR/_temporary; the driver records the first successful attempt of each partition; job
// commit renames the winners to DIR/part-NNNNN, removes _temporary and writes _SUCCESS last.
// A failed job removes everything it created, so no file ever looks complete.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace dataflow::result {

class OutputCommitter {
 public:
  explicit OutputCommitter(std::string dir) : dir_(std::move(dir)) {}
  // Creates DIR and DIR/_temporary; Error(kCantCreate) if DIR exists.
  void setup();
  std::string attempt_file(std::uint32_t partition, std::uint32_t attempt) const;
  // Records the attempt as its partition's output (the first one wins).
  void commit_task(std::uint32_t partition, std::uint32_t attempt);
  void commit_job();
  // Removes what setup() and the tasks created; never throws.
  void abort() noexcept;

 private:
  std::string dir_;
  bool created_ = false;
  std::map<std::uint32_t, std::uint32_t> winners_;
};

}  // namespace dataflow::result
