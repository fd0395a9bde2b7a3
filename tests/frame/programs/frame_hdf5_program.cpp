// HDF5 tables as DataFrames, end to end (check_frame_hdf5.py drives it against h5py):
//   frame_hdf5_program read FILE DATASET OUT       print_schema(), then the rows as CSV in OUT
//   frame_hdf5_program select3 FILE DATASET OUT    select of 3 members (m03, m11, m19): explain(true), CSV
//   frame_hdf5_program query FILE DATASET OUT      filter, group_by m05, sum/count/max, a UDF:
//                                                  explain(true), CSV
//   frame_hdf5_program copy FILE DATASET OUT SET MODE   with a column twice = 2 * m08 and a flag,
//                                                  written by write().mode(MODE).hdf5(OUT, SET)
//   frame_hdf5_program write-null OUT              a frame with a null written to HDF5 (exit 65)
//   frame_hdf5_program write-string OUT            a frame with a string column (exit 64)
//   frame_hdf5_program write-same-names OUT        two columns named alike (exit 64)
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "dataflow/dataflow.hpp"

namespace F = dataflow::functions;
using F::col;

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [&](dataflow::Session& session) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const std::string mode = args.at(0);
    auto csv = [](const dataflow::DataFrame& df, const std::string& out) {
      df.write().option("header", true).csv(out);
    };
    if (mode == "read") {
      const auto df = session.read().hdf5(args.at(1), args.at(2));
      df.print_schema();
      csv(df, args.at(3));
    } else if (mode == "select3") {
      const auto df = session.read().hdf5(args.at(1), args.at(2)).select("m03", "m11", "m19");
      df.explain(true);
      csv(df, args.at(3));
    } else if (mode == "query") {
      const auto cube = F::udf([](std::int32_t k) { return static_cast<std::int64_t>(k) * k * k; }, "cube");
      const auto df = session.read()
                          .hdf5(args.at(1), args.at(2))
                          .filter(col("m00") > 0)
                          .group_by("m05")
                          .agg(F::sum("m08").alias("s"), F::count("*").alias("n"), F::max("m03").alias("mx"),
                               F::max(cube(col("m05"))).alias("k3"))
                          .order_by("m05");
      df.explain(true);
      csv(df, args.at(3));
    } else if (mode == "copy") {
      session.read()
          .hdf5(args.at(1), args.at(2))
          .with_column("twice", col("m08") * 2)
          .with_column("flag", col("m00") > 0)
          .write()
          .mode(args.at(5))
          .hdf5(args.at(3), args.at(4));
    } else if (mode == "write-null") {
      std::vector<std::tuple<std::int64_t, std::optional<double>>> data{{1, 1.5}, {2, std::nullopt}};
      session.create_data_frame(data, {"id", "x"}).write().hdf5(args.at(1), "/t");
    } else if (mode == "write-same-names") {
      std::vector<std::tuple<std::int64_t, double>> data{{1, 1.5}};
      session.create_data_frame(data, {"id", "x"})
          .select(col("id"), col("x").alias("id"))
          .write()
          .hdf5(args.at(1), "/t");
    } else if (mode == "write-string") {
      std::vector<std::tuple<std::int64_t, std::string>> data{{1, "a"}};
      session.create_data_frame(data, {"id", "name"}).write().hdf5(args.at(1), "/t");
    } else {
      throw dataflow::Error(dataflow::ExitCode::kUsage, "unknown mode " + mode);
    }
    return 0;
  });
}
