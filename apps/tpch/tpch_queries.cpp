#include "tpch_queries.hpp"

#include <cmath>
#include <cstdio>
#include <variant>

namespace tpch {
namespace F = dataflow::functions;
using dataflow::DataFrame;
using F::col;

namespace {

// The tables' columns as the generators write them (../shared/tools/tpch, tests/oracle).
std::string ddl(const std::string& table) {
  if (table == "customer") {
    return "c_custkey LONG, c_name STRING, c_nationkey INT, c_acctbal DOUBLE, c_mktsegment STRING";
  }
  if (table == "orders") {
    return "o_orderkey LONG, o_custkey LONG, o_orderstatus STRING, o_orderdate DATE, o_orderpriority STRING, "
           "o_shippriority INT, o_totalprice DOUBLE";
  }
  return "l_orderkey LONG, l_partkey LONG, l_linenumber INT, l_quantity DOUBLE, l_extendedprice DOUBLE, "
         "l_discount DOUBLE, l_tax DOUBLE, l_shipdate DATE, l_returnflag STRING, l_linestatus STRING, "
         "l_shipmode STRING, l_comment STRING";
}

}  // namespace

const DataFrame& Tables::read(std::optional<DataFrame>& table, const std::string& name) const {
  if (!table) {
    dataflow::DataFrameReader reader = session_->read().option("header", true);
    if (infer_) {
      reader.option("inferSchema", true);
    } else {
      reader.schema(ddl(name));
    }
    table = reader.csv(dir_ + "/" + name + ".csv");
  }
  return *table;
}

void Tables::cache() const {
  for (const dataflow::DataFrame* t : {&customer(), &orders(), &lineitem()}) t->cache().count();
}

// Each query is written as TPC-H states it, over whole tables: the optimizer prunes the
// columns each one uses down into the CSV scans (through its filters, joins and aggregates),
// and pushes its filters into them; over cached tables, a join's sides are projected to the
// columns it uses before they are shuffled.
DataFrame q1(const Tables& t) {
  const auto price = col("l_extendedprice");
  const auto discounted = price * (1 - col("l_discount"));
  return t.lineitem()
      .filter(col("l_shipdate") <= "1998-09-02")
      .group_by("l_returnflag", "l_linestatus")
      .agg(F::sum("l_quantity").alias("sum_qty"), F::sum(price).alias("sum_base_price"),
           F::sum(discounted).alias("sum_disc_price"), F::sum(discounted * (1 + col("l_tax"))).alias("sum_charge"),
           F::avg("l_quantity").alias("avg_qty"), F::avg(price).alias("avg_price"),
           F::avg("l_discount").alias("avg_disc"), F::count("*").alias("count_order"))
      .order_by("l_returnflag", "l_linestatus");
}

DataFrame q3(const Tables& t) {
  const DataFrame& lineitem = t.lineitem();
  return t.customer()
      .filter(col("c_mktsegment") == "BUILDING")
      .join(t.orders().filter(col("o_orderdate") < "1995-03-15"), col("c_custkey") == col("o_custkey"))
      .join(lineitem.filter(col("l_shipdate") > "1995-03-15"), col("l_orderkey") == col("o_orderkey"), "inner")
      .group_by("l_orderkey", "o_orderdate", "o_shippriority")
      .agg(F::sum(col("l_extendedprice") * (1 - col("l_discount"))).alias("revenue"))
      .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
      .order_by(col("revenue").desc(), col("o_orderdate"), col("l_orderkey"))
      .limit(10);
}

// The orders whose lines add up to more than 300 units are few (hundreds at SF 1): they and
// their customers are broadcast (F::broadcast), so lineitem, customer and orders are joined
// where they are read, without shuffling their rows (the optimizer does not choose it yet).
DataFrame q18(const Tables& t) {
  const DataFrame& lineitem = t.lineitem();
  const DataFrame big = lineitem.group_by("l_orderkey")
                            .agg(F::sum("l_quantity").alias("sum_qty"))
                            .filter(col("sum_qty") > 300)
                            .select("l_orderkey");
  const DataFrame big_orders = t.orders().join(F::broadcast(big), col("o_orderkey") == big["l_orderkey"], "left_semi");
  const DataFrame with_customer = t.customer().join(F::broadcast(big_orders), col("c_custkey") == col("o_custkey"));
  return lineitem.join(F::broadcast(with_customer), col("l_orderkey") == col("o_orderkey"))
      .group_by("c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice")
      .agg(F::sum("l_quantity").alias("qty"))
      .order_by(col("o_totalprice").desc(), col("o_orderdate"), col("o_orderkey"))
      .limit(100);
}

DataFrame query(const Tables& t, const std::string& name) {
  if (name == "q1") return q1(t);
  if (name == "q3") return q3(t);
  if (name == "q18") return q18(t);
  throw dataflow::Error(dataflow::ExitCode::kUsage, "unknown query '" + name + "' (q1, q3, q18)");
}

namespace {

void append_escaped(std::string& out, const std::string& s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void append_double(std::string& out, double d) {
  char buf[40];
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", d);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", d);
  }
  out += buf;
}

// Days since 1970-01-01 as yyyy-MM-dd (Howard Hinnant's civil_from_days).
void append_date(std::string& out, std::int32_t days) {
  const std::int64_t z = static_cast<std::int64_t>(days) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y), static_cast<long long>(m),
                static_cast<long long>(d));
  out += buf;
}

}  // namespace

std::string tsv(const std::vector<dataflow::Row>& rows) {
  std::string out;
  for (const dataflow::Row& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += '\t';
      std::visit(
          [&](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, dataflow::Null>) {
              out += "\\N";
            } else if constexpr (std::is_same_v<V, bool>) {
              out += v ? "true" : "false";
            } else if constexpr (std::is_same_v<V, std::int32_t> || std::is_same_v<V, std::int64_t>) {
              out += std::to_string(v);
            } else if constexpr (std::is_same_v<V, float> || std::is_same_v<V, double>) {
              append_double(out, static_cast<double>(v));
            } else if constexpr (std::is_same_v<V, std::string>) {
              append_escaped(out, v);
            } else if constexpr (std::is_same_v<V, dataflow::Date>) {
              append_date(out, v.days);
            } else {
              out += std::to_string(v.micros);  // timestamps: none in these tables
            }
          },
          row[i]);
    }
    out += '\n';
  }
  return out;
}

}  // namespace tpch
