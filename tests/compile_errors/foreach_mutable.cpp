// Mistake: foreach with a mutable lambda (functions may run on several threads at once).
#include <dataflow/dataflow.hpp>

#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    numbers.foreach ([seen = 0](int) mutable { ++seen; });
    return 0;
  });
}
