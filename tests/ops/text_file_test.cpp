// text_file at every rank count: lines read exactly once whatever the split size; missing
// input fails the job with code 66 on every rank.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "session_fixture.hpp"

namespace {

namespace fs = std::filesystem;

class TextFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::shared_temp_path("text");
    if (test_session->is_driver()) {
      fs::create_directories(dir_);
      std::ofstream(dir_ + "/a.txt", std::ios::binary) << "one two\r\nthree\n\nfour five six\nseven";
      std::ofstream(dir_ + "/b.txt", std::ios::binary) << std::string(5000, 'x') << "\nlast line\n";
      std::ofstream(dir_ + "/_skip.txt", std::ios::binary) << "hidden\n";
      std::ofstream(dir_ + "/empty.txt", std::ios::binary) << "";
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
  void TearDown() override {
    MPI_Barrier(MPI_COMM_WORLD);
    test_session->config().split_size = std::uint64_t{128} << 20;
    if (test_session->is_driver()) fs::remove_all(dir_);
  }
  std::string dir_;
};

const std::vector<std::string> kLines = {"one two",  "three", "", "four five six", "seven", std::string(5000, 'x'),
                                         "last line"};

TEST_F(TextFile, DirectoryAtManySplitSizes) {
  for (std::uint64_t split : {1ull, 2ull, 3ull, 7ull, 64ull, 1000ull, 1ull << 20}) {
    test_session->config().split_size = split;
    EXPECT_EQ(test_session->text_file(dir_).collect(), kLines) << "split size " << split;
  }
}

TEST_F(TextFile, GlobAndCount) { EXPECT_EQ(test_session->text_file(dir_ + "/*.txt").count(), kLines.size()); }

TEST_F(TextFile, MissingInputIs66OnEveryRank) {
  try {
    test_session->text_file(dir_ + "/nope.txt").count();
    ADD_FAILURE() << "expected a JobError";
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kNoInput);
    EXPECT_NE(std::string(e.what()).find("nope.txt"), std::string::npos) << e.what();
  }
}

TEST_F(TextFile, WordCountPipeline) {
  test_session->config().split_size = 5;
  auto counts = test_session->text_file(dir_ + "/a.txt")
                    .flat_map(dataflow::split_whitespace)
                    .map([](std::string_view w) {
                      return std::pair{std::string(w), 1L};
                    })
                    .reduce_by_key(std::plus<>{})
                    .collect();
  EXPECT_EQ(counts.size(), 7u);
  for (const auto& [w, n] : counts) EXPECT_EQ(n, 1) << w;
}

}  // namespace
