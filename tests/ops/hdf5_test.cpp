// HDF5 in and out at every rank count (and under the sanitizers): what save_as_hdf5 writes
// collectively, session.hdf5 reads back equal, for numbers, rows, structs and strings, at
// split sizes that cut partitions across chunks; an existing output is 73 and a lossy read
// 65, on every rank alike. (check_hdf5.py compares with h5py; this runs the same paths where
// ASan and UBSan watch them.)
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "session_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using testing_support::shared_temp_path;

struct Sample {
  double x = 0;
  float y = 0;
  std::int32_t id = 0;
};

const dataflow::hdf5::Compound<Sample>& sample_type() {
  static const dataflow::hdf5::Compound<Sample> c{{"x", &Sample::x}, {"y", &Sample::y}, {"id", &Sample::id}};
  return c;
}

class Hdf5 : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = shared_temp_path("hdf5");
    if (test_session->is_driver()) fs::create_directories(dir_);
    split_ = test_session->config().split_size;
  }
  void TearDown() override {
    test_session->config().split_size = split_;
    test_session->range(0, 1).count();  // every rank is past its checks before the files go
    if (test_session->is_driver()) fs::remove_all(dir_);
  }
  std::string dir_;
  std::uint64_t split_ = 0;
};

TEST_F(Hdf5, WhatIsWrittenIsReadBackForEveryKindOfRecord) {
  const std::int64_t n = 5003;  // partitions of unequal sizes, chunks cut across them
  auto values = test_session->range(0, n, 1, 7);
  values.map([](std::int64_t i) { return static_cast<double>(i) * 0.25; }).save_as_hdf5(dir_ + "/d.h5", "/a/d");
  values.map([](std::int64_t i) {
          return std::array<std::int32_t, 3>{int(i), int(-i), int(i % 5)};
        })
      .save_as_hdf5(dir_ + "/rows.h5", "/rows", dataflow::hdf5::WriteOptions{.gzip = 3, .chunk_rows = 100});
  values.map([](std::int64_t i) {
          return Sample{double(i) / 3, float(i) / 7, int(i)};
        })
      .save_as_hdf5(dir_ + "/s.h5", "/s", sample_type());
  values.map([](std::int64_t i) { return std::string(static_cast<std::size_t>(i % 13), char('a' + i % 26)); })
      .save_as_hdf5(dir_ + "/t.h5", "/t");

  for (std::uint64_t split : {std::uint64_t{8}, std::uint64_t{999}, std::uint64_t{128} << 20}) {
    test_session->config().split_size = split;
    const auto d = test_session->hdf5<double>(dir_ + "/d.h5", "/a/d").collect();
    ASSERT_EQ(d.size(), static_cast<std::size_t>(n)) << "split " << split;
    for (std::int64_t i = 0; i < n; ++i) ASSERT_EQ(d[i], static_cast<double>(i) * 0.25) << i;
    const auto rows = test_session->hdf5<std::vector<std::int64_t>>(dir_ + "/rows.h5", "/rows").collect();
    ASSERT_EQ(rows.size(), static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) ASSERT_EQ(rows[i], (std::vector<std::int64_t>{i, -i, i % 5})) << i;
    const auto s = test_session->hdf5(dir_ + "/s.h5", "/s", sample_type()).collect();
    ASSERT_EQ(s.size(), static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      ASSERT_EQ(s[i].x, double(i) / 3);
      ASSERT_EQ(s[i].y, float(i) / 7);
      ASSERT_EQ(s[i].id, i);
    }
    const auto t = test_session->hdf5<std::string>(dir_ + "/t.h5", "/t").collect();
    ASSERT_EQ(t.size(), static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      ASSERT_EQ(t[i], std::string(static_cast<std::size_t>(i % 13), char('a' + i % 26))) << i;
    }
  }
  // No temporary file or staged partition is left beside the outputs.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"d.h5", "rows.h5", "s.h5", "t.h5"}));
}

TEST_F(Hdf5, AnExistingOutputIs73AndALossyReadIs65OnEveryRank) {
  test_session->range(0, 10).save_as_hdf5(dir_ + "/v.h5", "/v");
  try {
    test_session->range(0, 10).save_as_hdf5(dir_ + "/v.h5", "/v");
    ADD_FAILURE() << "expected a JobError";
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kCantCreate) << e.what();
  }
  test_session->range(0, 10)
      .map([](std::int64_t i) { return i * 2; })
      .save_as_hdf5(dir_ + "/v.h5", "/v", dataflow::hdf5::WriteOptions{.overwrite = true});
  EXPECT_EQ(test_session->hdf5<std::int64_t>(dir_ + "/v.h5", "/v").sum(), 90);
  try {
    test_session->hdf5<std::int32_t>(dir_ + "/v.h5", "/v").count();
    ADD_FAILURE() << "expected a JobError";
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kDataError) << e.what();
    EXPECT_NE(std::string(e.what()).find("int64"), std::string::npos) << e.what();
  }
}

}  // namespace

namespace {

template <class F>
dataflow::ExitCode job_error_code(F f) {
  try {
    f();
  } catch (const dataflow::JobError& e) {
    return e.code();
  }
  return dataflow::ExitCode::kOk;
}

TEST_F(Hdf5, BadArgumentsAndUnstorableStringsAreRefusedOnEveryRank) {
  using dataflow::ExitCode;
  auto v = test_session->range(0, 10);
  EXPECT_EQ(job_error_code([&] { v.save_as_hdf5(dir_ + "/a.h5", "/"); }), ExitCode::kUsage);
  EXPECT_EQ(job_error_code([&] { v.save_as_hdf5(dir_ + "/a.h5", "x"); }), ExitCode::kUsage);
  EXPECT_EQ(job_error_code([&] { v.save_as_hdf5(dir_ + "/a.h5", "/x", dataflow::hdf5::WriteOptions{.gzip = 10}); }),
            ExitCode::kUsage);
  EXPECT_EQ(job_error_code([] {
              dataflow::hdf5::Compound<Sample>{{"x", &Sample::x}, {"x", &Sample::y}};
            }),
            ExitCode::kUsage);
  EXPECT_EQ(job_error_code([&] {
              v.map([](std::int64_t i) {
                 return i == 7 ? std::string("a\0b", 3) : std::string("ok");
               }).save_as_hdf5(dir_ + "/nul.h5", "/s");
            }),
            ExitCode::kDataError);
  EXPECT_FALSE(fs::exists(dir_ + "/nul.h5"));
  EXPECT_FALSE(fs::exists(dir_ + "/a.h5"));
}

}  // namespace
