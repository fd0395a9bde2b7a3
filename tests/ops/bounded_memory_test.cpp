// Every wide operation within a tiny executor memory budget, at every rank count: the same
// job runs with the default budget, then with 256K, and must give the same records in the
// same order (byte-identical collect) and must have spilled (the spill counters of all
// ranks, summed). A join streams one key whose values cannot fit; group_by_key fails with
// exit code 65.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/detail/spill.hpp"
#include "session_fixture.hpp"

namespace {

constexpr std::uint64_t kTiny = std::uint64_t{256} << 10;

std::uint64_t on_all_ranks(const std::atomic<std::uint64_t>& counter) {
  std::uint64_t n = counter.load();
  MPI_Allreduce(MPI_IN_PLACE, &n, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  return n;
}

// Runs `job` with the session's budget and with kTiny; the results must be equal and the
// tiny run must have spilled.
template <class Job>
void same_when_bounded(Job job) {
  auto& config = test_session->config();
  const auto in_memory = job();
  const std::uint64_t saved = config.executor_memory;
  const auto& counters = dataflow::detail::spill_counters();
  const std::uint64_t before = on_all_ranks(counters.spills);
  const std::uint64_t bytes_before = on_all_ranks(counters.bytes), disk_before = on_all_ranks(counters.disk_bytes);
  config.executor_memory = kTiny;
  decltype(job()) bounded;
  try {
    bounded = job();
  } catch (...) {
    config.executor_memory = saved;
    throw;
  }
  config.executor_memory = saved;
  EXPECT_GT(on_all_ranks(counters.spills), before) << "the job did not spill";
  // With DATAFLOW_SPILL_COMPRESSION=lz4 (ops_test.lz4_spill) the files were compressed.
  const std::uint64_t bytes = on_all_ranks(counters.bytes) - bytes_before;
  const std::uint64_t disk = on_all_ranks(counters.disk_bytes) - disk_before;
  if (config.spill_compression == dataflow::SpillCompression::kLz4) {
    EXPECT_LT(disk, bytes) << "lz4 did not shrink the spill files";
  } else {
    EXPECT_EQ(disk, bytes);
  }
  EXPECT_EQ(in_memory.size(), bounded.size());
  EXPECT_TRUE(in_memory == bounded) << "the bounded run's records differ";
}

// same_when_bounded for the four joins of the datasets that l() and r() make.
template <class L, class R>
void joins_same_when_bounded(L l, R r) {
  same_when_bounded([&] { return l().join(r()).collect(); });
  same_when_bounded([&] { return l().left_outer_join(r()).collect(); });
  same_when_bounded([&] { return l().right_outer_join(r()).collect(); });
  same_when_bounded([&] { return l().full_outer_join(r()).collect(); });
}

std::vector<std::pair<std::string, std::int64_t>> words(int n, int distinct, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::pair<std::string, std::int64_t>> v;
  v.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    v.emplace_back("key-with-some-length-" + std::to_string(rng() % static_cast<unsigned>(distinct)), i);
  }
  return v;
}

std::vector<std::pair<std::int64_t, std::int64_t>> numbers(int n, int distinct, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::pair<std::int64_t, std::int64_t>> v;
  for (int i = 0; i < n; ++i) v.emplace_back(static_cast<std::int64_t>(rng() % static_cast<unsigned>(distinct)), i);
  return v;
}

TEST(BoundedMemory, ReduceByKeyAndItsFamily) {
  const auto data = words(20000, 7000, 1);
  same_when_bounded([&] {
    return test_session->parallelize(data, 6).reduce_by_key([](std::int64_t a, std::int64_t b) { return a + b; }).collect();
  });
  same_when_bounded([&] {
    return test_session->parallelize(data, 5)
        .combine_by_key([](std::int64_t v) { return std::vector<std::int64_t>{v}; },
                        [](std::vector<std::int64_t> c, std::int64_t v) {
                          c.push_back(v);
                          return c;
                        },
                        [](std::vector<std::int64_t> a, std::vector<std::int64_t> b) {
                          a.insert(a.end(), b.begin(), b.end());
                          return a;
                        })
        .collect();
  });
  same_when_bounded([&] { return test_session->parallelize(data, 4).keys().distinct().collect(); });
}

TEST(BoundedMemory, GroupByKey) {
  const auto data = words(16000, 2000, 2);
  same_when_bounded([&] { return test_session->parallelize(data, 4).group_by_key(3).collect(); });
}

TEST(BoundedMemory, JoinsAndCogroup) {
  const auto left = numbers(10000, 3000, 3);
  const auto right = numbers(7000, 4000, 4);
  auto l = [&] { return test_session->parallelize(left, 4); };
  auto r = [&] { return test_session->parallelize(right, 3); };
  joins_same_when_bounded(l, r);
  same_when_bounded([&] { return l().cogroup(r()).collect(); });
  same_when_bounded([&] { return l().subtract_by_key(r()).collect(); });
  same_when_bounded([&] { return l().keys().intersection(r().keys()).collect(); });
  same_when_bounded([&] { return l().keys().subtract(r().keys()).collect(); });
}

TEST(BoundedMemory, SortsAndRepartitions) {
  const auto data = words(20000, 10000, 5);
  same_when_bounded([&] { return test_session->parallelize(data, 4).sort_by_key(true, 3).collect(); });
  same_when_bounded([&] { return test_session->parallelize(data, 4).sort_by_key(false, 2).collect(); });
  same_when_bounded([&] {
    return test_session->parallelize(data, 3)
        .sort_by([](const std::pair<std::string, std::int64_t>& kv) { return kv.second % 1000; })
        .collect();
  });
  same_when_bounded([&] { return test_session->parallelize(data, 4).repartition(5).collect(); });
  same_when_bounded([&] { return test_session->parallelize(data, 4).partition_by(3).collect(); });
}

// One key whose right-side values do not fit a task's memory: the joins stream them against
// the left side's records of that key, a chunk at a time, and give the in-memory result.
// Key 7 has 6,000 right values of 100 bytes (600 KB, over twice the budget) and three left
// records; key 8 has 4,000 and no left record (the outer joins' unmatched right side).
// Shuffled and broadcast joins alike.
TEST(BoundedMemory, JoinsStreamOneKeyTooLargeForMemory) {
  auto left = numbers(3000, 1000, 6);
  std::vector<std::pair<std::int64_t, std::string>> right;
  for (const auto& [k, v] : numbers(2000, 1500, 7)) right.emplace_back(k + 10, std::to_string(v));
  for (int i = 0; i < 6000; ++i) {
    std::string v = "value-" + std::to_string(i);
    v.resize(100, '.');
    right.emplace_back(7, v);
    if (i < 4000) right.emplace_back(8, std::move(v));
  }
  left.insert(left.begin() + 100, {7, -1});
  left.insert(left.begin() + 1000, {7, -2});
  left.push_back({7, -3});
  auto& config = test_session->config();
  const std::uint64_t threshold = config.broadcast_join_threshold;
  for (const std::uint64_t broadcast : {threshold, std::uint64_t{0}}) {
    config.broadcast_join_threshold = broadcast;
    auto l = [&] { return test_session->parallelize(left, 4); };
    auto r = [&] { return test_session->parallelize(right, 3); };
    joins_same_when_bounded(l, r);
    same_when_bounded([&] { return l().subtract_by_key(r()).collect(); });
  }
  config.broadcast_join_threshold = threshold;
}

// A key type whose std::hash sends every even key to one hash and every odd key to
// another: slicing by hash cannot split them, so the join streams all the keys of a hash
// together, each left record meeting only the values of its own key.
struct Colliding {
  std::int64_t id;
  bool operator==(const Colliding&) const = default;
};

}  // namespace

template <>
struct std::hash<Colliding> {
  std::size_t operator()(const Colliding& c) const { return static_cast<std::size_t>(c.id % 2); }
};

namespace {

TEST(BoundedMemory, JoinsStreamKeysThatShareAHash) {
  std::vector<std::pair<Colliding, std::int64_t>> left, right;
  for (int i = 0; i < 90; ++i) left.push_back({{i % 45}, i});  // keys 40-44 have no right records
  for (int i = 0; i < 20000; ++i) right.push_back({{i < 16000 ? 0 : i % 40}, i});
  auto l = [&] { return test_session->parallelize(left, 3); };
  auto r = [&] { return test_session->parallelize(right, 4); };
  joins_same_when_bounded(l, r);
}

// group_by_key must hold one key's values at once: too many fail the task with exit 65.
TEST(BoundedMemory, OneKeyWhoseValuesDoNotFitFailsWithADataError) {
  std::vector<std::pair<int, std::string>> data;
  for (int i = 0; i < 20000; ++i) data.emplace_back(7, std::string(100, 'v'));
  auto& config = test_session->config();
  const std::uint64_t saved = config.executor_memory;
  config.executor_memory = kTiny;
  try {
    test_session->parallelize(data, 4).group_by_key(2).count();
    ADD_FAILURE() << "expected a JobError";
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kDataError);
    EXPECT_NE(std::string(e.what()).find("--executor-memory"), std::string::npos) << e.what();
  }
  config.executor_memory = saved;
}

}  // namespace
