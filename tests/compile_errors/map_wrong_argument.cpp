// Mistake: map with a function that takes a std::string on a Dataset<int>.
#include <dataflow/dataflow.hpp>

#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto counts = session.parallelize(std::vector<int>{1, 2, 3})
                      .map([](const std::string& s) {
                        return std::pair{s, 1L};
                      })
                      .reduce_by_key(std::plus<>{})
                      .collect();
    return static_cast<int>(counts.size());
  });
}
