// Fault injection for tests: DATAFLOW_FAULT="ACTION:key=value,..." makes matching task
// attempts fail on purpose. ACTION is "throw" (the task throws "injected fault"), "exit" (the
// process exits at once with `code`, default 1), "hang" (the task sleeps `seconds`, default
// 3600), "stop" (the process stops itself with SIGSTOP), "oom" (the task throws
// std::bad_alloc) or "oom-report" (std::bad_alloc while encoding its report). Keys stage,
// partition, attempt and rank select the attempts; a missing key matches any value.
// "flip-spill", "flip-cache", "flip-checkpoint" and "flip-shuffle" change one byte that the
// engine wrote, once per process (of `rank`, when given), after its checksum was taken:
// storage/corruption_fault.hpp.
#pragma once

#include <cstdint>
#include <string>

namespace dataflow::exec {

struct FaultSpec {
  enum class Action { kNone, kThrow, kExit, kHang, kStop, kOom, kOomReport, kFlip };
  Action action = Action::kNone;
  std::int64_t stage = -1;
  std::int64_t partition = -1;
  std::int64_t attempt = -1;
  std::int64_t rank = -1;
  int code = 1;
  int seconds = 3600;
  int flip = 0;  // kFlip: a detail::Flip
};

// Throws Error(kConfig) on a malformed specification.
FaultSpec parse_fault(const std::string& text);
// Acts if the attempt matches.
void inject_fault(const FaultSpec& spec, std::uint32_t stage, std::uint32_t partition, std::uint32_t attempt, int rank);

}  // namespace dataflow::exec
