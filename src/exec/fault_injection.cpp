// Fault injection parsing and triggering.
#include "exec/fault_injection.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <thread>

#include "dataflow/error.hpp"
#include "storage/corruption_fault.hpp"

namespace dataflow::exec {
namespace {

[[noreturn]] void bad(const std::string& text, const std::string& why) {
  throw Error(ExitCode::kConfig, "DATAFLOW_FAULT=\"" + text + "\": " + why);
}

bool matches(std::int64_t want, std::int64_t have) { return want < 0 || want == have; }

}  // namespace

FaultSpec parse_fault(const std::string& text) {
  FaultSpec spec;
  if (text.empty()) return spec;
  const auto colon = text.find(':');
  const std::string action = text.substr(0, colon);
  if (action == "throw") {
    spec.action = FaultSpec::Action::kThrow;
  } else if (action == "exit") {
    spec.action = FaultSpec::Action::kExit;
  } else if (action == "hang") {
    spec.action = FaultSpec::Action::kHang;
  } else if (action == "stop") {
    spec.action = FaultSpec::Action::kStop;
  } else if (action == "oom") {
    spec.action = FaultSpec::Action::kOom;
  } else if (action == "oom-report") {
    spec.action = FaultSpec::Action::kOomReport;
  } else if (action == "flip-spill" || action == "flip-cache" || action == "flip-checkpoint" ||
             action == "flip-shuffle") {
    spec.action = FaultSpec::Action::kFlip;
    const detail::Flip flips[] = {detail::Flip::kSpill, detail::Flip::kCache, detail::Flip::kCheckpoint,
                                  detail::Flip::kShuffle};
    const char* names[] = {"flip-spill", "flip-cache", "flip-checkpoint", "flip-shuffle"};
    for (int i = 0; i < 4; ++i) {
      if (action == names[i]) spec.flip = static_cast<int>(flips[i]);
    }
  } else {
    bad(text,
        "action must be throw, exit, hang, stop, oom, oom-report, flip-spill, flip-cache, flip-checkpoint or "
        "flip-shuffle");
  }
  std::string rest = colon == std::string::npos ? "" : text.substr(colon + 1);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string item = rest.substr(0, comma);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string::npos) bad(text, "expected key=value, got \"" + item + "\"");
    const std::string key = item.substr(0, eq);
    std::int64_t value = 0;
    try {
      value = std::stoll(item.substr(eq + 1));
    } catch (const std::exception&) {
      bad(text, "value of " + key + " is not a number");
    }
    if (key == "stage")
      spec.stage = value;
    else if (key == "partition")
      spec.partition = value;
    else if (key == "attempt")
      spec.attempt = value;
    else if (key == "rank")
      spec.rank = value;
    else if (key == "code")
      spec.code = static_cast<int>(value);
    else if (key == "seconds")
      spec.seconds = static_cast<int>(value);
    else
      bad(text, "unknown key " + key);
  }
  return spec;
}

void inject_fault(const FaultSpec& spec, std::uint32_t stage, std::uint32_t partition, std::uint32_t attempt,
                  int rank) {
  if (spec.action == FaultSpec::Action::kNone || spec.action == FaultSpec::Action::kFlip) return;  // armed at start
  if (!matches(spec.stage, stage) || !matches(spec.partition, partition) || !matches(spec.attempt, attempt) ||
      !matches(spec.rank, rank)) {
    return;
  }
  switch (spec.action) {
    case FaultSpec::Action::kExit:
      std::fflush(nullptr);
      _exit(spec.code);
    case FaultSpec::Action::kHang:
      std::this_thread::sleep_for(std::chrono::seconds(spec.seconds));
      return;
    case FaultSpec::Action::kStop:
      raise(SIGSTOP);
      return;
    case FaultSpec::Action::kOom:
    case FaultSpec::Action::kOomReport:
      throw std::bad_alloc();
    default:
      throw std::runtime_error("injected fault");
  }
}

}  // namespace dataflow::exec
