// User-defined functions over columns, as PySpark's F.udf:
//   auto bmi = F::udf([](double kg, double m) { return kg / (m * m); }, "bmi");
//   df.select(col("name"), bmi(col("weight"), "height").alias("bmi"));
// Parameter and result types: bool, std::int32_t (integer), std::int64_t (long), float,
// double, std::string (string; a std::string_view parameter sees the batch's bytes for the
// call), dataflow::Date, dataflow::Timestamp; std::optional of one of them takes or gives
// nulls. A null argument to any other parameter gives null without a call (Spark's rule for
// primitive parameters). A numeric column is widened to a numeric parameter's type (integer
// to long or double, long or float to double); other mismatches, narrowing ones included,
// are exit 64 where the column is used. The function runs in the tasks, a batch of
// rows at a time, once per row, on any rank and perhaps more than once (retries): it must be
// a pure function of its arguments, as Spark requires.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/column.hpp"

namespace dataflow {
namespace detail {

// One argument column of a batch: fixed-width values (bool as a byte, Date as int32 days,
// Timestamp as int64 microseconds) or strings (offsets into data), and a validity bitmap
// (bit i of byte i / 8; null: every row valid).
struct UdfColumn {
  const char* data = nullptr;
  const std::uint32_t* offsets = nullptr;
  const unsigned char* validity = nullptr;

  bool valid(std::uint32_t row) const { return validity == nullptr || (validity[row / 8] >> (row % 8) & 1) != 0; }
};

// A batch's results, in the same layout (validity empty while every row is valid).
struct UdfResult {
  std::size_t width = 0;  // bytes per value (set by the engine); 0 for strings
  std::uint32_t size = 0;
  std::string data;
  std::vector<std::uint32_t> offsets{0};
  std::string validity;

  void put_null() {
    if (validity.empty()) validity.assign(size / 8 + 1, '\xff');  // the rows before were valid
    set_valid(false);
    if (width == 0) {
      offsets.push_back(offsets.back());
    } else {
      data.append(width, '\0');
    }
    ++size;
  }
  template <class T>
  void put(const T& v) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      data.append(std::string_view(v));
      offsets.push_back(static_cast<std::uint32_t>(data.size()));
    } else if constexpr (std::is_same_v<T, bool>) {
      data.push_back(static_cast<char>(v ? 1 : 0));
    } else if constexpr (std::is_same_v<T, Date>) {
      append(v.days);
    } else if constexpr (std::is_same_v<T, Timestamp>) {
      append(v.micros);
    } else {
      append(v);
    }
    if (!validity.empty()) set_valid(true);
    ++size;
  }

 private:
  template <class T>
  void append(T v) {
    data.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void set_valid(bool valid) {
    if (validity.size() <= size / 8) validity.push_back('\0');
    auto& byte = reinterpret_cast<unsigned char&>(validity[size / 8]);
    const auto bit = static_cast<unsigned char>(1u << (size % 8));
    byte = valid ? static_cast<unsigned char>(byte | bit) : static_cast<unsigned char>(byte & ~bit);
  }
};

template <class T>
struct UdfType;
template <>
struct UdfType<bool> : std::integral_constant<Type, Type::kBool> {};
template <>
struct UdfType<std::int32_t> : std::integral_constant<Type, Type::kInt32> {};
template <>
struct UdfType<std::int64_t> : std::integral_constant<Type, Type::kInt64> {};
template <>
struct UdfType<float> : std::integral_constant<Type, Type::kFloat32> {};
template <>
struct UdfType<double> : std::integral_constant<Type, Type::kFloat64> {};
template <>
struct UdfType<std::string> : std::integral_constant<Type, Type::kString> {};
template <>
struct UdfType<std::string_view> : std::integral_constant<Type, Type::kString> {};
template <>
struct UdfType<Date> : std::integral_constant<Type, Type::kDate> {};
template <>
struct UdfType<Timestamp> : std::integral_constant<Type, Type::kTimestamp> {};
template <class T>
struct UdfType<std::optional<T>> : UdfType<T> {};

template <class T>
inline constexpr bool kUdfOptional = false;
template <class T>
inline constexpr bool kUdfOptional<std::optional<T>> = true;

template <class T>
inline constexpr bool kUdfTypeKnown = requires {
  UdfType<T>::value;
};

// The call signature of a lambda (not generic) or a function pointer.
template <class F>
struct UdfSignature : UdfSignature<decltype(&F::operator())> {};
template <class C, class R, class... A>
struct UdfSignature<R (C::*)(A...) const> {
  using Result = R;
  using Args = std::tuple<std::decay_t<A>...>;
};
template <class C, class R, class... A>
struct UdfSignature<R (C::*)(A...) const noexcept> : UdfSignature<R (C::*)(A...) const> {};
template <class R, class... A>
struct UdfSignature<R (*)(A...)> {
  using Result = R;
  using Args = std::tuple<std::decay_t<A>...>;
};

template <class T>
T udf_value(const UdfColumn& c, std::uint32_t row) {
  if constexpr (kUdfOptional<T>) {
    if (!c.valid(row)) return std::nullopt;
    return udf_value<typename T::value_type>(c, row);
  } else if constexpr (UdfType<T>::value == Type::kString) {
    return T(std::string_view(c.data + c.offsets[row], c.offsets[row + 1] - c.offsets[row]));
  } else if constexpr (std::is_same_v<T, bool>) {
    return c.data[row] != 0;
  } else if constexpr (std::is_same_v<T, Date>) {
    return Date{udf_value<std::int32_t>(c, row)};
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    return Timestamp{udf_value<std::int64_t>(c, row)};
  } else {
    T v;
    std::memcpy(&v, c.data + std::size_t{row} * sizeof(T), sizeof(T));
    return v;
  }
}

// What a Column of a UDF holds: its name, types, and the batch function.
struct UdfFunction {
  std::string name;
  Type result = Type::kString;
  std::vector<Type> params;
  std::function<void(const UdfColumn* args, std::uint32_t rows, UdfResult& out)> run;
};

template <class F, class R, class... A, std::size_t... I>
void run_udf(const F& f, const UdfColumn* args, std::uint32_t rows, UdfResult& out, std::index_sequence<I...>) {
  for (std::uint32_t r = 0; r < rows; ++r) {
    if ((... || (!kUdfOptional<A> && !args[I].valid(r)))) {
      out.put_null();
      continue;
    }
    if constexpr (kUdfOptional<R>) {
      const R v = f(udf_value<A>(args[I], r)...);
      if (v) {
        out.put(*v);
      } else {
        out.put_null();
      }
    } else {
      out.put(f(udf_value<A>(args[I], r)...));
    }
  }
}

template <class F, class R, class Tuple>
struct UdfMaker;
template <class F, class R, class... A>
struct UdfMaker<F, R, std::tuple<A...>> {
  static std::shared_ptr<const UdfFunction> make(F f, std::string name) {
    constexpr bool kParamsOk = (kUdfTypeKnown<A> && ...);
    constexpr bool kResultOk = kUdfTypeKnown<R> && !std::is_same_v<R, std::string_view> &&
                               !std::is_same_v<R, std::optional<std::string_view>>;  // (views would dangle)
    static_assert(kParamsOk,
                  "udf: parameters are bool, std::int32_t, std::int64_t, float, double, std::string, "
                  "std::string_view, Date, Timestamp, or std::optional of one of them");
    static_assert(!kParamsOk || kResultOk,
                  "udf: the result is bool, std::int32_t, std::int64_t, float, double, std::string, Date, "
                  "Timestamp, or std::optional of one of them");
    if constexpr (kParamsOk && kResultOk) {  // (otherwise one error above, nothing more)
      auto fn = std::make_shared<UdfFunction>();
      fn->name = std::move(name);
      fn->result = UdfType<R>::value;
      fn->params = {UdfType<A>::value...};
      fn->run = [f = std::move(f)](const UdfColumn* args, std::uint32_t rows, UdfResult& out) {
        run_udf<F, R, A...>(f, args, rows, out, std::index_sequence_for<A...>{});
      };
      return fn;
    } else {
      return nullptr;
    }
  }
};

// Whether F has one call signature: a lambda with typed parameters, or a function pointer.
template <class F>
inline constexpr bool kUdfCallable = requires {
  &F::operator();
}
|| std::is_pointer_v<F>;

}  // namespace detail

// What F::udf returns: called with columns (or names), it gives a Column.
class UserDefinedFunction {
 public:
  explicit UserDefinedFunction(std::shared_ptr<const detail::UdfFunction> fn) : fn_(std::move(fn)) {}

  template <class... Cs>
  Column operator()(const Cs&... columns) const {
    return apply(std::vector<Column>{functions::ColumnOrName(columns).column()...});
  }
  // The Column of the function over `columns`, named "NAME(a, b)". The number of columns
  // must be the function's (exit 64).
  Column apply(const std::vector<Column>& columns) const;

 private:
  std::shared_ptr<const detail::UdfFunction> fn_;
};

namespace functions {

// A function of one row's values as a column function (PySpark's F.udf); `name` names its
// columns in show() and explain() ("udf(a, b)" without one).
template <class F>
UserDefinedFunction udf(F f, std::string name = "udf") {
  using G = std::decay_t<F>;
  static_assert(detail::kUdfCallable<G>,
                "udf: the function must be a lambda with typed parameters (not auto) or a function pointer");
  if constexpr (detail::kUdfCallable<G>) {
    using Signature = detail::UdfSignature<G>;
    using R = std::decay_t<typename Signature::Result>;
    return UserDefinedFunction(detail::UdfMaker<G, R, typename Signature::Args>::make(std::move(f), std::move(name)));
  } else {
    return UserDefinedFunction(nullptr);
  }
}

}  // namespace functions
}  // namespace dataflow
