// HDF5 type rules and the memory and file types of reads and writes.
#include "io/hdf5_convert.hpp"

#include <algorithm>
#include <optional>
#include <vector>

namespace dataflow::io::h5 {
namespace {

using detail::h5::scalar_name;
using detail::h5::scalar_size;
using detail::h5::Shape;

constexpr Scalar kAll[] = {Scalar::kI8,  Scalar::kU8,  Scalar::kI16, Scalar::kU16, Scalar::kI32,
                           Scalar::kU32, Scalar::kF32, Scalar::kI64, Scalar::kU64, Scalar::kF64};

bool is_float(Scalar s) { return s == Scalar::kF32 || s == Scalar::kF64; }

// The file's number type, if it is an integer or a float.
std::optional<NumberType> file_number(hid_t t) {
  NumberType n;
  switch (H5Tget_class(t)) {
    case H5T_INTEGER:
      n.is_signed = H5Tget_sign(t) == H5T_SGN_2;
      n.precision = H5Tget_precision(t);
      return n;
    case H5T_FLOAT: {
      std::size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
      if (H5Tget_fields(t, &spos, &epos, &esize, &mpos, &msize) < 0) return std::nullopt;
      n.is_float = true;
      n.is_signed = true;
      n.mantissa = msize;
      n.exponent = esize;
      return n;
    }
    default:
      return std::nullopt;
  }
}

// The smallest C++ type every value of the file's type fits, for the message's hint.
std::optional<Scalar> natural(const NumberType& n) {
  for (Scalar s : kAll) {
    if (lossless(n, s) && (is_float(s) == n.is_float)) return s;
  }
  return std::nullopt;
}

const char* cpp_name(Scalar s) {
  switch (s) {
    case Scalar::kI8:
      return "std::int8_t";
    case Scalar::kI16:
      return "std::int16_t";
    case Scalar::kI32:
      return "std::int32_t";
    case Scalar::kI64:
      return "std::int64_t";
    case Scalar::kU8:
      return "std::uint8_t";
    case Scalar::kU16:
      return "std::uint16_t";
    case Scalar::kU32:
      return "std::uint32_t";
    case Scalar::kU64:
      return "std::uint64_t";
    case Scalar::kF32:
      return "float";
    case Scalar::kF64:
      return "double";
  }
  return "?";
}

void check_number(hid_t file_type, Scalar to, const std::string& where, const std::string& what) {
  const auto n = file_number(file_type);
  if (n && lossless(*n, to)) return;
  std::string msg = where + ": " + what + " is " + describe(file_type) + " in the file, which does not convert to " +
                    scalar_name(to) + " without loss";
  if (n) {
    if (auto fit = natural(*n)) msg += std::string(" (read it as ") + cpp_name(*fit) + ")";
  }
  throw Error(ExitCode::kDataError, msg);
}

}  // namespace

NumberType number_type(Scalar s) {
  NumberType n;
  if (s == Scalar::kF32) {
    n = {true, true, 0, 23, 8};
  } else if (s == Scalar::kF64) {
    n = {true, true, 0, 52, 11};
  } else {
    n.is_signed = s == Scalar::kI8 || s == Scalar::kI16 || s == Scalar::kI32 || s == Scalar::kI64;
    n.precision = scalar_size(s) * 8;
  }
  return n;
}

bool lossless(const NumberType& file, Scalar memory) {
  const NumberType to = number_type(memory);
  if (file.is_float) return to.is_float && file.mantissa <= to.mantissa && file.exponent <= to.exponent;
  if (to.is_float) {  // an integer's magnitude bits must fit the mantissa and its implicit bit
    const std::size_t bits = file.precision - (file.is_signed ? 1 : 0);
    return bits <= to.mantissa + 1;
  }
  if (file.is_signed) return to.is_signed && file.precision <= to.precision;
  return to.is_signed ? file.precision < to.precision : file.precision <= to.precision;
}

std::optional<Scalar> natural_scalar(hid_t file_type) {
  const auto n = file_number(file_type);
  return n ? natural(*n) : std::nullopt;
}

std::string describe(hid_t t) {
  const std::size_t size = H5Tget_size(t);
  switch (H5Tget_class(t)) {
    case H5T_INTEGER: {
      const bool sign = H5Tget_sign(t) == H5T_SGN_2;
      const std::size_t precision = H5Tget_precision(t);
      std::string s = std::string(sign ? "int" : "uint") + std::to_string(precision);
      if (precision != size * 8) s += " (in " + std::to_string(size) + " bytes)";
      if (H5Tget_order(t) == H5T_ORDER_BE) s += " (big-endian)";
      return s;
    }
    case H5T_FLOAT: {
      std::string s = size == 2   ? "float16"
                      : size == 4 ? "float32"
                      : size == 8 ? "float64"
                                  : "float (" + std::to_string(size) + " bytes)";
      if (H5Tget_order(t) == H5T_ORDER_BE) s += " (big-endian)";
      return s;
    }
    case H5T_STRING:
      return H5Tis_variable_str(t) > 0 ? "string (variable length)"
                                       : "string (fixed length, " + std::to_string(size) + " bytes)";
    case H5T_COMPOUND: {
      std::string s = "compound {";
      const int n = H5Tget_nmembers(t);
      for (int i = 0; i < n; ++i) {
        char* name = H5Tget_member_name(t, static_cast<unsigned>(i));
        Hid member(H5Tget_member_type(t, static_cast<unsigned>(i)));
        s += (i ? ", " : "") + std::string(name ? name : "?") + ": " + (member.get() >= 0 ? describe(member) : "?");
        H5free_memory(name);
      }
      return s + "}";
    }
    case H5T_ENUM:
      return "enum";
    case H5T_ARRAY:
      return "array";
    case H5T_VLEN:
      return "variable-length sequence";
    case H5T_OPAQUE:
      return "opaque";
    case H5T_BITFIELD:
      return "bitfield";
    case H5T_REFERENCE:
      return "reference";
    case H5T_TIME:
      return "time";
    default:
      return "unknown type";
  }
}

void check_readable(hid_t file_type, const RecordType& type, const std::string& where) {
  switch (type.shape) {
    case Shape::kValues:
    case Shape::kRows:
      check_number(file_type, type.element, where, "the element type");
      return;
    case Shape::kStrings:
      if (H5Tget_class(file_type) != H5T_STRING) {
        throw Error(ExitCode::kDataError, where + ": the file holds " + describe(file_type) +
                                              ", which is not a string type (read as string)");
      }
      return;
    case Shape::kCompound: {
      if (H5Tget_class(file_type) != H5T_COMPOUND) {
        throw Error(ExitCode::kDataError, where + ": the file holds " + describe(file_type) +
                                              ", not a compound type (read as " + type.describe() + ")");
      }
      for (const auto& f : type.fields) {
        const int index = H5Tget_member_index(file_type, f.name.c_str());
        if (index < 0) {
          H5Eclear2(H5E_DEFAULT);
          throw Error(ExitCode::kDataError, where + ": the compound type has no field \"" + f.name +
                                                "\" (the file's type is " + describe(file_type) + ")");
        }
        Hid member = owned(H5Tget_member_type(file_type, static_cast<unsigned>(index)), where);
        check_number(member, f.type, where, "field \"" + f.name + "\"");
      }
      return;
    }
  }
}

Hid native(Scalar s) {
  hid_t t = H5T_NATIVE_DOUBLE;
  switch (s) {
    case Scalar::kI8:
      t = H5T_NATIVE_INT8;
      break;
    case Scalar::kI16:
      t = H5T_NATIVE_INT16;
      break;
    case Scalar::kI32:
      t = H5T_NATIVE_INT32;
      break;
    case Scalar::kI64:
      t = H5T_NATIVE_INT64;
      break;
    case Scalar::kU8:
      t = H5T_NATIVE_UINT8;
      break;
    case Scalar::kU16:
      t = H5T_NATIVE_UINT16;
      break;
    case Scalar::kU32:
      t = H5T_NATIVE_UINT32;
      break;
    case Scalar::kU64:
      t = H5T_NATIVE_UINT64;
      break;
    case Scalar::kF32:
      t = H5T_NATIVE_FLOAT;
      break;
    case Scalar::kF64:
      t = H5T_NATIVE_DOUBLE;
      break;
  }
  return owned(H5Tcopy(t), "H5Tcopy", ExitCode::kSoftware);
}

Hid standard(Scalar s) {
  hid_t t = H5T_IEEE_F64LE;
  switch (s) {
    case Scalar::kI8:
      t = H5T_STD_I8LE;
      break;
    case Scalar::kI16:
      t = H5T_STD_I16LE;
      break;
    case Scalar::kI32:
      t = H5T_STD_I32LE;
      break;
    case Scalar::kI64:
      t = H5T_STD_I64LE;
      break;
    case Scalar::kU8:
      t = H5T_STD_U8LE;
      break;
    case Scalar::kU16:
      t = H5T_STD_U16LE;
      break;
    case Scalar::kU32:
      t = H5T_STD_U32LE;
      break;
    case Scalar::kU64:
      t = H5T_STD_U64LE;
      break;
    case Scalar::kF32:
      t = H5T_IEEE_F32LE;
      break;
    case Scalar::kF64:
      t = H5T_IEEE_F64LE;
      break;
  }
  return owned(H5Tcopy(t), "H5Tcopy", ExitCode::kSoftware);
}

namespace {

Hid variable_string(H5T_cset_t cset) {
  Hid t = owned(H5Tcopy(H5T_C_S1), "H5Tcopy", ExitCode::kSoftware);
  check_status(H5Tset_size(t, H5T_VARIABLE), "H5Tset_size", ExitCode::kSoftware);
  check_status(H5Tset_cset(t, cset), "H5Tset_cset", ExitCode::kSoftware);
  return t;
}

Hid fixed_string(std::size_t length) {
  Hid t = owned(H5Tcopy(H5T_C_S1), "H5Tcopy", ExitCode::kSoftware);
  check_status(H5Tset_size(t, std::max<std::size_t>(length, 1)), "H5Tset_size", ExitCode::kSoftware);
  check_status(H5Tset_strpad(t, H5T_STR_NULLPAD), "H5Tset_strpad", ExitCode::kSoftware);
  check_status(H5Tset_cset(t, H5T_CSET_UTF8), "H5Tset_cset", ExitCode::kSoftware);
  return t;
}

Hid compound(const RecordType& type, bool packed) {
  std::size_t size = type.size;
  if (packed) {
    size = 0;
    for (const auto& f : type.fields) size += scalar_size(f.type);
  }
  Hid t = owned(H5Tcreate(H5T_COMPOUND, size), "H5Tcreate", ExitCode::kSoftware);
  std::size_t at = 0;
  for (const auto& f : type.fields) {
    Hid member = packed ? standard(f.type) : native(f.type);
    check_status(H5Tinsert(t, f.name.c_str(), packed ? at : f.offset, member), "compound field " + f.name,
                 ExitCode::kUsage);
    at += scalar_size(f.type);
  }
  return t;
}

}  // namespace

Hid memory_type(hid_t file_type, const RecordType& type) {
  switch (type.shape) {
    case Shape::kValues:
    case Shape::kRows:
      return native(type.element);
    case Shape::kStrings:
      if (H5Tis_variable_str(file_type) > 0) return variable_string(H5Tget_cset(file_type));
      return owned(H5Tcopy(file_type), "H5Tcopy", ExitCode::kSoftware);
    case Shape::kCompound:
      return compound(type, false);
  }
  throw Error(ExitCode::kSoftware, "HDF5: unknown record shape");
}

Hid memory_type_for_write(const RecordType& type, std::size_t string_length) {
  switch (type.shape) {
    case Shape::kValues:
    case Shape::kRows:
      return native(type.element);
    case Shape::kStrings:
      return fixed_string(string_length);
    case Shape::kCompound:          // the writer packs the structs first: no conversion, which would
      return compound(type, true);  // turn off collective I/O and, with gzip, fail under MPI
  }
  throw Error(ExitCode::kSoftware, "HDF5: unknown record shape");
}

Hid file_type_for_write(const RecordType& type, std::size_t string_length) {
  switch (type.shape) {
    case Shape::kValues:
    case Shape::kRows:
      return standard(type.element);
    case Shape::kStrings:
      return fixed_string(string_length);
    case Shape::kCompound:
      return compound(type, true);
  }
  throw Error(ExitCode::kSoftware, "HDF5: unknown record shape");
}

}  // namespace dataflow::io::h5
