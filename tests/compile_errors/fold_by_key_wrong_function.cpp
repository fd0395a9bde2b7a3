// Mistake: fold_by_key with a function of the keys, not the values.
#include <dataflow/dataflow.hpp>

#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto pairs = session.parallelize(std::vector<std::pair<std::string, long>>{{"a", 1}, {"b", 2}});
    auto out = pairs.fold_by_key(0L, [](const std::string& a, const std::string& b) { return a + b; }).collect();
    return static_cast<int>(out.size());
  });
}
