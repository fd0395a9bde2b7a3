// Mistake: combine_by_key with a merge_combiners that does not take two combiners.
#include <dataflow/dataflow.hpp>

#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto pairs = session.parallelize(std::vector<std::pair<std::string, long>>{{"a", 1}, {"b", 2}});
    auto out = pairs
                   .combine_by_key([](long v) { return std::to_string(v); },
                                   [](std::string c, long v) { return c + std::to_string(v); },
                                   [](std::string a, long b) { return a + std::to_string(b); })
                   .collect();
    return static_cast<int>(out.size());
  });
}
