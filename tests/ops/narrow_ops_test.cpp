// map, flat_map and filter at every rank count: results and order match a local reference.
#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

#include "session_fixture.hpp"

namespace {

std::vector<int> iota_vector(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(NarrowOps, ParallelizeCollectKeepsOrder) {
  auto v = iota_vector(1000);
  EXPECT_EQ(test_session->parallelize(v, 7).collect(), v);
}

TEST(NarrowOps, MoreSlicesThanValues) {
  std::vector<int> v{1, 2, 3};
  EXPECT_EQ(test_session->parallelize(v, 10).collect(), v);
}

TEST(NarrowOps, MapChangesType) {
  auto out = test_session->parallelize(iota_vector(100), 4).map([](int x) { return std::to_string(x * 2); }).collect();
  ASSERT_EQ(out.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(out[static_cast<std::size_t>(i)], std::to_string(i * 2));
}

TEST(NarrowOps, FilterKeepsMatching) {
  auto out = test_session->parallelize(iota_vector(100), 5).filter([](int x) { return x % 3 == 0; }).collect();
  std::vector<int> want;
  for (int i = 0; i < 100; i += 3) want.push_back(i);
  EXPECT_EQ(out, want);
}

TEST(NarrowOps, FlatMapOverRange) {
  auto out = test_session->parallelize(iota_vector(10), 3)
                 .flat_map([](int x) { return std::vector<int>(static_cast<std::size_t>(x % 3), x); })
                 .collect();
  std::vector<int> want;
  for (int x = 0; x < 10; ++x)
    for (int k = 0; k < x % 3; ++k) want.push_back(x);
  EXPECT_EQ(out, want);
}

TEST(NarrowOps, FlatMapWithEmitter) {
  auto out = test_session->parallelize(std::vector<std::string>{"a b", "", "c  d e"}, 2)
                 .flat_map<std::string_view>([](const std::string& s, const auto& emit) {
                   for (auto w : dataflow::split_whitespace(s)) emit(w);
                 })
                 .collect();
  EXPECT_EQ(out, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST(NarrowOps, ChainOfManyFusedOps) {
  auto out = test_session->parallelize(iota_vector(50), 4)
                 .map([](int x) { return x + 1; })
                 .filter([](int x) { return x % 2 == 0; })
                 .map([](int x) {
                   return std::pair<int, int>{x, x * x};
                 })
                 .filter([](const std::pair<int, int>& p) { return p.second > 100; })
                 .count();
  EXPECT_EQ(out, 20u);  // even numbers 12..50
}

}  // namespace
