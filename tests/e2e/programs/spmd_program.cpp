// A user program for the end-to-end tests of the SPMD contract, user-program flags and
// progress: `spmd_program CASE [ARGS...]`. Each case is what a user might write; see
// check_program.py for what each must do at 1-4 ranks.
#include <dataflow/dataflow.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

long sum(const std::vector<long>& v) {
  long s = 0;
  for (long x : v) s += x;
  return s;
}

// The cases that run inside dataflow::run.
int run_case(const std::string& name, dataflow::Session& session, int argc, char** argv) {
  const int rank = session.rank();
  const int last = session.size() - 1;
  auto numbers = [&] { return session.parallelize(std::vector<long>{1, 2, 3, 4}, 2); };
  if (name == "driver-only-action") {  // the PySpark habit that breaks SPMD
    if (session.is_driver()) std::printf("%zu\n", numbers().collect().size());
    return 0;
  }
  if (name == "executor-only-action") {
    auto ds = numbers();
    if (!session.is_driver()) std::printf("%llu\n", static_cast<unsigned long long>(ds.count()));
    return 0;
  }
  if (name == "rank-leaves-early") {
    auto ds = numbers();
    if (rank == last && last > 0) return 0;
    std::printf("%llu\n", static_cast<unsigned long long>(ds.count()));
    return 0;
  }
  if (name == "extra-action-on-one-rank") {  // rank 1 runs one action more than the others
    auto ds = numbers();
    if (rank == 1) ds.count();
    ds.collect();
    return 0;
  }
  if (name == "parallelize-differs") {  // each rank passes other values: the driver's count
    std::vector<long> mine{1 + 100L * rank, 2 + 100L * rank};
    if (rank > 0 && rank % 2 == 0) mine.clear();  // some ranks pass none at all
    auto doubled = session.parallelize(mine, 2).map([](long x) { return 2 * x; }).collect();
    const long total = sum(doubled);
    if (session.is_driver()) std::printf("sum=%ld n=%zu\n", total, doubled.size());
    return total == 6 && doubled.size() == 2 ? 0 : 1;  // every rank checks the broadcast result
  }
  if (name == "flags") {  // what the body sees after the common flags are taken out
    std::string args;
    for (int i = 1; i < argc; ++i) args += std::string(i > 1 ? " " : "") + argv[i];
    const auto& c = session.config();
    auto seen = session.accumulator<long>("numbers seen");  // --explain prints it after the job
    const auto n = numbers()
                       .map([seen](long x) {
                         seen.add(x);
                         return x;
                       })
                       .count();
    if (session.is_driver()) {
      std::printf("args=[%s] cores=%d split=%llu explain=%d progress=%d count=%llu\n", args.c_str(), c.executor_cores,
                  static_cast<unsigned long long>(c.split_size), c.explain ? 1 : 0, static_cast<int>(c.progress),
                  static_cast<unsigned long long>(n));
    }
    return 0;
  }
  if (name == "reuse") {  // two actions over one shuffle: the second skips its map stage
    auto sums = numbers().map([](long x) { return std::pair<long, long>(x % 2, x); }).reduce_by_key(std::plus<>{});
    const auto first = sums.count();
    const auto second = sums.count();
    if (session.is_driver())
      std::printf("reuse counts=%llu,%llu\n", static_cast<unsigned long long>(first),
                  static_cast<unsigned long long>(second));
    return 0;
  }
  if (name == "checkpoint" || name == "checkpoint-killed") {
    // Files under --checkpoint-dir while the checkpoint lives (each listed with its mode),
    // none after; "checkpoint-killed" waits for SIGKILL while the checkpoint lives.
    const std::string dir = session.config().checkpoint_dir;
    auto in_dir = [&dir] {
      int n = 0;
      for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.is_directory() ? 1 : 0;
      return n;
    };
    long sum = 0;
    int during = 0;
    {
      auto saved = numbers().map([](long x) { return 2 * x; }).checkpoint();
      sum = saved.reduce(std::plus<>{});
      if (session.is_driver()) {
        during = in_dir();
        for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
          const auto mode = static_cast<unsigned>(std::filesystem::status(e.path()).permissions()) & 0777u;
          std::printf("entry %s %03o\n", std::filesystem::relative(e.path(), dir).c_str(), mode);
        }
        std::fflush(stdout);
      }
      if (name == "checkpoint-killed") std::this_thread::sleep_for(std::chrono::seconds(60));
    }
    if (session.is_driver()) std::printf("checkpoint sum=%ld during=%d after=%d\n", sum, during, in_dir());
    return 0;
  }
  if (name == "cache-disk") {  // blocks kept on disk, read back by the second action
    std::vector<long> values(20000);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<long>(i);
    auto tripled = session.parallelize(values, 4).map([](long x) { return 3 * x; });
    tripled.persist(dataflow::StorageLevel::kDiskOnly);
    const long first = tripled.reduce(std::plus<>{});
    const long second = tripled.reduce(std::plus<>{});
    if (session.is_driver()) std::printf("cache-disk sums=%ld,%ld\n", first, second);
    return 0;
  }
  if (name == "join") {  // a big left side joined to a small right one
    std::vector<std::pair<long, long>> left, right;
    for (long i = 0; i < 20000; ++i) left.emplace_back(i % 500, i);
    for (long k = 0; k < 250; ++k) right.emplace_back(k * 2, -k);
    const auto n = session.parallelize(left, 6).join(session.parallelize(right, 2), 3).count();
    if (session.is_driver()) std::printf("joined=%llu\n", static_cast<unsigned long long>(n));
    return 0;
  }
  if (name == "slow-stage") {  // 4 tasks of 1.5 s each: progress lines must come during the stage
    const auto n = session.parallelize(std::vector<int>(4, 0), 4)
                       .map([](int x) {
                         std::this_thread::sleep_for(std::chrono::milliseconds(1500));
                         return x;
                       })
                       .count();
    if (session.is_driver()) std::printf("count=%llu\n", static_cast<unsigned long long>(n));
    return 0;
  }
  if (name == "capture" || name == "capture-broadcast") {  // a lambda reads what only the driver loaded
    std::vector<std::string> names;
    if (session.is_driver()) names = {"alpha", "beta", "gamma"};  // as if read from a file on rank 0
    auto ids = session.parallelize(std::vector<int>{0, 1, 2}, 3);
    std::vector<std::string> labels;
    if (name == "capture") {
      labels = ids.map([&names](int i) {
                    return static_cast<std::size_t>(i) < names.size() ? names[static_cast<std::size_t>(i)] : "?";
                  })
                   .collect();
    } else {  // the fix the message names
      auto b = session.broadcast(names);
      labels = ids.map([b](int i) { return b.value().at(static_cast<std::size_t>(i)); }).collect();
    }
    std::string line;
    for (const auto& l : labels) line += (line.empty() ? "" : ",") + l;
    if (session.is_driver()) std::printf("labels=%s\n", line.c_str());
    return 0;
  }
  if (name == "capture-before-shuffle") {  // the difference shows in the map stage's output
    const long offset = session.is_driver() ? 1000 : 0;
    auto sums = session.range(0, 300, 1, 4)
                    .map([&offset](std::int64_t x) { return std::pair<std::int64_t, long>(x % 3, x + offset); })
                    .reduce_by_key(std::plus<>{})
                    .collect();
    long total = 0;
    for (const auto& [k, v] : sums) total += v;
    if (session.is_driver()) std::printf("total=%ld\n", total);
    return 0;
  }
  if (name == "cache-statement") {  // ds.cache() as a statement, then two actions
    auto ds = numbers().map([](long x) { return x * 10; });
    ds.cache();
    const auto first = ds.count();
    const long total = ds.reduce(std::plus<>{});
    if (session.is_driver()) std::printf("count=%llu total=%ld\n", static_cast<unsigned long long>(first), total);
    return 0;
  }
  if (name == "throw-every-rank") {  // an exception escaping the body, on every rank alike
    numbers().count();
    throw std::runtime_error("the table has no column 'mass'");
  }
  if (name == "throw-one-rank") {  // one only the last rank sees, before an action
    if (rank == last) throw dataflow::Error(dataflow::ExitCode::kNoInput, "no such table on this node");
    numbers().count();
    return 0;
  }
  if (name == "options") {  // declares --iterations and -o (ProgramInfo::options)
    std::string args;
    for (int i = 2; i < argc; ++i) args += std::string(i > 2 ? " " : "") + argv[i];
    if (session.is_driver()) std::printf("options=[%s]\n", args.c_str());
    return 0;
  }
  if (name == "big-collect") {  // ~220 MB in one partition, against --max-result-size
    const auto all = session.range(0, 3'000'000, 1, 1)
                         .map([](std::int64_t i) { return std::string(64, 'x') + std::to_string(i); })
                         .collect();
    if (session.is_driver()) std::printf("collected %zu\n", all.size());
    return 0;
  }
  if (name == "ok") {
    if (session.is_driver()) std::printf("count=%llu\n", static_cast<unsigned long long>(numbers().count()));
    else numbers().count();
    return 0;
  }
  std::fprintf(stderr, "spmd_program: unknown case %s\n", name.c_str());
  return 64;
}

// Cases that use Session directly, without dataflow::run: an exception escapes main.
int direct_session_case(const std::string& name, int argc, char** argv) {
  dataflow::Session session(argc, argv);
  if (name == "direct-job-error") {  // every task fails: a JobError on every rank
    session.parallelize(std::vector<int>{1, 2, 3}, 3)
        .map([](int x) -> int { throw std::runtime_error("bad record " + std::to_string(x)); })
        .count();
  } else if (name == "direct-error-one-rank") {  // an error that only the last rank sees
    if (session.rank() == session.size() - 1) throw dataflow::Error(dataflow::ExitCode::kNoInput, "no such table");
    session.parallelize(std::vector<int>{1}, 1).count();
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string name = argc > 1 ? argv[1] : "";
  if (name.rfind("direct-", 0) == 0) return direct_session_case(name, argc, argv);
  dataflow::ProgramInfo info;
  info.usage = "CASE [ARGS...]";
  info.description = "Test cases for the SPMD contract, the common flags and progress.";
  if (name == "options") info.options = {"--iterations", "-o"};
  return dataflow::run(
      argc, argv, [&](dataflow::Session& session) { return run_case(argc > 1 ? argv[1] : "", session, argc, argv); },
      info);
}
