// kmeans: Lloyd's algorithm over points in text files, with libdataflow. The semantics of
// ../shared/baselines/kmeans_tuned.cpp: lines of D numbers separated by blanks (blank lines
// skipped); the first K points are the initial centres; each of exactly N iterations assigns
// every point to its nearest centre (squared Euclidean distance, ties to the lowest index)
// and moves each centre to the mean of its points (a centre without points stays). Prints
// the K centres, one a line, coordinates "%.9g". See --help.
#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/dataflow.hpp"
#include "parse_args.hpp"

namespace {

using Point = std::vector<double>;
using Sums = std::vector<double>;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// The numbers of one line (none for a blank line); a field that is not a number is exit 65.
Point parse_point(std::string_view line) {
  Point p;
  const char* at = line.data();
  const char* end = at + line.size();
  for (;;) {
    while (at < end && is_blank(*at)) ++at;
    if (at == end) return p;
    double v = 0;
    const auto [ptr, ec] = std::from_chars(at, end, v);
    if (ec != std::errc() || (ptr < end && !is_blank(*ptr))) {
      throw dataflow::Error(dataflow::ExitCode::kDataError,
                            "not a number in the line \"" + std::string(line.substr(0, 80)) + "\"");
    }
    p.push_back(v);
    at = ptr;
  }
}

// The index of the centre nearest to `p` (ties to the lowest index).
std::int64_t nearest(const Point& p, const std::vector<Point>& centres) {
  std::size_t best = 0;
  double best_d = 0;
  for (std::size_t j = 0; j < centres.size(); ++j) {
    double d = 0;
    for (std::size_t t = 0; t < p.size(); ++t) d += (p[t] - centres[j][t]) * (p[t] - centres[j][t]);
    if (j == 0 || d < best_d) best_d = d, best = j;
  }
  return static_cast<std::int64_t>(best);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"", "kmeans"};
  app.set_help_flag();  // --help is dataflow::run's, which prints app.help() below too
  std::vector<std::string> inputs;
  std::uint64_t k = 0;
  std::uint64_t iterations = 0;
  app.add_option("POINTS", inputs, "file, directory or glob of points: lines of D numbers separated by blanks")
      ->required()
      ->type_name("");
  app.add_option("--k", k, "clusters: the first K points are the initial centres")
      ->required()
      ->check(CLI::PositiveNumber)
      ->type_name("K");
  app.add_option("--iterations", iterations, "iterations, exactly (no early stop)")->required()->type_name("N");
  dataflow::ProgramInfo info;
  info.usage = "POINTS... --k K --iterations N";
  info.description =
      "k-means (Lloyd's algorithm): each iteration assigns every point to its nearest centre (squared Euclidean "
      "distance, ties to the lowest index) and moves each centre to the mean of its points; a centre without "
      "points stays. Prints the K centres, one a line, coordinates %.9g.\nRuns alone (local mode), under "
      "mpirun, or under srun.";
  info.help = app.help("", CLI::AppFormatMode::Normal);
  return dataflow::run(
      argc, argv,
      [&](dataflow::Session& session) {
        if (const int rc = app::parse_args(app, argc, argv, session, "kmeans", info.usage)) return rc;
        auto parsed = session.text_file(inputs).flat_map<Point>([](std::string_view line, const auto& emit) {
          Point p = parse_point(line);
          if (!p.empty()) emit(p);
        });
        // The first point's dimension, reading only up to it.
        const std::vector<Point> first = parsed.take(1);
        const std::size_t dims = first.empty() ? 0 : first[0].size();
        // Parsed and checked once, by the first action, and kept on the executors for the
        // iterations. A point of another dimension is a bad line, as one that is not numbers:
        // both fail with the line's FILE:OFFSET, or are skipped under --bad-records.
        auto points = parsed
                          .filter([dims](const Point& p) {
                            if (p.size() != dims) {
                              throw dataflow::Error(dataflow::ExitCode::kDataError,
                                                    "a point of " + std::to_string(p.size()) +
                                                        " numbers, the first had " + std::to_string(dims));
                            }
                            return true;
                          })
                          .persist(dataflow::StorageLevel::kMemoryOnlySer);
        std::vector<Point> centres = points.take(k);
        if (centres.size() < k) {  // every rank knows it: the driver alone says so
          if (session.is_driver()) {
            std::fprintf(stderr, "kmeans: error: the input has %zu points, fewer than K = %llu\n", centres.size(),
                         static_cast<unsigned long long>(k));
          }
          return static_cast<int>(dataflow::ExitCode::kDataError);
        }
        const std::size_t width = dims + 1;  // per centre: the sums of its points, then their count
        for (std::uint64_t it = 0; it < iterations; ++it) {
          // Every rank has the centres (take and aggregate return on every rank): the lambda
          // captures them, and no broadcast is needed. Each task folds its points into K
          // sums and counts; the partitions' results are added up in partition order.
          const Sums sums = points.aggregate(
              Sums(centres.size() * width, 0.0),
              [centres, dims, width](Sums acc, const Point& p) {
                double* at = acc.data() + static_cast<std::size_t>(nearest(p, centres)) * width;
                for (std::size_t t = 0; t < dims; ++t) at[t] += p[t];
                at[dims] += 1;
                return acc;
              },
              [](Sums a, const Sums& b) {
                for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
                return a;
              });
          for (std::size_t j = 0; j < centres.size(); ++j) {
            const double count = sums[j * width + dims];
            if (count == 0) continue;  // a centre without points stays
            for (std::size_t t = 0; t < dims; ++t) centres[j][t] = sums[j * width + t] / count;
          }
        }
        if (session.is_driver()) {
          for (const Point& c : centres) {
            for (std::size_t t = 0; t < dims; ++t) std::printf("%.9g%c", c[t], t + 1 < dims ? ' ' : '\n');
          }
          if (std::fflush(stdout) != 0) {
            throw dataflow::Error(dataflow::ExitCode::kIoError, "cannot write the centres to standard output");
          }
        }
        return 0;
      },
      info);
}
