// Mistake: filter with a function whose result is not a truth value.
#include <dataflow/dataflow.hpp>

#include <string>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.parallelize(std::vector<int>{1, 2, 3}).filter([](int x) { return std::to_string(x); }).collect();
    return static_cast<int>(out.size());
  });
}
