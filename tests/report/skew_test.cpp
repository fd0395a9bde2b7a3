// The skew rule: max >= 5 x median and max - median >= the floor (1 s, or 64 MiB).
#include "report/skew.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace dataflow::report {
namespace {

TEST(SkewRule, FlagsFiveTimesTheMedianPastTheFloor) {
  const SkewVerdict v = judge_skew(6000, 1000, kSkewDurationFloorMs);
  EXPECT_TRUE(v.flagged);
  EXPECT_DOUBLE_EQ(v.ratio, 6.0);
}

TEST(SkewRule, ExactlyFiveTimesIsFlagged) {
  EXPECT_TRUE(judge_skew(5000, 1000, kSkewDurationFloorMs).flagged);
  EXPECT_FALSE(judge_skew(4999, 1000, kSkewDurationFloorMs).flagged);
}

TEST(SkewRule, BelowTheFloorIsNotFlagged) {
  EXPECT_FALSE(judge_skew(900, 10, kSkewDurationFloorMs).flagged);  // 90x, but 890 ms apart
  EXPECT_TRUE(judge_skew(1010, 10, kSkewDurationFloorMs).flagged);  // exactly the floor apart
  const double mib = 1024.0 * 1024.0;
  EXPECT_FALSE(judge_skew(60 * mib, 1 * mib, kSkewBytesFloor).flagged);
  EXPECT_TRUE(judge_skew(70 * mib, 1 * mib, kSkewBytesFloor).flagged);
}

TEST(SkewRule, MedianZero) {
  const SkewVerdict v = judge_skew(2000, 0, kSkewDurationFloorMs);
  EXPECT_TRUE(v.flagged);
  EXPECT_TRUE(std::isinf(v.ratio));
  const SkewVerdict none = judge_skew(0, 0, kSkewDurationFloorMs);
  EXPECT_FALSE(none.flagged);
  EXPECT_DOUBLE_EQ(none.ratio, 1.0);
}

TEST(SkewRule, OneTaskIsItsOwnMedian) {
  const std::vector<std::uint64_t> one = {90000};
  EXPECT_EQ(quantile_sorted(one, 0.5), 90000u);
  EXPECT_FALSE(judge_skew(90000, 90000, kSkewDurationFloorMs).flagged);
}

TEST(SkewRule, MedianIsTheDriversNearestRank) {
  EXPECT_EQ(quantile_sorted({1, 2, 3, 4, 5}, 0.5), 3u);
  EXPECT_EQ(quantile_sorted({1, 9}, 0.5), 9u);  // index round(0.5), as the driver's p50
  EXPECT_EQ(quantile_sorted({1, 2, 3, 4, 5}, 0.25), 2u);
}

TEST(SkewRule, StatedOnThePage) {
  EXPECT_NE(skew_rule_text().find("5 \u00d7 median"), std::string_view::npos);
  EXPECT_NE(skew_rule_text().find("64 MiB"), std::string_view::npos);
}

}  // namespace
}  // namespace dataflow::report
