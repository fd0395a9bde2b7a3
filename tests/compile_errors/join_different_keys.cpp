// Mistake: join of two datasets whose keys are of different types.
#include <dataflow/dataflow.hpp>

#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto pairs = session.parallelize(std::vector<std::pair<std::string, long>>{{"a", 1}, {"b", 2}});
    auto ids = session.parallelize(std::vector<std::pair<int, long>>{{1, 1}, {2, 2}});
    auto out = pairs.join(ids).collect();
    return static_cast<int>(out.size());
  });
}
