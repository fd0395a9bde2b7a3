// Sums 1..100 by parity with reduce_by_key through the installed package.
#include <dataflow/dataflow.hpp>

#include <cstdio>
#include <functional>
#include <map>
#include <vector>

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    std::vector<int> v;
    for (int i = 1; i <= 100; ++i) v.push_back(i);
    auto sums = session.parallelize(v, 4)
                    .map([](int x) {
                      return std::pair<int, long>{x % 2, x};
                    })
                    .reduce_by_key(std::plus<>{})
                    .collect();
    std::map<int, long> m(sums.begin(), sums.end());
    if (session.is_driver()) std::printf("even=%ld odd=%ld\n", m[0], m[1]);
    return m[0] == 2550 && m[1] == 2500 ? 0 : 1;
  });
}
