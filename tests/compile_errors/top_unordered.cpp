// Mistake: top on records that have no operator<, without a comparator.
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
    auto points = session.parallelize(std::vector<Point>{{1, 2}, {3, 4}});
    auto out = points.top(1);
    return static_cast<int>(out.size());
  });
}
