// TPC-H Q1, Q3 and Q18 in the DataFrame API, over customer.csv, orders.csv and lineitem.csv
// (a header, comma-separated, as the oracle's tables and ../shared/tools/tpch make them), and
// rows as canonical TSV lines (the form DuckDB's answers are compared in).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/dataflow.hpp"

namespace tpch {

// DIR's customer.csv, orders.csv and lineitem.csv (a header each), each read when a query
// first asks for it: with TPC-H's types given (no extra pass over the file), or inferred
// (inferSchema, one more job per table). Every rank asks in the same order, as queries do.
class Tables {
 public:
  Tables(dataflow::Session& session, std::string dir, bool infer_schema)
      : session_(&session), dir_(std::move(dir)), infer_(infer_schema) {}
  const dataflow::DataFrame& customer() const { return read(customer_, "customer"); }
  const dataflow::DataFrame& orders() const { return read(orders_, "orders"); }
  const dataflow::DataFrame& lineitem() const { return read(lineitem_, "lineitem"); }
  // Reads the three tables into memory (cache(), then a count of each): the queries then
  // read the cache (every column: a cached table is never narrowed into a new scan).
  void cache() const;

 private:
  const dataflow::DataFrame& read(std::optional<dataflow::DataFrame>& table, const std::string& name) const;
  dataflow::Session* session_;
  std::string dir_;
  bool infer_;
  mutable std::optional<dataflow::DataFrame> customer_, orders_, lineitem_;
};

dataflow::DataFrame q1(const Tables& t);
dataflow::DataFrame q3(const Tables& t);
dataflow::DataFrame q18(const Tables& t);

// The query named q1, q3 or q18; Error(kUsage) for another name.
dataflow::DataFrame query(const Tables& t, const std::string& name);

// A line per row, cells separated by tabs: null as \N, doubles with 17 significant digits
// (whole ones without a fraction), dates yyyy-MM-dd, a backslash, tab, CR or LF in a string as
// \\, \t, \r, \n.
std::string tsv(const std::vector<dataflow::Row>& rows);

}  // namespace tpch
