// Mistake: sort_by with a key that has no operator<.
#include <dataflow/dataflow.hpp>

#include <vector>

namespace {

struct Point {  // no operator<
  int x;
  int y;
};

}  // namespace

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    auto out = numbers.sort_by([](int x) { return Point{x, -x}; }).collect();
    return static_cast<int>(out.size());
  });
}
