// Progress bar rendering.
#include "driver/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace dataflow::driver {
namespace {

constexpr int kWidth = 40;
constexpr auto kRedraw = std::chrono::milliseconds(100);

}  // namespace

Progress::Progress(ProgressMode mode) {
  const bool tty = isatty(STDERR_FILENO) != 0;
  bar_ = mode != ProgressMode::kOff && tty;
  lines_ = mode == ProgressMode::kOn && !tty;
}

void Progress::start_stage(std::uint32_t stage, std::uint32_t tasks) {
  stage_ = stage;
  tasks_ = tasks;
  drawn_ = false;
  start_ = std::chrono::steady_clock::now();
  last_draw_ = start_ - kRedraw;
}

void Progress::update(std::uint32_t done, std::uint32_t running) {
  if (!bar_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < kRedraw) return;
  last_draw_ = now;
  draw(done, running);
}

void Progress::draw(std::uint32_t done, std::uint32_t running) {
  std::string head = "[Stage " + std::to_string(stage_) + ":";
  std::string tail =
      "(" + std::to_string(done) + " + " + std::to_string(running) + ") / " + std::to_string(tasks_) + "]";
  const int filled = tasks_ ? static_cast<int>(static_cast<std::uint64_t>(kWidth) * done / tasks_) : kWidth;
  std::string bar(static_cast<std::size_t>(kWidth), ' ');
  for (int i = 0; i < filled; ++i) bar[static_cast<std::size_t>(i)] = '=';
  if (filled < kWidth) bar[static_cast<std::size_t>(filled)] = '>';
  std::fprintf(stderr, "\r%s%s%s", head.c_str(), bar.c_str(), tail.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish_stage() {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (bar_ && drawn_) {
    std::fprintf(stderr, "\r%*s\r", kWidth + 40, "");
    std::fflush(stderr);
  }
  if (lines_) {
    std::fprintf(stderr, "Stage %u: %u tasks finished in %.2f s\n", stage_, tasks_, secs);
    std::fflush(stderr);
  }
}

}  // namespace dataflow::driver
