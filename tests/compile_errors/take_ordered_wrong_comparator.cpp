// Mistake: take_ordered with a comparator of std::string on a Dataset<int>.
#include <dataflow/dataflow.hpp>

#include <string>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    auto out = numbers.take_ordered(2, [](const std::string& a, const std::string& b) { return a < b; });
    return static_cast<int>(out.size());
  });
}
