// Mistake: reduce with a function of std::string on a Dataset<int>.
#include <dataflow/dataflow.hpp>

#include <string>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    int total = numbers.reduce([](const std::string& a, const std::string& b) { return a + b; });
    return total;
  });
}
