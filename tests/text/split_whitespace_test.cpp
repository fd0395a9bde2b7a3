// split_whitespace must split exactly as Python's bytes.split(): random bytes drawn mostly
// from whitespace, control bytes next to it (0x00-0x20) and high bytes, at every alignment.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "dataflow/text.hpp"

namespace {

std::vector<std::string> reference_split(const std::string& s) {
  std::vector<std::string> out;
  std::string word;
  for (char c : s) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
    if (space) {
      if (!word.empty()) out.push_back(word);
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  if (!word.empty()) out.push_back(word);
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  for (auto w : dataflow::split_whitespace(s)) out.emplace_back(w);
  return out;
}

TEST(SplitWhitespace, MatchesBytesSplitOnRandomBytes) {
  const std::string alphabet(
      "\x20\x09\x0a\x0b\x0c\x0d\x00\x01\x08\x0e\x1f\x21\x7f\x80\xff"
      "abcdefgh",
      23);
  std::mt19937 rng(42);
  for (int round = 0; round < 3000; ++round) {
    std::string s(rng() % 70, '\0');
    // Some rounds use long words so the 8-byte scan runs; some are mostly whitespace.
    const int mode = round % 3;
    for (auto& c : s) {
      c = mode == 0 ? alphabet[rng() % alphabet.size()] : mode == 1 ? alphabet[15 + rng() % 8] : alphabet[rng() % 11];
      if (mode == 1 && rng() % 12 == 0) c = alphabet[rng() % 11];
    }
    ASSERT_EQ(split(s), reference_split(s)) << "round " << round;
  }
}

TEST(SplitWhitespace, EdgeCases) {
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split(" \t\r\n\v\f").empty());
  EXPECT_EQ(split("a"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(split(std::string("x\0y z", 5)), (std::vector<std::string>{std::string("x\0y", 3), "z"}));
  EXPECT_EQ(split("  abcdefghijklmnop\x01qrstuvwxyz  "), (std::vector<std::string>{"abcdefghijklmnop\x01qrstuvwxyz"}));
}

}  // namespace
