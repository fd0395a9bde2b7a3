// Mistake: flat_map with a function that returns one value, not a range.
#include <dataflow/dataflow.hpp>

#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.parallelize(std::vector<int>{1, 2, 3}).flat_map([](int x) { return x * 2; }).collect();
    return static_cast<int>(out.size());
  });
}
