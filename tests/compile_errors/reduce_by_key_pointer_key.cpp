// Mistake: reduce_by_key keyed by const char* (std::pair{"literal", 1L}): hashed by address,
// equal words could land in different partitions.
#include <dataflow/dataflow.hpp>

#include <functional>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.parallelize(std::vector<int>{1, 2, 3})
                   .map([](int x) {
                     return std::pair{x % 2 ? "odd" : "even", 1L};
                   })
                   .reduce_by_key(std::plus<>{})
                   .collect();
    return static_cast<int>(out.size());
  });
}
