// HDF5 record types: which C++ types map onto which datasets, and Compound, the description
// of a user struct as a compound type. Read with session.hdf5<T>(...), write with
// dataset.save_as_hdf5(...) (README: HDF5).
//
//   T                      dataset
//   integer or floating    1-D, of any integer or float type the value converts to losslessly
//   std::array<E, N>       2-D with N columns, a row per record
//   std::vector<E>         2-D, any number of columns, a row per record
//   std::string            1-D strings, fixed or variable length
//   a struct S             1-D compound, with a Compound<S> naming its fields
//
// A conversion is accepted only when it is lossless for every value of the file's type
// (int32 into int64, float into double, int16 into float); any other is exit code 65.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/detail/hdf5_types.hpp"
#include "dataflow/error.hpp"

namespace dataflow::hdf5 {

// One field of a compound type: its name in the file and the struct member it goes to.
template <class S>
struct Member {
  template <class M>
  Member(std::string field_name, M S::*member)  // NOLINT(google-explicit-constructor): brace lists
      : name(std::move(field_name)), type(detail::h5::scalar_of<M>()) {
    static_assert(detail::h5::kIsScalar<M>, "Compound: members are integer or floating-point numbers");
    const S probe{};
    offset = static_cast<std::uint32_t>(reinterpret_cast<const char*>(&(probe.*member)) -
                                        reinterpret_cast<const char*>(&probe));
  }
  std::string name;
  detail::h5::Scalar type;
  std::uint32_t offset = 0;
};

// A struct as an HDF5 compound type, described once by its fields:
//   Compound<Particle>{{"x", &Particle::x}, {"y", &Particle::y}, {"id", &Particle::id}}
// Reading matches members to the file's fields by name (fields the struct does not name are
// not read); writing makes a compound of exactly these fields.
template <class S>
class Compound {
  static_assert(std::is_trivially_copyable_v<S> && std::is_default_constructible_v<S>,
                "Compound: the struct must be trivially copyable and default-constructible (numbers only)");

 public:
  // Every rank describes it alike, so a mistake is a JobError (exit 64), printed once.
  Compound(std::initializer_list<Member<S>> members) {
    type_.shape = detail::h5::Shape::kCompound;
    type_.size = sizeof(S);
    for (const auto& m : members) {
      if (m.name.empty()) throw JobError(ExitCode::kUsage, "Compound: a field without a name");
      for (const auto& f : type_.fields) {
        if (f.name == m.name) throw JobError(ExitCode::kUsage, "Compound: field \"" + m.name + "\" named twice");
      }
      type_.fields.push_back({m.name, m.type, m.offset});
    }
    if (type_.fields.empty()) throw JobError(ExitCode::kUsage, "Compound: no fields");
  }
  const detail::h5::RecordType& record_type() const { return type_; }

 private:
  detail::h5::RecordType type_;
};

// How save_as_hdf5 writes.
struct WriteOptions {
  int gzip = 0;                  // deflate level 1-9; 0 writes uncompressed
  std::uint64_t chunk_rows = 0;  // rows per chunk; 0: about 1 MiB of rows
  bool overwrite = false;        // replace an existing file (at the end, by rename); else exit code 73
};

}  // namespace dataflow::hdf5

namespace dataflow::detail::h5 {

template <class T>
struct IsStdArray : std::false_type {};
template <class E, std::size_t N>
struct IsStdArray<std::array<E, N>> : std::true_type {
  using element = E;
  static constexpr std::size_t size = N;
};
template <class T>
struct IsStdVector : std::false_type {};
template <class E, class A>
struct IsStdVector<std::vector<E, A>> : std::true_type {
  using element = E;
};

// Whether T maps onto a dataset without a Compound.
template <class T>
inline constexpr bool kPlainType = kIsScalar<T> || std::is_same_v<T, std::string> ||
                                   std::is_same_v<T, std::string_view> || IsStdArray<T>::value || IsStdVector<T>::value;

template <class T>
RecordType record_type_of() {
  RecordType t;
  if constexpr (kIsScalar<T>) {
    t.shape = Shape::kValues;
    t.element = scalar_of<T>();
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    t.shape = Shape::kStrings;
  } else if constexpr (IsStdArray<T>::value) {
    static_assert(kIsScalar<typename IsStdArray<T>::element>, "HDF5 rows: std::array of numbers");
    t.shape = Shape::kRows;
    t.element = scalar_of<typename IsStdArray<T>::element>();
    t.columns = IsStdArray<T>::size;
  } else if constexpr (IsStdVector<T>::value) {
    static_assert(kIsScalar<typename IsStdVector<T>::element>, "HDF5 rows: std::vector of numbers");
    t.shape = Shape::kRows;
    t.element = scalar_of<typename IsStdVector<T>::element>();
  }
  return t;
}

}  // namespace dataflow::detail::h5
