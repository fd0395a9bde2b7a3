// Mistake: sort_by with a key function that takes a std::string on a Dataset<int>.
#include <dataflow/dataflow.hpp>

#include <string>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    auto out = numbers.sort_by([](const std::string& s) { return s.size(); }).collect();
    return static_cast<int>(out.size());
  });
}
