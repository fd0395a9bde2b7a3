// Mistake: collect_on_driver of records that are std::map (no codec).
#include <dataflow/dataflow.hpp>

#include <map>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.parallelize(std::vector<int>{1, 2, 3})
                   .map([](int x) {
                     return std::map<int, int>{{x, x}};
                   })
                   .collect_on_driver();
    return static_cast<int>(out.size());
  });
}
