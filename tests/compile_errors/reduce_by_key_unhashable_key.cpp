// Mistake: reduce_by_key with a struct key that has neither std::hash nor ==.
#include <dataflow/dataflow.hpp>

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

struct Cell {  // no padding, so it has a codec; but no hash
  std::int32_t row;
  std::int32_t col;
};

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.parallelize(std::vector<int>{1, 2, 3})
                   .map([](int x) {
                     return std::pair{Cell{x, x}, 1L};
                   })
                   .reduce_by_key(std::plus<>{})
                   .collect();
    return static_cast<int>(out.size());
  });
}
