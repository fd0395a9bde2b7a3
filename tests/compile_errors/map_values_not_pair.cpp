// Mistake: map_values on records that are not pairs.
#include <dataflow/dataflow.hpp>

#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    auto out = numbers.map_values([](int v) { return v * 2; }).collect();
    return static_cast<int>(out.size());
  });
}
