// pagerank: PageRank over an edge list in text files, with libdataflow. The semantics of
// ../shared/baselines/pagerank_tuned.cpp, which are Spark's examples/pagerank.py: lines
// "src dst" (decimal ids below 10^19, blank or tab separated, more fields ignored, blank
// lines skipped); links = the distinct (src, dst) pairs grouped by src (grouped, then each
// node's list sorted and deduplicated, as the baseline does), cached; every node
// with out-links starts at rank 1.0; each iteration joins the ranks to the links, sends
// rank / out-degree to each neighbour, and the new ranks are 0.15 + 0.85 x the sum received,
// for exactly the nodes that received something. Prints "node<TAB>rank" (%.12g) by node id.
// See --help.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataflow/dataflow.hpp"
#include "parse_args.hpp"

namespace {

using Edge = std::pair<std::uint64_t, std::uint64_t>;
using Rank = std::pair<std::uint64_t, double>;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// One decimal id (at most 19 digits) at `at`; the end of it, or nullptr.
const char* read_id(const char* at, const char* end, std::uint64_t& v) {
  const char* start = at;
  v = 0;
  while (at < end && *at >= '0' && *at <= '9' && at - start < 19) v = v * 10 + static_cast<std::uint64_t>(*at++ - '0');
  return at > start && (at == end || is_blank(*at)) ? at : nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"", "pagerank"};
  app.set_help_flag();  // --help is dataflow::run's, which prints app.help() below too
  std::vector<std::string> inputs;
  std::uint64_t iterations = 0;
  app.add_option("EDGES", inputs, "file, directory or glob of edges: lines \"src dst\" of decimal node ids")
      ->required()
      ->type_name("");
  app.add_option("--iterations", iterations, "iterations, exactly")->required()->type_name("N");
  dataflow::ProgramInfo info;
  info.usage = "EDGES... --iterations N";
  info.description =
      "PageRank as Spark's example computes it: the distinct links grouped by source and cached; every node with "
      "out-links starts at rank 1.0; each iteration sends rank / out-degree along each link, and a node that "
      "received something gets 0.15 + 0.85 x the sum. Prints node<TAB>rank (%.12g) by node id.\nRuns alone (local "
      "mode), under mpirun, or under srun.";
  info.help = app.help("", CLI::AppFormatMode::Normal);
  return dataflow::run(
      argc, argv,
      [&](dataflow::Session& session) {
        if (const int rc = app::parse_args(app, argc, argv, session, "pagerank", info.usage)) return rc;
        auto links =
            session.text_file(inputs)
                .flat_map<Edge>([](std::string_view line, const auto& emit) {
                  const char* at = line.data();
                  const char* end = at + line.size();
                  while (at < end && is_blank(*at)) ++at;
                  if (at == end) return;  // a blank line
                  Edge e;
                  const char* q = read_id(at, end, e.first);
                  if (q) {
                    while (q < end && is_blank(*q)) ++q;
                    q = read_id(q, end, e.second);
                  }
                  if (!q) {
                    throw dataflow::Error(dataflow::ExitCode::kDataError, "expected \"src dst\" in the line \"" +
                                                                              std::string(line.substr(0, 80)) + "\"");
                  }
                  emit(e);
                })
                .group_by_key()
                .map_values([](std::vector<std::uint64_t> out) {
                  // The distinct links, as pagerank_tuned.cpp makes them: each node's
                  // neighbours sorted and deduplicated (where distinct() would shuffle every
                  // edge once more).
                  std::sort(out.begin(), out.end());
                  out.erase(std::unique(out.begin(), out.end()), out.end());
                  return out;
                })
                .cache();
        // The new ranks are partitioned as the links are, so each join zips them in place.
        const int partitions = links.num_partitions();
        dataflow::Dataset<Rank> ranks = links.map_values([](const std::vector<std::uint64_t>&) { return 1.0; });
        for (std::uint64_t it = 0; it < iterations; ++it) {
          ranks = links.join(ranks)
                      .flat_map<Rank>([](const auto& node, const auto& emit) {
                        const auto& [out, rank] = node.second;
                        const double share = rank / static_cast<double>(out.size());
                        for (std::uint64_t dst : out) emit(Rank(dst, share));
                      })
                      .reduce_by_key(std::plus<>{}, partitions)
                      .map_values([](double sum) { return sum * 0.85 + 0.15; });
        }
        auto result = ranks.collect_on_driver();
        if (session.is_driver()) {
          std::sort(result.begin(), result.end());
          static char buffer[1 << 16];
          std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
          for (const auto& [node, rank] : result) {
            std::printf("%llu\t%.12g\n", static_cast<unsigned long long>(node), rank);
          }
          if (std::fflush(stdout) != 0) {
            throw dataflow::Error(dataflow::ExitCode::kIoError, "cannot write the ranks to standard output");
          }
        }
        return 0;
      },
      info);
}
