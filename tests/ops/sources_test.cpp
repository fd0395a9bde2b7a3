// The other sources and outputs at every rank count: range (as spark.range), binary_records
// (records read exactly once whatever the split size; a file of a partial record is 65) and
// save_as_binary_records.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "session_fixture.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<std::int64_t> python_range(std::int64_t start, std::int64_t end, std::int64_t step) {
  std::vector<std::int64_t> v;
  for (std::int64_t x = start; step > 0 ? x < end : x > end; x += step) v.push_back(x);
  return v;
}

TEST(Sources, RangeMatchesPython) {
  EXPECT_EQ(test_session->range(0, 10).collect(), python_range(0, 10, 1));
  EXPECT_EQ(test_session->range(-5, 100, 7, 4).collect(), python_range(-5, 100, 7));
  EXPECT_EQ(test_session->range(10, -3, -3, 5).collect(), python_range(10, -3, -3));
  EXPECT_TRUE(test_session->range(5, 5).collect().empty());
  EXPECT_TRUE(test_session->range(5, 0, 1).collect().empty());
  EXPECT_EQ(test_session->range(0, 1000, 1, 9).num_partitions(), 9);
  EXPECT_EQ(test_session->range(0, 100000, 1, 7).sum(), 4999950000);
  EXPECT_THROW(test_session->range(0, 1, 0), dataflow::Error);
}

class BinaryRecords : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::shared_temp_path("binary");
    for (int i = 0; i < 500; ++i) {
      std::string r(10, '\0');
      for (int j = 0; j < 10; ++j) r[static_cast<std::size_t>(j)] = static_cast<char>((i * 31 + j * 7) % 256);
      records_.push_back(r);
    }
    if (test_session->is_driver()) {
      fs::create_directories(dir_ + "/in");
      std::ofstream a(dir_ + "/in/a.bin", std::ios::binary), b(dir_ + "/in/b.bin", std::ios::binary);
      for (std::size_t i = 0; i < records_.size(); ++i) (i < 300 ? a : b) << records_[i];
      std::ofstream(dir_ + "/bad.bin", std::ios::binary) << std::string(25, 'x');
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
  void TearDown() override {
    MPI_Barrier(MPI_COMM_WORLD);
    test_session->config().split_size = std::uint64_t{128} << 20;
    if (test_session->is_driver()) fs::remove_all(dir_);
  }
  std::string dir_;
  std::vector<std::string> records_;
};

TEST_F(BinaryRecords, EveryRecordOnceAtManySplitSizes) {
  for (std::uint64_t split : {1ull, 7ull, 10ull, 333ull, 1ull << 20}) {
    test_session->config().split_size = split;
    auto got = test_session->binary_records(dir_ + "/in", 10).collect();
    EXPECT_EQ(got, records_) << "split size " << split;
  }
}

TEST_F(BinaryRecords, PartialRecordIs65NamingTheFile) {
  try {
    test_session->binary_records(dir_ + "/bad.bin", 10).count();
    ADD_FAILURE() << "expected a JobError";
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kDataError);
    EXPECT_NE(std::string(e.what()).find("bad.bin"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("25 bytes"), std::string::npos) << e.what();
  }
}

TEST_F(BinaryRecords, RecordLengthZeroIsAUsageError) {
  try {
    test_session->binary_records(dir_ + "/in", 0);
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("record length"), std::string::npos) << e.what();
  }
}

TEST_F(BinaryRecords, SaveAsBinaryRecordsRoundTrip) {
  const std::string out = dir_ + "/out";
  test_session->binary_records(dir_ + "/in", 10).sort_by([](std::string_view r) { return std::string(r); }, true, 3)
      .save_as_binary_records(out);
  std::string all;
  if (test_session->is_driver()) {
    EXPECT_TRUE(fs::exists(out + "/_SUCCESS"));
    for (int p = 0; p < 3; ++p) {
      char name[32];
      std::snprintf(name, sizeof name, "/part-%05d", p);
      std::ifstream f(out + name, std::ios::binary);
      all.append(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    auto sorted = records_;
    std::sort(sorted.begin(), sorted.end());
    std::string want;
    for (auto& r : sorted) want += r;
    EXPECT_EQ(all, want);
  }
}

}  // namespace
