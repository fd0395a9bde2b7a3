// CSV without the engine: the RFC 4180 field splitter, the inference lattice, options and DDL
// schemas (exit 64), the batch builder's modes, and the writer's quoting.
#include <gtest/gtest.h>

#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "dataflow/error.hpp"
#include "frame/csv/csv_batch_builder.hpp"
#include "frame/csv/csv_infer.hpp"
#include "frame/csv/csv_options.hpp"
#include "frame/csv/csv_parse.hpp"
#include "frame/csv/csv_writer.hpp"
#include "frame/vector/record_batch.hpp"

namespace {

using dataflow::ExitCode;
using dataflow::Schema;
using dataflow::Type;
using namespace dataflow::frame;
using namespace dataflow::frame::csv;

// The fields of `line` as text, a quoted one in <>, an unclosed quote marked by a final "!".
std::string fields_of(std::string_view line, CsvSplitter splitter = CsvSplitter(',', '"', '"')) {
  std::vector<CsvField> fields;
  const ParsedRecord r = splitter.split(line, 0, false, fields);
  std::string out;
  for (const CsvField& f : fields) {
    out += f.quoted ? "<" + std::string(f.text) + ">" : std::string(f.text);
    out += "|";
  }
  return r.unclosed_quote ? out + "!" : out;
}

TEST(CsvSplitter, Rfc4180Fields) {
  EXPECT_EQ(fields_of("a,b,c"), "a|b|c|");
  EXPECT_EQ(fields_of(R"("a,b",c)"), "<a,b>|c|");                 // quoted separator
  EXPECT_EQ(fields_of(R"("say ""hi""",x)"), R"(<say "hi">|x|)");  // doubled quote
  EXPECT_EQ(fields_of(R"(,"",x)"), "|<>|x|");                     // empty vs quoted empty
  EXPECT_EQ(fields_of(R"(ab"c,d)"), R"(ab"c|d|)");                // a quote inside an unquoted field
  EXPECT_EQ(fields_of("a,b,"), "a|b||");                          // trailing empty field
  EXPECT_EQ(fields_of(""), "|");
  EXPECT_EQ(fields_of(R"(a,"b,c)"), "a|<b,c>|!");  // unclosed quote
  EXPECT_EQ(fields_of(R"("a"b,c)"), "<ab>|c|");    // text after the closing quote
  EXPECT_EQ(fields_of(R"(a;"x;y";z)", CsvSplitter(';', '"', '"')), "a|<x;y>|z|");
  EXPECT_EQ(fields_of(R"("a\"b",c)", CsvSplitter(',', '"', '\\')), R"(<a"b>|c|)");
}

// Lines without a quote byte take a fast path (eight bytes at a time); it splits them as the
// general one (multi-line mode, same text) does, at every length and separator position,
// and gives way to it at a quote byte anywhere in the line.
TEST(CsvSplitter, FastPathAsGeneralOne) {
  std::uint64_t state = 7;
  auto next = [&state](std::uint64_t bound) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return (state >> 33) % bound;
  };
  for (const char sep : {',', ';', '\t'}) {
    CsvSplitter s(sep, '"', '"');
    const std::string alphabet = std::string("ab \\'") + sep + sep + sep + '"';
    std::vector<CsvField> line_fields, general_fields;
    for (int n = 0; n < 3000; ++n) {
      std::string line;
      const std::uint64_t len = next(40);
      const bool quoted = n % 3 == 0;  // a third may hold a quote byte
      for (std::uint64_t i = 0; i < len; ++i) {
        line += alphabet[next(alphabet.size() - (quoted ? 0 : 1))];
      }
      const ParsedRecord a = s.split(line, 0, false, line_fields);
      const ParsedRecord b = s.split(line, 0, true, general_fields);
      ASSERT_EQ(line_fields.size(), general_fields.size()) << line;
      for (std::size_t f = 0; f < line_fields.size(); ++f) {
        EXPECT_EQ(line_fields[f].text, general_fields[f].text) << line;
        EXPECT_EQ(line_fields[f].quoted, general_fields[f].quoted) << line;
      }
      EXPECT_EQ(a.unclosed_quote, b.unclosed_quote) << line;
      EXPECT_EQ(a.end, line.size());
    }
  }
}

TEST(CsvSplitter, MultiLineRecordsAndLineEnds) {
  const std::string text = "a,\"x\ny\"\r\nb,\"p\r\nq\"\rc,d";
  CsvSplitter s(',', '"', '"');
  std::vector<CsvField> f;
  ParsedRecord r = s.split(text, 0, true, f);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].text, "x\ny");
  EXPECT_EQ(text.substr(r.next, 2), "b,");  // "\r\n" ends the record
  r = s.split(text, r.next, true, f);
  EXPECT_EQ(f[1].text, "p\r\nq");
  r = s.split(text, r.next, true, f);  // after a lone "\r"
  EXPECT_EQ(f[0].text, "c");
  EXPECT_EQ(f[1].text, "d");
  EXPECT_EQ(r.next, text.size());
  r = s.split("a,\"open\nstill", 0, true, f);
  EXPECT_TRUE(r.unclosed_quote);
}

TEST(CsvSplitter, Bom) {
  EXPECT_EQ(skip_bom("\xEF\xBB\xBF"
                     "a,b"),
            "a,b");
  EXPECT_EQ(skip_bom("a,b"), "a,b");
}

TEST(CsvInfer, SparksLattice) {
  EXPECT_EQ(infer_field(std::nullopt, "12"), Type::kInt32);
  EXPECT_EQ(infer_field(std::nullopt, "+12"), Type::kInt32);
  EXPECT_EQ(infer_field(std::nullopt, "3000000000"), Type::kInt64);
  EXPECT_EQ(infer_field(std::nullopt, "1.5"), Type::kFloat64);
  EXPECT_EQ(infer_field(std::nullopt, "1e3"), Type::kFloat64);
  EXPECT_EQ(infer_field(std::nullopt, "NaN"), Type::kFloat64);
  EXPECT_EQ(infer_field(std::nullopt, "nan"), Type::kString);  // not Java's
  EXPECT_EQ(infer_field(std::nullopt, "2024-02-29"), Type::kDate);
  EXPECT_EQ(infer_field(std::nullopt, "2024-02-30"), Type::kString);
  EXPECT_EQ(infer_field(std::nullopt, "2024-02-29 10:11:12.5"), Type::kTimestamp);
  EXPECT_EQ(infer_field(std::nullopt, "TRUE"), Type::kBool);
  EXPECT_EQ(infer_field(std::nullopt, "abc"), Type::kString);
  EXPECT_EQ(infer_field(Type::kInt64, "1"), Type::kInt64);  // tried from the type so far up
  EXPECT_EQ(infer_field(Type::kFloat64, "true"), Type::kBool);

  InferState s(5);
  for (const char* v : {"1", "2", "3000000000"}) s.add(0, v);
  for (const char* v : {"1", "2.5"}) s.add(1, v);
  for (const char* v : {"2024-01-01", "2024-01-01 00:00:01"}) s.add(2, v);
  for (const char* v : {"1.5", "true"}) s.add(3, v);  // double then boolean: string
  EXPECT_EQ(s.type(0), Type::kInt64);
  EXPECT_EQ(s.type(1), Type::kFloat64);
  EXPECT_EQ(s.type(2), Type::kTimestamp);
  EXPECT_EQ(s.type(3), Type::kString);
  EXPECT_EQ(s.type(4), std::nullopt);  // no field: the reader makes it a string

  InferState a(2), b(2);
  a.add(0, "1");
  b.add(0, "2.0");
  b.add(1, "x");
  a.merge(b);
  EXPECT_EQ(a.type(0), Type::kFloat64);
  EXPECT_EQ(a.type(1), Type::kString);
  EXPECT_EQ(merge_types(Type::kDate, Type::kInt32), Type::kString);
  EXPECT_EQ(merge_types(std::nullopt, Type::kBool), Type::kBool);
}

ExitCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const dataflow::Error& e) {
    return e.code();
  }
  return ExitCode::kOk;
}

TEST(CsvOptions, NamesAnyCaseAndBadValuesAre64) {
  const CsvOptions o = parse_csv_options(
      {{"header", "true"}, {"inferschema", "TRUE"}, {"delimiter", ";"}, {"mode", "failFast"}, {"nullvalue", "NA"}},
      false);
  EXPECT_TRUE(o.header);
  EXPECT_TRUE(o.infer_schema);
  EXPECT_EQ(o.sep, ';');
  EXPECT_EQ(o.mode, ParseMode::kFailFast);
  EXPECT_EQ(o.null_value, "NA");
  EXPECT_EQ(parse_csv_options({{"sep", "\\t"}}, false).sep, '\t');
  EXPECT_EQ(code_of([] { parse_csv_options({{"header", "yes"}}, false); }), ExitCode::kUsage);
  EXPECT_EQ(code_of([] { parse_csv_options({{"sep", ";;"}}, false); }), ExitCode::kUsage);
  EXPECT_EQ(code_of([] { parse_csv_options({{"mode", "LENIENT"}}, false); }), ExitCode::kUsage);
  EXPECT_EQ(code_of([] { parse_csv_options({{"hedaer", "true"}}, false); }), ExitCode::kUsage);
  EXPECT_EQ(code_of([] { parse_csv_options({{"inferschema", "true"}}, true); }), ExitCode::kUsage);
  EXPECT_EQ(code_of([] { parse_csv_options({{"dateformat", "dd/MM/yyyy"}}, false); }), ExitCode::kUsage);
}

TEST(CsvDdl, SchemasAndErrors) {
  const Schema s = parse_ddl_schema("a INT, b string,`c d` DATE, e: bigint");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].name, "a");
  EXPECT_EQ(s[0].type, Type::kInt32);
  EXPECT_EQ(s[1].type, Type::kString);
  EXPECT_EQ(s[2].name, "c d");
  EXPECT_EQ(s[2].type, Type::kDate);
  EXPECT_EQ(s[3].type, Type::kInt64);
  for (const char* bad : {"a", "a INTEGRAL", "a INT,", ",a INT", "`a INT", "a INT,, b INT"}) {
    EXPECT_EQ(code_of([bad] { parse_ddl_schema(bad); }), ExitCode::kUsage) << bad;
  }
  try {
    parse_ddl_schema("a INT, b NUMBERS");
    ADD_FAILURE();
  } catch (const dataflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown type 'NUMBERS' for column b"), std::string::npos) << e.what();
  }
}

// The rows the builder kept, as CSV text.
std::string rows_of(const Schema& schema, const CsvOptions& o, const std::vector<std::string>& lines) {
  CsvBatchBuilder b(schema, o);
  CsvSplitter splitter(o.sep, o.quote, o.escape);
  std::vector<CsvField> fields;
  for (const std::string& line : lines) {
    const ParsedRecord r = splitter.split(line, 0, false, fields);
    b.add(fields, r.unclosed_quote);
  }
  if (b.rows() == 0) return "";
  const std::string bytes = b.finish();
  std::string out;
  append_csv_rows(decode_batch(bytes, schema), schema, o, out);
  return out;
}

TEST(CsvBatchBuilder, Modes) {
  const Schema schema({{"i", Type::kInt32, true}, {"s", Type::kString, true}, {"d", Type::kDate, true}});
  const std::vector<std::string> lines = {"1,a,2024-01-02",       "x,b,2024-01-03",      "3,c",
                                          "4,d,2024-01-05,extra", "5,\"open,2024-01-06", ",\"\",",
                                          "6,e,2024-01-07"};
  CsvOptions o;
  EXPECT_EQ(rows_of(schema, o, lines),
            "1,a,2024-01-02\n,b,2024-01-03\n3,c,\n4,d,2024-01-05\n5,\"open,2024-01-06\",\n,\"\",\n6,e,2024-01-07\n");
  o.mode = ParseMode::kDropMalformed;
  EXPECT_EQ(rows_of(schema, o, lines), "1,a,2024-01-02\n,\"\",\n6,e,2024-01-07\n");
  o.mode = ParseMode::kFailFast;
  EXPECT_EQ(rows_of(schema, o, {"1,a,2024-01-02", ",\"\","}), "1,a,2024-01-02\n,\"\",\n");
  for (const auto& [line, why] :
       std::vector<std::pair<std::string, std::string>>{{"x,b,2024-01-03", "field 1 (i): 'x' is not a valid integer"},
                                                        {"3,c", "expected 3 fields, found 2"},
                                                        {"4,d,2024-01-05,extra", "expected 3 fields, found 4"},
                                                        {"5,\"open", "a quoted field is not closed"}}) {
    try {
      rows_of(schema, o, {line});
      ADD_FAILURE() << line;
    } catch (const dataflow::Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kDataError);
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  }
}

TEST(CsvBatchBuilder, TypesAndNullValue) {
  const Schema schema({{"b", Type::kBool, true},
                       {"l", Type::kInt64, true},
                       {"x", Type::kFloat64, true},
                       {"t", Type::kTimestamp, true},
                       {"s", Type::kString, true}});
  CsvOptions o;
  o.null_value = "NA";
  EXPECT_EQ(rows_of(schema, o, {"True,-9000000000,1e7,2024-01-02 03:04:05.25,NA", "NA,+1,-Infinity,NA,\"NA\""}),
            "true,-9000000000,1.0E7,2024-01-02 03:04:05.25,NA\nNA,1,-Infinity,NA,\"NA\"\n");
}

// The builder writes its columns in place and reuses them from batch to batch: each batch's
// bytes are those of the same rows appended through VectorBuilder, also after a FAILFAST
// record that threw half-written (a caller that skips bad records goes on adding).
TEST(CsvBatchBuilder, BatchesEqualVectorBuilders) {
  const Schema schema({{"i", Type::kInt64, true}, {"s", Type::kString, true}, {"x", Type::kFloat64, true}});
  CsvOptions o;
  o.mode = ParseMode::kFailFast;
  CsvBatchBuilder b(schema, o);
  CsvSplitter splitter(o.sep, o.quote, o.escape);
  std::vector<CsvField> fields;
  std::vector<VectorBuilder> expected;
  auto expect_batch = [&] {
    RecordBatch batch;
    batch.rows = expected.empty() ? 0 : expected[0].size();
    for (VectorBuilder& v : expected) batch.columns.push_back(v.finish());
    std::string want;
    encode_batch(batch, want);
    EXPECT_EQ(b.finish(), want);
  };
  expected = {VectorBuilder(Type::kInt64), VectorBuilder(Type::kString), VectorBuilder(Type::kFloat64)};
  const std::uint32_t total = kBatchRows + 300;
  std::uint32_t thrown = 0;
  for (std::uint32_t n = 0; n < total; ++n) {
    // Every 7th row has a null string, every 11th a null number; every 13th fails on its
    // last field after writing the others.
    const bool bad = n % 13 == 5;
    const std::string line = std::to_string(n) + "," + (n % 7 == 0 ? "" : "s" + std::to_string(n)) + "," +
                             (bad           ? "oops"
                              : n % 11 == 0 ? ""
                                            : std::to_string(n) + ".5");
    splitter.split(line, 0, false, fields);
    if (bad) {
      EXPECT_THROW(b.add(fields, false), dataflow::Error);
      ++thrown;
      continue;
    }
    b.add(fields, false);
    expected[0].append_int64(n);
    n % 7 == 0 ? expected[1].append_null() : expected[1].append_string("s" + std::to_string(n));
    n % 11 == 0 ? expected[2].append_null() : expected[2].append_float64(n + 0.5);
    if (b.full()) expect_batch();
  }
  EXPECT_GT(thrown, 0u);
  EXPECT_EQ(b.rows(), expected[0].size());
  expect_batch();
  // A batch without nulls has no validity bitmaps, as VectorBuilder's.
  splitter.split("1,a,2.5", 0, false, fields);
  b.add(fields, false);
  expected[0].append_int64(1);
  expected[1].append_string("a");
  expected[2].append_float64(2.5);
  expect_batch();
}

// Doubles read as from_chars reads them, bit for bit (short decimals take a fast path).
TEST(CsvBatchBuilder, DoublesAsFromChars) {
  const Schema schema({{"x", Type::kFloat64, true}});
  CsvOptions o;
  CsvBatchBuilder b(schema, o);
  std::vector<std::string> texts = {"0.1",
                                    "-0.0",
                                    "51322.11",
                                    "123456789012345.6",
                                    "999999999999999",
                                    "1.",
                                    ".5",
                                    "-.25",
                                    "1e3",
                                    "0.000000000000001",
                                    "-7.5",
                                    "00.3",
                                    "9007199254740993"};
  std::uint64_t state = 42;
  for (int i = 0; i < 2000; ++i) {  // TPC-H-like prices and fractions, and longer ones
    state = state * 6364136223846793005u + 1442695040888963407u;
    const std::uint64_t r = state >> 20;
    texts.push_back(std::to_string(r % 10000000) + "." + std::to_string(r % 100 + 100).substr(1));
    texts.push_back("-" + std::to_string(r % 1000) + "." + std::to_string(r % 100000000000u));
  }
  ASSERT_GT(texts.size(), kBatchRows);  // one batch past full(): the builder makes room
  std::vector<CsvField> fields(1);
  for (const std::string& t : texts) {
    fields[0] = {t, false};
    b.add(fields, false);
  }
  const RecordBatch batch = decode_batch(b.finish(), schema);
  ASSERT_EQ(batch.rows, texts.size());
  for (std::uint32_t i = 0; i < batch.rows; ++i) {
    double want = 0;
    std::from_chars(texts[i].data(), texts[i].data() + texts[i].size(), want);
    const double got = batch.columns[0].value<double>(i);
    EXPECT_EQ(std::memcmp(&got, &want, sizeof got), 0) << texts[i];
  }
}

TEST(CsvWriter, QuotesOnlyWhereNeeded) {
  CsvOptions o;
  auto field = [&o](std::string_view t) {
    std::string out;
    append_csv_field(t, o, out);
    return out;
  };
  EXPECT_EQ(field("plain"), "plain");
  EXPECT_EQ(field(""), "\"\"");
  EXPECT_EQ(field("a,b"), "\"a,b\"");
  EXPECT_EQ(field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(field(" lead"), "\" lead\"");
  EXPECT_EQ(field("trail "), "\"trail \"");
  o.sep = ';';
  EXPECT_EQ(field("a,b"), "a,b");
  EXPECT_EQ(field("a;b"), "\"a;b\"");
  std::string header;
  append_csv_header(Schema({{"a;b", Type::kInt32, true}, {"c", Type::kString, true}}), o, header);
  EXPECT_EQ(header, "\"a;b\";c\n");
}

}  // namespace
