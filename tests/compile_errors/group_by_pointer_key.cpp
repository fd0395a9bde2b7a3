// Mistake: group_by with a key that is a pointer (hashed by address, different on every rank).
#include <dataflow/dataflow.hpp>

#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    auto out = numbers.group_by([](const int& x) { return &x; }).count();
    return static_cast<int>(out);
  });
}
