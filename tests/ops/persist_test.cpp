// Reuse across actions at every rank count: a persisted dataset is computed once for three
// actions (an accumulator counts the calls), at every storage level; partitions that do not
// fit a tiny budget, or that another dataset's blocks evict, are computed again correctly;
// unpersist() and the last handle's destruction release the memory; a second action over
// the same shuffle skips the stages that wrote it.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "session_fixture.hpp"

namespace {

using dataflow::StorageLevel;
using testing_support::same_on_all_ranks;

std::int64_t sum_of(const std::vector<std::int64_t>& v) {
  std::int64_t s = 0;
  for (auto x : v) s += x;
  return s;
}

TEST(Persist, ACachedDatasetIsComputedOnceAcrossThreeActions) {
  for (StorageLevel level : {StorageLevel::kMemoryOnly, StorageLevel::kMemoryAndDisk, StorageLevel::kDiskOnly,
                             StorageLevel::kMemoryOnlySer}) {
    SCOPED_TRACE(dataflow::storage_level_name(level));
    auto calls = test_session->accumulator<std::int64_t>("calls");
    auto data = test_session->range(0, 20000, 1, 8)
                    .map([calls](std::int64_t x) {
                      calls.add(1);
                      return x * 3;
                    })
                    .persist(level);
    EXPECT_EQ(data.count(), 20000u);
    EXPECT_EQ(calls.value(), 20000);
    const auto all = data.collect();
    ASSERT_EQ(all.size(), 20000u);
    EXPECT_EQ(all[7], 21);
    EXPECT_EQ(data.reduce(std::plus<>{}), 3 * (std::int64_t{20000} * 19999 / 2));
    // Every task ran where its block was: nothing was computed again.
    EXPECT_EQ(calls.value(), 20000);
    const dataflow::StorageInfo info = test_session->storage_info();
    if (level == StorageLevel::kDiskOnly) {
      EXPECT_EQ(info.disk_blocks, 8u);
      EXPECT_EQ(info.memory_blocks, 0u);
    } else {
      EXPECT_EQ(info.memory_blocks, 8u);
      EXPECT_GT(info.memory_bytes, 20000u * sizeof(std::int64_t));
    }
    EXPECT_TRUE(same_on_all_ranks(std::to_string(calls.value())));
  }
}

TEST(Persist, TextLinesAreKeptAsStringsAndTransformationsAfterTheCacheRunEachTime) {
  auto parsed = test_session->accumulator<std::int64_t>("parsed");
  auto words = test_session->parallelize(std::vector<std::string>{"a b", "c d e", "", "f"}, 3)
                   .flat_map([parsed](const std::string& line) {
                     parsed.add(1);
                     std::vector<std::string> out;
                     std::string w;
                     for (char c : line + " ") {
                       if (c != ' ') {
                         w += c;
                       } else if (!w.empty()) {
                         out.push_back(std::exchange(w, {}));
                       }
                     }
                     return out;
                   })
                   .cache();
  auto upper = words.map([](const std::string& w) { return w + "!"; });
  EXPECT_EQ(upper.collect(), (std::vector<std::string>{"a!", "b!", "c!", "d!", "e!", "f!"}));
  EXPECT_EQ(words.count(), 6u);
  EXPECT_EQ(parsed.value(), 4);
}

// 8 partitions of ~560 KB against 1 MiB per executor: some never fit, and a second
// dataset's blocks push the first one's out (least recently used first); whatever is
// missing is computed again, and every answer stays right.
TEST(Persist, PartitionsThatDoNotFitOrAreEvictedAreComputedAgain) {
  auto& config = test_session->config();
  const std::uint64_t saved = config.executor_memory;
  config.executor_memory = std::uint64_t{1} << 20;
  auto calls = test_session->accumulator<std::int64_t>("calls");
  auto make = [&](std::int64_t offset) {
    return test_session->range(0, 16000, 1, 8)
        .map([calls, offset](std::int64_t x) {
          calls.add(1);
          return std::pair<std::int64_t, std::string>(x + offset, std::string(200, static_cast<char>('a' + x % 26)));
        })
        .cache();
  };
  auto key_sum = [](const auto& records) {
    std::int64_t s = 0;
    for (const auto& [k, v] : records) s += k + static_cast<std::int64_t>(v.size());
    return s;
  };
  const std::int64_t expected = std::int64_t{16000} * 15999 / 2 + 16000 * 200;
  auto a = make(0);
  try {
    EXPECT_EQ(key_sum(a.collect()), expected);
    EXPECT_EQ(calls.value(), 16000);
    const auto first = test_session->storage_info();
    EXPECT_GT(first.memory_blocks, 0u);
    EXPECT_LT(first.memory_blocks, 8u) << "every partition fitted: the test does not test eviction";
    EXPECT_LE(first.memory_bytes, first.memory_blocks * (std::uint64_t{1} << 20));
    EXPECT_EQ(key_sum(a.collect()), expected);
    EXPECT_GT(calls.value(), 16000) << "the partitions that did not fit were not computed again";
    auto b = make(1);
    EXPECT_EQ(key_sum(b.collect()), expected + 16000);
    EXPECT_EQ(key_sum(a.collect()), expected);
    EXPECT_EQ(key_sum(b.collect()), expected + 16000);
    EXPECT_TRUE(same_on_all_ranks(std::to_string(calls.value())));
  } catch (...) {
    config.executor_memory = saved;
    throw;
  }
  config.executor_memory = saved;
}

TEST(Persist, UnpersistReleasesTheMemoryAndStoresNoMore) {
  auto calls = test_session->accumulator<std::int64_t>("calls");
  auto data = test_session->range(0, 5000, 1, 4)
                  .map([calls](std::int64_t x) {
                    calls.add(1);
                    return x;
                  })
                  .cache();
  const auto before = test_session->storage_info();
  EXPECT_EQ(data.count(), 5000u);
  const auto cached = test_session->storage_info();
  EXPECT_EQ(cached.memory_blocks, before.memory_blocks + 4);
  EXPECT_GT(cached.memory_bytes, before.memory_bytes);
  data.unpersist();
  const auto after = test_session->storage_info();
  EXPECT_EQ(after.memory_blocks, before.memory_blocks);
  EXPECT_EQ(after.memory_bytes, before.memory_bytes);
  EXPECT_EQ(sum_of(data.collect()), std::int64_t{5000} * 4999 / 2);
  EXPECT_EQ(calls.value(), 10000);
  EXPECT_EQ(test_session->storage_info().memory_blocks, before.memory_blocks);
}

TEST(Persist, TheLastHandleReleasesCachedBlocksAndKeptShuffles) {
  const auto before = test_session->storage_info();
  {
    auto counts = test_session->range(0, 3000, 1, 4)
                      .map([](std::int64_t x) { return std::pair<std::int64_t, std::int64_t>(x % 10, 1); })
                      .reduce_by_key(std::plus<>{}, 3);
    auto cached = counts.cache();
    EXPECT_EQ(cached.count(), 10u);
    const auto during = test_session->storage_info();
    EXPECT_GT(during.memory_blocks, before.memory_blocks);  // (under a tiny budget, not all 3 fit)
    EXPECT_GT(during.kept_shuffles, before.kept_shuffles);
  }
  const auto after = test_session->storage_info();
  EXPECT_EQ(after.memory_blocks, before.memory_blocks);
  EXPECT_EQ(after.memory_bytes, before.memory_bytes);
  EXPECT_EQ(after.kept_shuffles, before.kept_shuffles);
}

TEST(Reuse, ASecondActionOverTheSameShuffleSkipsTheStagesThatWroteIt) {
  auto mapped = test_session->accumulator<std::int64_t>("mapped");
  auto counts = test_session->range(0, 10000, 1, 6)
                    .map([mapped](std::int64_t x) {
                      mapped.add(1);
                      return std::pair<std::int64_t, std::int64_t>(x % 7, x);
                    })
                    .reduce_by_key(std::plus<>{}, 4);
  EXPECT_EQ(counts.count(), 7u);
  EXPECT_EQ(mapped.value(), 10000);
  const std::string plan = counts.explain();
  EXPECT_NE(plan.find("Skipped: the stages writing shuffle #"), std::string::npos) << plan;
  std::int64_t total = 0;
  for (const auto& [k, v] : counts.collect()) total += v;
  EXPECT_EQ(total, std::int64_t{10000} * 9999 / 2);
  // A join of the kept shuffle with a new one, and a second shuffle after it.
  auto other = test_session->range(0, 7, 1, 3).map([](std::int64_t k) { return std::pair<std::int64_t, int>(k, 1); });
  EXPECT_EQ(counts.join(other).count(), 7u);
  auto again = counts
                   .map([](const std::pair<std::int64_t, std::int64_t>& kv) {
                     return std::pair<std::int64_t, std::int64_t>(kv.first % 2, kv.second);
                   })
                   .reduce_by_key(std::plus<>{}, 2);
  std::int64_t twice = 0;
  for (const auto& [k, v] : again.collect()) twice += v;
  EXPECT_EQ(twice, total);
  EXPECT_EQ(mapped.value(), 10000) << "a kept shuffle's map stage ran again";
}

// Two shuffles kept by separate jobs place their partitions independently; a job zipping
// them computes one of them again beside the other, and a coalesce of a kept shuffle reads
// its partitions on one executor.
TEST(Reuse, KeptShufflesPlacedApartAreComputedAgainWhereOneTaskReadsBoth) {
  auto pairs = [](std::int64_t n, int slices) {
    return test_session->range(0, n, 1, slices).map([](std::int64_t x) {
      return std::pair<std::int64_t, std::int64_t>(x % 50, 1);
    });
  };
  auto a = pairs(5000, 5).reduce_by_key(std::plus<>{}, 6);
  auto b = pairs(700, 3).reduce_by_key(std::plus<>{}, 6);
  EXPECT_EQ(a.count(), 50u);
  EXPECT_EQ(b.count(), 50u);
  std::int64_t product = 0;
  for (const auto& [k, vw] : a.join(b).collect()) product += vw.first * vw.second;
  EXPECT_EQ(product, 50 * 100 * 14);
  EXPECT_EQ(a.coalesce(2).count(), 50u);
}

// checkpoint() writes the partitions and reads them back with the lineage cut: the
// shuffle below goes with its last handle, the checkpoint stays readable, and its files go
// with its own last handle.
TEST(Checkpoint, CutsTheLineageAndKeepsThePartitioning) {
  using P = std::pair<std::int64_t, std::int64_t>;
  auto calls = test_session->accumulator<std::int64_t>("calls");
  const auto before = test_session->storage_info();
  std::optional<dataflow::Dataset<P>> saved;
  {
    auto counts = test_session->range(0, 6000, 1, 5)
                      .map([calls](std::int64_t x) {
                        calls.add(1);
                        return P(x % 13, 1);
                      })
                      .reduce_by_key(std::plus<>{}, 4);
    saved.emplace(counts.checkpoint());
    EXPECT_EQ(calls.value(), 6000);
    EXPECT_GT(test_session->storage_info().kept_shuffles, before.kept_shuffles);
  }
  EXPECT_EQ(test_session->storage_info().kept_shuffles, before.kept_shuffles);  // the shuffle went
  const std::string plan = saved->explain();
  EXPECT_EQ(plan.find("reduce_by_key"), std::string::npos) << plan;
  const auto at = plan.find("checkpoint(");
  ASSERT_NE(at, std::string::npos) << plan;
  const std::string dir = plan.substr(at + 11, plan.find(')', at) - at - 11);
  EXPECT_EQ(saved->num_partitions(), 4);
  std::int64_t total = 0;
  for (const auto& [k, n] : saved->collect()) total += n;
  EXPECT_EQ(total, 6000);
  {
    auto other = test_session->range(0, 13, 1, 2).map([](std::int64_t k) { return P(k, 1); });
    auto joined = saved->join(other);  // (holds the checkpoint too, until this scope ends)
    EXPECT_EQ(joined.explain().find("join (left side)"), std::string::npos) << "the checkpoint was shuffled again";
    EXPECT_EQ(joined.count(), 13u);
  }
  EXPECT_EQ(calls.value(), 6000);
  if (test_session->is_driver()) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/_SUCCESS")) << dir;
  }
  saved.reset();
  if (test_session->is_driver()) {
    EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
  }
}

}  // namespace

namespace {

// The PySpark habit: cache() as a statement marks the dataset itself, so every handle to it,
// its copies and what is derived from it before or after the call, reads the cache.
TEST(Persist, CacheAsAStatementComputesEachRecordOnceOverThreeActions) {
  auto calls = test_session->accumulator<std::int64_t>("calls");
  auto data = test_session->range(0, 6000, 1, 6).map([calls](std::int64_t x) {
    calls.add(1);
    return x * 2;
  });
  auto derived_before = data.filter([](std::int64_t x) { return x % 3 == 0; });
  const auto copy = data;
  data.cache();  // the statement, its result dropped
  EXPECT_EQ(data.count(), 6000u);
  EXPECT_EQ(copy.reduce(std::plus<>{}), std::int64_t{6000} * 5999);
  EXPECT_EQ(derived_before.count(), 2000u);
  EXPECT_EQ(data.map([](std::int64_t x) { return x + 1; }).reduce(std::plus<>{}), std::int64_t{6000} * 5999 + 6000);
  EXPECT_EQ(calls.value(), 6000) << "cache() as a statement left the dataset uncached";
  data.unpersist();
  EXPECT_EQ(copy.count(), 6000u);
  EXPECT_EQ(calls.value(), 12000) << "unpersist() through one handle left the copy cached";
  EXPECT_TRUE(same_on_all_ranks(std::to_string(calls.value())));
}

// A dataset of views (text lines) is stored as strings; the views handed downstream point
// into them and stay valid for as long as each record is handled, at every level.
TEST(Persist, ViewsOfACachedTextFileStayValidAtEveryLevel) {
  const std::string path = testing_support::shared_temp_path("views.txt");
  if (test_session->is_driver()) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    for (int i = 0; i < 3000; ++i) std::fprintf(f, "line number %d with some padding text\n", i);
    std::fclose(f);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  for (StorageLevel level : {StorageLevel::kMemoryOnly, StorageLevel::kMemoryAndDisk, StorageLevel::kDiskOnly,
                             StorageLevel::kMemoryOnlySer}) {
    SCOPED_TRACE(dataflow::storage_level_name(level));
    auto read = test_session->accumulator<std::int64_t>("read");
    auto lines = test_session->text_file(path).filter([read](std::string_view) {
      read.add(1);
      return true;
    });
    lines.persist(level);
    auto lengths = lines.map([](std::string_view l) { return static_cast<std::int64_t>(l.size()); });
    const std::int64_t total = lengths.reduce(std::plus<>{});
    EXPECT_EQ(lengths.reduce(std::plus<>{}), total);
    const auto all = lines.collect();
    ASSERT_EQ(all.size(), 3000u);
    EXPECT_EQ(all[1234], "line number 1234 with some padding text");
    std::int64_t expected = 0;
    for (const auto& l : all) expected += static_cast<std::int64_t>(l.size());
    EXPECT_EQ(total, expected);
    EXPECT_EQ(read.value(), 3000);
    lines.unpersist();
  }
  if (test_session->is_driver()) std::remove(path.c_str());
}

TEST(Persist, ASecondLevelForOneDatasetIsAUsageError) {
  auto data = test_session->range(0, 10, 1, 2);
  data.persist(StorageLevel::kMemoryOnly);
  data.cache();  // the same level again: fine
  try {
    data.persist(StorageLevel::kDiskOnly);
    FAIL() << "no error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("already persisted as memory only"), std::string::npos) << e.what();
  }
  data.unpersist();
}

}  // namespace
