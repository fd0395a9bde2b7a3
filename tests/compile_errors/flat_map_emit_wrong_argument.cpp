// Mistake: flat_map<U> with a function that does not take (record, emit).
#include <dataflow/dataflow.hpp>

#include <string_view>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.parallelize(std::vector<int>{1, 2, 3})
                   .flat_map<int>([](int x) {
                     return std::vector<int>{x, x};
                   })
                   .collect();
    return static_cast<int>(out.size());
  });
}
