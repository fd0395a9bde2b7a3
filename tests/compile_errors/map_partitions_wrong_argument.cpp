// Mistake: map_partitions with a function that takes one record, not the partition.
#include <dataflow/dataflow.hpp>

#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    auto out = numbers.map_partitions([](int x) { return std::vector<int>{x}; }).collect();
    return static_cast<int>(out.size());
  });
}
