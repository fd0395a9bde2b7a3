// oracle_queries DIR OUT [NAME...]: the oracle's queries (queries.mjs has them in DuckDB SQL,
// under the same names) in the DataFrame API, over the tables make_oracle.mjs wrote into DIR.
// Each answer goes to OUT/NAME.tsv in the canonical TSV that check_oracle.py compares with
// DuckDB's. Every rank runs every query (SPMD); the driver writes the files.
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "dataflow/dataflow.hpp"
#include "tpch_queries.hpp"

namespace {

namespace F = dataflow::functions;
using dataflow::DataFrame;
using F::col;
using F::lit;

struct Small {
  DataFrame left, right, empty, skew, text;
};

std::map<std::string, std::function<DataFrame()>> queries(const tpch::Tables& t, const Small& s) {
  const DataFrame& l = s.left;
  const DataFrame& r = s.right;
  return {
      {"q1", [&] { return tpch::q1(t); }},
      {"q3", [&] { return tpch::q3(t); }},
      {"q18", [&] { return tpch::q18(t); }},
      {"j_inner", [&] { return l.join(r, "k").select("id", "k", "g", "rid", "y"); }},
      {"j_left", [&] { return l.join(r, "k", "left").select("id", "k", "g", "rid", "y"); }},
      {"j_right", [&] { return l.join(r, "k", "right").select("k", "id", "rid", "y"); }},
      {"j_full", [&] { return l.join(r, "k", "full").select("k", "id", "x", "rid", "z"); }},
      {"j_semi", [&] { return l.join(r, "k", "left_semi").select("id", "k", "g"); }},
      {"j_anti", [&] { return l.join(r, "k", "left_anti").select("id", "k", "g"); }},
      {"j_cross", [&] { return l.filter(col("n") == 1).select("id").join(r.filter(col("z") < 5).select("rid")); }},
      {"j_condition", [&] { return l.join(r, l["k"] == r["k"] && col("x") > col("z")).select("id", "rid", "x", "z"); }},
      {"j_empty_inner", [&] { return l.join(s.empty, "k").select("id", "v"); }},
      {"j_empty_left", [&] { return l.join(s.empty, "k", "left").select("id", "k", "v"); }},
      {"j_skew", [&] { return s.skew.join(r, "k").select("id", "k", "rid"); }},
      {"a_skew", [&] { return s.skew.group_by("k").agg(F::count("*").alias("cnt"), F::sum("v").alias("sv")); }},
      {"a_nulls",
       [&] {
         return l.group_by("g").agg(F::count("*").alias("c"), F::count("x").alias("cx"), F::sum("x").alias("sx"),
                                    F::avg("x").alias("ax"), F::min("x").alias("mn"), F::max("x").alias("mx"),
                                    F::min("n").alias("mnn"), F::max("id").alias("mid"), F::sum("n").alias("sn"),
                                    F::min("g").alias("mg"));
       }},
      {"a_global_empty",
       [&] {
         return s.empty.group_by().agg(F::count("*").alias("c"), F::sum("k").alias("s"), F::avg("k").alias("a"),
                                       F::min("v").alias("m"));
       }},
      {"a_global",
       [&] {
         return l.group_by().agg(F::count("*").alias("c"), F::count("k").alias("ck"), F::sum("x").alias("sx"),
                                 F::max("g").alias("mg"));
       }},
      {"a_count_distinct", [&] { return l.group_by("g").agg(F::count_distinct("n").alias("cd")); }},
      {"distinct", [&] { return l.select("g", "n").distinct(); }},
      {"o_nulls",
       [&] {
         return l.select("id", "x", "k").order_by(col("x").desc_nulls_last(), col("k").asc_nulls_first(), col("id"));
       }},
      {"o_limit", [&] { return l.select("id", "k", "x").order_by(col("k").desc_nulls_last(), col("id")).limit(7); }},
      {"e_case",
       [&] {
         return l.select(
             col("id"),
             F::when(col("x") > 50, lit("big")).when(col("x") > 10, lit("mid")).otherwise(lit("small")).alias("size"),
             F::coalesce(col("n"), lit(-1)).alias("n2"), F::abs(col("x") - 50).alias("d"), F::sqrt("x").alias("s"),
             F::floor("x").alias("f"), (col("x") / 3).alias("third"));
       }},
      {"e_string",
       [&] {
         return l.filter(col("g").like("%e%"))
             .select(col("id"), F::upper("g").alias("u"), F::lower("g").alias("lo"), F::length("g").alias("len"),
                     F::substring(col("g"), 2, 3).alias("sub"),
                     F::concat(col("g"), lit("-"), col("n").cast("string")).alias("c"));
       }},
      {"e_dates",
       [&] {
         return t.orders()
             .filter(col("o_orderdate").between(lit("1995-01-01"), lit("1996-12-31")))
             .group_by(F::year("o_orderdate").alias("y"), F::month("o_orderdate").alias("m"))
             .agg(F::count("*").alias("c"));
       }},
      {"u_union", [&] { return l.select("k").union_all(r.select("k")).group_by("k").agg(F::count("*").alias("c")); }},
      {"text", [&] { return s.text.select(col("id"), col("s"), F::length("s").alias("len")); }},
  };
}

}  // namespace

int main(int argc, char** argv) {
  dataflow::ProgramInfo info;
  info.usage = "DIR OUT [NAME...]";
  info.description = "Runs the oracle's queries over DIR's tables and writes OUT/NAME.tsv for each.";
  return dataflow::run(
      argc, argv,
      [&](dataflow::Session& session) {
        if (argc < 3) throw dataflow::Error(dataflow::ExitCode::kUsage, "usage: oracle_queries DIR OUT [NAME...]");
        const std::string dir = argv[1], out = argv[2];
        const tpch::Tables tables(session, dir, true);  // inferSchema, as the seed program
        auto csv = [&](const std::string& name) {
          return session.read().option("header", true).option("inferSchema", true).csv(dir + "/" + name + ".csv");
        };
        const Small small{csv("t_left"), csv("t_right"),
                          session.read().option("header", true).schema("k LONG, v STRING").csv(dir + "/t_empty.csv"),
                          csv("t_skew"),
                          session.read()
                              .option("header", true)
                              .option("multiLine", true)
                              .schema("id INT, s STRING")
                              .csv(dir + "/t_text.csv")};
        const auto all = queries(tables, small);
        // The settings the answers were made under, for check_oracle.py to confirm.
        if (session.is_driver()) {
          std::ofstream(out + "/_settings.txt") << "optimizer " << (session.config().optimizer ? "on" : "off") << "\n";
        }
        std::vector<std::string> names(argv + 3, argv + argc);
        if (names.empty()) {
          for (const auto& [name, q] : all) names.push_back(name);
        }
        for (const std::string& name : names) {
          const auto it = all.find(name);
          if (it == all.end()) throw dataflow::Error(dataflow::ExitCode::kUsage, "no query named '" + name + "'");
          const std::string text = tpch::tsv(it->second().collect());
          if (session.is_driver()) std::ofstream(out + "/" + name + ".tsv", std::ios::binary) << text;
        }
        return 0;
      },
      info);
}
