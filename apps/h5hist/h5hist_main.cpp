// h5hist: a histogram of a numeric HDF5 dataset, or of one field of a compound dataset, with
// numpy.histogram's bins (equal widths between LO and HI, the last bin closed; without
// --range, the data's min and max). Writes OUT.h5:/histogram, one compound row per bin
// {left, right, count}, and prints the bins as a table. See --help.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "dataflow/dataflow.hpp"
#include "parse_args.hpp"

namespace {

struct Value {
  double v = 0;
};
struct IntegerValue {
  std::int64_t v = 0;
};
struct Bin {
  double left = 0;
  double right = 0;
  std::uint64_t count = 0;
};

// "FILE:/dataset" or "FILE:/dataset.field" (a '.' in the last path component starts a field).
struct Source {
  std::string file, dataset, field;
};

Source parse_source(const std::string& arg) {
  const std::size_t colon = arg.rfind(":/");
  if (colon == std::string::npos || colon == 0) {
    throw dataflow::JobError(dataflow::ExitCode::kUsage, "expected FILE:/dataset[.field], got \"" + arg + "\"");
  }
  Source s{arg.substr(0, colon), arg.substr(colon + 1), {}};
  const std::size_t slash = s.dataset.rfind('/');
  const std::size_t dot = s.dataset.find('.', slash);
  if (dot != std::string::npos) {
    s.field = s.dataset.substr(dot + 1);
    s.dataset.resize(dot);
    if (s.field.empty()) throw dataflow::JobError(dataflow::ExitCode::kUsage, "an empty field name in \"" + arg + "\"");
  }
  return s;
}

// numpy.histogram's edges: linspace(lo, hi, bins + 1).
std::vector<double> edges_of(double lo, double hi, std::uint64_t bins) {
  std::vector<double> e(bins + 1);
  const double step = (hi - lo) / static_cast<double>(bins);
  for (std::uint64_t i = 0; i < bins; ++i) e[i] = static_cast<double>(i) * step + lo;
  e[bins] = hi;
  return e;
}

// The bin of v as numpy computes it (values outside [lo, hi] and NaN: none); norm is
// bins / (hi - lo).
std::int64_t bin_of(double v, const std::vector<double>& edges, double lo, double hi, double norm) {
  if (!(v >= lo && v <= hi)) return -1;
  const auto bins = static_cast<std::int64_t>(edges.size() - 1);
  auto i = static_cast<std::int64_t>((v - lo) * norm);
  if (i == bins) --i;
  if (v < edges[static_cast<std::size_t>(i)]) --i;
  if (i != bins - 1 && v >= edges[static_cast<std::size_t>(i + 1)]) ++i;
  return i;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"", "h5hist"};
  app.set_help_flag();
  std::string input, output;
  std::uint64_t bins = 10;
  std::vector<double> range;
  bool integers = false;
  app.add_option("SOURCE", input, "FILE:/dataset, or FILE:/dataset.field for one field of a compound dataset")
      ->required()
      ->type_name("");
  app.add_option("--bins", bins, "number of equal-width bins (default 10)")->check(CLI::PositiveNumber)->type_name("N");
  app.add_option("--range", range, "the bins' span (default: the data's min and max)")->expected(2)->type_name("LO HI");
  app.add_option("-o,--output", output, "the HDF5 file to write (its dataset /histogram); must not exist")
      ->required()
      ->type_name("OUT.h5");
  app.add_flag("--integers", integers,
               "read the values as 64-bit integers (for int64 data, which does not convert to double without loss)");
  dataflow::ProgramInfo info;
  info.usage = "FILE:/dataset[.field] --bins N [--range LO HI] -o OUT.h5";
  info.description =
      "A histogram of a numeric HDF5 dataset (1-D, any integer or float type that converts to double without loss), "
      "or of one numeric field of a compound dataset, with numpy.histogram's bins. Writes OUT.h5:/histogram, a "
      "compound row per bin {left, right, count}, and prints the bins.\nRuns alone (local mode), under mpirun, or "
      "under srun.";
  info.help = app.help("", CLI::AppFormatMode::Normal);
  return dataflow::run(
      argc, argv,
      [&](dataflow::Session& session) {
        if (const int rc = app::parse_args(app, argc, argv, session, "h5hist", info.usage)) return rc;
        const Source src = parse_source(input);
        // Refused before the data is read twice, not after (the driver looks; every rank throws).
        if (session.broadcast(session.is_driver() && std::filesystem::exists(output)).value()) {
          throw dataflow::JobError(dataflow::ExitCode::kCantCreate, "HDF5 output " + output + " already exists");
        }
        dataflow::Dataset<double> values = [&]() -> dataflow::Dataset<double> {
          namespace h5 = dataflow::hdf5;
          if (src.field.empty()) {
            if (integers) {
              return session.hdf5<std::int64_t>(src.file, src.dataset).map([](std::int64_t v) {
                return static_cast<double>(v);
              });
            }
            return session.hdf5<double>(src.file, src.dataset);
          }
          if (integers) {
            return session.hdf5(src.file, src.dataset, h5::Compound<IntegerValue>{{src.field, &IntegerValue::v}})
                .map([](const IntegerValue& x) { return static_cast<double>(x.v); });
          }
          return session.hdf5(src.file, src.dataset, h5::Compound<Value>{{src.field, &Value::v}})
              .map([](const Value& x) { return x.v; });
        }();
        double lo = 0, hi = 0;
        if (range.size() == 2) {
          lo = range[0];
          hi = range[1];
          if (!(lo < hi) || !std::isfinite(lo) || !std::isfinite(hi)) {
            throw dataflow::JobError(dataflow::ExitCode::kUsage, "--range: LO must be less than HI, both finite");
          }
        } else {  // numpy: the data's min and max, widened by 0.5 when equal
          using MinMax = std::pair<double, double>;
          const double inf = std::numeric_limits<double>::infinity();
          const MinMax mm = values.aggregate(
              MinMax{inf, -inf},
              [](MinMax a, double v) {
                if (std::isnan(v)) return a;
                return MinMax{std::min(a.first, v), std::max(a.second, v)};
              },
              [](MinMax a, const MinMax& b) {
                return MinMax{std::min(a.first, b.first), std::max(a.second, b.second)};
              });
          if (mm.first > mm.second) {
            lo = 0;
            hi = 1;  // no values: numpy's range for an empty array
          } else {
            lo = mm.first;
            hi = mm.second;
          }
          if (!std::isfinite(lo) || !std::isfinite(hi)) {  // as numpy: no bins over an infinite range
            throw dataflow::JobError(dataflow::ExitCode::kDataError,
                                     "the data hold infinite values: give the bins' span with --range LO HI");
          }
          if (lo == hi) {
            lo -= 0.5;
            hi += 0.5;
          }
        }
        const std::vector<double> edges = edges_of(lo, hi, bins);
        const double norm = static_cast<double>(bins) / (hi - lo);
        using Counts = std::vector<std::uint64_t>;
        const Counts counts = values.aggregate(
            Counts(bins, 0),
            [edges, lo, hi, norm](Counts c, double v) {
              const std::int64_t b = bin_of(v, edges, lo, hi, norm);
              if (b >= 0) ++c[static_cast<std::size_t>(b)];
              return c;
            },
            [](Counts a, const Counts& b) {
              for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
              return a;
            });
        std::vector<Bin> table(bins);
        for (std::uint64_t i = 0; i < bins; ++i) table[i] = {edges[i], edges[i + 1], counts[i]};
        session.parallelize(table, 1).save_as_hdf5(
            output, "/histogram",
            dataflow::hdf5::Compound<Bin>{{"left", &Bin::left}, {"right", &Bin::right}, {"count", &Bin::count}});
        if (session.is_driver()) {
          std::uint64_t total = 0;
          std::printf("%6s %16s %16s %14s\n", "bin", "left", "right", "count");
          for (std::uint64_t i = 0; i < bins; ++i) {
            std::printf("%6llu %16.9g %16.9g %14llu\n", static_cast<unsigned long long>(i), table[i].left,
                        table[i].right, static_cast<unsigned long long>(table[i].count));
            total += table[i].count;
          }
          std::printf("total %llu values in [%.9g, %.9g]; written to %s:/histogram\n",
                      static_cast<unsigned long long>(total), lo, hi, output.c_str());
          if (std::fflush(stdout) != 0) {
            throw dataflow::Error(dataflow::ExitCode::kIoError, "cannot write the table to standard output");
          }
        }
        return 0;
      },
      info);
}
