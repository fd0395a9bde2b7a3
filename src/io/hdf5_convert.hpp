// HDF5 type rules: when a file's number type converts into a memory type without loss, and
// the memory and file types libdataflow reads and writes with. The rules are plain functions
// of the types' parameters (tested without a file).
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <optional>
#include <string>

#include "dataflow/detail/hdf5_types.hpp"
#include "io/hdf5_handle.hpp"

namespace dataflow::io::h5 {

using detail::h5::RecordType;
using detail::h5::Scalar;

// A number type as stored: integers by precision (bits that hold the value) and sign, floats
// by their mantissa and exponent bits.
struct NumberType {
  bool is_float = false;
  bool is_signed = false;
  std::size_t precision = 0;  // integers
  std::size_t mantissa = 0;   // floats, without the implicit bit
  std::size_t exponent = 0;
};
NumberType number_type(Scalar s);

// Whether every value of `file` is exactly a value of `memory`: integers into wider integers
// of the same sign, or unsigned into wider signed; integers into floats whose mantissa holds
// all their bits; floats into floats at least as wide in mantissa and exponent. Never floats
// into integers.
bool lossless(const NumberType& file, Scalar memory);

// The smallest memory type that holds every value of a file's integer or float type, of the
// same kind (an integer type for integers); none for other types.
std::optional<Scalar> natural_scalar(hid_t file_type);

// The file type, as messages print it: "int64", "float32 (big-endian)", "string (variable
// length)", "compound {x: float64, id: int64}", "enum", ...
std::string describe(hid_t file_type);

// Throws Error(kDataError) unless `file_type` reads into `type` losslessly (every compound
// field the struct names exists and converts). `where` names the file and dataset.
void check_readable(hid_t file_type, const RecordType& type, const std::string& where);

// What H5Dread converts into for `type`, given the file's type.
Hid memory_type(hid_t file_type, const RecordType& type);
// The native type of a scalar, and the standard little-endian one files get.
Hid native(Scalar s);
Hid standard(Scalar s);
// For writing `type`: what the rows are in memory, and what the file stores (for structs the
// same packed compound: the writer packs them, so that HDF5 converts nothing). Strings
// are written fixed-length (`string_length` bytes, NUL-padded UTF-8): parallel HDF5 1.10
// cannot write variable-length types, and a file should not depend on how many ranks wrote it.
Hid memory_type_for_write(const RecordType& type, std::size_t string_length);
Hid file_type_for_write(const RecordType& type, std::size_t string_length);

}  // namespace dataflow::io::h5
