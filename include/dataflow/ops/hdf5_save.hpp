// Dataset::save_as_hdf5: the staging tasks; the engine writes the file (HDF5 out).
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "dataflow/dataset.hpp"
#include "dataflow/hdf5.hpp"

namespace dataflow {

template <class T, class Chain>
void Dataset<T, Chain>::save_as_hdf5(const std::string& file, const std::string& dataset,
                                     const hdf5::WriteOptions& options) const {
  static_assert(detail::kIsError<T> || detail::h5::kPlainType<T>,  // (a failed transformation has said why)
                "save_as_hdf5: records are numbers, std::array<E, N>, std::vector<E> or strings; for a struct, pass "
                "its dataflow::hdf5::Compound<S> as the third argument");
  if constexpr (detail::h5::kPlainType<T>) save_hdf5_as(file, dataset, detail::h5::record_type_of<T>(), options);
}

template <class T, class Chain>
template <class S>
void Dataset<T, Chain>::save_as_hdf5(const std::string& file, const std::string& dataset,
                                     const hdf5::Compound<S>& compound, const hdf5::WriteOptions& options) const {
  static_assert(detail::kIsError<T> || std::is_same_v<std::remove_cv_t<T>, S>,
                "save_as_hdf5: the Compound describes another type");
  if constexpr (std::is_same_v<std::remove_cv_t<T>, S>) save_hdf5_as(file, dataset, compound.record_type(), options);
}

template <class T, class Chain>
void Dataset<T, Chain>::save_hdf5_as(const std::string& file, const std::string& dataset,
                                     const detail::h5::RecordType& type, const hdf5::WriteOptions& options) const {
  save_hdf5_staged(
      file, dataset, type, options,
      [](const T& x, detail::h5::StagingFile& staged, std::uint64_t& rows, std::uint64_t& columns) {
        if constexpr (std::is_convertible_v<const T&, std::string_view>) {
          const std::string_view s(x);
          if (s.find('\0') != std::string_view::npos) {
            throw Error(ExitCode::kDataError, "save_as_hdf5: a string holds a NUL byte, which an HDF5 string cannot");
          }
          const std::uint64_t n = s.size();
          if (n > columns) columns = n;  // the file's strings are as long as the longest
          staged.append(&n, sizeof n);
          staged.append(s.data(), s.size());
        } else if constexpr (detail::h5::IsStdVector<T>::value) {
          if (rows == 0) columns = x.size();
          if (x.size() != columns) {
            throw Error(ExitCode::kDataError, "save_as_hdf5: rows of " + std::to_string(columns) + " and of " +
                                                  std::to_string(x.size()) + " values; a 2-D dataset needs rows alike");
          }
          staged.append(x.data(), x.size() * sizeof(typename T::value_type));
        } else if constexpr (detail::h5::IsStdArray<T>::value) {
          columns = x.size();
          staged.append(x.data(), sizeof x);
        } else {
          staged.append(static_cast<const void*>(&x), sizeof x);
        }
        ++rows;
      });
}

template <class T, class Chain>
template <class Stage>
void Dataset<T, Chain>::save_hdf5_staged(const std::string& file, const std::string& dataset,
                                         const detail::h5::RecordType& type, const hdf5::WriteOptions& options,
                                         Stage stage) const {
  // Every rank checks alike and throws alike: JobError, so that the driver alone prints it.
  if (options.gzip < 0 || options.gzip > 9) {
    throw JobError(ExitCode::kUsage, "save_as_hdf5: gzip level " + std::to_string(options.gzip) + " (0-9)");
  }
  if (dataset.size() < 2 || dataset[0] != '/' || dataset.back() == '/') {
    throw JobError(ExitCode::kUsage,
                   "save_as_hdf5: the dataset path must be /name or /group/name: \"" + dataset + "\"");
  }
  if (file.empty()) throw JobError(ExitCode::kUsage, "save_as_hdf5: an empty file name");
  detail::NodeSpec spec{detail::OpKind::kSaveAsHdf5, {node_}, "save_as_hdf5(" + file + ":" + dataset + ")"};
  spec.paths = {file};
  spec.dataset = dataset;
  spec.record_type = detail::h5::encode(type);
  const int node = runtime_->add_node(std::move(spec));
  runtime_->set_result_runner(node, [source = source_, chain = chain_, stage](detail::TaskContext& ctx) {
    detail::h5::StagingFile staged(ctx.memory.dir, ctx.rank);
    std::uint64_t rows = 0, columns = 0;
    auto push = [&](const T& x) { stage(x, staged, rows, columns); };
    detail::run_chain(*source, chain, ctx, push);
    return detail::h5::encode(staged.finish(rows, columns));
  });
  detail::h5::WriteSpec write;
  write.file = file;
  write.dataset = dataset;
  write.type = type;
  write.gzip = options.gzip;
  write.chunk_rows = options.chunk_rows;
  write.overwrite = options.overwrite;
  runtime_->save_hdf5(node, write);
}

}  // namespace dataflow
