// Mistake: aggregate_by_key with a seq that does not take the zero value first.
#include <dataflow/dataflow.hpp>

#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto pairs = session.parallelize(std::vector<std::pair<std::string, long>>{{"a", 1}, {"b", 2}});
    auto out = pairs
                   .aggregate_by_key(
                       std::string(), [](long v, const std::string& s) { return s + std::to_string(v); },
                       [](const std::string& a, const std::string& b) { return a + b; })
                   .collect();
    return static_cast<int>(out.size());
  });
}
