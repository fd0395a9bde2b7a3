// Mistake: a Column used as a truth value. col("a") == 3 is an expression for filter(), not
// a comparison made now; `explicit operator bool() = delete` makes this one error.
#include <dataflow/dataflow.hpp>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session&) {
    if (dataflow::functions::col("a") == 3) return 1;
    return 0;
  });
}
