// Mistake: map_partitions_with_index with a function that does not take the index.
#include <dataflow/dataflow.hpp>

#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    auto out = numbers.map_partitions_with_index([](std::vector<int>& part) { return part; }).collect();
    return static_cast<int>(out.size());
  });
}
