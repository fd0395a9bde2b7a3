// Mistake: aggregate with a seq that takes the record first and the zero value second.
#include <dataflow/dataflow.hpp>

#include <string>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    std::string digits = numbers.aggregate(
        std::string(), [](int x, const std::string& s) { return s + std::to_string(x); },
        [](const std::string& a, const std::string& b) { return a + b; });
    return static_cast<int>(digits.size());
  });
}
