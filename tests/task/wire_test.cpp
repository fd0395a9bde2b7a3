// The control-message wire codec: round trips of every message, and malformed input
// rejected with Error(kSoftware) without a crash or an allocation larger than the message.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/error.hpp"
#include "task/wire.hpp"

#include "largest_allocation.hpp"

using testing_support::g_largest;
using testing_support::g_probe;

namespace dataflow::task {
namespace {

class AllocationProbe {
 public:
  AllocationProbe() {
    g_largest = 0;
    g_probe = true;
  }
  ~AllocationProbe() { g_probe = false; }
  std::size_t largest() const { return g_largest.load(); }
};

// ----- sample messages with every field set -----------------------------------------------

const std::string kBinary = std::string("a\0b\xff\x80\n", 6);

Descriptor sample_descriptor() {
  Descriptor d;
  d.job = 0x0102030405060708ull;
  d.stage = 7;
  d.partition = 4000000000u;
  d.tasks = 4000000001u;
  d.attempt = 3;
  d.fingerprint = 0xfedcba9876543210ull;
  d.nodes = {{-5, 4000000000u, 0}, {3, 0, 2}, {2147483647, 1, 4000000002u}};
  d.scopes = {{9, 0}, {-1, 4000000003u}};
  InputPart& text = d.inputs.emplace_back();
  text.node = -5;
  text.partition = 4000000000u;
  text.scope = 4000000004u;
  text.kind = InputKind::kTextSplit;
  text.slice = "slice" + kBinary;
  text.split.pieces.push_back({"/data/in" + kBinary + ".txt",
                               1ull << 40,
                               (1ull << 40) + 12345,
                               {std::numeric_limits<std::uint64_t>::max(), 0x0102ull, 1ull << 63, -1234567890123456789}});
  text.split.pieces.push_back({"", 0, 0, {0, 0, 0, 0}});  // an empty file's piece
  text.split.pieces.push_back({"/data/small.txt", 0, 300, {300, 7, 99, 1700000000123456789}});
  text.split.max_line_size = (1ull << 40) + 1;
  text.split.bad_records = dataflow::BadRecordsMode::kWrite;
  InputPart& shuffle = d.inputs.emplace_back();
  shuffle.node = 3;
  shuffle.kind = InputKind::kShuffle;
  d.output = OutputKind::kShuffle;
  d.output_node = 2147483647;
  d.num_buckets = 96;
  d.output_file = "out/_temporary/0/part-00004";
  d.check = true;
  return d;
}

Hello sample_hello() {
  Hello h;
  h.job = 99;
  h.fingerprint = 0x8000000000000001ull;
  h.cores = 48;
  h.action = "collect" + kBinary;
  h.finished = true;
  h.error_code = 66;
  h.error = "no such table: " + kBinary;
  return h;
}

TaskReport sample_report() {
  TaskReport r;
  r.job = 12;
  r.stage = 2;
  r.partition = 17;
  r.attempt = 1;
  r.rank = -1;
  r.ok = true;
  r.retryable = false;
  r.error_code = 65;
  r.error = "boom: " + kBinary;
  r.bucket_ids = {0, 1, 7, std::numeric_limits<std::uint32_t>::max()};
  r.bucket_sizes = {0, 1, 1ull << 33, std::numeric_limits<std::uint64_t>::max()};
  r.sample = "sample" + kBinary;
  r.result = std::string(1000, 'r') + kBinary;
  r.accumulators = "updates" + kBinary;
  r.output_hash = 0x8000000000000003ull;
  r.metrics = {1, 2, 3, 1ull << 40, 5, 6, 0, std::numeric_limits<std::uint64_t>::max(), 9, 10, 1ull << 35, 12, 3};
  return r;
}

ExchangeOrder sample_order() {
  ExchangeOrder o;
  o.job = 5;
  o.shuffle_node = 11;
  o.round_bytes = 1ull << 26;
  o.owner = {0, 3, -1, 2147483647, 1};
  o.bounds = "bounds" + kBinary;
  o.broadcast = true;
  return o;
}

ExchangeDone sample_done() {
  ExchangeDone d;
  d.job = 6;
  d.ok = false;
  d.error = "peer 3 failed" + kBinary;
  d.error_code = 74;
  d.bytes_to = {0, 1ull << 40, 7};
  d.bytes_received = 1ull << 33;
  d.rounds = 3;
  d.collective_us = 12345;
  d.total_us = std::numeric_limits<std::uint64_t>::max();
  return d;
}

RankSample sample_rank() {
  RankSample s;
  s.rss = 1ull << 31;
  s.peak_rss = 1ull << 32;
  s.cpu_user_ms = 7;
  s.cpu_system_ms = 8;
  s.pool_reserved = 9;
  s.disk_bytes_spilled = std::numeric_limits<std::uint64_t>::max();
  return s;
}

JobEnd sample_end() {
  JobEnd e;
  e.job = 77;
  e.ok = false;
  e.error_code = 70;
  e.error = "task failed 4 times";
  e.result = kBinary + kBinary;
  e.accumulators = kBinary + "updates";
  return e;
}

// ----- field-by-field comparison ----------------------------------------------------------

void expect_same(const detail::TextSplit& a, const detail::TextSplit& b) {
  ASSERT_EQ(a.pieces.size(), b.pieces.size());
  for (std::size_t i = 0; i < a.pieces.size(); ++i) {
    const auto& pa = a.pieces[i];
    const auto& pb = b.pieces[i];
    EXPECT_EQ(pa.path, pb.path) << i;
    EXPECT_EQ(pa.start, pb.start) << i;
    EXPECT_EQ(pa.end, pb.end) << i;
    EXPECT_EQ(pa.file.size, pb.file.size) << i;
    EXPECT_EQ(pa.file.device, pb.file.device) << i;
    EXPECT_EQ(pa.file.inode, pb.file.inode) << i;
    EXPECT_EQ(pa.file.mtime_ns, pb.file.mtime_ns) << i;
  }
  EXPECT_EQ(a.max_line_size, b.max_line_size);
  EXPECT_EQ(a.bad_records, b.bad_records);
}

void expect_same(const Descriptor& a, const Descriptor& b) {
  EXPECT_EQ(a.job, b.job);
  EXPECT_EQ(a.stage, b.stage);
  EXPECT_EQ(a.partition, b.partition);
  EXPECT_EQ(a.tasks, b.tasks);
  EXPECT_EQ(a.attempt, b.attempt);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    EXPECT_EQ(a.nodes[i].node, b.nodes[i].node) << i;
    EXPECT_EQ(a.nodes[i].partition, b.nodes[i].partition) << i;
    EXPECT_EQ(a.nodes[i].scope, b.nodes[i].scope) << i;
  }
  ASSERT_EQ(a.scopes.size(), b.scopes.size());
  for (std::size_t i = 0; i < a.scopes.size(); ++i) {
    EXPECT_EQ(a.scopes[i].coalesce, b.scopes[i].coalesce) << i;
    EXPECT_EQ(a.scopes[i].parent, b.scopes[i].parent) << i;
  }
  ASSERT_EQ(a.inputs.size(), b.inputs.size());
  for (std::size_t i = 0; i < a.inputs.size(); ++i) {
    EXPECT_EQ(a.inputs[i].node, b.inputs[i].node) << i;
    EXPECT_EQ(a.inputs[i].partition, b.inputs[i].partition) << i;
    EXPECT_EQ(a.inputs[i].scope, b.inputs[i].scope) << i;
    EXPECT_EQ(a.inputs[i].kind, b.inputs[i].kind) << i;
    EXPECT_EQ(a.inputs[i].slice, b.inputs[i].slice) << i;
    expect_same(a.inputs[i].split, b.inputs[i].split);
  }
  EXPECT_EQ(a.output, b.output);
  EXPECT_EQ(a.output_node, b.output_node);
  EXPECT_EQ(a.num_buckets, b.num_buckets);
  EXPECT_EQ(a.output_file, b.output_file);
}

void expect_same(const Hello& a, const Hello& b) {
  EXPECT_EQ(a.job, b.job);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.cores, b.cores);
  EXPECT_EQ(a.action, b.action);
  EXPECT_EQ(a.finished, b.finished);
}

void expect_same(const Shutdown& a, const Shutdown& b) { EXPECT_EQ(a.exit_code, b.exit_code); }

void expect_same(const TaskReport& a, const TaskReport& b) {
  EXPECT_EQ(a.job, b.job);
  EXPECT_EQ(a.stage, b.stage);
  EXPECT_EQ(a.partition, b.partition);
  EXPECT_EQ(a.attempt, b.attempt);
  EXPECT_EQ(a.rank, b.rank);
  EXPECT_EQ(a.ok, b.ok);
  EXPECT_EQ(a.retryable, b.retryable);
  EXPECT_EQ(a.error_code, b.error_code);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.bucket_ids, b.bucket_ids);
  EXPECT_EQ(a.bucket_sizes, b.bucket_sizes);
  EXPECT_EQ(a.sample, b.sample);
  EXPECT_EQ(a.result, b.result);
  EXPECT_EQ(a.accumulators, b.accumulators);
  EXPECT_EQ(a.metrics.run_us, b.metrics.run_us);
  EXPECT_EQ(a.metrics.cpu_ns, b.metrics.cpu_ns);
  EXPECT_EQ(a.metrics.records_read, b.metrics.records_read);
  EXPECT_EQ(a.metrics.bytes_read, b.metrics.bytes_read);
  EXPECT_EQ(a.metrics.memory_bytes_spilled, b.metrics.memory_bytes_spilled);
  EXPECT_EQ(a.metrics.disk_bytes_spilled, b.metrics.disk_bytes_spilled);
  EXPECT_EQ(a.metrics.peak_reserved_bytes, b.metrics.peak_reserved_bytes);
  EXPECT_EQ(a.metrics.queue_wait_us, b.metrics.queue_wait_us);
  EXPECT_EQ(a.metrics.shuffle_records_written, b.metrics.shuffle_records_written);
  EXPECT_EQ(a.metrics.shuffle_bytes_read, b.metrics.shuffle_bytes_read);
  EXPECT_EQ(a.metrics.shuffle_blocks_read, b.metrics.shuffle_blocks_read);
  EXPECT_EQ(a.metrics.thread, b.metrics.thread);
}

void expect_same(const ExchangeOrder& a, const ExchangeOrder& b) {
  EXPECT_EQ(a.job, b.job);
  EXPECT_EQ(a.shuffle_node, b.shuffle_node);
  EXPECT_EQ(a.round_bytes, b.round_bytes);
  EXPECT_EQ(a.owner, b.owner);
  EXPECT_EQ(a.bounds, b.bounds);
  EXPECT_EQ(a.broadcast, b.broadcast);
}

void expect_same(const ExchangeDone& a, const ExchangeDone& b) {
  EXPECT_EQ(a.job, b.job);
  EXPECT_EQ(a.ok, b.ok);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.error_code, b.error_code);
  EXPECT_EQ(a.bytes_to, b.bytes_to);
  EXPECT_EQ(a.bytes_received, b.bytes_received);
  EXPECT_EQ(a.rounds, b.rounds);
  EXPECT_EQ(a.collective_us, b.collective_us);
  EXPECT_EQ(a.total_us, b.total_us);
}

void expect_same(const RankSample& a, const RankSample& b) {
  EXPECT_EQ(a.rss, b.rss);
  EXPECT_EQ(a.peak_rss, b.peak_rss);
  EXPECT_EQ(a.cpu_user_ms, b.cpu_user_ms);
  EXPECT_EQ(a.cpu_system_ms, b.cpu_system_ms);
  EXPECT_EQ(a.pool_reserved, b.pool_reserved);
  EXPECT_EQ(a.disk_bytes_spilled, b.disk_bytes_spilled);
}

void expect_same(const JobEnd& a, const JobEnd& b) {
  EXPECT_EQ(a.job, b.job);
  EXPECT_EQ(a.ok, b.ok);
  EXPECT_EQ(a.error_code, b.error_code);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.result, b.result);
  EXPECT_EQ(a.accumulators, b.accumulators);
}

template <class M>
void expect_round_trip(const M& m) {
  std::string bytes = encode(m);
  M back = decode<M>(bytes);
  expect_same(m, back);
  EXPECT_EQ(encode(back), bytes);  // re-encoding is byte-identical
}

// ----- round trips ------------------------------------------------------------------------

TEST(WireRoundTrip, Descriptor) {
  expect_round_trip(sample_descriptor());
  expect_round_trip(Descriptor{});
  Descriptor d = sample_descriptor();
  d.inputs[0].kind = InputKind::kShuffle;
  d.output = OutputKind::kResult;
  d.inputs[0].split = {};
  d.output_file = std::string(70000, 'x');
  expect_round_trip(d);
  d.inputs[0].kind = InputKind::kSlice;
  expect_round_trip(d);
  d.inputs[0].kind = InputKind::kShuffleInPlace;
  expect_round_trip(d);
}

TEST(WireRoundTrip, Hello) {
  expect_round_trip(sample_hello());
  expect_round_trip(Hello{});
}

TEST(WireRoundTrip, Shutdown) {
  expect_round_trip(Shutdown{});
  expect_round_trip(Shutdown{70});
}

TEST(WireRoundTrip, TaskReport) {
  expect_round_trip(sample_report());
  expect_round_trip(TaskReport{});
  TaskReport r = sample_report();
  r.ok = false;
  r.retryable = true;
  r.bucket_ids.assign(5000, 3);
  r.bucket_sizes.assign(5000, 42);
  r.result.clear();
  expect_round_trip(r);
}

TEST(WireRoundTrip, ExchangeOrder) {
  expect_round_trip(sample_order());
  expect_round_trip(ExchangeOrder{});
}

TEST(WireRoundTrip, ExchangeDone) {
  expect_round_trip(sample_done());
  expect_round_trip(ExchangeDone{});
}

TEST(WireRoundTrip, RankSample) {
  expect_round_trip(sample_rank());
  expect_round_trip(RankSample{});
}

TEST(WireRoundTrip, JobEnd) {
  expect_round_trip(sample_end());
  expect_round_trip(JobEnd{});
  JobEnd e = sample_end();
  e.ok = true;
  e.error_code = 0;
  e.error.clear();
  e.result = std::string(1 << 20, '\0');
  expect_round_trip(e);
}

TEST(WireRoundTrip, HeaderIsMagicThenVersion) {
  std::string bytes = encode(sample_hello());
  ASSERT_GE(bytes.size(), 6u);
  EXPECT_EQ(bytes.substr(0, 4), "DFT1");
  std::uint16_t version = 0;
  std::memcpy(&version, bytes.data() + 4, 2);
  EXPECT_EQ(version, 15);
  const Hello h = sample_hello();
  // job, fingerprint, cores, action, finished, error code, error
  EXPECT_EQ(bytes.size(), 6u + 8 + 8 + 4 + 8 + h.action.size() + 1 + 4 + 8 + h.error.size());
}

// ----- malformed input --------------------------------------------------------------------

// Decoding `bytes` must throw dataflow::Error(kSoftware) saying "malformed", and allocate
// no more than a small multiple of the message.
template <class M>
void expect_rejected(std::string_view bytes, const std::string& what) {
  SCOPED_TRACE(what);
  std::size_t largest = 0;
  bool threw = false;
  try {
    AllocationProbe probe;
    try {
      (void)decode<M>(bytes);
    } catch (...) {
      largest = probe.largest();
      throw;
    }
    largest = probe.largest();
  } catch (const Error& e) {
    threw = true;
    EXPECT_EQ(e.code(), ExitCode::kSoftware) << e.what();
    EXPECT_NE(std::string(e.what()).find("malformed"), std::string::npos) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a non-dataflow exception: " << e.what();
    return;
  }
  EXPECT_TRUE(threw) << "decoded without an error";
  EXPECT_LE(largest, 2 * bytes.size() + 4096)
      << "allocated " << largest << " bytes for a " << bytes.size() << "-byte message";
}

void put_u64(std::string& bytes, std::size_t at, std::uint64_t v) {
  ASSERT_LE(at + 8, bytes.size());
  std::memcpy(bytes.data() + at, &v, 8);
}

std::uint64_t get_u64(const std::string& bytes, std::size_t at) {
  std::uint64_t v = 0;
  std::memcpy(&v, bytes.data() + at, 8);
  return v;
}

// The byte offsets of the length prefixes of each message's strings and vectors, from the
// layout: a 6-byte header, then the fields in serialize() order, raw and little-endian.
struct LengthField {
  std::size_t offset;
  std::uint64_t value;  // the length it holds in the sample (elements)
  std::size_t element;  // bytes per element
};

std::vector<LengthField> descriptor_lengths(const Descriptor& d) {
  const std::size_t nodes_at = 6 + 8 + 4 + 4 + 4 + 4 + 8;  // job, stage, partition, tasks, attempt, fingerprint
  const std::size_t scopes_at = nodes_at + 8 + 12 * d.nodes.size();
  const std::size_t inputs_at = scopes_at + 8 + 8 * d.scopes.size();
  std::vector<LengthField> out = {{nodes_at, d.nodes.size(), 12},
                                  {scopes_at, d.scopes.size(), 8},
                                  {inputs_at, d.inputs.size(), 4 + 4 + 4 + 1 + 8 + 8 + 8}};  // an input's least
  std::size_t at = inputs_at + 8;
  for (const auto& in : d.inputs) {
    at += 4 + 4 + 4 + 1;
    out.push_back({at, in.slice.size(), 1});
    at += 8 + in.slice.size();
    out.push_back({at, in.split.pieces.size(), 7 * 8});  // a piece takes 56 bytes at least
    at += 8;
    for (const auto& p : in.split.pieces) {
      out.push_back({at, p.path.size(), 1});
      at += 8 + p.path.size() + 6 * 8;
    }
    at += 8 + 1;  // max_line_size, bad_records
  }
  out.push_back({at + 1 + 4 + 4, d.output_file.size(), 1});
  return out;
}
std::vector<LengthField> report_lengths(const TaskReport& r) {
  const std::size_t error_at = 6 + 8 + 4 + 4 + 4 + 4 + 1 + 1 + 4;
  const std::size_t ids_at = error_at + 8 + r.error.size();
  const std::size_t sizes_at = ids_at + 8 + 4 * r.bucket_ids.size();
  const std::size_t sample_at = sizes_at + 8 + 8 * r.bucket_sizes.size();
  const std::size_t result_at = sample_at + 8 + r.sample.size();
  return {{error_at, r.error.size(), 1},
          {ids_at, r.bucket_ids.size(), 4},
          {sizes_at, r.bucket_sizes.size(), 8},
          {sample_at, r.sample.size(), 1},
          {result_at, r.result.size(), 1}};
}
std::vector<LengthField> order_lengths(const ExchangeOrder& o) {
  const std::size_t owner_at = 6 + 8 + 4 + 8;
  return {{owner_at, o.owner.size(), 4}, {owner_at + 8 + 4 * o.owner.size(), o.bounds.size(), 1}};
}
std::vector<LengthField> done_lengths(const ExchangeDone& d) {
  const std::size_t error_at = 6 + 8 + 1;
  return {{error_at, d.error.size(), 1}, {error_at + 8 + d.error.size() + 4, d.bytes_to.size(), 8}};
}
std::vector<LengthField> end_lengths(const JobEnd& e) {
  const std::size_t error_at = 6 + 8 + 1 + 4;
  return {{error_at, e.error.size(), 1}, {error_at + 8 + e.error.size(), e.result.size(), 1}};
}

// Typed tests: one suite per message type.
template <class M>
struct Sample;
template <>
struct Sample<Descriptor> {
  static Descriptor make() { return sample_descriptor(); }
  static std::vector<LengthField> lengths(const Descriptor& m) { return descriptor_lengths(m); }
};
template <>
struct Sample<Hello> {
  static Hello make() { return sample_hello(); }
  static std::vector<LengthField> lengths(const Hello& m) { return {{6 + 8 + 8 + 4, m.action.size(), 1}}; }
};
template <>
struct Sample<Shutdown> {
  static Shutdown make() { return Shutdown{70}; }
  static std::vector<LengthField> lengths(const Shutdown&) { return {}; }
};
template <>
struct Sample<TaskReport> {
  static TaskReport make() { return sample_report(); }
  static std::vector<LengthField> lengths(const TaskReport& m) { return report_lengths(m); }
};
template <>
struct Sample<ExchangeOrder> {
  static ExchangeOrder make() { return sample_order(); }
  static std::vector<LengthField> lengths(const ExchangeOrder& m) { return order_lengths(m); }
};
template <>
struct Sample<ExchangeDone> {
  static ExchangeDone make() { return sample_done(); }
  static std::vector<LengthField> lengths(const ExchangeDone& m) { return done_lengths(m); }
};
template <>
struct Sample<RankSample> {
  static RankSample make() { return sample_rank(); }
  static std::vector<LengthField> lengths(const RankSample&) { return {}; }
};
template <>
struct Sample<JobEnd> {
  static JobEnd make() { return sample_end(); }
  static std::vector<LengthField> lengths(const JobEnd& m) { return end_lengths(m); }
};

template <class M>
class WireMalformed : public ::testing::Test {};
using Messages =
    ::testing::Types<Descriptor, Hello, TaskReport, ExchangeOrder, ExchangeDone, RankSample, JobEnd, Shutdown>;
TYPED_TEST_SUITE(WireMalformed, Messages);

TYPED_TEST(WireMalformed, EmptyBytes) {
  expect_rejected<TypeParam>(std::string_view(), "empty");
  expect_rejected<TypeParam>(std::string_view(""), "empty literal");
}

TYPED_TEST(WireMalformed, EveryTruncation) {
  const std::string bytes = encode(Sample<TypeParam>::make());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    // A copy of just the prefix, so reading past it would be caught by ASan as well.
    const std::string prefix = bytes.substr(0, n);
    expect_rejected<TypeParam>(prefix, "prefix of " + std::to_string(n) + " bytes");
  }
}

TYPED_TEST(WireMalformed, WrongMagic) {
  const std::string bytes = encode(Sample<TypeParam>::make());
  for (std::size_t i = 0; i < 4; ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    expect_rejected<TypeParam>(bad, "magic byte " + std::to_string(i));
  }
  std::string zero = bytes;
  std::memset(zero.data(), 0, 4);
  expect_rejected<TypeParam>(zero, "zero magic");
}

TYPED_TEST(WireMalformed, WrongVersion) {
  const std::string bytes = encode(Sample<TypeParam>::make());
  for (std::uint16_t v :
       {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{2}, std::uint16_t{0x0100}, std::uint16_t{0xffff}}) {
    std::string bad = bytes;
    std::memcpy(bad.data() + 4, &v, 2);
    expect_rejected<TypeParam>(bad, "version " + std::to_string(v));
  }
}

TYPED_TEST(WireMalformed, TrailingBytes) {
  const std::string bytes = encode(Sample<TypeParam>::make());
  expect_rejected<TypeParam>(bytes + '\0', "one trailing NUL");
  expect_rejected<TypeParam>(bytes + "xyz", "three trailing bytes");
  expect_rejected<TypeParam>(bytes + bytes, "the message twice");
}

TYPED_TEST(WireMalformed, LengthPrefixes) {
  const TypeParam sample = Sample<TypeParam>::make();
  const std::string bytes = encode(sample);
  for (const LengthField& f : Sample<TypeParam>::lengths(sample)) {
    // The layout this test assumes: the sample's length sits at the computed offset.
    ASSERT_EQ(get_u64(bytes, f.offset), f.value) << "length field at " << f.offset;
    const std::string at = " at offset " + std::to_string(f.offset);
    const std::uint64_t size = bytes.size();
    std::vector<std::uint64_t> lengths = {std::uint64_t{1} << 60, size + 1, size / f.element + 1,
                                          std::numeric_limits<std::uint64_t>::max(), std::uint64_t{1} << 32};
    // A count whose byte size n * element wraps around to a small number.
    if (f.element > 1) lengths.push_back(std::numeric_limits<std::uint64_t>::max() / f.element + 1);
    for (std::uint64_t n : lengths) {
      std::string bad = bytes;
      put_u64(bad, f.offset, n);
      expect_rejected<TypeParam>(bad, "length " + std::to_string(n) + at);
    }
    // Within the message size, but more than the bytes left after the prefix.
    const std::uint64_t left = (size - f.offset - 8) / f.element;
    {
      std::string bad = bytes;
      put_u64(bad, f.offset, left + 1);
      expect_rejected<TypeParam>(bad, "length one past the bytes left" + at);
    }
  }
}

TYPED_TEST(WireMalformed, RandomBytes) {
  std::mt19937_64 rng(20240611);
  const std::string valid = encode(Sample<TypeParam>::make());
  int rejected_with_header = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string bytes(rng() % 160, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    if (i % 2 == 0) {
      // No valid magic (but for a 2^-32 accident): always rejected.
      expect_rejected<TypeParam>(bytes, "random case " + std::to_string(i));
      continue;
    }
    // A valid header and random fields: may decode (a Hello is any 20 bytes), else must be
    // rejected cleanly.
    if (bytes.size() < 6) bytes.resize(6);
    bytes.replace(0, 6, valid, 0, 6);
    AllocationProbe probe;
    try {
      (void)decode<TypeParam>(bytes);
    } catch (const Error& e) {
      ++rejected_with_header;
      EXPECT_EQ(e.code(), ExitCode::kSoftware) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "case " << i << ": non-dataflow exception " << e.what();
    }
    EXPECT_LE(probe.largest(), 2 * bytes.size() + 4096) << "case " << i;
  }
  EXPECT_GT(rejected_with_header, 1500);
}

TYPED_TEST(WireMalformed, RandomMutationsNeverCrash) {
  std::mt19937_64 rng(777);
  const std::string valid = encode(Sample<TypeParam>::make());
  int rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bytes = valid;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      switch (rng() % 3) {
        case 0:  // flip a byte
          bytes[rng() % bytes.size()] = static_cast<char>(rng());
          break;
        case 1:  // cut
          bytes.resize(rng() % (bytes.size() + 1));
          break;
        default:  // insert
          bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(rng() % (bytes.size() + 1)),
                       static_cast<char>(rng()));
          break;
      }
      if (bytes.empty()) break;
    }
    AllocationProbe probe;
    try {
      (void)decode<TypeParam>(bytes);
    } catch (const Error& e) {
      ++rejected;
      EXPECT_EQ(e.code(), ExitCode::kSoftware) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "case " << i << ": non-dataflow exception " << e.what();
    }
    EXPECT_LE(probe.largest(), 2 * valid.size() + 4096) << "case " << i;
  }
  EXPECT_GT(rejected, 0);
}

TEST(WireMalformed, MessageOfAnotherType) {
  // A Hello is shorter than a Descriptor; a Descriptor decoded as a Hello has trailing bytes.
  expect_rejected<Descriptor>(encode(sample_hello()), "Hello as Descriptor");
  expect_rejected<Hello>(encode(sample_descriptor()), "Descriptor as Hello");
  expect_rejected<ExchangeDone>(encode(sample_end()), "JobEnd as ExchangeDone");
}

// An enum or bool byte outside its range is malformed input too (wire.hpp: "any malformed
// input raises Error").
TEST(WireMalformed, OutOfRangeEnumAndBoolBytes) {
  const std::string bytes = encode(sample_descriptor());
  // The first input's kind: after the header and numbers, 3 nodes of 12 bytes, 2 scopes of 8,
  // the input count, and the input's node, partition and scope.
  const std::size_t input_at = 6 + 8 + 4 + 4 + 4 + 4 + 8 + 8 + 12 * 3 + 8 + 8 * 2 + 8 + 4 + 4 + 4;
  ASSERT_EQ(static_cast<std::uint8_t>(bytes[input_at]), static_cast<std::uint8_t>(InputKind::kTextSplit));
  std::string bad = bytes;
  bad[input_at] = 5;
  expect_rejected<Descriptor>(bad, "InputKind 5");
  bad[input_at] = 4;  // kShuffleWhole, the last one, is valid
  EXPECT_EQ(decode<Descriptor>(bad).inputs[0].kind, InputKind::kShuffleWhole);

  // The text split's bad records mode: after the kind, the slice, the pieces and max_line_size.
  const Descriptor d = sample_descriptor();
  std::size_t mode_at = input_at + 1 + 8 + d.inputs[0].slice.size() + 8;
  for (const auto& p : d.inputs[0].split.pieces) mode_at += 8 + p.path.size() + 6 * 8;
  mode_at += 8;
  ASSERT_EQ(static_cast<std::uint8_t>(bytes[mode_at]), static_cast<std::uint8_t>(dataflow::BadRecordsMode::kWrite));
  bad = bytes;
  bad[mode_at] = 3;
  expect_rejected<Descriptor>(bad, "bad records mode 3");
  bad[mode_at] = 1;
  EXPECT_EQ(decode<Descriptor>(bad).inputs[0].split.bad_records, dataflow::BadRecordsMode::kSkip);

  const std::string done = encode(sample_done());
  std::string bad_bool = done;
  bad_bool[6 + 8] = 2;
  expect_rejected<ExchangeDone>(bad_bool, "bool byte 2");
}

// A report lists a size for every bucket it names: one id fewer than sizes is malformed.
TEST(WireMalformed, BucketIdsAndSizesDifferInNumber) {
  TaskReport r = sample_report();
  const std::string bytes = encode(r);
  const std::size_t ids_at = report_lengths(r)[1].offset;
  std::string bad = bytes;
  const std::uint64_t fewer = r.bucket_ids.size() - 1;
  std::memcpy(bad.data() + ids_at, &fewer, sizeof fewer);
  bad.erase(ids_at + 8, 4);  // the first id
  expect_rejected<TaskReport>(bad, "one bucket id fewer than sizes");
}

}  // namespace
}  // namespace dataflow::task
