// Mistake: flat_map_values with a function that returns one value, not a range.
#include <dataflow/dataflow.hpp>

#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto pairs = session.parallelize(std::vector<std::pair<std::string, long>>{{"a", 1}, {"b", 2}});
    auto out = pairs.flat_map_values([](long v) { return v * 2; }).collect();
    return static_cast<int>(out.size());
  });
}
