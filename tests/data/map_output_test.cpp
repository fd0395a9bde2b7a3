// MapOutput and bucket_order: a map task's buckets side by side, empty ones unrecorded.
#include "dataflow/detail/map_output.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace dataflow::detail {
namespace {

TEST(MapOutput, RecordsOnlyNonEmptyBucketsInOrder) {
  MapOutput out;
  out.buckets = 1000;
  out.close_bucket(0);  // empty: not recorded
  out.data += "abc";
  out.close_bucket(3);
  out.close_bucket(4);  // empty
  out.data += "de";
  out.close_bucket(999);
  ASSERT_EQ(out.extents.size(), 2u);
  EXPECT_EQ(out.extents[0].bucket, 3u);
  EXPECT_EQ(out.bytes(0), "abc");
  EXPECT_EQ(out.extents[1].bucket, 999u);
  EXPECT_EQ(out.bytes(1), "de");
}

TEST(MapOutput, RejectsBucketsOutOfOrderOrRange) {
  MapOutput out;
  out.buckets = 10;
  out.data += "x";
  out.close_bucket(5);
  out.data += "y";
  out.close_bucket(5);  // a second piece of bucket 5
  out.data += "z";
  EXPECT_THROW(out.close_bucket(2), std::logic_error);
  EXPECT_THROW(out.close_bucket(10), std::logic_error);
  ASSERT_EQ(out.extents.size(), 2u);
  EXPECT_EQ(out.bytes(1), "y");
}

TEST(BucketOrder, GroupsByBucketKeepingOrderWithinOne) {
  const std::vector<std::uint32_t> bucket = {4, 0, 4, 2, 0, 4, 1};
  std::vector<std::uint32_t> bucket_of;
  const auto order = bucket_order(bucket.size(), 5, [&](std::size_t i) { return bucket[i]; }, bucket_of);
  EXPECT_EQ(order, (std::vector<std::uint32_t>{1, 4, 6, 3, 0, 2, 5}));
  EXPECT_EQ(bucket_of, bucket);
}

TEST(BucketOrder, NoItems) {
  std::vector<std::uint32_t> bucket_of;
  EXPECT_TRUE(bucket_order(0, 7, [](std::size_t) { return 0u; }, bucket_of).empty());
}

}  // namespace
}  // namespace dataflow::detail
