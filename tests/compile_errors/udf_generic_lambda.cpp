// A UDF of a generic lambda: its parameter types, and so its columns' types, are unknown.
#include <dataflow/dataflow.hpp>

int main() {
  auto f = dataflow::functions::udf([](auto x) { return x * 2; });
  (void)f;
}
