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

class DataFrame;
namespace detail {
struct FrameData;
struct FrameAccess;
// The frame of `rows` (each a record's values, frame::encode_value after another) of
// `schema`; `plan` is its explain() leaf. (to_df's non-template part.)
DataFrame frame_from_rows(Dataset<std::string> rows, Schema schema, bool driver, std::string plan);
}  // namespace detail

class GroupedData;
class DataFrameWriter;

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

  // ---- Joins (join.cpp), as Spark's ----
  // how: inner, left (left_outer, leftouter), right (right_outer, rightouter), full (outer,
  // full_outer, fullouter), left_semi (semi, leftsemi), left_anti (anti, leftanti), cross;
  // any case. `on` names columns both sides have: the output has them once (coalesced for
  // full), then this frame's other columns, then `other`'s. `on` a Column condition (equalities
  // between the sides, AND-ed, plus any other predicate on the pairs): this frame's columns,
  // then `other`'s. left_semi and left_anti give this frame's columns. Null keys never match.
  DataFrame join(const DataFrame& other, const std::string& on, const std::string& how = "inner") const;
  DataFrame join(const DataFrame& other, const char* on, const std::string& how = "inner") const {
    return join(other, std::string(on), how);
  }
  DataFrame join(const DataFrame& other, const std::vector<std::string>& on, const std::string& how = "inner") const;
  DataFrame join(const DataFrame& other, std::initializer_list<std::string> on,
                 const std::string& how = "inner") const {
    return join(other, std::vector<std::string>(on), how);
  }
  DataFrame join(const DataFrame& other, const Column& on, const std::string& how = "inner") const;
  DataFrame join(const DataFrame& other) const { return cross_join(other); }  // every pair
  DataFrame cross_join(const DataFrame& other) const;
  // This frame marked for a broadcast join (F::broadcast(df)): as the right side of an inner,
  // left, left_semi or left_anti join with equal keys, it is collected (a job, when join() is
  // called) and every rank joins its partitions of the other side against it, with no shuffle.
  // Elsewhere the mark is ignored, as Spark ignores a hint it cannot use.
  DataFrame hint_broadcast() const;

  // ---- Rows, sets and partitions (frame_ops.cpp) ----
  // The first n rows in the frame's order (after order_by: the top n), in one partition.
  DataFrame limit(std::int64_t n) const;
  DataFrame distinct() const;  // one row per distinct row
  DataFrame drop_duplicates() const { return distinct(); }
  // One row per distinct value of `subset` (which row: unspecified, as Spark).
  DataFrame drop_duplicates(const std::vector<std::string>& subset) const;
  // This frame's rows, then `other`'s, column by position (duplicates kept; types widened).
  // Error(kUsage) unless both have as many columns, of types that widen to one.
  DataFrame union_all(const DataFrame& other) const;
  DataFrame union_(const DataFrame& other) const { return union_all(other); }
  // As union_all, columns matched by name; with allow_missing_columns, a column one side
  // lacks is null there (and `other`'s extra columns come last).
  DataFrame union_by_name(const DataFrame& other, bool allow_missing_columns = false) const;
  DataFrame repartition(int partitions) const;  // rows spread evenly (a shuffle)
  // Rows hashed by the columns' values into `partitions` partitions.
  DataFrame repartition(int partitions, const std::vector<Column>& columns) const;
  template <class C, class... Cs>
  DataFrame repartition(int partitions, const C& first, const Cs&... rest) const {
    return repartition(partitions, std::vector<Column>{to_select(first), to_select(rest)...});
  }
  DataFrame coalesce(int partitions) const;  // fewer partitions, no shuffle

  // ---- Persistence: marks this frame itself (as Spark's cache); returns it ----
  DataFrame cache() const { return persist(StorageLevel::kMemoryOnly); }
  DataFrame persist(StorageLevel level = StorageLevel::kMemoryOnly) const;
  DataFrame unpersist() const;

  // ---- Actions (every rank calls them; each returns the same on every rank) ----
  std::int64_t count() const;
  std::vector<Row> collect() const;
  std::vector<Row> take(std::int64_t n) const;
  // Prints Spark's table of the first n rows on the driver's stdout (truncate: cell width
  // limit, 0 = none; vertical: one block per row).
  void show(int n = 20, int truncate = 20, bool vertical = false) const;
  std::string show_string(int n = 20, int truncate = 20, bool vertical = false) const;
  // The first row; Error(kDataError) on an empty frame (Scala's Dataset.first raises too).
  Row first() const;
  bool is_empty() const;
  // Prints the plan on the driver: Spark's "== Physical Plan ==" tree, or with `extended`
  // the parsed and analyzed logical plans (as written) and the optimized one too, then
  // "== Stages ==", the engine's stages for the frame's batches. A scan's line names the
  // columns it reads and the filters it evaluates ("PushedFilters: [...], ReadSchema: ...").
  void explain(bool extended = false) const;
  std::string explain_string(bool extended = false) const;

  // ---- Schema ----
  const Schema& schema() const { return *schema_; }
  std::vector<std::string> columns() const { return schema_->names(); }
  void print_schema() const;
  // Spark's df.write: the rows as CSV files (dataflow/frame_io.hpp).
  DataFrameWriter write() const;
  Column operator[](const std::string& name) const;  // a column of this frame, checked now

 private:
  static Column to_select(const Column& c) { return c; }
  static Column to_select(const std::string& name);
  static Column to_select(const char* name) { return to_select(std::string(name)); }

  friend class GroupedData;
  friend struct detail::FrameAccess;  // the optimizer's rules (src/frame/optimizer/)
  friend DataFrame detail::frame_from_rows(Dataset<std::string>, Schema, bool, std::string);
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

namespace functions {
// Spark's F.broadcast(df): `df` marked for a broadcast join (DataFrame::hint_broadcast).
inline DataFrame broadcast(const DataFrame& df) { return df.hint_broadcast(); }
}  // namespace functions

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

namespace detail {

template <class T>
struct RecordColumns {  // a number or a string: one column
  static std::vector<Type> types() { return {FrameValue<T>::type}; }
  static void append(std::string& out, const T& v);
};
template <class... Ts>
struct RecordColumns<std::tuple<Ts...>> {
  static std::vector<Type> types() { return {FrameValue<Ts>::type...}; }
  static void append(std::string& out, const std::tuple<Ts...>& t) {
    std::apply([&out](const auto&... v) { (RecordColumns<std::decay_t<decltype(v)>>::append(out, v), ...); }, t);
  }
};
template <class A, class B>
struct RecordColumns<std::pair<A, B>> {
  static std::vector<Type> types() { return {FrameValue<A>::type, FrameValue<B>::type}; }
  static void append(std::string& out, const std::pair<A, B>& p) {
    RecordColumns<A>::append(out, p.first);
    RecordColumns<B>::append(out, p.second);
  }
};
void append_frame_value(std::string& out, const Value& v);  // frame::encode_value
template <class T>
void RecordColumns<T>::append(std::string& out, const T& v) {
  append_frame_value(out, FrameValue<T>::of(v));
}

}  // namespace detail

// Spark's rdd.toDF(names): a column per element of the records (pairs, tuples) or one
// column (numbers, strings), named by `names`.
template <class T, class Chain>
DataFrame to_df(const Dataset<T, Chain>& ds, const std::vector<std::string>& names) {
  return ds.to_df(names);
}

template <class T, class Chain>
DataFrame Dataset<T, Chain>::to_df(const std::vector<std::string>& names) const {
  using Columns = detail::RecordColumns<detail::Owned<T>>;
  const std::vector<Type> types = Columns::types();
  if (names.size() != types.size()) {
    throw Error(ExitCode::kUsage,
                "to_df: " + std::to_string(names.size()) + " names for " + std::to_string(types.size()) + " columns");
  }
  std::vector<Field> fields;
  for (std::size_t i = 0; i < names.size(); ++i) fields.push_back({names[i], types[i], true});
  Dataset<std::string> rows = map([](const T& record) {
    std::string out;
    Columns::append(out, record);
    return out;
  });
  return detail::frame_from_rows(std::move(rows), Schema(std::move(fields)), runtime_->is_driver(),
                                 "dataset #" + std::to_string(node_));
}

template <class... Ts>
DataFrame Session::create_data_frame(const std::vector<std::tuple<Ts...>>& data, const std::vector<std::string>& names,
                                     int slices) {
  return dataflow::create_data_frame(*this, data, names, slices);
}

}  // namespace dataflow
