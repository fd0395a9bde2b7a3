// Mistake: reduce_by_key with a function that does not take two values.
#include <dataflow/dataflow.hpp>

#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.parallelize(std::vector<int>{1, 2, 3})
                   .map([](int x) {
                     return std::pair{std::to_string(x % 2), 1L};
                   })
                   .reduce_by_key([](const std::pair<std::string, long>& a) { return a.second; })
                   .collect();
    return static_cast<int>(out.size());
  });
}
