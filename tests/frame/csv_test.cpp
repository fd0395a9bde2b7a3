// CSV on the engine at every rank count: header + inferSchema (BOM, CRLF), the same rows
// for every split size, DDL schemas over a list of files, write then read back equal (nulls,
// empty strings, separators, quotes and line breaks with multiLine), FAILFAST's 65 naming
// the file and offset, and the save modes (73 for an existing directory in error mode).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "session_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using dataflow::DataFrame;

std::vector<std::string> row_texts(const DataFrame& df) {
  std::vector<std::string> out;
  for (const auto& row : df.collect()) out.push_back(row.to_string());
  return out;
}

class Csv : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing_support::shared_temp_path("csv"); }
  void TearDown() override {
    MPI_Barrier(MPI_COMM_WORLD);
    test_session->config().split_size = std::uint64_t{128} << 20;
    if (test_session->is_driver()) fs::remove_all(dir_);
  }
  // Collective: writes `bytes` to dir_/name on the driver.
  std::string file(const std::string& name, const std::string& bytes) {
    return testing_support::write_on_driver(dir_ + "/" + name, bytes);
  }
  std::string dir_;
};

TEST_F(Csv, HeaderAndInferSchema) {
  const std::string path = file("orders.csv",
                                "\xEF\xBB\xBF"
                                "id,customer,amount,day,paid,note\r\n"
                                "1,Alice,10.5,2024-01-02,true,\"first, and \"\"best\"\"\"\r\n"
                                "2,Bob,,2024-01-03,false,\r\n"
                                "\r\n"
                                "3000000000,\"\",7,2024-01-04,TRUE,x\r\n");
  const DataFrame df = test_session->read().option("header", true).option("inferSchema", true).csv(path);
  EXPECT_EQ(df.schema().tree_string(),
            "root\n"
            " |-- id: long (nullable = true)\n"
            " |-- customer: string (nullable = true)\n"
            " |-- amount: double (nullable = true)\n"
            " |-- day: date (nullable = true)\n"
            " |-- paid: boolean (nullable = true)\n"
            " |-- note: string (nullable = true)\n");
  const auto rows = row_texts(df);
  EXPECT_EQ(rows,
            (std::vector<std::string>{"[1,Alice,10.5,2024-01-02,true,first, and \"best\"]",
                                      "[2,Bob,null,2024-01-03,false,null]", "[3000000000,,7.0,2024-01-04,true,x]"}));
  EXPECT_TRUE(testing_support::same_on_all_ranks(df.schema().tree_string() + rows.back()));
  // Without inferSchema every column is a string; without a header, columns are _c0, _c1...
  const DataFrame plain = test_session->read().option("HEADER", "true").csv(path);
  EXPECT_EQ(plain.schema()[0].type, dataflow::Type::kString);
  EXPECT_EQ(plain.count(), 3);
  const DataFrame bare = test_session->read().csv(path);
  EXPECT_EQ(bare.columns(), (std::vector<std::string>{"_c0", "_c1", "_c2", "_c3", "_c4", "_c5"}));
  EXPECT_EQ(bare.count(), 4);  // the header line is a row
}

TEST_F(Csv, SameRowsAtEverySplitSize) {
  // Three files with a header each, lines of varied lengths, quoted separators, empty lines.
  std::vector<std::string> expected;
  for (int f = 0; f < 3; ++f) {
    std::string text = "k,v,w\n";
    for (int i = 0; i < 200; ++i) {
      const int k = f * 1000 + i;
      text += std::to_string(k) + ",\"v," + std::string(static_cast<std::size_t>(i % 37), 'x') + "\"," +
              (i % 5 == 0 ? "" : std::to_string(i * 0.25)) + (i % 3 == 0 ? "\r\n" : "\n");
      if (i % 50 == 0) text += "\n";
    }
    file("in/part" + std::to_string(f) + ".csv", text);
  }
  std::vector<std::string> reference;
  std::string reference_schema;
  for (std::uint64_t split : {std::uint64_t{1} << 20, std::uint64_t{5}, std::uint64_t{61}, std::uint64_t{1000}}) {
    test_session->config().split_size = split;
    const DataFrame df = test_session->read().option("header", true).option("inferSchema", true).csv(dir_ + "/in");
    const auto rows = row_texts(df);
    if (reference.empty()) {
      reference = rows;
      reference_schema = df.schema().tree_string();
      ASSERT_EQ(rows.size(), 600u);
      EXPECT_EQ(rows[0], "[0,v,,null]");  // the quoted "v," then no x
      EXPECT_EQ(rows.back(), "[2199,v," + std::string(199 % 37, 'x') + ",49.75]");
      EXPECT_EQ(reference_schema,
                "root\n |-- k: integer (nullable = true)\n |-- v: string (nullable = true)\n"
                " |-- w: double (nullable = true)\n");
    } else {
      EXPECT_EQ(rows, reference) << "split size " << split;
      EXPECT_EQ(df.schema().tree_string(), reference_schema) << "split size " << split;
    }
  }
}

TEST_F(Csv, DdlSchemaSeparatorAndListOfFiles) {
  const std::string p1 = file("a.txt", "1;x;2024-05-01\n2;\"y;z\";\n");
  const std::string p2 = file("b.txt", "3;;2024-05-03\nbad;w;2024-05-04\n4;v;2024-05-05;extra\n");
  auto read = [&](const char* mode) {
    return test_session->read()
        .schema("a INT, b STRING, d DATE")
        .option("sep", ";")
        .option("mode", mode)
        .csv(std::vector<std::string>{p1, p2});
  };
  EXPECT_EQ(row_texts(read("PERMISSIVE")),
            (std::vector<std::string>{"[1,x,2024-05-01]", "[2,y;z,null]", "[3,null,2024-05-03]", "[null,w,2024-05-04]",
                                      "[4,v,2024-05-05]"}));
  const auto glob = test_session->read().schema("a INT, b STRING, d DATE").option("sep", ";").csv(dir_ + "/*.txt");
  EXPECT_EQ(row_texts(glob), row_texts(read("PERMISSIVE")));
  EXPECT_EQ(row_texts(read("DROPMALFORMED")),
            (std::vector<std::string>{"[1,x,2024-05-01]", "[2,y;z,null]", "[3,null,2024-05-03]"}));
  try {
    test_session->read().schema("a INT, b NOPE").csv(p1);
    ADD_FAILURE() << "expected exit 64";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
  }
}

TEST_F(Csv, FailFastNamesFileAndOffset) {
  const std::string path = file("bad.csv", "a,b\n1,2\n3,4,5\n");
  for (bool multi_line : {false, true}) {
    try {
      test_session->read()
          .schema("a INT, b INT")
          .option("mode", "FAILFAST")
          .option("multiLine", multi_line)
          .csv(path)
          .count();
      ADD_FAILURE() << "expected a JobError";
    } catch (const dataflow::JobError& e) {
      EXPECT_EQ(e.exit_code(), 65);
      const std::string what = e.what();
      // "a,b" is not an integer row either: the first bad record is at offset 0.
      EXPECT_NE(what.find(path + ":0"), std::string::npos) << what;
      EXPECT_NE(what.find("'a' is not a valid integer"), std::string::npos) << what;
    }
  }
  try {
    test_session->read().schema("a INT, b INT").option("header", true).option("mode", "failfast").csv(path).count();
    ADD_FAILURE() << "expected a JobError";
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_NE(std::string(e.what()).find(path + ":8: malformed CSV record: expected 2 fields, found 3"),
              std::string::npos)
        << e.what();
  }
}

// A select right after the read converts only the columns it uses (the scan's ReadSchema says
// which); as Spark's CSV column pruning, a bad value in another column is then not seen, while
// a record with the wrong number of fields still is.
TEST_F(Csv, SelectAfterReadConvertsOnlyItsColumns) {
  const std::string path = file("wide.csv", "a,b,c,d\n1,x,2.5,2024-01-02\n2,y,oops,2024-01-03\n3,z,4.5,2024-01-04\n");
  auto read = [&] {
    return test_session->read()
        .schema("a INT, b STRING, c DOUBLE, d DATE")
        .option("header", true)
        .option("mode", "FAILFAST");
  };
  const DataFrame picked = read().csv(path).select("d", "a").filter(dataflow::functions::col("a") < 3);
  const std::string plan = picked.explain_string(false);
  EXPECT_NE(plan.find("Relation [a, d] csv PushedFilters: [(a < 3)], ReadSchema: struct<a:int,d:date>"),
            std::string::npos)
      << plan;
  EXPECT_EQ(row_texts(picked), (std::vector<std::string>{"[2024-01-02,1]", "[2024-01-03,2]"}));
  const DataFrame ab = read().csv(path).select(dataflow::functions::col("a") * 2, dataflow::functions::col("b"));
  EXPECT_EQ(row_texts(ab), (std::vector<std::string>{"[2,x]", "[4,y]", "[6,z]"}));
  for (const DataFrame& whole : {read().csv(path), read().csv(path).select("a", "b", "c", "d")}) {
    try {
      whole.count();
      ADD_FAILURE() << "expected a JobError: every column converted";
    } catch (const dataflow::JobError& e) {
      EXPECT_NE(std::string(e.what()).find("'oops' is not a valid double"), std::string::npos) << e.what();
    }
  }
  const std::string short_record = file("short.csv", "a,b,c,d\n1,x,2.5,2024-01-02\n2,y\n");
  try {
    read().csv(short_record).select("a").count();
    ADD_FAILURE() << "expected a JobError: a record of 2 fields";
  } catch (const dataflow::JobError& e) {
    EXPECT_NE(std::string(e.what()).find("expected 4 fields, found 2"), std::string::npos) << e.what();
  }
}

DataFrame tricky_frame() {
  using Row =
      std::tuple<std::int32_t, std::optional<std::string>, std::optional<double>, std::optional<dataflow::Date>>;
  std::vector<Row> data{
      {1, "plain", 1.5, dataflow::Date{19000}},
      {2, std::nullopt, std::nullopt, std::nullopt},
      {3, "", 1e7, dataflow::Date{0}},
      {4, "comma, and \"quotes\"", -0.001, dataflow::Date{-1}},
      {5, "two\nlines\r\nand a CR\r", 3.0, dataflow::Date{1}},
      {6, " padded ", 0.1, dataflow::Date{2}},
  };
  for (int i = 7; i < 3000; ++i) data.emplace_back(i, "row " + std::to_string(i), i / 8.0, dataflow::Date{i});
  return test_session->create_data_frame(data, {"id", "text", "x", "d"}, 3);
}

TEST_F(Csv, WriteThenReadBackEqual) {
  const DataFrame df = tricky_frame();
  const std::string out = dir_ + "/out";
  df.write().option("header", true).csv(out);
  if (test_session->is_driver()) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"_SUCCESS", "part-00000.csv", "part-00001.csv", "part-00002.csv"}));
    // 2 batches in 3 slices: part 0 holds the header only, part 1 the first batch.
    std::ifstream empty(out + "/part-00000.csv");
    std::string header, first, second, third, rest;
    std::getline(empty, header);
    EXPECT_EQ(header, "id,text,x,d");
    EXPECT_FALSE(std::getline(empty, rest));
    std::ifstream in(out + "/part-00001.csv");
    std::getline(in, header);
    std::getline(in, first);
    std::getline(in, second);
    std::getline(in, third);
    EXPECT_EQ(header, "id,text,x,d");
    EXPECT_EQ(first, "1,plain,1.5,2022-01-08");
    EXPECT_EQ(second, "2,,,");
    EXPECT_EQ(third, "3,\"\",1.0E7,1970-01-01");
    std::ifstream last(out + "/part-00002.csv");
    std::getline(last, header);
    EXPECT_EQ(header, "id,text,x,d");  // a header in every part, as Spark
  }
  const auto expected = row_texts(df);
  const DataFrame back = test_session->read()
                             .schema(df.schema())
                             .option("header", true)
                             .option("multiLine", true)
                             .option("mode", "FAILFAST")
                             .csv(out);
  EXPECT_EQ(row_texts(back), expected);
  const auto rows = back.take(6);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_TRUE(rows[1].is_null("text"));
  EXPECT_FALSE(rows[2].is_null("text"));
  EXPECT_EQ(rows[2].get<std::string>("text"), "");
  EXPECT_EQ(rows[4].get<std::string>("text"), "two\nlines\r\nand a CR\r");
  // Inferred back: the same types.
  const DataFrame inferred =
      test_session->read().option("header", true).option("inferSchema", true).option("multiLine", true).csv(out);
  EXPECT_EQ(inferred.schema().tree_string(),
            "root\n |-- id: integer (nullable = true)\n |-- text: string (nullable = true)\n"
            " |-- x: double (nullable = true)\n |-- d: date (nullable = true)\n");
  EXPECT_EQ(row_texts(inferred), expected);
}

TEST_F(Csv, SaveModes) {
  const DataFrame df = tricky_frame().filter(dataflow::functions::col("id") > 2990);  // ids 2991..2999
  const std::string out = dir_ + "/modes";
  df.write().csv(out);
  try {
    df.write().mode("error").csv(out);
    ADD_FAILURE() << "expected exit 73";
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.exit_code(), 73);
    EXPECT_NE(std::string(e.what()).find(out), std::string::npos) << e.what();
  }
  auto count = [&] { return test_session->read().schema("id INT, text STRING, x DOUBLE, d DATE").csv(out).count(); };
  EXPECT_EQ(count(), 9);
  df.write().mode("ignore").csv(out);
  EXPECT_EQ(count(), 9);
  df.write().mode("append").csv(out);
  EXPECT_EQ(count(), 18);
  df.write().mode("overwrite").csv(out);
  EXPECT_EQ(count(), 9);
  try {
    df.write().mode("sometimes");
    ADD_FAILURE() << "expected exit 64";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
  }
}

TEST_F(Csv, EmptyFrameWritesHeaderOnlyParts) {
  const DataFrame empty = tricky_frame().filter(dataflow::functions::col("id") < 0);
  const std::string out = dir_ + "/empty";
  empty.write().option("header", true).csv(out);
  if (test_session->is_driver()) {
    for (const auto& e : fs::directory_iterator(out)) {
      if (e.path().filename() == "_SUCCESS") continue;
      std::ifstream in(e.path());
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_EQ(text, "id,text,x,d\n") << e.path();
    }
  }
  const DataFrame back = test_session->read().option("header", true).option("inferSchema", true).csv(out);
  EXPECT_EQ(back.columns(), (std::vector<std::string>{"id", "text", "x", "d"}));
  EXPECT_EQ(back.schema()[0].type, dataflow::Type::kString);  // no values: string, as Spark
  EXPECT_EQ(back.count(), 0);
}

}  // namespace
