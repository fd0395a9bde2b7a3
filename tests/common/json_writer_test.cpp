// JsonWriter: escaping, exact integers, shortest doubles, commas between elements.
#include "common/json_writer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace dataflow::common {
namespace {

std::string json_string(std::string_view s) {
  std::string out;
  JsonWriter::append_string(out, s);
  return out;
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_string("x\ny\rz\t"), R"("x\ny\rz\t")");
  EXPECT_EQ(json_string(std::string("\x01\x1f\0", 3)), R"("\u0001\u001f\u0000")");
  EXPECT_EQ(json_string("\x7f/<>"), "\"\x7f/<>\"");  // JSON needs no more
}

TEST(JsonWriter, PassesValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json_string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(json_string("a\xE9z"), "\"a" + fffd + "z\"");                               // Latin-1 e-acute
  EXPECT_EQ(json_string("\xC0\xAF"), "\"" + fffd + fffd + "\"");                        // overlong '/'
  EXPECT_EQ(json_string("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");             // a surrogate
  EXPECT_EQ(json_string("\xE2\x82"), "\"" + fffd + fffd + "\"");                        // cut at the end
  EXPECT_EQ(json_string("\xF4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");  // past U+10FFFF
}

TEST(JsonWriter, WritesIntegersExactly) {
  JsonWriter w;
  w.begin_array()
      .value(std::numeric_limits<std::uint64_t>::max())
      .value(std::numeric_limits<std::int64_t>::min())
      .value(0)
      .value(std::uint32_t{7})
      .end_array();
  EXPECT_EQ(w.str(), "[18446744073709551615,-9223372036854775808,0,7]");
}

TEST(JsonWriter, WritesDoublesShortestAndNonFiniteAsNull) {
  JsonWriter w;
  w.begin_array()
      .value(0.1)
      .value(3.0)
      .value(1e300)
      .value(std::numeric_limits<double>::quiet_NaN())
      .value(std::numeric_limits<double>::infinity())
      .end_array();
  EXPECT_EQ(w.str(), "[0.1,3,1e+300,null,null]");
}

TEST(JsonWriter, NestsObjectsAndArraysWithCommas) {
  JsonWriter w;
  w.begin_object()
      .field("Event", "X")
      .key("List")
      .begin_array()
      .begin_object()
      .field("a", true)
      .end_object()
      .begin_object()
      .end_object()
      .end_array()
      .key("Empty")
      .begin_array()
      .end_array()
      .key("None")
      .null()
      .field("n", 2)
      .end_object();
  EXPECT_EQ(w.str(), R"({"Event":"X","List":[{"a":true},{}],"Empty":[],"None":null,"n":2})");
}

}  // namespace
}  // namespace dataflow::common
