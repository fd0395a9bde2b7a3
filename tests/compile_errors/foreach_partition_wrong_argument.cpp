// Mistake: foreach_partition with a function that takes one record, not the partition.
#include <dataflow/dataflow.hpp>

#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    numbers.foreach_partition([](int x) { (void)x; });
    return 0;
  });
}
