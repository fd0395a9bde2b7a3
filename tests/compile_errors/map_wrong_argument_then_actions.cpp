// Mistake: map with a function that takes a std::string on a Dataset<int>, then more transformations and
// actions, which must add no error of their own (the map's is the only one).
#include <dataflow/dataflow.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    using Pair = std::pair<std::string, long>;
    auto pairs = session.parallelize(std::vector<int>{1, 2, 3}).map([](const std::string& s) { return Pair{s, 1L}; });
    std::uint64_t n = pairs.count();
    auto sorted = pairs.sort_by([](const Pair& p) { return p.second; }).collect();
    auto grouped = pairs.group_by_key().map_values([](const std::vector<long>& v) { return v.size(); }).collect();
    auto sums = pairs.reduce_by_key([](long a, long b) { return a + b; }).sort_by_key().collect();
    auto joined = pairs.join(pairs).keys().collect();
    auto best = pairs.take_ordered(2, [](const Pair& a, const Pair& b) { return a.second < b.second; });
    auto total = pairs.reduce([](const Pair& a, const Pair& b) { return Pair{a.first, a.second + b.second}; });
    auto values = pairs.values().filter([](long v) { return v > 0; }).collect();
    pairs.foreach ([](const Pair& p) { (void)p; });
    pairs.save_as_text_file("out");
    (void)total;
    return static_cast<int>(n + sorted.size() + grouped.size() + sums.size() + joined.size() + best.size() +
                            values.size());
  });
}
