// DataFrame: a distributed table with a schema, as Spark's: built from rows
// (session.create_data_frame), transformed lazily (select, filter, with_column) and acted on
// (count, collect, show). Not a template: its engine code is compiled once into the library;
// the rows travel as columnar batches (src/frame/vector/record_batch.hpp) in the engine's
// stages and shuffles. Every rank calls the same methods in the same order, as for Dataset.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/column.hpp"
#include "dataflow/row.hpp"
#include "dataflow/schema.hpp"
#include "dataflow/session.hpp"

namespace dataflow {

namespace detail {
struct FrameData;
}  // namespace detail

class GroupedData;

class DataFrame {
 public:
  DataFrame(std::shared_ptr<const Schema> schema, std::shared_ptr<const detail::FrameData> data);

  // ---- Transformations (lazy) ----
  DataFrame select(const std::vector<Column>& columns) const;
  DataFrame select(const std::vector<std::string>& names) const;
  template <class... Cs>
  DataFrame select(const Cs&... cs) const {
    return select(std::vector<Column>{to_select(cs)...});
  }
  DataFrame filter(const Column& condition) const;
  DataFrame where(const Column& condition) const { return filter(condition); }
  // Adds the column `name`, or replaces the column of that name where it is (Spark's rule).
  DataFrame with_column(const std::string& name, const Column& value) const;
  DataFrame with_column_renamed(const std::string& from, const std::string& to) const;
  DataFrame drop(const std::vector<std::string>& names) const;
  // Rows grouped by the keys' values (nulls form one group), for agg() and friends.
  GroupedData group_by(const std::vector<Column>& keys) const;
  template <class... Cs>
  GroupedData group_by(const Cs&... keys) const;
  // Aggregates over the whole frame: group_by().agg(...), one row (count 0, sum null when
  // the frame is empty).
  DataFrame agg(const std::vector<Column>& aggregates) const;
  template <class... Cs>
  DataFrame agg(const Column& first, const Cs&... rest) const {
    return agg(std::vector<Column>{first, rest...});
  }
  // Sorted by the columns (a Column may carry .desc() or .asc_nulls_last(); plain is
  // ascending with nulls first, as Spark). A total order over the whole frame.
  DataFrame order_by(const std::vector<Column>& keys) const;
  template <class... Cs>
  DataFrame order_by(const Cs&... keys) const {
    return order_by(std::vector<Column>{to_select(keys)...});
  }
  template <class... Cs>
  DataFrame sort(const Cs&... keys) const {
    return order_by(keys...);
  }

  // ---- Actions (every rank calls them; each returns the same on every rank) ----
  std::int64_t count() const;
  std::vector<Row> collect() const;
  std::vector<Row> take(std::int64_t n) const;
  // Prints Spark's table of the first n rows on the driver's stdout (truncate: cell width
  // limit, 0 = none; vertical: one block per row).
  void show(int n = 20, int truncate = 20, bool vertical = false) const;
  std::string show_string(int n = 20, int truncate = 20, bool vertical = false) const;

  // ---- Schema ----
  const Schema& schema() const { return *schema_; }
  std::vector<std::string> columns() const { return schema_->names(); }
  void print_schema() const;
  Column operator[](const std::string& name) const;  // a column of this frame, checked now

 private:
  static Column to_select(const Column& c) { return c; }
  static Column to_select(const std::string& name);
  static Column to_select(const char* name) { return to_select(std::string(name)); }

  friend class GroupedData;
  std::shared_ptr<const Schema> schema_;
  std::shared_ptr<const detail::FrameData> data_;
};

// A DataFrame's rows by group (Spark's GroupedData / RelationalGroupedDataset).
class GroupedData {
 public:
  GroupedData(DataFrame frame, std::vector<Column> keys) : frame_(std::move(frame)), keys_(std::move(keys)) {}
  // The keys, then one column per aggregate (F::sum(...), F::count("*"), ...), named as
  // Spark names them (sum(age), count(1)) unless aliased.
  DataFrame agg(const std::vector<Column>& aggregates) const;
  // Spark's dict form: {{"age", "sum"}, {"*", "count"}}; functions sum, avg/mean/average,
  // count, min, max; columns named sum(age), count(1).
  DataFrame agg(const std::vector<std::pair<std::string, std::string>>& column_function) const;
  template <class... Cs>
  DataFrame agg(const Column& first, const Cs&... rest) const {
    return agg(std::vector<Column>{first, rest...});
  }
  // Rows per group, a long column named count.
  DataFrame count() const;
  // Spark's shortcuts: sum(a), avg(a), min(a), max(a) per named column, or over every
  // numeric column when none is named.
  DataFrame sum(const std::vector<std::string>& names) const;
  DataFrame avg(const std::vector<std::string>& names) const;
  DataFrame mean(const std::vector<std::string>& names) const { return avg(names); }
  DataFrame min(const std::vector<std::string>& names) const;
  DataFrame max(const std::vector<std::string>& names) const;
  template <class... Ss>
  DataFrame sum(const Ss&... names) const {
    return sum(std::vector<std::string>{std::string(names)...});
  }
  template <class... Ss>
  DataFrame avg(const Ss&... names) const {
    return avg(std::vector<std::string>{std::string(names)...});
  }
  template <class... Ss>
  DataFrame mean(const Ss&... names) const {
    return avg(std::vector<std::string>{std::string(names)...});
  }
  template <class... Ss>
  DataFrame min(const Ss&... names) const {
    return min(std::vector<std::string>{std::string(names)...});
  }
  template <class... Ss>
  DataFrame max(const Ss&... names) const {
    return max(std::vector<std::string>{std::string(names)...});
  }

 private:
  DataFrame frame_;
  std::vector<Column> keys_;
};

template <class... Cs>
GroupedData DataFrame::group_by(const Cs&... keys) const {
  return group_by(std::vector<Column>{to_select(keys)...});
}

namespace detail {

// The column type of a C++ value type in create_data_frame's rows.
template <class T>
constexpr Type frame_type() {
  using U = std::decay_t<T>;
  if constexpr (std::is_same_v<U, bool>)
    return Type::kBool;
  else if constexpr (std::is_integral_v<U> && sizeof(U) <= 4 && std::is_signed_v<U>)
    return Type::kInt32;
  else if constexpr (std::is_integral_v<U>)
    return Type::kInt64;
  else if constexpr (std::is_same_v<U, float>)
    return Type::kFloat32;
  else if constexpr (std::is_floating_point_v<U>)
    return Type::kFloat64;
  else if constexpr (std::is_same_v<U, Date>)
    return Type::kDate;
  else if constexpr (std::is_same_v<U, Timestamp>)
    return Type::kTimestamp;
  else
    return Type::kString;
}

template <class T>
struct FrameValue {
  static constexpr Type type = frame_type<T>();
  static Value of(const T& v) {
    if constexpr (type == Type::kInt32)
      return Value(static_cast<std::int32_t>(v));
    else if constexpr (type == Type::kInt64)
      return Value(static_cast<std::int64_t>(v));
    else if constexpr (type == Type::kFloat64)
      return Value(static_cast<double>(v));
    else if constexpr (type == Type::kString)
      return Value(std::string(v));
    else
      return Value(v);
  }
};
template <class T>
struct FrameValue<std::optional<T>> {  // a nullable value
  static constexpr Type type = frame_type<T>();
  static Value of(const std::optional<T>& v) { return v ? FrameValue<T>::of(*v) : Value(Null{}); }
};

// The frame of `rows` (the same on every rank), in `slices` partitions (0: the default).
DataFrame frame_from_values(Session& session, Schema schema, std::vector<std::vector<Value>> rows, int slices);

}  // namespace detail

// Spark's createDataFrame: a row per tuple, a column per element, named by `names`.
// Elements: bool, integers (int32 and smaller as integer, larger as long), float, double,
// strings, dataflow::Date, dataflow::Timestamp, and std::optional of these for nulls.
template <class... Ts>
DataFrame create_data_frame(Session& session, const std::vector<std::tuple<Ts...>>& data,
                            const std::vector<std::string>& names, int slices = 0) {
  if (names.size() != sizeof...(Ts)) {
    throw Error(ExitCode::kUsage, "create_data_frame: " + std::to_string(names.size()) + " names for " +
                                      std::to_string(sizeof...(Ts)) + " columns");
  }
  std::vector<Field> fields;
  std::size_t i = 0;
  ((fields.push_back({names[i++], detail::FrameValue<Ts>::type, true})), ...);
  std::vector<std::vector<Value>> rows;
  rows.reserve(data.size());
  for (const auto& t : data) {
    rows.push_back(
        std::apply([](const auto&... v) { return std::vector<Value>{detail::FrameValue<Ts>::of(v)...}; }, t));
  }
  return detail::frame_from_values(session, Schema(std::move(fields)), std::move(rows), slices);
}

template <class... Ts>
DataFrame Session::create_data_frame(const std::vector<std::tuple<Ts...>>& data, const std::vector<std::string>& names,
                                     int slices) {
  return dataflow::create_data_frame(*this, data, names, slices);
}

}  // namespace dataflow
