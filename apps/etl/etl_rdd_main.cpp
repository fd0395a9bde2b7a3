// etl_rdd: the etl app written with Datasets (Spark's RDD API), kept as an example beside the
// DataFrame version (etl_main.cpp); the same output. See --help.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "dataflow/dataflow.hpp"
#include "etl_cli.hpp"
#include "parse_args.hpp"
#include "result_sink.hpp"

namespace {

// The tab-separated fields of a line; a short line or a field that is not a number throws
// Error(65), which the engine prefixes with the line's FILE:OFFSET (or skips under
// --bad-records).
struct Fields {
  std::string_view f[4];
};

Fields split_tabs(std::string_view line, int want) {
  Fields out;
  const std::string_view whole = line;
  for (int i = 0; i < want; ++i) {
    const std::size_t tab = i + 1 < want ? line.find('\t') : line.size();
    if (tab == std::string_view::npos) {
      throw dataflow::Error(dataflow::ExitCode::kDataError, "a line with fewer than " + std::to_string(want) +
                                                                " tab-separated fields: \"" +
                                                                std::string(whole.substr(0, 80)) + "\"");
    }
    out.f[i] = line.substr(0, tab);
    line.remove_prefix(std::min(line.size(), tab + 1));
  }
  return out;
}

std::int64_t number(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    throw dataflow::Error(dataflow::ExitCode::kDataError,
                          "\"" + std::string(s.substr(0, 40)) + "\" is not a whole number");
  }
  return v;
}

using Totals = std::pair<std::uint64_t, std::int64_t>;  // orders, sum of amount_cents

}  // namespace

int main(int argc, char** argv) {
  etl::Cli cli("etl_rdd");
  CLI::App& app = cli.app;
  const std::string& dir = cli.dir;
  const bool& left = cli.left;
  const dataflow::ProgramInfo& info = cli.info;
  return dataflow::run(
      argc, argv,
      [&](dataflow::Session& session) {
        if (const int rc = app::parse_args(app, argc, argv, session, "etl_rdd", info.usage)) return rc;
        auto customers = session.text_file(dir + "/customers.tsv").map([](std::string_view line) {
          const Fields f = split_tabs(line, 3);
          return std::pair<std::int64_t, std::string_view>(number(f.f[0]), f.f[2]);
        });
        auto orders = session.text_file(dir + "/orders.tsv").map([](std::string_view line) {
          const Fields f = split_tabs(line, 4);
          return std::pair<std::int64_t, std::int64_t>(number(f.f[1]), number(f.f[2]));
        });
        auto add = [](Totals a, Totals b) { return Totals(a.first + b.first, a.second + b.second); };
        // Orders are totalled per customer first (combined on the map side), so the join
        // moves one record per customer, not one per order; the sums per country are the
        // same as joining every order.
        auto per_customer = orders.map_values([](std::int64_t amount) { return Totals(1, amount); }).reduce_by_key(add);
        std::vector<std::pair<std::string, Totals>> groups;
        if (left) {
          groups = per_customer.left_outer_join(customers)
                       .map([](const auto& r) {
                         const auto& [totals, country] = r.second;
                         return std::pair<std::string, Totals>(country ? *country : "(unknown)", totals);
                       })
                       .reduce_by_key(add)
                       .collect_on_driver();
        } else {
          groups =
              per_customer.join(customers)
                  .map([](const auto& r) { return std::pair<std::string, Totals>(r.second.second, r.second.first); })
                  .reduce_by_key(add)
                  .collect_on_driver();
        }
        if (!session.is_driver()) return 0;
        std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
          if (a.second.second != b.second.second) return a.second.second > b.second.second;
          return a.first < b.first;
        });
        const int launcher_fd = app::launcher_stdout();
        const int fd = launcher_fd >= 0 ? launcher_fd : STDOUT_FILENO;
        app::FdStreambuf buf(fd);
        std::ostream out(&buf);
        char avg[64];
        for (const auto& [country, t] : groups) {
          std::snprintf(avg, sizeof avg, "%.2f", static_cast<double>(t.second) / static_cast<double>(t.first));
          out << country << '\t' << t.first << '\t' << t.second << '\t' << avg << '\n';
        }
        out.flush();
        return app::finish_result(buf, out, fd, "etl_rdd");
      },
      info);
}
