// Actions: count, collect, collect_on_driver, save_as_text_file; every rank gets the same value.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
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

}  // namespace
