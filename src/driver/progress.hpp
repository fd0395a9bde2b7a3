// Progress: Spark's console progress bar on the driver's stderr,
// "[Stage 1:=====>          (12 + 2) / 32]", redrawn in place when stderr is a terminal (or,
// under mpirun, when mpirun's stderr is one: it forwards our bytes) and cleared at the end.
// Where no terminal is involved and progress is forced on (sbatch output files): a plain
// line every `interval` during a stage and one when it ends.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include "dataflow/config.hpp"

namespace dataflow::driver {

class Progress {
 public:
  Progress(ProgressMode mode, std::chrono::milliseconds interval);
  // The job that plain lines name, as "Job 3 (collect)".
  void set_job(std::string job) { job_ = std::move(job); }
  void start_stage(std::uint32_t stage, std::uint32_t tasks);
  // Called whenever the scheduler wakes up; draws or prints when it is time.
  void update(std::uint32_t done, std::uint32_t running);
  void finish_stage();
  // The stages writing shuffle #`node` (`label`) are skipped: its output is kept from an
  // earlier job, or was read back from --resume-dir (`resumed`). A line in plain-lines mode
  // (the bar shows running stages only, as Spark's).
  void skipped(int node, const std::string& label, bool resumed = false);
  // How long the scheduler may sleep before update() has something to show.
  std::chrono::milliseconds next_update() const;

 private:
  void draw(std::uint32_t done, std::uint32_t running);

  bool bar_ = false;    // redraw in place
  bool lines_ = false;  // plain lines: every interval_ during a stage, and at its end
  bool drawn_ = false;
  std::chrono::milliseconds interval_;
  std::string job_;
  std::uint32_t stage_ = 0;
  std::uint32_t tasks_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace dataflow::driver
