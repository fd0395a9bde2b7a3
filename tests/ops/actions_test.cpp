// Actions: count, collect, collect_on_driver, save_as_text_file, and the everyday ones
// (reduce, fold, aggregate, take, first, top, take_ordered, count_by_key, count_by_value,
// lookup, is_empty, num_partitions, sum, min, max, mean, stats, foreach); every rank gets the
// same value.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "session_fixture.hpp"

namespace {

namespace fs = std::filesystem;

TEST(Actions, CountOfEmptyAndNonEmpty) {
  EXPECT_EQ(test_session->parallelize(std::vector<int>{}, 3).count(), 0u);
  EXPECT_EQ(test_session->parallelize(std::vector<int>(12345, 1), 9).count(), 12345u);
}

TEST(Actions, CollectIsTheSameOnEveryRank) {
  std::vector<long> v(5000);
  std::iota(v.begin(), v.end(), 7);
  auto out = test_session->parallelize(v, 6).map([](long x) { return x * 3; }).collect();
  std::string bytes(reinterpret_cast<const char*>(out.data()), out.size() * sizeof(long));
  EXPECT_EQ(out.size(), v.size());
  EXPECT_TRUE(testing_support::same_on_all_ranks(bytes));
}

TEST(Actions, CollectOnDriverReachesOnlyTheDriver) {
  auto out = test_session->parallelize(std::vector<int>{1, 2, 3, 4}, 2).collect_on_driver();
  if (test_session->is_driver()) {
    EXPECT_EQ(out, (std::vector<int>{1, 2, 3, 4}));
  } else {
    EXPECT_TRUE(out.empty());
  }
}

TEST(Actions, SaveAsTextFileCommitsAllPartsThenSuccess) {
  const std::string dir = testing_support::shared_temp_path("save");
  std::vector<std::pair<std::string, long>> v{{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}};
  test_session->parallelize(v, 3).save_as_text_file(dir);
  if (test_session->is_driver()) {
    EXPECT_TRUE(fs::exists(dir + "/_SUCCESS"));
    EXPECT_EQ(fs::file_size(dir + "/_SUCCESS"), 0u);
    EXPECT_FALSE(fs::exists(dir + "/_temporary"));
    std::vector<std::string> lines;
    for (int p = 0; p < 3; ++p) {
      char name[32];
      std::snprintf(name, sizeof name, "/part-%05d", p);
      std::ifstream in(dir + name);
      ASSERT_TRUE(in.good()) << name;
      for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    EXPECT_EQ(lines, (std::vector<std::string>{"a\t1", "b\t2", "c\t3", "d\t4", "e\t5"}));
    fs::remove_all(dir);
  }
}

TEST(Actions, SaveIntoExistingDirectoryFailsWith73OnEveryRank) {
  const std::string dir = testing_support::shared_temp_path("exists");
  if (test_session->is_driver()) {
    fs::create_directories(dir);
    std::ofstream(dir + "/keep") << "old";
  }
  MPI_Barrier(MPI_COMM_WORLD);
  try {
    test_session->parallelize(std::vector<std::string>{"x"}, 1).save_as_text_file(dir);
    ADD_FAILURE() << "expected a JobError";
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kCantCreate);
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  if (test_session->is_driver()) {
    EXPECT_TRUE(fs::exists(dir + "/keep"));  // untouched
    fs::remove_all(dir);
  }
}

// ----- The everyday actions: every rank gets the same value. -----

TEST(Actions, ReduceFoldAggregate) {
  std::vector<long> xs;
  for (long i = 1; i <= 1000; ++i) xs.push_back(i);
  auto d = test_session->parallelize(xs, 7);
  EXPECT_EQ(d.reduce([](long a, long b) { return a + b; }), 500500);
  EXPECT_EQ(d.fold(0L, [](long a, long b) { return a + b; }), 500500);
  auto [n, s] = d.aggregate(
      std::pair<long, long>(0, 0), [](std::pair<long, long> a, long x) { return std::pair<long, long>(a.first + 1, a.second + x); },
      [](std::pair<long, long> a, std::pair<long, long> b) { return std::pair<long, long>(a.first + b.first, a.second + b.second); });
  EXPECT_EQ(n, 1000);
  EXPECT_EQ(s, 500500);
  auto empty = test_session->parallelize(std::vector<long>{}, 3);
  try {
    empty.reduce([](long a, long b) { return a + b; });
    ADD_FAILURE() << "reduce of an empty dataset did not throw";
  } catch (const dataflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("reduce of an empty dataset"), std::string::npos) << e.what();
  }
  EXPECT_EQ(empty.fold(0L, [](long a, long b) { return a + b; }), 0);
  // As in Spark, zero is folded into every partition and into the merge: it must be neutral.
  EXPECT_EQ(empty.fold(5L, [](long a, long b) { return a + b; }), 5 * (3 + 1));
  EXPECT_THROW(empty.first(), dataflow::Error);
  EXPECT_THROW(empty.min(), dataflow::Error);
  EXPECT_THROW(empty.max(), dataflow::Error);
  EXPECT_THROW(empty.mean(), dataflow::Error);
}

TEST(Actions, TakeFirstTopTakeOrdered) {
  std::vector<int> xs;
  for (int i = 0; i < 2000; ++i) xs.push_back(i * 7919 % 2003);
  auto d = test_session->parallelize(xs, 9);
  EXPECT_EQ(d.take(5), std::vector<int>(xs.begin(), xs.begin() + 5));
  EXPECT_EQ(d.take(1000), std::vector<int>(xs.begin(), xs.begin() + 1000));  // several rounds
  EXPECT_EQ(d.take(5000), xs);
  EXPECT_TRUE(d.take(0).empty());
  EXPECT_EQ(d.first(), xs[0]);
  auto sorted = xs;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(d.take_ordered(10), std::vector<int>(sorted.begin(), sorted.begin() + 10));
  EXPECT_EQ(d.top(3), (std::vector<int>{sorted.end()[-1], sorted.end()[-2], sorted.end()[-3]}));
  EXPECT_EQ(d.top(3, [](int a, int b) { return a > b; }), (std::vector<int>{sorted[0], sorted[1], sorted[2]}));
  // take reads only the partitions it needs: the first partition of three, the rest never run.
  auto lazy = test_session->parallelize(std::vector<int>{1, 2, 3, 4, 5, 6}, 3).map([](int x) {
    if (x > 2) throw std::runtime_error("partition read that take(2) does not need");
    return x;
  });
  EXPECT_EQ(lazy.take(2), (std::vector<int>{1, 2}));
  EXPECT_FALSE(lazy.is_empty());
  EXPECT_TRUE(test_session->parallelize(std::vector<int>{}, 4).is_empty());
}

TEST(Actions, CountByKeyValueLookup) {
  std::vector<std::pair<std::string, int>> kv;
  for (int i = 0; i < 1000; ++i) kv.emplace_back("k" + std::to_string(i % 13), i);
  auto d = test_session->parallelize(kv, 5);
  auto by_key = d.count_by_key();
  ASSERT_EQ(by_key.size(), 13u);
  for (int k = 0; k < 13; ++k) EXPECT_EQ(by_key["k" + std::to_string(k)], 1000u / 13 + (k < 1000 % 13 ? 1 : 0));
  auto by_value = d.keys().count_by_value();
  EXPECT_EQ(by_value, by_key);
  std::vector<int> ref;
  for (auto& [k, v] : kv)
    if (k == "k3") ref.push_back(v);
  EXPECT_EQ(d.lookup(std::string("k3")), ref);
  EXPECT_TRUE(d.lookup(std::string("none")).empty());
}

TEST(Actions, NumericActionsAndStats) {
  std::vector<double> xs;
  for (int i = 0; i < 1001; ++i) xs.push_back(i * 0.5 - 100);
  auto d = test_session->parallelize(xs, 6);
  EXPECT_DOUBLE_EQ(d.sum(), 1001 * (0.5 * 500) - 100 * 1001);
  EXPECT_DOUBLE_EQ(d.min(), -100);
  EXPECT_DOUBLE_EQ(d.max(), 400);
  EXPECT_NEAR(d.mean(), 150, 1e-9);
  const dataflow::StatCounter s = d.stats();
  double m2 = 0;
  for (double x : xs) m2 += (x - 150) * (x - 150);
  EXPECT_EQ(s.count, 1001u);
  EXPECT_NEAR(s.stdev, std::sqrt(m2 / 1001), 1e-9);
  EXPECT_NEAR(s.sample_stdev, std::sqrt(m2 / 1000), 1e-9);
  EXPECT_EQ(test_session->parallelize(std::vector<int>{1, 2, 3}, 2).sum(), 6);
}

TEST(Actions, ForeachRunsOnTheExecutors) {
  static std::atomic<long> seen{0};  // per process: executors add, the driver adds nothing under MPI
  seen = 0;
  test_session->parallelize(std::vector<long>{1, 2, 3, 4}, 3).foreach([](long x) { seen += x; });
  long total = seen.load();
  MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_EQ(total, 10);
  seen = 0;
  test_session->parallelize(std::vector<long>{1, 2, 3, 4}, 3).foreach_partition([](std::vector<long>& part) {
    seen += static_cast<long>(part.size());
  });
  total = seen.load();
  MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_EQ(total, 4);
}

TEST(Actions, NumPartitions) {
  EXPECT_EQ(test_session->parallelize(std::vector<int>{1, 2}, 5).num_partitions(), 5);
  auto r = test_session->parallelize(std::vector<std::pair<int, int>>{{1, 2}}, 2).reduce_by_key(std::plus<>{}, 9);
  EXPECT_EQ(r.num_partitions(), 9);
  EXPECT_EQ(r.map_values([](int x) { return x; }).num_partitions(), 9);
}

}  // namespace
