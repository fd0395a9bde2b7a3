// The program of issue 23, as written there: the seed's two first examples (a DataFrame shown
// as Spark shows it, and a group-by with the dict form), then TPC-H Q3 over CSV files, shown,
// written as CSV, counted, collected and explained. check_seed.py runs it at 0-4 ranks.
#include <dataflow/dataflow.hpp>
namespace F = dataflow::functions;
using F::col;
using F::lit;

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [&](dataflow::Session& session) {
    std::vector<std::tuple<std::string, std::int64_t>> data{{"Alice", 25}, {"Bob", 30}};
    auto df = session.create_data_frame(data, {"name", "age"});
    df.show();                                                          // byte-identical to Spark
    df.group_by("name").agg({{"age", "sum"}}).order_by("name").show();  // column sum(age)

    std::string dir = argv[1], out = argv[2];
    auto read = [&](const std::string& name) {
      return session.read().option("header", true).option("inferSchema", true).csv(dir + "/" + name);
    };
    auto customer = read("customer.csv"), orders = read("orders.csv"), lineitem = read("lineitem.csv");
    auto q3 = customer.filter(col("c_mktsegment") == "BUILDING")
                  .join(orders.filter(col("o_orderdate") < "1995-03-15"), col("c_custkey") == col("o_custkey"))
                  .join(lineitem.filter(col("l_shipdate") > "1995-03-15"), lineitem["l_orderkey"] == col("o_orderkey"),
                        "inner")
                  .group_by("l_orderkey", "o_orderdate", "o_shippriority")
                  .agg(F::sum(col("l_extendedprice") * (1 - col("l_discount"))).alias("revenue"))
                  .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
                  .order_by(col("revenue").desc(), col("o_orderdate"))
                  .limit(10);
    q3.show(10, 0);
    q3.write().mode("overwrite").option("header", true).csv(out);
    std::int64_t n = q3.count();
    std::vector<dataflow::Row> rows = q3.collect();  // the same on every rank
    if (n > 0 && session.is_driver()) std::printf("top revenue %.2f\n", rows[0].get<double>("revenue"));
    q3.explain(true);
    return 0;
  });
}
