// Session::hdf5: typed producers over read_split's batches (HDF5 in).
#pragma once

#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/dataset.hpp"
#include "dataflow/hdf5.hpp"
#include "dataflow/session.hpp"

namespace dataflow {

template <class T>
Dataset<T> Session::hdf5(std::vector<std::string> paths, std::string dataset) {
  static_assert(detail::h5::kPlainType<T> && !std::is_same_v<T, std::string_view>,
                "session.hdf5<T>: T is a number, std::array<E, N>, std::vector<E> or std::string; for a struct, "
                "pass its dataflow::hdf5::Compound<S> as the third argument");
  return hdf5_source<T>(std::move(paths), std::move(dataset), detail::h5::record_type_of<T>());
}

template <class S>
Dataset<S> Session::hdf5(std::vector<std::string> paths, std::string dataset,
                         const ::dataflow::hdf5::Compound<S>& compound) {
  return hdf5_source<S>(std::move(paths), std::move(dataset), compound.record_type());
}

template <class T>
Dataset<T> Session::hdf5_source(std::vector<std::string> paths, std::string dataset,
                                const detail::h5::RecordType& type) {
  using detail::h5::Shape;
  std::string label = "hdf5(";
  for (std::size_t i = 0; i < paths.size(); ++i) label += (i ? ", " : "") + paths[i];
  label += ":" + dataset + ", " + type.describe() + ")";
  detail::NodeSpec spec{detail::OpKind::kHdf5, {}, std::move(label)};
  spec.paths = std::move(paths);
  spec.dataset = std::move(dataset);
  spec.record_type = detail::h5::encode(type);
  const int node = runtime()->add_node(std::move(spec));
  auto producer =
      std::make_shared<const detail::Producer<T>>([node, type](detail::TaskContext& ctx, detail::Emit<T> emit) {
        detail::h5::read_split(ctx.input(node).slice, type,
                               [&emit, &type](const void* data, std::uint64_t rows, std::uint64_t columns) {
                                 const char* bytes = static_cast<const char*>(data);
                                 if constexpr (std::is_same_v<T, std::string>) {
                                   const auto* views = static_cast<const std::string_view*>(data);
                                   std::string s;
                                   for (std::uint64_t i = 0; i < rows; ++i) {
                                     s.assign(views[i]);
                                     emit(s);
                                   }
                                 } else if constexpr (detail::h5::IsStdVector<T>::value) {
                                   using E = typename detail::h5::IsStdVector<T>::element;
                                   T row(columns);
                                   for (std::uint64_t i = 0; i < rows; ++i) {
                                     std::memcpy(row.data(), bytes + i * columns * sizeof(E), columns * sizeof(E));
                                     emit(row);
                                   }
                                 } else if (type.shape == Shape::kCompound) {
                                   // The fields the Compound names; other members keep T{}'s values.
                                   for (std::uint64_t i = 0; i < rows; ++i) {
                                     T x{};
                                     for (const auto& f : type.fields) {
                                       std::memcpy(reinterpret_cast<char*>(&x) + f.offset,
                                                   bytes + i * sizeof(T) + f.offset, detail::h5::scalar_size(f.type));
                                     }
                                     emit(x);
                                   }
                                 } else {  // numbers, std::array rows: fixed-size records
                                   T x{};
                                   for (std::uint64_t i = 0; i < rows; ++i) {
                                     std::memcpy(static_cast<void*>(&x), bytes + i * sizeof(T), sizeof(T));
                                     emit(x);
                                   }
                                 }
                               });
      });
  return Dataset<T>(runtime(), node, std::move(producer));
}

}  // namespace dataflow
