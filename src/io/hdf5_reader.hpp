// HDF5 sources: what the driver learns of each dataset while planning, and the row-range
// splits it cuts (the tasks read them with detail::h5::read_split).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/detail/hdf5_types.hpp"

namespace dataflow::io::h5 {

// One file's dataset, checked against the record type.
struct DatasetInfo {
  std::uint64_t rows = 0;
  std::uint64_t columns = 0;     // 2-D: the second dimension
  std::uint64_t row_bytes = 0;   // in the file
  std::uint64_t chunk_rows = 0;  // 0: not chunked
};

// Opens `path` and its dataset and checks them: a missing file or dataset is kNoInput; a
// wrong rank or shape, a type that does not convert losslessly, a filter this HDF5 lacks, a
// file that is not HDF5, truncated or not closed cleanly are kDataError.
DatasetInfo inspect(const std::string& path, const std::string& dataset, const detail::h5::RecordType& type);

// A table's columns as `path`'s dataset stores them (DataFrameReader::hdf5): a compound's
// members in the file's order, or the one column "value" of a dataset of numbers; each with
// the smallest memory type that holds every value. A member that is not a number (a string,
// a nested compound, an array, an enum) is kDataError naming it; a missing file or dataset
// kNoInput. The shape is checked when the read is planned.
struct TableColumn {
  std::string name;
  detail::h5::Scalar type = detail::h5::Scalar::kF64;
};
struct TableLayout {
  bool compound = false;
  std::vector<TableColumn> columns;
};
TableLayout inspect_table(const std::string& path, const std::string& dataset);

// The encoded splits of `files`' datasets, concatenated in file order: row ranges of about
// `limit` bytes (Spark's rule: split_size, lowered so that the input spreads over `slots`
// tasks, but not below the cost of opening a file), aligned to chunk boundaries, with small
// datasets packed together. Empty datasets read as no rows.
std::vector<std::string> plan_splits(const std::vector<std::string>& files, const std::string& dataset,
                                     const detail::h5::RecordType& type, std::uint64_t split_size, std::uint32_t slots);

}  // namespace dataflow::io::h5
