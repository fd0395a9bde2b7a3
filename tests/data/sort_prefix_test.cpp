// SortPrefix must agree with operator<: a < b implies prefix(a) <= prefix(b), for every key
// type that has one (signed and unsigned integers, byte arrays of signed and unsigned
// elements, strings with zero and high bytes).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "dataflow/detail/sort_prefix.hpp"

namespace dataflow::detail {
namespace {

template <class K>
void expect_agrees(const std::vector<K>& keys) {
  static_assert(SortPrefix<K>::kHas);
  for (const K& a : keys) {
    for (const K& b : keys) {
      if (a < b) {
        EXPECT_LE(SortPrefix<K>::of(a), SortPrefix<K>::of(b));
      }
    }
  }
}

TEST(SortPrefix, AgreesWithOperatorLess) {
  std::mt19937_64 rng(7);
  std::vector<std::int64_t> ints{std::numeric_limits<std::int64_t>::min(), -1, 0, 1,
                                 std::numeric_limits<std::int64_t>::max()};
  std::vector<std::int8_t> small{-128, -1, 0, 1, 127};
  std::vector<std::uint32_t> uints{0, 1, 0xffffffffu};
  std::vector<std::array<unsigned char, 10>> ubytes;
  std::vector<std::array<signed char, 3>> sbytes;
  std::vector<std::array<char, 9>> cbytes;
  std::vector<std::string> strings{"", std::string(1, '\0'), "a", std::string("a\0", 2), "ab", "\xff", "\x7f\x80"};
  for (int i = 0; i < 60; ++i) {
    ints.push_back(static_cast<std::int64_t>(rng()));
    uints.push_back(static_cast<std::uint32_t>(rng()));
    std::array<unsigned char, 10> u{};
    std::array<signed char, 3> s{};
    std::array<char, 9> c{};
    for (auto& x : u) x = static_cast<unsigned char>(rng() % 3 == 0 ? 0xff : rng());
    for (auto& x : s) x = static_cast<signed char>(rng());
    for (auto& x : c) x = static_cast<char>(rng() % 4);  // many ties in the first 8 bytes
    ubytes.push_back(u);
    sbytes.push_back(s);
    cbytes.push_back(c);
    std::string str(rng() % 12, '\0');
    for (char& x : str) x = static_cast<char>(rng());
    strings.push_back(str);
  }
  expect_agrees(ints);
  expect_agrees(small);
  expect_agrees(uints);
  expect_agrees(ubytes);
  expect_agrees(sbytes);
  expect_agrees(cbytes);
  expect_agrees(strings);
  static_assert(!SortPrefix<double>::kHas);
  static_assert(!SortPrefix<std::array<int, 2>>::kHas);
}

}  // namespace
}  // namespace dataflow::detail
