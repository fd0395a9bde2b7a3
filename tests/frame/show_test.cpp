// show() against Spark's own output (PySpark's documentation of DataFrame.show and the
// seed's examples) and the edges of showString: widths, truncation, full-width characters,
// meta characters, footers, the vertical layout; and Java's number layout.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "frame/pretty_value.hpp"
#include "frame/show.hpp"

namespace {

using dataflow::frame::show_string;
using Rows = std::vector<std::vector<std::string>>;

const std::vector<std::string> kAgeName = {"age", "name"};
const Rows kPeople = {{"14", "Tom"}, {"23", "Alice"}, {"16", "Bob"}};

TEST(Show, PySparkDocumentationDefault) {
  EXPECT_EQ(show_string(kAgeName, kPeople, 20, 20, false),
            "+---+-----+\n"
            "|age| name|\n"
            "+---+-----+\n"
            "| 14|  Tom|\n"
            "| 23|Alice|\n"
            "| 16|  Bob|\n"
            "+---+-----+\n");
}

TEST(Show, FirstRowsAndTheFooter) {
  EXPECT_EQ(show_string(kAgeName, kPeople, 2, 20, false),
            "+---+-----+\n"
            "|age| name|\n"
            "+---+-----+\n"
            "| 14|  Tom|\n"
            "| 23|Alice|\n"
            "+---+-----+\n"
            "only showing top 2 rows\n");
  EXPECT_EQ(show_string(kAgeName, kPeople, 1, 20, false),
            "+---+----+\n"
            "|age|name|\n"
            "+---+----+\n"
            "| 14| Tom|\n"
            "+---+----+\n"
            "only showing top 1 row\n");
  // Exactly n rows: no footer.
  EXPECT_EQ(show_string(kAgeName, kPeople, 3, 20, false).find("only showing"), std::string::npos);
}

TEST(Show, TruncateThreeCutsWithoutEllipsis) {
  EXPECT_EQ(show_string(kAgeName, kPeople, 20, 3, false),
            "+---+----+\n"
            "|age|name|\n"
            "+---+----+\n"
            "| 14| Tom|\n"
            "| 23| Ali|\n"
            "| 16| Bob|\n"
            "+---+----+\n");
}

TEST(Show, TruncateZeroAlignsLeftAndKeepsLongCells) {
  const std::string long_cell = "abcdefghijklmnopqrstuvwxyz";
  EXPECT_EQ(show_string({"s"}, {{long_cell}, {"x"}}, 20, 0, false),
            "+--------------------------+\n"
            "|s                         |\n"
            "+--------------------------+\n"
            "|abcdefghijklmnopqrstuvwxyz|\n"
            "|x                         |\n"
            "+--------------------------+\n");
  // The default 20: 17 characters and "...".
  EXPECT_EQ(show_string({"s"}, {{long_cell}}, 20, 20, false),
            "+--------------------+\n"
            "|                   s|\n"
            "+--------------------+\n"
            "|abcdefghijklmnopq...|\n"
            "+--------------------+\n");
}

TEST(Show, SeedExamples) {
  const Rows data = {{"Alice", "25"}, {"Bob", "30"}};
  EXPECT_EQ(show_string({"name", "age"}, data, 20, 20, false),
            "+-----+---+\n"
            "| name|age|\n"
            "+-----+---+\n"
            "|Alice| 25|\n"
            "|  Bob| 30|\n"
            "+-----+---+\n");
  EXPECT_EQ(show_string({"name", "sum(age)"}, data, 20, 20, false),
            "+-----+--------+\n"
            "| name|sum(age)|\n"
            "+-----+--------+\n"
            "|Alice|      25|\n"
            "|  Bob|      30|\n"
            "+-----+--------+\n");
}

TEST(Show, VerticalRecordsAndEmpty) {
  EXPECT_EQ(show_string(kAgeName, kPeople, 20, 20, true),
            "-RECORD 0-----\n"
            " age  | 14    \n"
            " name | Tom   \n"
            "-RECORD 1-----\n"
            " age  | 23    \n"
            " name | Alice \n"
            "-RECORD 2-----\n"
            " age  | 16    \n"
            " name | Bob   \n");
  EXPECT_EQ(show_string(kAgeName, {}, 20, 20, true), "(0 rows)\n");
  EXPECT_EQ(show_string(kAgeName, kPeople, 1, 20, true),
            "-RECORD 0---\n"
            " age  | 14  \n"
            " name | Tom \n"
            "only showing top 1 row\n");
}

TEST(Show, EmptyFrameKeepsTheHeader) {
  EXPECT_EQ(show_string(kAgeName, {}, 20, 20, false),
            "+---+----+\n"
            "|age|name|\n"
            "+---+----+\n"
            "+---+----+\n");
}

TEST(Show, FullWidthCharactersCountTwo) {
  EXPECT_EQ(dataflow::frame::half_width("日本"), 4u);
  EXPECT_EQ(dataflow::frame::java_length("日本"), 2u);
  EXPECT_EQ(show_string({"x"}, {{"日本"}, {"a"}}, 20, 20, false),
            "+----+\n"
            "|   x|\n"
            "+----+\n"
            "|日本|\n"
            "|   a|\n"
            "+----+\n");
}

TEST(Show, MetaCharactersAreEscapedInCellsAndNames) {
  EXPECT_EQ(show_string({"a\tb"}, {{"x\ny"}}, 20, 20, false),
            "+----+\n"
            "|a\\tb|\n"
            "+----+\n"
            "|x\\ny|\n"
            "+----+\n");
}

TEST(Show, NullPrintsAsSparkThreeFivePrintsIt) { EXPECT_STREQ(dataflow::frame::kNullText, "NULL"); }

TEST(JavaNumbers, DoubleToString) {
  using dataflow::frame::java_double;
  EXPECT_EQ(java_double(1.0), "1.0");
  EXPECT_EQ(java_double(100.0), "100.0");
  EXPECT_EQ(java_double(0.001), "0.001");
  EXPECT_EQ(java_double(0.0001), "1.0E-4");
  EXPECT_EQ(java_double(1.2345e-5), "1.2345E-5");
  EXPECT_EQ(java_double(9999999.0), "9999999.0");
  EXPECT_EQ(java_double(1e7), "1.0E7");
  EXPECT_EQ(java_double(12345678.9), "1.23456789E7");
  EXPECT_EQ(java_double(1e21), "1.0E21");
  EXPECT_EQ(java_double(123456.789), "123456.789");
  EXPECT_EQ(java_double(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(java_double(-2.5), "-2.5");
  EXPECT_EQ(java_double(-0.0), "-0.0");
  EXPECT_EQ(java_double(0.0), "0.0");
  EXPECT_EQ(java_double(std::nan("")), "NaN");
  EXPECT_EQ(java_double(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(java_double(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(java_double(std::numeric_limits<double>::max()), "1.7976931348623157E308");
  EXPECT_EQ(java_double(std::numeric_limits<double>::denorm_min()), "4.9E-324");
  EXPECT_EQ(java_double(1e23), "1.0E23");  // its exact value is 9.999...E22
  EXPECT_EQ(java_double(2e-3), "0.002");
}

TEST(JavaNumbers, FloatToString) {
  using dataflow::frame::java_float;
  EXPECT_EQ(java_float(0.1f), "0.1");
  EXPECT_EQ(java_float(1.0e10f), "1.0E10");
  EXPECT_EQ(java_float(3.4028235e38f), "3.4028235E38");
  EXPECT_EQ(java_float(std::numeric_limits<float>::denorm_min()), "1.4E-45");
}

TEST(PrettyValue, DatesAndTimestamps) {
  using dataflow::frame::date_text;
  using dataflow::frame::timestamp_text;
  EXPECT_EQ(date_text(0), "1970-01-01");
  EXPECT_EQ(date_text(-1), "1969-12-31");
  EXPECT_EQ(date_text(9204), "1995-03-15");
  EXPECT_EQ(date_text(-25509), "1900-02-28");
  EXPECT_EQ(timestamp_text(0), "1970-01-01 00:00:00");
  EXPECT_EQ(timestamp_text(1500000), "1970-01-01 00:00:01.5");
  EXPECT_EQ(timestamp_text(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(timestamp_text(9204LL * 86400 * 1000000 + 3723000100), "1995-03-15 01:02:03.0001");
}

}  // namespace
