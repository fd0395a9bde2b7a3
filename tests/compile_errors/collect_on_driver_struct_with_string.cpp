// Mistake: collect_on_driver of records that are a struct holding a std::string (no codec:
// not trivially copyable, no serialize()).
#include <dataflow/dataflow.hpp>

#include <string>
#include <vector>

struct Named {
  int id;
  std::string name;
};

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.parallelize(std::vector<int>{1, 2, 3})
                   .map([](int x) {
                     return Named{x, "n"};
                   })
                   .collect_on_driver();
    return static_cast<int>(out.size());
  });
}
