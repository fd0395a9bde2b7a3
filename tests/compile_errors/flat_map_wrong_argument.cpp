// Mistake: flat_map over lines with a function written for integers.
#include <dataflow/dataflow.hpp>

#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.text_file("in.txt").flat_map([](const std::vector<int>& v) { return v; }).collect();
    return static_cast<int>(out.size());
  });
}
