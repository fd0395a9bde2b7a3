// Progress: Spark's console progress bar on the driver's stderr,
// "[Stage 1:=====>          (12 + 2) / 32]", redrawn in place when stderr is a terminal and
// cleared at the end; plain one-line stage summaries when forced on elsewhere.
#pragma once

#include <chrono>
#include <cstdint>

#include "dataflow/config.hpp"

namespace dataflow::driver {

class Progress {
 public:
  explicit Progress(ProgressMode mode);
  void start_stage(std::uint32_t stage, std::uint32_t tasks);
  void update(std::uint32_t done, std::uint32_t running);
  void finish_stage();

 private:
  void draw(std::uint32_t done, std::uint32_t running);

  bool bar_ = false;    // redraw in place
  bool lines_ = false;  // one line per stage
  bool drawn_ = false;
  std::uint32_t stage_ = 0;
  std::uint32_t tasks_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace dataflow::driver
