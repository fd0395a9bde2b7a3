// Mistake: filter with a function that cannot take the record type.
#include <dataflow/dataflow.hpp>

#include <string_view>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out =
        session.parallelize(std::vector<int>{1, 2, 3}).filter([](std::string_view s) { return !s.empty(); }).count();
    return static_cast<int>(out);
  });
}
