// What the typed HDF5 templates tell the library about a record type, and what the driver
// sends each task of an HDF5 source. Plain data: no HDF5 header is needed to use it; the
// HDF5 calls live in src/io/ (hdf5_*.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace dataflow::detail {
class LocalDir;
}

namespace dataflow::detail::h5 {

// A number type in memory.
enum class Scalar : std::uint8_t { kI8, kI16, kI32, kI64, kU8, kU16, kU32, kU64, kF32, kF64 };

template <class E>
inline constexpr bool kIsScalar =
    std::is_arithmetic_v<E> && !std::is_same_v<E, bool> && !std::is_same_v<E, char> && !std::is_same_v<E, long double>;

template <class E>
constexpr Scalar scalar_of() {
  static_assert(kIsScalar<E>, "HDF5: element types are the integer and floating-point types (not bool or char)");
  if constexpr (std::is_floating_point_v<E>) {
    return sizeof(E) == 4 ? Scalar::kF32 : Scalar::kF64;
  } else if constexpr (std::is_signed_v<E>) {
    return sizeof(E) == 1 ? Scalar::kI8 : sizeof(E) == 2 ? Scalar::kI16 : sizeof(E) == 4 ? Scalar::kI32 : Scalar::kI64;
  } else {
    return sizeof(E) == 1 ? Scalar::kU8 : sizeof(E) == 2 ? Scalar::kU16 : sizeof(E) == 4 ? Scalar::kU32 : Scalar::kU64;
  }
}

// "int32", "float64", ...
const char* scalar_name(Scalar s);
std::uint32_t scalar_size(Scalar s);

// How a record maps onto an HDF5 dataset.
enum class Shape : std::uint8_t {
  kValues,    // a number per element of a 1-D dataset
  kRows,      // a row of a 2-D dataset (std::array<E, N>: `columns` = N; std::vector<E>: 0, any)
  kStrings,   // a string per element of a 1-D string dataset, fixed or variable length
  kCompound,  // a struct per element of a 1-D compound dataset, by field names
};

struct Field {
  std::string name;
  Scalar type = Scalar::kF64;
  std::uint32_t offset = 0;  // in the struct
};

struct RecordType {
  Shape shape = Shape::kValues;
  Scalar element = Scalar::kF64;  // kValues, kRows
  std::uint64_t columns = 0;      // kRows: the second dimension asked for, 0 = any
  std::uint32_t size = 0;         // kCompound: sizeof the struct
  std::vector<Field> fields;      // kCompound

  // As messages print it: "float64", "rows of 3 x int32", "compound {x: float64, id: int64}".
  std::string describe() const;
};

// Encoded into the source node's spec (so the plan's fingerprint covers it), decoded by the
// driver when it plans.
std::string encode(const RecordType& t);
RecordType decode_record_type(std::string_view bytes);

// One row range of one file's dataset.
struct Piece {
  std::string path;
  std::uint64_t start = 0;
  std::uint64_t rows = 0;
};

// A task's input (encoded into its descriptor): row ranges read in order, a range of one
// large dataset or several small ones packed together.
struct Split {
  std::string dataset;
  std::uint64_t columns = 0;  // kRows: the file's second dimension
  std::vector<Piece> pieces;
};
std::string encode(const Split& s);
Split decode_split(std::string_view bytes);

// Reads a split's rows in batches into a buffer reused across batches, converted to `type`'s
// memory layout, and calls f(data, rows) for each batch: `data` holds `rows` values, rows
// of `columns` elements, or structs (of type.size bytes); for kStrings it points to `rows`
// std::string_view. Serialized with every other HDF5 call of the process (the library is
// not thread-safe); f runs outside that lock. Throws Error (kNoInput, kDataError) naming the
// file and the dataset.
using BatchFn = std::function<void(const void* data, std::uint64_t rows, std::uint64_t columns)>;
void read_split(std::string_view split, const RecordType& type, const BatchFn& f);

// Where a task of save_as_hdf5 stages its partition before the collective write: a file in
// the executor's local directory, records in their memory layout back to back (kStrings:
// each as a u64 length and its bytes; the file gets fixed-length strings of the longest's).
struct Staged {
  std::int32_t rank = 0;  // the process that holds the file
  std::uint64_t rows = 0;
  std::uint64_t columns = 0;  // kRows (every row of a partition alike; 0 when empty)
  std::uint64_t bytes = 0;
  std::string path;
};
std::string encode(const Staged& s);
std::vector<Staged> decode_staged(std::string_view bytes);  // the job's results, concatenated

// A partition's staging file, made in the local directory (`dir`) of process `rank`;
// removed unless finished.
class StagingFile {
 public:
  StagingFile(LocalDir* dir, int rank);
  ~StagingFile();
  StagingFile(const StagingFile&) = delete;
  StagingFile& operator=(const StagingFile&) = delete;

  void append(const void* data, std::size_t n) {
    if (buffer_.size() + n > kBufferBytes) flush();
    buffer_.append(static_cast<const char*>(data), n);
  }
  // Closes the file; what the task returns.
  Staged finish(std::uint64_t rows, std::uint64_t columns);

 private:
  static constexpr std::size_t kBufferBytes = std::size_t{1} << 20;
  void flush();
  int fd_ = -1;
  int rank_ = 0;
  std::uint64_t bytes_ = 0;
  std::string path_;
  std::string buffer_;
};

// What save_as_hdf5 was asked to write.
struct WriteSpec {
  std::string file;
  std::string dataset;
  RecordType type;
  int gzip = 0;                  // 0: no compression; 1-9: deflate level
  std::uint64_t chunk_rows = 0;  // 0: about 1 MiB of rows per chunk
  bool overwrite = false;
};

}  // namespace dataflow::detail::h5
