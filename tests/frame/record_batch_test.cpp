// Column batches: the builder's validity bitmap, the codec's round trip and its refusals,
// gather, and cells as show() prints them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dataflow/error.hpp"
#include "frame/vector/record_batch.hpp"

namespace {

using dataflow::Schema;
using dataflow::Type;
using namespace dataflow::frame;

RecordBatch sample() {
  VectorBuilder names(Type::kString), ages(Type::kInt64), scores(Type::kFloat64);
  const char* n[] = {"Alice", "", "Bob", "Zoë", "x"};
  for (int i = 0; i < 11; ++i) {
    if (i == 9) {
      names.append_null();
    } else {
      names.append_string(n[i % 5]);
    }
    if (i % 3 == 1) {
      ages.append_null();
    } else {
      ages.append_int64(20 + i);
    }
    scores.append_float64(i * 0.5);
  }
  RecordBatch b;
  b.rows = 11;
  b.columns.push_back(names.finish());
  b.columns.push_back(ages.finish());
  b.columns.push_back(scores.finish());
  return b;
}

const Schema kSchema({{"name", Type::kString, true}, {"age", Type::kInt64, true}, {"score", Type::kFloat64, true}});

TEST(RecordBatch, BuilderMarksNullsInTheBitmap) {
  const RecordBatch b = sample();
  EXPECT_TRUE(b.columns[2].validity.empty());  // no null: no bitmap
  ASSERT_EQ(b.columns[1].validity.size(), 2u);
  for (std::uint32_t i = 0; i < 11; ++i) {
    EXPECT_EQ(b.columns[1].valid(i), i % 3 != 1) << i;
    EXPECT_EQ(b.columns[0].valid(i), i != 9) << i;
  }
  EXPECT_EQ(b.columns[0].string(3), "Zoë");
  EXPECT_EQ(b.columns[0].string(1), "");
  EXPECT_EQ(b.columns[1].value<std::int64_t>(9), 29);
}

TEST(RecordBatch, CodecRoundTrip) {
  const RecordBatch b = sample();
  std::string bytes;
  encode_batch(b, bytes);
  const RecordBatch d = decode_batch(bytes, kSchema);
  ASSERT_EQ(d.rows, b.rows);
  for (std::size_t c = 0; c < b.columns.size(); ++c) {
    for (std::uint32_t i = 0; i < b.rows; ++i) {
      EXPECT_EQ(pretty_cell(d.columns[c], i), pretty_cell(b.columns[c], i)) << c << "," << i;
    }
  }
  RecordBatch empty;
  empty.columns.resize(3);
  empty.columns[0].type = Type::kString;
  empty.columns[0].offsets = {0};
  empty.columns[2].type = Type::kFloat64;
  bytes.clear();
  encode_batch(empty, bytes);
  EXPECT_EQ(decode_batch(bytes, kSchema).rows, 0u);
}

TEST(RecordBatch, GatherTakesRowsInAnyOrder) {
  RecordBatch b = sample();
  VectorBuilder flags(Type::kBool), days(Type::kDate);
  for (int i = 0; i < 11; ++i) {
    i == 4 ? flags.append_null() : flags.append_bool(i % 2 == 0);
    days.append_int32(i * 1000);
  }
  b.columns.push_back(flags.finish());
  b.columns.push_back(days.finish());
  for (const std::vector<std::uint32_t>& rows : std::vector<std::vector<std::uint32_t>>{
           {}, {0}, {10, 9, 1, 1, 4}, {0, 2, 3, 5, 6, 8, 10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}) {
    const RecordBatch g = gather(b, rows);
    ASSERT_EQ(g.rows, rows.size());
    for (std::size_t c = 0; c < b.columns.size(); ++c) {
      ASSERT_EQ(g.columns[c].size, rows.size());
      EXPECT_EQ(g.columns[c].type, b.columns[c].type);
      bool any_null = false;
      for (std::uint32_t i = 0; i < g.rows; ++i) {
        EXPECT_EQ(pretty_cell(g.columns[c], i), pretty_cell(b.columns[c], rows[i])) << c << "," << i;
        any_null = any_null || !b.columns[c].valid(rows[i]);
      }
      EXPECT_EQ(g.columns[c].validity.empty(), !any_null) << c;  // a bitmap only where a null is
    }
    // The same bytes as building the rows one by one.
    std::string gathered, built;
    encode_batch(g, gathered);
    RecordBatch one_by_one;
    one_by_one.rows = g.rows;
    for (const Vector& v : b.columns) {
      VectorBuilder col(v.type);
      for (std::uint32_t r : rows) col.append_value(value_at(v, r));
      one_by_one.columns.push_back(col.finish());
    }
    encode_batch(one_by_one, built);
    EXPECT_EQ(gathered, built);
  }
}

// Reading a few columns of a wide batch: decoding only those, or copying their encodings
// into a batch of their own, gives what decoding all of it gives.
TEST(RecordBatch, SomeColumnsOfAnEncodedBatch) {
  const RecordBatch b = sample();
  std::string bytes;
  encode_batch(b, bytes);
  const RecordBatch some = decode_batch(bytes, kSchema, {true, false, true});
  ASSERT_EQ(some.rows, 11u);
  ASSERT_EQ(some.columns.size(), 3u);
  EXPECT_TRUE(some.columns[1].data.empty());
  for (std::size_t c : {0, 2}) {
    for (std::uint32_t i = 0; i < b.rows; ++i) EXPECT_EQ(pretty_cell(some.columns[c], i), pretty_cell(b.columns[c], i));
  }
  const Schema picked({kSchema[2], kSchema[0], kSchema[2]});
  const RecordBatch d = decode_batch(select_encoded(bytes, kSchema, {2, 0, 2}), picked);
  ASSERT_EQ(d.rows, 11u);
  ASSERT_EQ(d.columns.size(), 3u);
  for (std::uint32_t i = 0; i < b.rows; ++i) {
    EXPECT_EQ(pretty_cell(d.columns[0], i), pretty_cell(b.columns[2], i));
    EXPECT_EQ(pretty_cell(d.columns[1], i), pretty_cell(b.columns[0], i));
    EXPECT_EQ(pretty_cell(d.columns[2], i), pretty_cell(b.columns[2], i));
  }
  std::string only_ages;  // the same bytes as encoding that column alone
  RecordBatch ages;
  ages.rows = b.rows;
  ages.columns.push_back(b.columns[1]);
  encode_batch(ages, only_ages);
  EXPECT_EQ(select_encoded(bytes, kSchema, {1}), only_ages);
  EXPECT_THROW(select_encoded(bytes.substr(0, bytes.size() - 1), kSchema, {0}), dataflow::Error);
  EXPECT_THROW(decode_batch(bytes + "x", kSchema, {false, false, true}), dataflow::Error);
}

TEST(RecordBatch, CodecRefusesOtherBytes) {
  std::string bytes;
  encode_batch(sample(), bytes);
  const Schema other({{"name", Type::kString, true}, {"age", Type::kInt32, true}, {"score", Type::kFloat64, true}});
  EXPECT_THROW(decode_batch(bytes, other), dataflow::Error);
  EXPECT_THROW(decode_batch(bytes.substr(0, bytes.size() - 1), kSchema), dataflow::Error);
  EXPECT_THROW(decode_batch(bytes + "x", kSchema), dataflow::Error);
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7) {
    EXPECT_THROW(decode_batch(bytes.substr(0, cut), kSchema), dataflow::Error) << cut;
  }
}

TEST(RecordBatch, CellsAsShowPrintsThem) {
  const RecordBatch b = sample();
  EXPECT_EQ(pretty_cell(b.columns[1], 1), "NULL");
  EXPECT_EQ(pretty_cell(b.columns[1], 0), "20");
  EXPECT_EQ(pretty_cell(b.columns[2], 2), "1.0");
  EXPECT_EQ(pretty_cell(b.columns[0], 9), "NULL");
  VectorBuilder dates(Type::kDate), flags(Type::kBool);
  dates.append_int32(9204);
  flags.append_bool(true);
  EXPECT_EQ(pretty_cell(dates.finish(), 0), "1995-03-15");
  EXPECT_EQ(pretty_cell(flags.finish(), 0), "true");
}

}  // namespace
