// Mistake: reduce_by_key on a Dataset<int> (it needs key-value pairs).
#include <dataflow/dataflow.hpp>

#include <functional>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.parallelize(std::vector<int>{1, 2, 3}).reduce_by_key(std::plus<>{}).collect();
    return static_cast<int>(out.size());
  });
}
