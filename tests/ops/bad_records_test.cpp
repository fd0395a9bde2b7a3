// Bad records at every rank count: an exception that a text line's operations throw names
// the line's FILE:OFFSET; --bad-records skip drops and counts lines whose operations throw
// Error(kDataError), each once however many jobs read it; FILE also appends them, with
// their origin and error, to FILE on the driver; other exceptions still fail the job.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "session_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using dataflow::BadRecordsMode;
using dataflow::Error;
using dataflow::ExitCode;

// "key value" lines; "x seven" and "y 2 2" are bad (offsets 12 and 24), "bug" is a bug.
const std::string kData = "a 1\nb 2\na 3\nx seven\nb 4\ny 2 2\na 5\n";
constexpr std::uint64_t kSevenAt = 12;
constexpr std::uint64_t kTwoTwoAt = 24;

std::pair<std::string, long> parse(std::string_view line) {
  const auto space = line.find(' ');
  long v = 0;
  const char* end = line.data() + line.size();
  const auto [ptr, ec] = std::from_chars(line.data() + space + 1, end, v);
  if (space == std::string_view::npos || ec != std::errc() || ptr != end) {
    throw Error(ExitCode::kDataError, "not \"key number\": \"" + std::string(line) + "\"");
  }
  return {std::string(line.substr(0, space)), v};
}

// The message of the JobError that `action` throws, which must have `code` ("" if none).
template <class F>
std::string job_error(F&& action, ExitCode code) {
  try {
    action();
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected a JobError";
  return {};
}

class BadRecords : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::shared_temp_path("bad");
    file_ = dir_ + "/in.txt";
    if (test_session->is_driver()) {
      fs::create_directories(dir_);
      std::ofstream(file_, std::ios::binary) << kData;
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
  void TearDown() override {
    MPI_Barrier(MPI_COMM_WORLD);
    test_session->config().bad_records = BadRecordsMode::kFail;
    test_session->config().bad_records_path.clear();
    test_session->config().split_size = std::uint64_t{128} << 20;
    test_session->config().max_task_attempts = 4;
    if (test_session->is_driver()) fs::remove_all(dir_);
  }
  std::vector<std::pair<std::string, long>> sums() {
    auto out = test_session->text_file(file_).map(parse).reduce_by_key(std::plus<>{}).collect();
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string origin(std::uint64_t offset) const { return file_ + ":" + std::to_string(offset) + ": "; }
  std::string dir_, file_;
};

const std::vector<std::pair<std::string, long>> kGoodSums = {{"a", 9}, {"b", 6}};

TEST_F(BadRecords, FailNamesFileAndOffsetWithCode65) {
  for (std::uint64_t split : {std::uint64_t{5}, std::uint64_t{1} << 20}) {
    test_session->config().split_size = split;
    const std::string what = job_error([&] { sums(); }, ExitCode::kDataError);
    const bool seven = what.find(origin(kSevenAt) + "not \"key number\": \"x seven\"") != std::string::npos;
    const bool two_two = what.find(origin(kTwoTwoAt) + "not \"key number\": \"y 2 2\"") != std::string::npos;
    // In one split the first bad line fails the task; in 5-byte splits the two bad lines are
    // in different tasks, and whichever fails first (on a loaded machine, either) ends the job.
    if (split > kData.size()) {
      EXPECT_TRUE(seven) << what;
    } else {
      EXPECT_TRUE(seven || two_two) << what;
    }
  }
}

TEST_F(BadRecords, AnyExceptionNamesTheLineAndFailsInEveryMode) {
  test_session->config().max_task_attempts = 2;
  for (BadRecordsMode mode : {BadRecordsMode::kFail, BadRecordsMode::kSkip}) {
    test_session->config().bad_records = mode;
    const std::string what = job_error(  // a bug, not bad data: retried, then 70
        [&] {
          test_session->text_file(file_)
              .map([](std::string_view line) {
                if (line == "b 4") throw std::invalid_argument("a bug");
                return line.size();
              })
              .count();
        },
        ExitCode::kSoftware);
    EXPECT_NE(what.find(origin(20) + "a bug"), std::string::npos) << what;
  }
}

TEST_F(BadRecords, EngineErrorsAndErrorsAfterAShuffleKeepTheirMessage) {
  test_session->config().bad_records = BadRecordsMode::kSkip;
  // Another code is not a bad record, and is not prefixed.
  const std::string io = job_error(
      [&] {
        test_session->text_file(file_)
            .map([](std::string_view line) -> long {
              if (line == "a 3") throw Error(ExitCode::kIoError, "cannot reach the lookup service");
              return 1;
            })
            .count();
      },
      ExitCode::kIoError);
  EXPECT_EQ(io.find("cannot reach the lookup service"), 0u) << io;
  // After a shuffle there is no line: the error fails the job as it is.
  const std::string late = job_error(
      [&] {
        test_session->text_file(file_)
            .map([](std::string_view line) { return std::pair<std::string, long>(std::string(line.substr(0, 1)), 1L); })
            .reduce_by_key(std::plus<>{})
            .map([](const std::pair<std::string, long>& kv) {
              if (kv.first == "x") throw Error(ExitCode::kDataError, "x after the shuffle");
              return kv.second;
            })
            .count();
      },
      ExitCode::kDataError);
  EXPECT_EQ(late.find("x after the shuffle"), 0u) << late;
}

TEST_F(BadRecords, SkipDropsAndCountsEachLineOnce) {
  test_session->config().bad_records = BadRecordsMode::kSkip;
  const std::uint64_t before = test_session->bad_records();
  test_session->config().split_size = 7;  // several tasks, a bad line in two of them
  EXPECT_EQ(sums(), kGoodSums);
  EXPECT_EQ(test_session->bad_records(), before + 2);
  EXPECT_EQ(sums(), kGoodSums);  // read again by another job: not counted again
  test_session->config().split_size = std::uint64_t{1} << 20;
  EXPECT_EQ(test_session->text_file(file_).map(parse).count(), 5u);
  EXPECT_EQ(test_session->bad_records(), before + 2);
  EXPECT_TRUE(testing_support::same_on_all_ranks(std::to_string(test_session->bad_records())));
}

TEST_F(BadRecords, FileHoldsEachBadLineOnceWithItsOrigin) {
  const std::string path = dir_ + "/bad.tsv";
  test_session->config().bad_records = BadRecordsMode::kWrite;
  test_session->config().bad_records_path = path;
  const std::uint64_t before = test_session->bad_records();
  test_session->config().split_size = 7;
  EXPECT_EQ(sums(), kGoodSums);
  EXPECT_EQ(sums(), kGoodSums);
  EXPECT_EQ(test_session->bad_records(), before + 2);
  if (test_session->is_driver()) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream got;
    got << in.rdbuf();
    EXPECT_EQ(got.str(), file_ + ":" + std::to_string(kSevenAt) + "\tnot \"key number\": \"x seven\"\tx seven\n" +
                             file_ + ":" + std::to_string(kTwoTwoAt) + "\tnot \"key number\": \"y 2 2\"\ty 2 2\n");
  }
}

TEST_F(BadRecords, AnExistingFileIs73AndStaysAsItWas) {
  const std::string path = dir_ + "/exists.tsv";
  if (test_session->is_driver()) std::ofstream(path) << "mine\n";
  MPI_Barrier(MPI_COMM_WORLD);
  test_session->config().bad_records = BadRecordsMode::kWrite;
  test_session->config().bad_records_path = path;
  const std::string what = job_error([&] { sums(); }, ExitCode::kCantCreate);
  EXPECT_NE(what.find(path + " already exists"), std::string::npos) << what;
  if (test_session->is_driver()) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "mine");
  }
}

}  // namespace
