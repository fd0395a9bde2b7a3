// The pieces of an aggregation without the engine: row bytes and BatchWriter (batches of
// up to 2048 rows, never an empty one), and PartialAggregation folding several batches of
// one partition into one state per group, sent by reduce partition and merged there
// (MergedGroups) as the aggregate's shuffle does.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "dataflow/detail/hash.hpp"
#include "dataflow/error.hpp"
#include "frame/expr/aggregate.hpp"
#include "frame/vector/row_codec.hpp"

namespace {

namespace F = dataflow::functions;
using dataflow::Schema;
using dataflow::Type;
using namespace dataflow::frame;

const Schema kSchema({{"k", Type::kString, true}, {"v", Type::kInt64, true}, {"x", Type::kFloat64, true}});

// Rows [begin, end): k = "a" or "b" (null every 10th), v = i (null every 7th), x = -0.0 or 0.5 * i.
RecordBatch rows(int begin, int end) {
  VectorBuilder k(Type::kString), v(Type::kInt64), x(Type::kFloat64);
  for (int i = begin; i < end; ++i) {
    if (i % 10 == 9) {
      k.append_null();
    } else {
      k.append_string(i % 2 ? "a" : "b");
    }
    if (i % 7 == 0) {
      v.append_null();
    } else {
      v.append_int64(i);
    }
    x.append_float64(i == 0 ? -0.0 : 0.5 * i);
  }
  RecordBatch b;
  b.rows = static_cast<std::uint32_t>(end - begin);
  for (VectorBuilder* c : {&k, &v, &x}) b.columns.push_back(c->finish());
  return b;
}

TEST(RowCodec, CellsRoundTripAndBatchesHoldAtMost2048Rows) {
  const RecordBatch in = rows(0, 5000);
  std::vector<std::string> cells(in.rows);
  for (const Vector& c : in.columns) append_cells(c, cells, false);
  BatchWriter writer(kSchema);
  for (const std::string& row : cells) {
    std::size_t at = 0;
    for (std::size_t c = 0; c < kSchema.size(); ++c) read_cell(row, at, writer.column(c));
    EXPECT_EQ(at, row.size());
    writer.row_done();
  }
  const std::vector<std::string> batches = writer.finish();
  ASSERT_EQ(batches.size(), 3u);
  std::vector<std::uint32_t> sizes;
  std::uint32_t r = 0;
  for (const std::string& bytes : batches) {
    const RecordBatch b = decode_batch(bytes, kSchema);
    sizes.push_back(b.rows);
    for (std::uint32_t i = 0; i < b.rows; ++i, ++r) {
      for (std::size_t c = 0; c < kSchema.size(); ++c)
        EXPECT_EQ(pretty_cell(b.columns[c], i), pretty_cell(in.columns[c], r));
    }
  }
  EXPECT_EQ(sizes, (std::vector<std::uint32_t>{2048, 2048, 904}));
  EXPECT_TRUE(BatchWriter(kSchema).finish().empty());  // no rows, no batch

  // Normalized keys: -0.0 and 0.0 have the same bytes (one group, as Spark).
  VectorBuilder zeros(Type::kFloat64);
  zeros.append_float64(-0.0), zeros.append_float64(0.0);
  std::vector<std::string> keys(2);
  append_cells(zeros.finish(), keys, true);
  EXPECT_EQ(keys[0], keys[1]);
}

TEST(PartialAggregation, OneStatePerGroupAcrossBatches) {
  std::vector<AggregateSpec> specs;
  for (const auto& c : {F::sum("v"), F::count("*"), F::count("v"), F::avg("x"), F::min("v"), F::max("k"),
                        F::count_distinct("k"), F::first("v")}) {
    specs.push_back(aggregate_spec(c, kSchema));
  }
  const std::vector<BoundExpr> keys{bind(F::col("k"), kSchema)};
  // Two partitions of two batches each: every group once per partition.
  PartialAggregation p1(keys, specs), p2(keys, specs);
  p1.add(rows(0, 100)), p1.add(rows(100, 2000));
  p2.add(rows(2000, 2100)), p2.add(rows(2100, 3000));
  // Their states in batches by reduce partition, each merged there as the shuffle's reduce
  // side merges them.
  std::vector<MergedGroups> reduce;
  for (int p = 0; p < 3; ++p) reduce.emplace_back(specs);
  std::size_t sent = 0;
  for (const PartialAggregation* part : {&p1, &p2}) {
    for (const auto& [p, bytes] : part->finish_by_partition(3)) {
      const RecordBatch states = decode_batch(bytes, state_batch_schema());
      for (std::uint32_t r = 0; r < states.rows; ++r) {
        const std::string_view key = states.columns[0].string(r);
        EXPECT_EQ(dataflow::detail::partition_of(GroupTable::hash(key), 3), p);
        reduce.at(p).add(key, GroupTable::hash(key), states.columns[1].string(r));
        ++sent;
      }
    }
  }
  EXPECT_EQ(sent, 6u);  // a, b and the null key from each partition
  Schema out_schema({{"k", Type::kString, true},
                     {"sum(v)", Type::kInt64, true},
                     {"count(1)", Type::kInt64, true},
                     {"count(v)", Type::kInt64, true},
                     {"avg(x)", Type::kFloat64, true},
                     {"min(v)", Type::kInt64, true},
                     {"max(k)", Type::kString, true},
                     {"cd", Type::kInt64, true},
                     {"first(v)", Type::kInt64, true}});
  BatchWriter writer(out_schema);
  for (const MergedGroups& m : reduce) m.finish(writer, 1);
  const RecordBatch b = decode_batch(writer.finish().at(0), out_schema);
  ASSERT_EQ(b.rows, 3u);
  // Expected figures for key "a" (odd i, not i % 10 == 9), computed here.
  std::int64_t sum = 0, n = 0, nv = 0, lo = -1;
  double xs = 0;
  for (int i = 0; i < 3000; ++i) {
    if (i % 10 == 9 || i % 2 == 0) continue;
    ++n, xs += 0.5 * i;
    if (i % 7 == 0) continue;
    ++nv, sum += i;
    if (lo < 0) lo = i;
  }
  std::uint32_t a = 0;
  while (a < b.rows && (!b.columns[0].valid(a) || b.columns[0].string(a) != "a")) ++a;
  ASSERT_LT(a, b.rows);
  EXPECT_EQ(b.columns[1].value<std::int64_t>(a), sum);
  EXPECT_EQ(b.columns[2].value<std::int64_t>(a), n);
  EXPECT_EQ(b.columns[3].value<std::int64_t>(a), nv);
  EXPECT_DOUBLE_EQ(b.columns[4].value<double>(a), xs / static_cast<double>(n));
  EXPECT_EQ(b.columns[5].value<std::int64_t>(a), lo);
  EXPECT_EQ(b.columns[6].string(a), "a");
  EXPECT_EQ(b.columns[7].value<std::int64_t>(a), 1);
  EXPECT_TRUE(b.columns[8].valid(a));
  // The null key's group: max(k) and count(DISTINCT k) see only nulls.
  std::uint32_t null_row = 0;
  while (b.columns[0].valid(null_row)) ++null_row;
  EXPECT_FALSE(b.columns[6].valid(null_row));
  EXPECT_EQ(b.columns[7].value<std::int64_t>(null_row), 0);
}

TEST(PartialAggregation, EmptyGroupAndOverflow) {
  const std::vector<AggregateSpec> specs{aggregate_spec(F::sum("v"), kSchema), aggregate_spec(F::count("*"), kSchema)};
  PartialAggregation none({}, specs);
  none.add_empty_group();
  const auto parts = none.finish_by_partition(1);
  ASSERT_EQ(parts.size(), 1u);
  const RecordBatch states = decode_batch(parts[0].second, state_batch_schema());
  ASSERT_EQ(states.rows, 1u);
  EXPECT_EQ(states.columns[0].string(0), "");
  Schema out({{"sum(v)", Type::kInt64, true}, {"count(1)", Type::kInt64, true}});
  BatchWriter writer(out);
  finish_state(specs, states.columns[1].string(0), writer, 0);
  writer.row_done();
  const RecordBatch b = decode_batch(writer.finish().at(0), out);
  EXPECT_FALSE(b.columns[0].valid(0));  // sum of nothing: null
  EXPECT_EQ(b.columns[1].value<std::int64_t>(0), 0);

  VectorBuilder k(Type::kString), v(Type::kInt64), x(Type::kFloat64);
  for (int i = 0; i < 2; ++i) k.append_string("a"), v.append_int64(INT64_MAX - 1), x.append_float64(0);
  RecordBatch big;
  big.rows = 2;
  for (VectorBuilder* c : {&k, &v, &x}) big.columns.push_back(c->finish());
  PartialAggregation p({}, specs);
  try {
    p.add(big);
    ADD_FAILURE() << "expected an overflow";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_NE(std::string(e.what()).find("integer overflow in sum(v)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(aggregate_spec(F::sum("k"), kSchema), dataflow::Error);      // a string
  EXPECT_THROW(aggregate_spec(F::col("v") + 1, kSchema), dataflow::Error);  // not an aggregate
}

}  // namespace
