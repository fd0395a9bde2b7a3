// Mistake: map with a mutable lambda (functions may run on several threads at once).
#include <dataflow/dataflow.hpp>

#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    int seen = 0;
    auto out =
        session.parallelize(std::vector<int>{1, 2, 3}).map([seen](int x) mutable { return x + seen++; }).collect();
    return static_cast<int>(out.size());
  });
}
