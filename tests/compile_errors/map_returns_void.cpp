// Mistake: map with a function that returns void (it meant filter or flat_map).
#include <dataflow/dataflow.hpp>

#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.parallelize(std::vector<int>{1, 2, 3}).map([](int x) { (void)x; }).collect();
    return static_cast<int>(out.size());
  });
}
