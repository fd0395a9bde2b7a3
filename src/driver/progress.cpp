// Progress bar rendering and the plain progress lines.
#include "driver/progress.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace dataflow::driver {
namespace {

constexpr int kWidth = 40;
constexpr auto kRedraw = std::chrono::milliseconds(100);

// Under Open MPI's mpirun our stderr is a pipe that mpirun copies to its own stderr, byte for
// byte: the bar works when that one is a terminal. mpirun is our parent on its own node.
bool launcher_stderr_is_terminal() {
  if (!std::getenv("OMPI_COMM_WORLD_SIZE")) return false;
  const std::string path = "/proc/" + std::to_string(getppid()) + "/fd/2";
  const int fd = open(path.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  const bool tty = isatty(fd) != 0;
  close(fd);
  return tty;
}

}  // namespace

Progress::Progress(ProgressMode mode, std::chrono::milliseconds interval) : interval_(interval) {
  const bool tty = mode != ProgressMode::kOff && (isatty(STDERR_FILENO) != 0 || launcher_stderr_is_terminal());
  bar_ = tty;
  lines_ = mode == ProgressMode::kOn && !tty;
}

void Progress::start_stage(std::uint32_t stage, std::uint32_t tasks) {
  stage_ = stage;
  tasks_ = tasks;
  drawn_ = false;
  start_ = std::chrono::steady_clock::now();
  last_draw_ = bar_ ? start_ - kRedraw : start_;
}

std::chrono::milliseconds Progress::next_update() const {
  if (bar_) return kRedraw;
  if (!lines_) return std::chrono::hours(1);
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(last_draw_ + interval_ - std::chrono::steady_clock::now());
  return std::max(left, std::chrono::milliseconds(1));
}

void Progress::update(std::uint32_t done, std::uint32_t running) {
  if (!bar_ && !lines_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < (bar_ ? kRedraw : std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval_)))
    return;
  last_draw_ = now;
  if (bar_) {
    draw(done, running);
    return;
  }
  const double secs = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "%s, stage %u: %u of %u tasks finished, %u running, %.0f s\n", job_.c_str(), stage_, done,
               tasks_, running, secs);
  std::fflush(stderr);
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

void Progress::skipped(int node, const std::string& label, bool resumed) {
  if (!lines_) return;
  std::fprintf(stderr, "Skipped: the stages writing shuffle #%d (%s); %s\n", node, label.c_str(),
               resumed ? "its output was read back from --resume-dir" : "its output is kept from an earlier job");
  std::fflush(stderr);
}

void Progress::finish_stage() {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (bar_ && drawn_) {
    std::fprintf(stderr, "\r%*s\r", kWidth + 40, "");
    std::fflush(stderr);
  }
  if (lines_) {
    std::fprintf(stderr, "%s, stage %u: %u tasks finished in %.2f s\n", job_.c_str(), stage_, tasks_, secs);
    std::fflush(stderr);
  }
}

}  // namespace dataflow::driver
