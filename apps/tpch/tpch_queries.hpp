// TPC-H Q1, Q3 and Q18 in the DataFrame API, over customer.csv, orders.csv and lineitem.csv
// (a header, comma-separated, as the oracle's tables and ../shared/tools/tpch make them), and
// rows as canonical TSV lines (the form DuckDB's answers are compared in).
#pragma once

#include <string>
#include <vector>

#include "dataflow/dataflow.hpp"

namespace tpch {

struct Tables {
  dataflow::DataFrame customer, orders, lineitem;
};

// The three tables of DIR, read with a header and inferred types.
Tables read_tables(dataflow::Session& session, const std::string& dir);

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
