// A UDF over a parameter type no column holds.
#include <dataflow/dataflow.hpp>

#include <vector>

int main() {
  auto f = dataflow::functions::udf([](const std::vector<int>& v) { return static_cast<double>(v.size()); });
  (void)f;
}
