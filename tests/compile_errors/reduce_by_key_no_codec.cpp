// Mistake: reduce_by_key whose values have no codec, so the shuffle cannot encode them.
#include <dataflow/dataflow.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    struct Bin {  // holds a std::string: not trivially copyable, and no serialize()
      std::string label;
      long count;
    };
    using Histogram = std::map<int, Bin>;
    auto out = session.parallelize(std::vector<int>{1, 2, 3})
                   .map([](int x) {
                     return std::pair{x % 2, Histogram{{x, Bin{"x", 1L}}}};
                   })
                   .reduce_by_key([](Histogram a, const Histogram& b) {
                     for (const auto& [k, bin] : b) a[k].count += bin.count;
                     return a;
                   })
                   .count();
    return static_cast<int>(out);
  });
}
