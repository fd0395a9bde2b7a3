// Mistake: map_values with a function that takes the key, not the value.
#include <dataflow/dataflow.hpp>

#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto pairs = session.parallelize(std::vector<std::pair<std::string, long>>{{"a", 1}, {"b", 2}});
    auto out = pairs.map_values([](const std::string& k) { return k.size(); }).collect();
    return static_cast<int>(out.size());
  });
}
