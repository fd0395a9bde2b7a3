// HDF5 type rules, planning (shapes, types, chunk-aligned splits, packing) and reading,
// over small files made here with the C API.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cstdint>
#include <array>
#include <filesystem>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "dataflow/error.hpp"
#include "dataflow/hdf5.hpp"
#include "io/hdf5_convert.hpp"
#include "io/hdf5_reader.hpp"

namespace dataflow::io::h5 {
namespace {

namespace fs = std::filesystem;
using detail::h5::RecordType;
using detail::h5::record_type_of;

NumberType file_int(std::size_t bits, bool is_signed) { return {false, is_signed, bits, 0, 0}; }
NumberType file_float(std::size_t mantissa, std::size_t exponent) { return {true, true, 0, mantissa, exponent}; }

TEST(Hdf5Types, LosslessConversionsAreAcceptedAndNoOthers) {
  EXPECT_TRUE(lossless(file_int(32, true), Scalar::kI64));
  EXPECT_TRUE(lossless(file_int(32, true), Scalar::kI32));
  EXPECT_FALSE(lossless(file_int(64, true), Scalar::kI32));  // 2^40 must never become 2147483647
  EXPECT_TRUE(lossless(file_int(32, false), Scalar::kI64));
  EXPECT_FALSE(lossless(file_int(32, false), Scalar::kI32));
  EXPECT_FALSE(lossless(file_int(64, false), Scalar::kI64));
  EXPECT_FALSE(lossless(file_int(8, true), Scalar::kU64));  // negatives
  EXPECT_TRUE(lossless(file_int(8, false), Scalar::kI16));
  EXPECT_FALSE(lossless(file_int(16, false), Scalar::kI16));
  EXPECT_TRUE(lossless(file_int(16, true), Scalar::kF32));
  EXPECT_TRUE(lossless(file_int(24, false), Scalar::kF32));
  EXPECT_FALSE(lossless(file_int(32, true), Scalar::kF32));
  EXPECT_TRUE(lossless(file_int(32, true), Scalar::kF64));
  EXPECT_TRUE(lossless(file_int(32, false), Scalar::kF64));
  EXPECT_FALSE(lossless(file_int(64, true), Scalar::kF64));
  EXPECT_TRUE(lossless(file_float(23, 8), Scalar::kF64));
  EXPECT_TRUE(lossless(file_float(10, 5), Scalar::kF32));  // half precision
  EXPECT_FALSE(lossless(file_float(52, 11), Scalar::kF32));
  EXPECT_FALSE(lossless(file_float(23, 8), Scalar::kI64));  // never floats into integers
  EXPECT_FALSE(lossless(file_float(10, 5), Scalar::kI32));
}

class Hdf5Files : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dataflow-hdf5-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A file with one dataset `name` of `dims` elements of `type`, chunked by `chunk` rows
  // (0: contiguous), holding `data`.
  std::string make(const std::string& file, const std::string& name, std::vector<hsize_t> dims, hid_t type,
                   const void* data, hsize_t chunk = 0) {
    const std::string path = (dir_ / file).string();
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (chunk) {
      std::vector<hsize_t> c = dims;
      c[0] = chunk;
      H5Pset_chunk(dcpl, static_cast<int>(c.size()), c.data());
    }
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t d = H5Dcreate2(f, name.c_str(), type, space, lcpl, dcpl, H5P_DEFAULT);
    EXPECT_GE(d, 0) << path << ":" << name;
    if (data) H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Pclose(lcpl);
    H5Sclose(space);
    H5Fclose(f);
    return path;
  }

  static ExitCode code_of(const std::function<void()>& f, std::string* message = nullptr) {
    try {
      f();
    } catch (const Error& e) {
      if (message) *message = e.what();
      return e.code();
    }
    return ExitCode::kOk;
  }

  fs::path dir_;
};

TEST_F(Hdf5Files, AnInt64OverTwoToThe31IsRefusedAsInt32AndReadAsInt64) {
  const std::vector<std::int64_t> values = {std::int64_t{1} << 40, -7, 3};
  const std::string path = make("big.h5", "/v", {3}, H5T_STD_I64LE, values.data());
  std::string message;
  EXPECT_EQ(code_of([&] { inspect(path, "/v", record_type_of<std::int32_t>()); }, &message), ExitCode::kDataError);
  EXPECT_NE(message.find("int64"), std::string::npos) << message;
  EXPECT_NE(message.find("int32"), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("/v"), std::string::npos) << message;
  EXPECT_EQ(code_of([&] { inspect(path, "/v", record_type_of<double>()); }), ExitCode::kDataError);

  const auto splits = plan_splits({path}, "/v", record_type_of<std::int64_t>(), 1 << 20, 1);
  ASSERT_EQ(splits.size(), 1u);
  std::vector<std::int64_t> read;
  detail::h5::read_split(splits[0], record_type_of<std::int64_t>(), [&](const void* data, std::uint64_t n, std::uint64_t) {
    const auto* v = static_cast<const std::int64_t*>(data);
    read.insert(read.end(), v, v + n);
  });
  EXPECT_EQ(read, values);
}

TEST_F(Hdf5Files, ShapesAndObjectsThatDoNotMatchAreNamed) {
  const std::vector<double> grid(12, 1.0);
  const std::string path = make("grid.h5", "/g/grid", {4, 3}, H5T_IEEE_F64LE, grid.data());
  std::string message;
  EXPECT_EQ(code_of([&] { inspect(path, "/g/grid", record_type_of<double>()); }, &message), ExitCode::kDataError);
  EXPECT_NE(message.find("(4, 3)"), std::string::npos) << message;
  EXPECT_NE(message.find("(n,)"), std::string::npos) << message;
  EXPECT_EQ(code_of([&] { inspect(path, "/g/grid", record_type_of<std::array<double, 4>>()); }, &message),
            ExitCode::kDataError);
  EXPECT_NE(message.find("(n, 4)"), std::string::npos) << message;
  EXPECT_EQ(inspect(path, "/g/grid", record_type_of<std::array<double, 3>>()).columns, 3u);
  EXPECT_EQ(inspect(path, "/g/grid", record_type_of<std::vector<double>>()).rows, 4u);
  EXPECT_EQ(code_of([&] { inspect(path, "/g/grid", record_type_of<std::vector<float>>()); }), ExitCode::kDataError);
}

TEST_F(Hdf5Files, MissingObjectsAre66AndGroupsAre65) {
  const std::vector<double> v(5, 1.0);
  const std::string path = make("v.h5", "/v", {5}, H5T_IEEE_F64LE, v.data());
  EXPECT_EQ(code_of([&] { inspect(path, "/w", record_type_of<double>()); }), ExitCode::kNoInput);
  EXPECT_EQ(code_of([&] { inspect(path, "/a/b/c", record_type_of<double>()); }), ExitCode::kNoInput);
  EXPECT_EQ(code_of([&] { inspect(path, "/", record_type_of<double>()); }), ExitCode::kDataError);
  EXPECT_EQ(code_of([&] { inspect((dir_ / "none.h5").string(), "/v", record_type_of<double>()); }),
            ExitCode::kNoInput);
}

TEST_F(Hdf5Files, SplitsAreAlignedToChunksAndCoverEveryRowOnce) {
  std::vector<double> v(1000);
  std::iota(v.begin(), v.end(), 0.0);
  const std::string path = make("chunked.h5", "/v", {1000}, H5T_IEEE_F64LE, v.data(), 64);
  // 800 bytes is 100 rows, rounded up to two chunks: ranges of 128 rows.
  const auto splits = plan_splits({path}, "/v", record_type_of<double>(), 800, 1);
  ASSERT_EQ(splits.size(), 8u);
  std::vector<double> read;
  for (const auto& s : splits) {
    const auto split = detail::h5::decode_split(s);
    ASSERT_EQ(split.pieces.size(), 1u);
    EXPECT_EQ(split.pieces[0].start % 128, 0u);
    detail::h5::read_split(s, record_type_of<double>(), [&](const void* data, std::uint64_t n, std::uint64_t) {
      const auto* d = static_cast<const double*>(data);
      read.insert(read.end(), d, d + n);
    });
  }
  EXPECT_EQ(read, v);
  // A split of one row (contiguous): one row per task.
  const std::string flat = make("flat.h5", "/v", {5}, H5T_IEEE_F64LE, v.data());
  EXPECT_EQ(plan_splits({flat}, "/v", record_type_of<double>(), 8, 1).size(), 5u);
}

TEST_F(Hdf5Files, SmallFilesArePackedIntoOneSplitAndEmptyOnesReadAsNothing) {
  std::vector<std::string> files;
  const std::vector<std::int32_t> ten = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  for (int i = 0; i < 12; ++i) files.push_back(make("f" + std::to_string(i) + ".h5", "/v", {10}, H5T_STD_I32LE, ten.data()));
  files.push_back(make("empty.h5", "/v", {0}, H5T_STD_I32LE, nullptr));
  const auto splits = plan_splits(files, "/v", record_type_of<std::int64_t>(), 128 << 20, 1);
  ASSERT_EQ(splits.size(), 1u);
  EXPECT_EQ(detail::h5::decode_split(splits[0]).pieces.size(), 12u);
  std::uint64_t rows = 0;
  std::int64_t sum = 0;
  detail::h5::read_split(splits[0], record_type_of<std::int64_t>(), [&](const void* data, std::uint64_t n, std::uint64_t) {
    rows += n;
    for (std::uint64_t i = 0; i < n; ++i) sum += static_cast<const std::int64_t*>(data)[i];
  });
  EXPECT_EQ(rows, 120u);
  EXPECT_EQ(sum, 12 * 45);
}

}  // namespace
}  // namespace dataflow::io::h5
