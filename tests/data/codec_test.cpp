// The record codec: round trips, the exact byte layout, decode_all, and malformed blocks
// rejected with Error(kSoftware) without crashing or allocating past the input.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <limits>
#include <list>
#include <map>
#include <new>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "dataflow/detail/codec.hpp"
#include "dataflow/detail/hash.hpp"
#include "dataflow/error.hpp"

#include "largest_allocation.hpp"

using testing_support::g_largest;
using testing_support::g_probe;

namespace dataflow::detail {
namespace {

template <class T>
std::string encode(const T& v) {
  std::string out;
  ByteWriter w(out);
  Codec<T>::write(w, v);
  return out;
}

template <class T>
Owned<T> decode_one(std::string_view bytes) {
  ByteReader r(bytes);
  auto v = Codec<T>::read(r);
  EXPECT_TRUE(r.empty()) << r.remaining() << " bytes left over";
  return v;
}

template <class T>
void expect_round_trip(const T& v) {
  std::string bytes = encode(v);
  Owned<T> back = decode_one<T>(bytes);
  EXPECT_EQ(back, Owned<T>(v));
  EXPECT_EQ(encode<Owned<T>>(back), bytes);
}

// Decoding must throw Error(kSoftware) "malformed record block", allocating little: at most
// `per_byte` bytes per input byte (a vector may reserve one element per byte left).
template <class T>
void expect_malformed(std::string_view bytes, const std::string& what, std::size_t per_byte = 2) {
  SCOPED_TRACE(what);
  std::size_t largest = 0;
  try {
    g_largest = 0;
    g_probe = true;
    decode_all<T>(bytes, [](Owned<T>&&) {});
    g_probe = false;
    ADD_FAILURE() << "decoded without an error";
  } catch (const Error& e) {
    g_probe = false;
    largest = g_largest;
    EXPECT_EQ(e.code(), ExitCode::kSoftware);
    EXPECT_NE(std::string(e.what()).find("malformed record block"), std::string::npos) << e.what();
  } catch (const std::exception& e) {
    g_probe = false;
    ADD_FAILURE() << "non-dataflow exception: " << e.what();
  }
  EXPECT_LE(largest, per_byte * bytes.size() + 1024);
}

std::string varint(std::uint64_t v) {
  std::string out;
  ByteWriter(out).put_varint(v);
  return out;
}

// ----- round trips ------------------------------------------------------------------------

TEST(CodecTest, Int64) {
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{1234567890123},
                         std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    expect_round_trip(v);
    EXPECT_EQ(encode(v).size(), 8u);
  }
  const std::int64_t v = 0x0102030405060708;
  std::string raw(8, '\0');
  std::memcpy(raw.data(), &v, 8);
  EXPECT_EQ(encode(v), raw);  // copied raw
}

struct Padded {  // 7 padding bytes after tag
  std::int8_t tag;
  std::int64_t value;
  bool operator==(const Padded&) const = default;
};

struct Point3 {  // doubles: no unique object representation, no padding
  double x, y, z;
  bool operator==(const Point3&) const = default;
};

enum class Color : std::uint8_t { kRed, kGreen };

TEST(CodecTest, StructsAndEnums) {
  expect_round_trip(Point3{1.5, -2.0, 1e300});
  expect_round_trip(Padded{-3, 1LL << 40});
  expect_round_trip(std::pair<Padded, Point3>{{7, 8}, {0, 0, 0}});
  expect_round_trip(std::vector<Padded>{{1, 2}, {3, 4}});
  expect_round_trip(Color::kGreen);
  EXPECT_EQ(encode(Point3{}).size(), sizeof(Point3));
}

TEST(CodecTest, PaddingBytesAreNotEncoded) {
  // Two equal records whose padding holds different garbage (as on two ranks) encode alike.
  alignas(Padded) unsigned char a_bytes[sizeof(Padded)];
  alignas(Padded) unsigned char b_bytes[sizeof(Padded)];
  std::memset(a_bytes, 0xAB, sizeof a_bytes);
  std::memset(b_bytes, 0x5C, sizeof b_bytes);
  auto* a = new (a_bytes) Padded;
  auto* b = new (b_bytes) Padded;
  a->tag = b->tag = 9;
  a->value = b->value = -1;
  ASSERT_NE(std::memcmp(a_bytes, b_bytes, sizeof(Padded)), 0);  // the garbage is there
  EXPECT_EQ(encode(*a), encode(*b));
  EXPECT_EQ(decode_one<Padded>(encode(*a)), *b);
}

TEST(CodecTest, OtherArithmetic) {
  expect_round_trip(std::uint32_t{4000000000u});
  expect_round_trip(std::int32_t{-7});
  expect_round_trip(std::uint64_t{std::numeric_limits<std::uint64_t>::max()});
  expect_round_trip(true);
  expect_round_trip('x');
  expect_round_trip(2.5f);
  EXPECT_EQ(encode(std::int32_t{5}).size(), 4u);
  EXPECT_EQ(encode(true).size(), 1u);
}

TEST(CodecTest, Double) {
  for (double v :
       {0.0, -0.0, 1.5, -3.25e300, std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::max()}) {
    std::string bytes = encode(v);
    ASSERT_EQ(bytes.size(), 8u);
    double back = decode_one<double>(bytes);
    EXPECT_EQ(std::memcmp(&back, &v, 8), 0) << v;  // bit-exact, so -0.0 stays -0.0
  }
  double nan = std::numeric_limits<double>::quiet_NaN();
  double back = decode_one<double>(encode(nan));
  EXPECT_TRUE(std::isnan(back));
  EXPECT_EQ(std::memcmp(&back, &nan, 8), 0);
}

TEST(CodecTest, String) {
  expect_round_trip(std::string());
  expect_round_trip(std::string("hello"));
  expect_round_trip(std::string("\0\0a\0", 4));
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  expect_round_trip(all);
  std::string long_string(300000, 'q');
  long_string[123456] = '\0';
  expect_round_trip(long_string);
}

TEST(CodecTest, StringLayoutIsVarintLengthThenBytes) {
  EXPECT_EQ(encode(std::string()), std::string(1, '\0'));
  EXPECT_EQ(encode(std::string("abc")), std::string("\x03"
                                                    "abc"));
  EXPECT_EQ(encode(std::string(127, 'x')).substr(0, 1), std::string("\x7f"));
  EXPECT_EQ(encode(std::string(128, 'x')).substr(0, 2), std::string("\x80\x01"));
  EXPECT_EQ(encode(std::string(300, 'x')).substr(0, 2), std::string("\xac\x02"));
  EXPECT_EQ(encode(std::string(300, 'x')).size(), 302u);
  EXPECT_EQ(encode(std::string(300000, 'x')).size(), 300003u);  // 3-byte varint
}

TEST(CodecTest, Varints) {
  EXPECT_EQ(varint(0), std::string(1, '\0'));
  EXPECT_EQ(varint(1), "\x01");
  EXPECT_EQ(varint(0x7f), "\x7f");
  EXPECT_EQ(varint(0x80), std::string("\x80\x01"));
  EXPECT_EQ(varint(16384), std::string("\x80\x80\x01"));
  EXPECT_EQ(varint(std::numeric_limits<std::uint64_t>::max()).size(), 10u);
  for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{127}, std::uint64_t{128}, std::uint64_t{1} << 35,
                          std::numeric_limits<std::uint64_t>::max() - 1, std::numeric_limits<std::uint64_t>::max()}) {
    std::string bytes = varint(v);
    ByteReader r(bytes);
    EXPECT_EQ(r.get_varint(), v);
    EXPECT_TRUE(r.empty());
  }
}

TEST(CodecTest, StringViewDecodesToString) {
  static_assert(std::is_same_v<decltype(Codec<std::string_view>::read(std::declval<ByteReader&>())), std::string>);
  const std::string_view v("view\0bytes", 10);
  std::string bytes = encode(v);
  EXPECT_EQ(bytes, encode(std::string(v)));  // same bytes as the std::string
  std::string back = decode_one<std::string_view>(bytes);
  EXPECT_EQ(back, std::string(v));
}

TEST(CodecTest, Pair) {
  expect_round_trip(std::pair<std::string, std::int64_t>{"word", 42});
  expect_round_trip(std::pair<std::string, std::int64_t>{"", -1});
  expect_round_trip(std::pair<std::int64_t, double>{7, 0.5});
  EXPECT_EQ(encode(std::pair<std::string, std::int64_t>{"ab", 1}), encode(std::string("ab")) + encode(std::int64_t{1}));

  // A pair of views decodes to a pair of strings.
  std::pair<std::string_view, std::int64_t> view{"key", 3};
  std::string bytes = encode(view);
  auto back = decode_one<std::pair<std::string_view, std::int64_t>>(bytes);
  static_assert(std::is_same_v<decltype(back), std::pair<std::string, std::int64_t>>);
  EXPECT_EQ(back.first, "key");
  EXPECT_EQ(back.second, 3);
}

TEST(CodecTest, Tuple) {
  expect_round_trip(std::tuple<std::int32_t, std::string, double>{-3, std::string("t\0u", 3), 2.75});
  expect_round_trip(std::tuple<>{});
  expect_round_trip(std::tuple<std::string, std::string, std::string>{"a", "", "c"});
  EXPECT_EQ(encode(std::tuple<std::int32_t, std::string>{1, "x"}), encode(std::int32_t{1}) + encode(std::string("x")));
  std::tuple<std::string_view, std::int64_t> view{"v", 9};
  auto back = decode_one<std::tuple<std::string_view, std::int64_t>>(encode(view));
  static_assert(std::is_same_v<decltype(back), std::tuple<std::string, std::int64_t>>);
  EXPECT_EQ(back, (std::tuple<std::string, std::int64_t>{"v", 9}));
}

TEST(CodecTest, Vector) {
  using KV = std::pair<std::string, std::int64_t>;
  expect_round_trip(std::vector<KV>{});
  expect_round_trip(std::vector<KV>{{"a", 1}, {"", 0}, {std::string(1000, 'z'), -5}});
  expect_round_trip(std::vector<std::string>{"x", "", std::string("\0", 1)});
  expect_round_trip(std::vector<std::int64_t>{1, 2, 3});
  expect_round_trip(std::vector<std::vector<std::int32_t>>{{}, {1}, {2, 3}});
  EXPECT_EQ(encode(std::vector<std::int32_t>{}), std::string(1, '\0'));
  EXPECT_EQ(encode(std::vector<std::int32_t>{5}), std::string("\x01") + encode(std::int32_t{5}));
  std::vector<std::int64_t> big(10000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::int64_t>(i * i);
  expect_round_trip(big);
}

TEST(CodecTest, DecodeAllReadsEveryRecordInOrder) {
  using KV = std::pair<std::string, std::int64_t>;
  std::vector<KV> records = {{"one", 1}, {"", 2}, {"three", -3}, {std::string(200, 'x'), 4}, {"five", 5}};
  std::string bytes;
  ByteWriter w(bytes);
  for (const auto& r : records) Codec<KV>::write(w, r);
  std::vector<KV> back;
  decode_all<KV>(bytes, [&](KV&& kv) { back.push_back(std::move(kv)); });
  EXPECT_EQ(back, records);

  int calls = 0;
  decode_all<KV>(std::string_view(), [&](KV&&) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(CodecTest, DecodeAllOfInts) {
  std::string bytes;
  ByteWriter w(bytes);
  for (std::int64_t i = 0; i < 100; ++i) Codec<std::int64_t>::write(w, i * 3);
  std::vector<std::int64_t> back;
  decode_all<std::int64_t>(bytes, [&](std::int64_t v) { back.push_back(v); });
  ASSERT_EQ(back.size(), 100u);
  for (std::int64_t i = 0; i < 100; ++i) EXPECT_EQ(back[static_cast<std::size_t>(i)], i * 3);
}

// ----- malformed --------------------------------------------------------------------------

TEST(CodecMalformed, EveryTruncationOfABlock) {
  using KV = std::pair<std::string, std::int64_t>;
  std::vector<KV> records = {{"alpha", 1}, {"", 2}, {std::string(150, 'b'), 3}};
  std::string bytes;
  std::vector<std::size_t> boundaries = {0};
  ByteWriter w(bytes);
  for (const auto& r : records) {
    Codec<KV>::write(w, r);
    boundaries.push_back(bytes.size());
  }
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string prefix = bytes.substr(0, n);
    std::size_t whole = 0;
    while (whole + 1 < boundaries.size() && boundaries[whole + 1] <= n) ++whole;
    if (boundaries[whole] == n) {
      // A record boundary: the first `whole` records, nothing else.
      std::vector<KV> back;
      decode_all<KV>(prefix, [&](KV&& kv) { back.push_back(std::move(kv)); });
      EXPECT_EQ(back, std::vector<KV>(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(whole)))
          << "prefix " << n;
    } else {
      expect_malformed<KV>(prefix, "prefix of " + std::to_string(n) + " bytes");
    }
  }
}

TEST(CodecMalformed, TruncatedArithmetic) {
  expect_malformed<std::int64_t>(std::string(7, '\x01'), "7 bytes for an int64");
  expect_malformed<double>(std::string(9, '\0'), "9 bytes for a double");  // one, then 1 left
  expect_malformed<std::int32_t>(std::string(3, '\0'), "3 bytes for an int32");
}

TEST(CodecMalformed, LengthLargerThanTheBytesLeft) {
  expect_malformed<std::string>(varint(5) + "ab", "5 for 2");
  expect_malformed<std::string>(varint(3) + "ab", "3 for 2");
  expect_malformed<std::string>(varint(std::uint64_t{1} << 60) + "abc", "2^60");
  expect_malformed<std::string>(varint(std::numeric_limits<std::uint64_t>::max()), "2^64-1, nothing after");
  expect_malformed<std::string>(varint(std::numeric_limits<std::uint64_t>::max()) + std::string(64, 'x'), "2^64-1");
  // The second field of a pair.
  expect_malformed<std::pair<std::string, std::string>>(varint(1) + "a" + varint(1000) + "bc", "second string");
}

TEST(CodecMalformed, VectorLengthLargerThanTheBytesLeft) {
  using KV = std::pair<std::string, std::int64_t>;
  expect_malformed<std::vector<KV>>(varint(std::uint64_t{1} << 60), "2^60 elements, no bytes");
  expect_malformed<std::vector<KV>>(varint(std::numeric_limits<std::uint64_t>::max()) + std::string(32, '\0'),
                                    "2^64-1 elements");
  expect_malformed<std::vector<std::int64_t>>(varint(3) + std::string(16, '\0'), "3 int64s in 16 bytes");
  // Within the one-byte-per-element bound, but elements are 8 bytes: reserve() may take one
  // element per byte left, no more.
  expect_malformed<std::vector<std::int64_t>>(varint(4000) + std::string(4000, '\0'), "4000 int64s in 4000 bytes",
                                              sizeof(std::int64_t));
}

TEST(CodecMalformed, BadVarints) {
  expect_malformed<std::string>(std::string("\x80"), "unterminated varint");
  expect_malformed<std::string>(std::string(9, '\xff'), "9 continuation bytes, then nothing");
  expect_malformed<std::string>(std::string(11, '\x80') + "\x01", "varint longer than 10 bytes");
  expect_malformed<std::string>(std::string(20, '\xff'), "20 continuation bytes");
}

TEST(CodecMalformed, RandomBytesNeverCrash) {
  using Record = std::pair<std::string, std::vector<std::pair<std::string, std::int64_t>>>;
  std::mt19937_64 rng(31337);
  int ok = 0;
  int rejected = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng() % 4 == 0 ? rng() % 4 : rng());  // many small lengths
    g_largest = 0;
    g_probe = true;
    try {
      decode_all<Record>(bytes, [](Owned<Record>&&) {});
      ++ok;
    } catch (const Error& e) {
      ++rejected;
      if (e.code() != ExitCode::kSoftware) ADD_FAILURE() << "case " << i << ": code " << e.exit_code();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "case " << i << ": non-dataflow exception " << e.what();
    }
    g_probe = false;
    // The vector may reserve up to one element per byte left (each Record element is 40 bytes).
    ASSERT_LE(g_largest.load(), 64 * bytes.size() + 1024) << "case " << i;
  }
  EXPECT_GT(rejected, 0);
  EXPECT_GT(ok, 0);
}

// read_into decodes a run of records into one object, reusing its buffers, and gives what
// decode_all gives record by record (serialized cache blocks are read so).
TEST(CodecTest, ReadIntoOneRecordEqualsDecodingEachOne) {
  using R = std::pair<std::string, std::vector<std::pair<double, std::string>>>;
  // The first record is the largest: the others fit in the buffers it leaves.
  std::vector<R> records{{"another long key, not inline", {{4, "y"}, {5, "z"}, {6, "w"}}},
                         {"", {}},
                         {"k", {{-3, ""}}},
                         {"a long key that is not inline", {{1.5, "x"}, {2.5, "a longer string than inline"}}}};
  std::string bytes;
  ByteWriter w(bytes);
  for (const R& r : records) Codec<R>::write(w, r);
  std::vector<R> each;
  decode_all<R>(bytes, [&](R&& r) { each.push_back(std::move(r)); });
  ASSERT_EQ(each, records);
  ByteReader r(bytes);
  R one = Codec<R>::read(r);
  std::vector<R> reused{one};
  const auto* buffer = one.second.data();
  while (!r.empty()) {
    read_into(r, one);
    reused.push_back(one);
  }
  EXPECT_EQ(reused, records);
  EXPECT_EQ(one.second.data(), buffer) << "the vector's buffer was not reused";
  std::string truncated = bytes.substr(0, bytes.size() - 3);
  ByteReader t(truncated);
  EXPECT_THROW(
      {
        while (!t.empty()) read_into(t, one);
      },
      std::exception);
}

// ----- the standard containers beyond std::vector, and std::variant ------------------------

TEST(CodecContainers, EveryStandardContainerRoundTrips) {
  expect_round_trip(std::map<std::string, std::int64_t>{{"a", 1}, {"b", -2}, {"", 3}});
  expect_round_trip(std::multimap<int, std::string>{{1, "x"}, {1, "y"}, {0, ""}});
  expect_round_trip(std::set<std::string>{"pear", "apple", ""});
  expect_round_trip(std::multiset<double>{1.5, 1.5, -0.25});
  expect_round_trip(std::deque<std::string>{"a", "bb", std::string(300, 'c')});
  expect_round_trip(std::list<std::pair<int, std::string>>{{1, "one"}, {2, "two"}});
  expect_round_trip(std::map<int, int>{});
  // Unordered containers: equal after the trip (their byte order is their iteration order).
  std::unordered_map<std::string, std::vector<int>> dict{{"x", {1, 2}}, {"y", {}}, {"z", {3}}};
  EXPECT_EQ(decode_one<decltype(dict)>(encode(dict)), dict);
  std::unordered_set<std::int64_t> set{5, 7, 11, 13};
  EXPECT_EQ(decode_one<decltype(set)>(encode(set)), set);
  std::unordered_multiset<int> bag{1, 1, 2};
  EXPECT_EQ(decode_one<decltype(bag)>(encode(bag)), bag);
}

TEST(CodecContainers, VariantsOptionalsAndNestedCombinations) {
  using V = std::variant<std::int64_t, std::string, std::vector<double>>;
  expect_round_trip(V{std::int64_t{42}});
  expect_round_trip(V{std::string("text")});
  expect_round_trip(V{std::vector<double>{1.0, 2.5}});
  expect_round_trip(std::optional<std::map<std::string, std::set<int>>>{{{"k", {3, 1, 2}}}});
  expect_round_trip(std::optional<std::map<std::string, std::set<int>>>{});
  expect_round_trip(std::vector<std::map<std::string, std::variant<int, std::string>>>{{{"a", 1}, {"b", "two"}}, {}});
  expect_round_trip(std::pair<std::set<int>, std::tuple<std::deque<int>, std::optional<std::string>>>{
      {1, 2}, {{3, 4}, std::nullopt}});
  std::unordered_map<std::string, std::unordered_set<std::string>> graph{{"a", {"b", "c"}}, {"b", {}}};
  EXPECT_EQ(decode_one<decltype(graph)>(encode(graph)), graph);
}

TEST(CodecContainers, ViewsInsideContainersDecodeToStrings) {
  static_assert(
      std::is_same_v<Owned<std::map<std::string_view, std::string_view>>, std::map<std::string, std::string>>);
  static_assert(std::is_same_v<Owned<std::variant<int, std::string_view>>, std::variant<int, std::string>>);
  std::string key = "key", value = "value";
  std::map<std::string_view, std::string_view> views{{key, value}};
  const std::string bytes = encode(views);
  key = "KEY";  // the decoded strings own their bytes
  EXPECT_EQ(decode_one<decltype(views)>(bytes), (std::map<std::string, std::string>{{"key", "value"}}));
}

TEST(CodecContainers, EqualUnorderedKeysHashAlikeWhateverTheirOrder) {
  std::unordered_set<int> a, b;
  for (int i = 0; i < 100; ++i) a.insert(i);
  for (int i = 99; i >= 0; --i) b.insert(i);
  b.rehash(4096);
  EXPECT_EQ(hash_key(a), hash_key(b));
  std::unordered_map<std::string, int> m1{{"x", 1}, {"y", 2}}, m2;
  m2.reserve(1000);
  m2.emplace("y", 2);
  m2.emplace("x", 1);
  EXPECT_EQ(hash_key(m1), hash_key(m2));
  EXPECT_NE(hash_key(m1), hash_key(std::unordered_map<std::string, int>{{"x", 2}, {"y", 1}}));
}

TEST(CodecMalformed, ContainerSizesAndVariantIndexesBeyondTheBytes) {
  expect_malformed<std::map<std::int64_t, std::int64_t>>(varint(std::uint64_t{1} << 60), "2^60 entries, no bytes");
  expect_malformed<std::unordered_map<std::string, int>>(varint(1000) + std::string(999, '\0'), "1000 entries");
  expect_malformed<std::set<std::string>>(varint(2) + varint(1) + "a" + varint(5) + "b", "second key truncated");
  expect_malformed<std::list<std::int64_t>>(varint(3) + std::string(16, '\0'), "3 int64s in 16 bytes");
  expect_malformed<std::variant<int, std::string>>(varint(2) + std::string(8, '\0'), "index 2 of 2");
  expect_malformed<std::variant<int, std::string>>(varint(1) + varint(9) + "abc", "alternative truncated");
}

}  // namespace
}  // namespace dataflow::detail
