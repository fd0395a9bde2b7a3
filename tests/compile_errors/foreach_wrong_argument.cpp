// Mistake: foreach with a function that takes a std::string on a Dataset<int>.
#include <dataflow/dataflow.hpp>

#include <string>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto numbers = session.parallelize(std::vector<int>{3, 1, 2});
    numbers.foreach ([](const std::string& s) { (void)s; });
    return 0;
  });
}
