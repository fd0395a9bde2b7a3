// Mistake: fold with a function of one argument.
#include <dataflow/dataflow.hpp>

#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    int total = numbers.fold(0, [](int a) { return a; });
    return total;
  });
}
