// Mistake: collect of a struct that is not trivially copyable (it holds a std::string), which
// has no codec.
#include <dataflow/dataflow.hpp>

#include <string>
#include <vector>

struct Named {
  std::string name;
  int id;
};

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto out = session.parallelize(std::vector<int>{1, 2, 3})
                   .map([](int x) {
                     return Named{std::to_string(x), x};
                   })
                   .collect();
    return static_cast<int>(out.size());
  });
}
