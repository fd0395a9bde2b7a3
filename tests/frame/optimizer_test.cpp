// The optimizer's rules on the engine at every rank count, each with the plan before (the
// parsed plan, as written) and after (the optimized plan), printed by the driver: column
// pruning into the CSV scan (through projections, filters, joins and aggregates), filter
// pushdown into it (directly, through projections of plain columns, several filters
// combined, joins, aggregates, unions), where a filter stays put, late materialization's null
// and bad-value rules, and --optimizer off. Every answer equals the answer with the
// optimizer off: the rules change speed, never results.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "session_fixture.hpp"
#include "sorted.hpp"

namespace {

namespace fs = std::filesystem;
namespace F = dataflow::functions;
using dataflow::Column;
using dataflow::DataFrame;
using F::col;

std::vector<std::string> row_texts(const DataFrame& df) {
  std::vector<std::string> out;
  for (const auto& row : df.collect()) out.push_back(row.to_string());
  return out;
}

// A plan's sections: what the program wrote, and what the optimizer made of it.
struct Plans {
  std::string written, optimized;
};

Plans plans(const DataFrame& df, const std::string& rule) {
  const std::string text = df.explain_string(true);
  const std::size_t analyzed = text.find("== Analyzed Logical Plan ==");
  const std::size_t optimized = text.find("== Optimized Logical Plan ==");
  const std::size_t physical = text.find("== Physical Plan ==");
  Plans p{text.substr(0, analyzed), text.substr(optimized, physical - optimized)};
  if (test_session->is_driver())
    std::printf("---- %s: before\n%s---- after\n%s", rule.c_str(), p.written.c_str(), p.optimized.c_str());
  return p;
}

class Optimizer : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing_support::shared_temp_path("optimizer"); }
  void TearDown() override {
    MPI_Barrier(MPI_COMM_WORLD);
    test_session->config().optimizer = true;
    if (test_session->is_driver()) fs::remove_all(dir_);
  }
  // Collective: writes `bytes` to dir_/name on the driver.
  std::string file(const std::string& name, const std::string& bytes) {
    return testing_support::write_on_driver(dir_ + "/" + name, bytes);
  }
  // 5,000 rows over 3 batches: id, a score with nulls, a group, a day; every 7th score empty.
  std::string table() {
    std::string text = "id,score,grp,day\n";
    for (int i = 0; i < 5000; ++i) {
      text += std::to_string(i) + "," + (i % 7 == 3 ? "" : std::to_string(i % 100)) + "," + "g" +
              std::to_string(i % 5) + ",2024-01-" + (i % 28 < 9 ? "0" : "") + std::to_string(i % 28 + 1) + "\n";
    }
    return file("t.csv", text);
  }
  DataFrame read(const std::string& path, const std::string& mode = "PERMISSIVE") {
    return test_session->read()
        .option("header", true)
        .option("mode", mode)
        .schema("id LONG, score INT, grp STRING, day DATE")
        .csv(path);
  }
  // A small table with a header and the columns of `ddl`.
  static DataFrame csv(const std::string& path, const std::string& ddl) {
    return test_session->read().option("header", true).schema(ddl).csv(path);
  }
  // The rows of `query(read(path))` with the optimizer off (as written).
  template <class Q>
  std::vector<std::string> as_written(const std::string& path, Q query) {
    test_session->config().optimizer = false;
    std::vector<std::string> rows = row_texts(query(read(path)));
    test_session->config().optimizer = true;
    return rows;
  }
  std::string dir_;
};

TEST_F(Optimizer, PruneColumnsIntoTheScan) {
  const std::string path = table();
  auto query = [](const DataFrame& t) { return t.select("grp", "id"); };
  const Plans p = plans(query(read(path)), "prune columns");
  EXPECT_NE(p.written.find("Relation [id, score, grp, day] csv ReadSchema: struct<id:bigint,score:int,grp:string,"
                           "day:date>"),
            std::string::npos);
  EXPECT_NE(p.optimized.find("Project [grp, id]\n+- Relation [id, grp] csv ReadSchema: struct<id:bigint,grp:string>"),
            std::string::npos);
  EXPECT_EQ(row_texts(query(read(path))), as_written(path, query));
}

TEST_F(Optimizer, PushFilterIntoTheScan) {
  const std::string path = table();
  auto query = [](const DataFrame& t) { return t.filter(col("score") > 90 && col("grp") != "g1"); };
  const Plans p = plans(query(read(path)), "push filter into the scan");
  EXPECT_NE(
      p.written.find("Filter ((score > 90) AND (NOT (grp = g1)))\n+- Relation [id, score, grp, day] csv ReadSchema:"),
      std::string::npos);
  EXPECT_EQ(p.optimized.find("Filter ("), std::string::npos);
  EXPECT_NE(p.optimized.find("Relation [id, score, grp, day] csv PushedFilters: [(score > 90), (NOT (grp = g1))], "
                             "ReadSchema: struct<id:bigint,score:int,grp:string,day:date>"),
            std::string::npos);
  const auto rows = row_texts(query(read(path)));
  std::size_t want = 0;
  for (int i = 0; i < 5000; ++i) want += i % 7 != 3 && i % 100 > 90 && i % 5 != 1;
  EXPECT_EQ(rows.size(), want);
  EXPECT_EQ(rows, as_written(path, query));
}

// Through a projection of plain columns (renamed or not): the filters on the scan's names,
// the projection on top; a select over that projection makes it again with only the column
// it uses, and so the scan reads and outputs only that one besides the filters' columns.
TEST_F(Optimizer, PushFilterThroughProjectionsAndPrune) {
  const std::string path = table();
  auto query = [](const DataFrame& t) {
    return t.select(col("id"), col("score").alias("s"), col("day"))
        .filter(col("s") >= 95)
        .filter(col("day") < "2024-01-10")
        .select("id");
  };
  const Plans p = plans(query(read(path)), "push filter through projections");
  EXPECT_NE(p.written.find("Filter (day < 2024-01-10)\n   +- Filter (s >= 95)\n      +- Project [id, s, day]"),
            std::string::npos);
  EXPECT_NE(p.optimized.find("Project [id]\n+- Project [id]\n   +- Relation [id] csv "
                             "PushedFilters: [(score >= 95), (day < 2024-01-10)], "
                             "ReadSchema: struct<id:bigint,score:int,day:date>"),
            std::string::npos);
  EXPECT_EQ(p.optimized.find("Filter ("), std::string::npos);
  const auto rows = row_texts(query(read(path)));
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(rows, as_written(path, query));
}

// Through a projection with a computed column (with_column): the conjuncts over the plain
// columns move, the one over the computed column stays above.
TEST_F(Optimizer, PushFilterPastAComputedColumn) {
  const std::string path = table();
  auto query = [](const DataFrame& t) {
    return t.with_column("twice", col("score") * 2).filter(col("grp") == "g1" && col("twice") > 150);
  };
  const Plans p = plans(query(read(path)), "push filter past a computed column");
  EXPECT_NE(p.optimized.find("Filter (twice > 150)\n+- Project [id, score, grp, day, twice]\n"
                             "   +- Relation [id, score, grp, day] csv PushedFilters: [(grp = g1)],"),
            std::string::npos);
  const auto rows = row_texts(query(read(path)));
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(rows, as_written(path, query));
}

// A filter stays above what it cannot pass: a computed column, an aggregate's result, a
// cached frame.
TEST_F(Optimizer, FilterStaysAboveComputedColumnsAggregatesAndCaches) {
  const std::string path = table();
  auto computed = [](const DataFrame& t) { return t.select((col("score") * 2).alias("x")).filter(col("x") > 190); };
  Plans p = plans(computed(read(path)), "no pushdown through a computed column");
  EXPECT_NE(p.optimized.find("Filter (x > 190)\n+- Project [x]\n   +- Relation [score] csv"), std::string::npos);
  EXPECT_EQ(row_texts(computed(read(path))), as_written(path, computed));

  auto grouped = [](const DataFrame& t) {
    return t.group_by("grp").agg(F::count("*").alias("n")).filter(col("n") > 999);
  };
  p = plans(grouped(read(path)), "no pushdown of a condition on an aggregate's result");
  EXPECT_NE(p.optimized.find("Filter (n > 999)\n+- Aggregate"), std::string::npos);
  EXPECT_EQ(row_texts(grouped(read(path))).size(), 5u);

  const DataFrame cached = read(path).select("id", "score").cache();
  p = plans(cached.filter(col("score") == 5), "no pushdown below a cache");
  EXPECT_NE(p.optimized.find("Filter (score = 5)"), std::string::npos);
  EXPECT_EQ(p.optimized.find("PushedFilters"), std::string::npos);
  EXPECT_EQ(cached.filter(col("score") == 5).count(), 43);  // ids 5, 105, ..., 4905, less 3 empty
  cached.unpersist();
}

// Through joins: a conjunct over one side's columns filters that side (and so its scan) where
// the join passes that side's rows through; the others stay above. Self-joins keep telling
// their sides apart (df["x"]), and a broadcast hint survives.
TEST_F(Optimizer, PushFilterThroughJoins) {
  const std::string path = table();
  const std::string labels = file("labels.csv", "grp,label\ng0,L0\ng1,L1\ng2,L2\ng3,L3\ng9,L9\n");
  auto right = [&] { return csv(labels, "grp STRING, label STRING"); };
  auto inner = [&](const DataFrame& t) {
    return t.join(right(), "grp").filter(col("score") > 95 && col("label") != "L1" && col("id") > col("score"));
  };
  Plans p = plans(inner(read(path)), "push filter through an inner join");
  EXPECT_NE(p.written.find("Filter (((score > 95) AND (NOT (label = L1))) AND (id > score))\n+- Join UsingJoin"),
            std::string::npos);
  EXPECT_NE(p.optimized.find("Join UsingJoin(Inner, [grp])\n:- Relation [id, score, grp, day] csv PushedFilters: "
                             "[(score > 95), (id > score)],"),
            std::string::npos);
  EXPECT_NE(p.optimized.find("+- Relation [grp, label] csv PushedFilters: [(NOT (label = L1))],"), std::string::npos);
  EXPECT_EQ(p.optimized.find("Filter ("), std::string::npos);
  const auto rows = sorted(row_texts(inner(read(path))));
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(rows, sorted(as_written(path, inner)));

  // A left outer join: a condition on the left side moves, one on the right (nulls for the
  // unmatched rows) and one over both stay.
  auto outer = [&](const DataFrame& t) {
    return t.join(right(), "grp", "left")
        .filter(col("grp") == "g4" || col("label").is_null())
        .filter(col("score") < 10)
        .filter(col("label").is_null());
  };
  p = plans(outer(read(path)), "push filter through a left outer join");
  EXPECT_NE(p.optimized.find("Filter (label IS NULL)"), std::string::npos);
  EXPECT_NE(p.optimized.find("Filter ((grp = g4) OR (label IS NULL))"), std::string::npos);
  EXPECT_NE(p.optimized.find("PushedFilters: [(score < 10)]"), std::string::npos);
  const auto outer_rows = sorted(row_texts(outer(read(path))));
  std::size_t g4 = 0;  // g4 has no label: its rows with a score under 10
  for (int i = 0; i < 5000; ++i) g4 += i % 5 == 4 && i % 7 != 3 && i % 100 < 10;
  EXPECT_EQ(outer_rows.size(), g4);
  EXPECT_EQ(outer_rows, sorted(as_written(path, outer)));

  // A self-join by df["x"] (u is t's own rows), with the right side broadcast: each side's
  // condition reaches its scan, the hint stays, and each scan outputs only the columns of it
  // that the select and the join's keys use.
  auto self = [&](const DataFrame& t) {
    const DataFrame u = t.filter(col("id") >= 0);
    return t.join(F::broadcast(u), t["id"] == u["id"] + 1)
        .filter(t["score"] > 97 && u["grp"] == "g3")
        .select(t["id"], u["day"]);
  };
  p = plans(self(read(path)), "push filter through a self-join");
  EXPECT_NE(p.optimized.find("PushedFilters: [(score > 97)]"), std::string::npos);
  EXPECT_NE(
      p.optimized.find("+- ResolvedHint (strategy=broadcast)\n      +- Relation [id, day] csv "
                       "PushedFilters: [(id >= 0), (grp = g3)], ReadSchema: struct<id:bigint,day:date,grp:string>"),
      std::string::npos);
  const auto self_rows = sorted(row_texts(self(read(path))));
  EXPECT_FALSE(self_rows.empty());
  EXPECT_EQ(self_rows, sorted(as_written(path, self)));
}

// Through a filter that stays (over both sides of a left join), the join, and an aggregate:
// each scan reads only what the query uses (the aggregate's columns, the filter's, the join's
// keys), so the join shuffles no other column; a broadcast hint and df["x"] survive it, and
// the right side of a semi join keeps only its keys.
TEST_F(Optimizer, PruneColumnsThroughFiltersJoinsAndAggregates) {
  const std::string path = table();
  const std::string labels = file("labels.csv", "grp,label,note\ng0,L0,a\ng1,L1,b\ng2,L2,c\ng3,L3,d\ng9,L9,e\n");
  auto right = [&] { return csv(labels, "grp STRING, label STRING, note STRING"); };
  auto outer = [&](const DataFrame& t) {
    return t.join(right(), "grp", "left")
        .filter(col("label").is_null() || col("score") > 50)
        .group_by("label")
        .agg(F::sum("score").alias("s"), F::count("*").alias("n"));
  };
  Plans p = plans(outer(read(path)), "prune columns through a filter, a join and an aggregate");
  EXPECT_NE(p.written.find("Relation [grp, label, note] csv ReadSchema: struct<grp:string,label:string,note:string>"),
            std::string::npos);
  EXPECT_NE(p.optimized.find("Filter ((label IS NULL) OR (score > 50))\n"
                             "   +- Project [score, label]\n"  // the filter copies no key column
                             "      +- Join UsingJoin(LeftOuter, [grp])\n"
                             "         :- Relation [score, grp] csv ReadSchema: struct<score:int,grp:string>\n"
                             "         +- Relation [grp, label] csv ReadSchema: struct<grp:string,label:string>"),
            std::string::npos);
  // The physical plan runs the aggregate in two halves around the exchange of its states.
  const std::string physical = outer(read(path)).explain_string();
  const std::string final_half =
      "== Physical Plan ==\nHashAggregate(keys=[label], functions=[sum(score), count(1)])\n"
      "+- Exchange hashpartitioning(label, ";  // then the number of partitions
  const std::size_t exchange = physical.find(final_half);
  ASSERT_NE(exchange, std::string::npos) << physical;
  EXPECT_EQ(physical.find(")\n   +- HashAggregate(keys=[label], functions=[partial_sum(score), partial_count(1)])\n"
                          "      +- Filter ((label IS NULL) OR (score > 50))\n",
                          exchange + final_half.size()),
            physical.find(')', exchange + final_half.size()))
      << physical;
  const auto outer_rows = sorted(row_texts(outer(read(path))));
  EXPECT_EQ(outer_rows.size(), 5u);  // L0, L1, L2, L3 and null (g4)
  EXPECT_EQ(outer_rows, sorted(as_written(path, outer)));

  auto hinted = [&](const DataFrame& t) {
    const DataFrame u = right();
    return t.join(F::broadcast(u), t["grp"] == u["grp"]).select(t["id"], u["label"], t["grp"]);
  };
  p = plans(hinted(read(path)), "prune columns through a broadcast join");
  EXPECT_NE(p.optimized.find(":- Relation [id, grp] csv ReadSchema: struct<id:bigint,grp:string>\n"
                             "   +- ResolvedHint (strategy=broadcast)\n"
                             "      +- Relation [grp, label] csv ReadSchema: struct<grp:string,label:string>"),
            std::string::npos);
  const auto hinted_rows = sorted(row_texts(hinted(read(path))));
  EXPECT_EQ(hinted_rows.size(), 4000u);  // g0 to g3
  EXPECT_EQ(hinted_rows, sorted(as_written(path, hinted)));

  auto semi = [&](const DataFrame& t) { return t.join(right(), "grp", "left_semi").agg(F::max("day").alias("last")); };
  p = plans(semi(read(path)), "prune columns through a semi join");
  EXPECT_NE(p.optimized.find(":- Relation [grp, day] csv ReadSchema: struct<grp:string,day:date>\n"
                             "   +- Relation [grp] csv ReadSchema: struct<grp:string>"),
            std::string::npos);
  EXPECT_EQ(row_texts(semi(read(path))), as_written(path, semi));
}

// A join is made when first used: the join that a rule replaces (here, pruned below an
// aggregate) never runs, so its broadcast side is collected once, by the pruned join. Over
// cached tables, a join's sides and a filter's input are projected to the columns used.
TEST_F(Optimizer, AReplacedJoinNeverRunsAndCachedSidesAreProjected) {
  const std::string path = table();
  const std::string labels = file("ranks.csv", "grp,label,rank\ng0,L0,0\ng1,L1,1\ng2,L2,2\ng3,L3,3\ng9,L9,9\n");
  auto calls = test_session->accumulator<std::int64_t>("udf calls");
  const auto tenfold = F::udf(
      [calls](std::int64_t r) {
        calls.add(1);
        return r * 10;
      },
      "tenfold");
  auto query = [&](const DataFrame& t) {
    const DataFrame u = csv(labels, "grp STRING, label STRING, rank LONG")
                            .select(col("grp"), tenfold(col("rank")).alias("w"), col("label"));
    return t.join(F::broadcast(u), "grp").group_by("grp").agg(F::sum("w").alias("w"), F::count("*").alias("n"));
  };
  const auto rows = sorted(row_texts(query(read(path))));
  EXPECT_EQ(calls.value(), 5);  // each of the 5 labels once: one collect of the broadcast side
  EXPECT_EQ(rows, (std::vector<std::string>{"[g0,0,1000]", "[g1,10000,1000]", "[g2,20000,1000]", "[g3,30000,1000]"}));
  EXPECT_EQ(rows, sorted(as_written(path, query)));

  const DataFrame t = read(path).cache();
  const DataFrame u = csv(labels, "grp STRING, label STRING, rank LONG").cache();
  const DataFrame q = t.filter(col("score") > 50).join(u, "grp").group_by("label").agg(F::max("day").alias("last"));
  const Plans p = plans(q, "project cached sides");
  EXPECT_NE(
      p.optimized.find(":- Project [grp, day]\n   :  +- Filter (score > 50)\n   :     +- Project [score, grp, day]\n"),
      std::string::npos);
  EXPECT_NE(p.optimized.find("+- Project [grp, label]\n"), std::string::npos);
  EXPECT_EQ(q.count(), 4);
  t.unpersist();
  u.unpersist();
}

// Each join type moves conditions only off the sides whose rows it passes through as they
// are: a right join its right side's, a full join none, a semi or anti join its left side's;
// a USING key moves only to a side of the key's type.
TEST_F(Optimizer, EachJoinTypeMovesOnlyWhatItMay) {
  const std::string path = table();
  const std::string tags = file("tags.csv", "id,tag\n1,one\n2,two\n3,three\n5000,none\n");
  auto right = [&] { return csv(tags, "id INT, tag STRING"); };
  struct Case {
    std::string how, condition_text;
    Column condition;
    bool pushed;  // into a scan
  };
  const std::vector<Case> cases{
      {"right", "(tag = two)", col("tag") == "two", true},
      {"right", "(score < 50)", col("score") < 50, false},
      {"right", "(id < 3)", col("id") < 3, false},  // the key is long, the right side's id int
      {"left", "(id < 3)", col("id") < 3, true},    // the left side's id is long
      {"full", "(score < 50)", col("score") < 50, false},
      {"full", "(tag = two)", col("tag") == "two", false},
      {"left_semi", "(score < 50)", col("score") < 50, true},
      {"left_anti", "(score < 50)", col("score") < 50, true},
  };
  for (const Case& c : cases) {
    auto query = [&](const DataFrame& t) { return t.join(right(), "id", c.how).filter(c.condition); };
    const Plans p = plans(query(read(path)), c.how + " join, " + c.condition_text);
    EXPECT_EQ(p.optimized.find("PushedFilters: [" + c.condition_text + "]") != std::string::npos, c.pushed)
        << c.how << " " << c.condition_text;
    EXPECT_EQ(p.optimized.find("Filter " + c.condition_text) == std::string::npos, c.pushed)
        << c.how << " " << c.condition_text;
    EXPECT_EQ(sorted(row_texts(query(read(path)))), sorted(as_written(path, query)))
        << c.how << " " << c.condition_text;
  }
}

// Through an aggregate: a condition on plain grouping keys filters the input (a HAVING on
// keys is a WHERE); one on an aggregate's result stays above.
TEST_F(Optimizer, PushFilterBelowAnAggregateOnItsKeys) {
  const std::string path = table();
  auto query = [](const DataFrame& t) {
    return t.group_by(col("grp").alias("g"), col("day"))
        .agg(F::count("*").alias("n"), F::sum("score").alias("s"))
        .filter(col("g") != "g0" && col("n") > 30 && col("day") >= "2024-01-20");
  };
  const Plans p = plans(query(read(path)), "push filter below an aggregate");
  EXPECT_NE(p.optimized.find("Filter (n > 30)\n+- Aggregate [g, day]"), std::string::npos);
  EXPECT_NE(p.optimized.find("PushedFilters: [(NOT (grp = g0)), (day >= 2024-01-20)]"), std::string::npos);
  const auto rows = sorted(row_texts(query(read(path))));
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(rows, sorted(as_written(path, query)));
}

// Through a union: a conjunct over columns of one type on both sides filters both; one over
// a widened column (int and long make long) stays above.
TEST_F(Optimizer, PushFilterIntoBothSidesOfAUnion) {
  const std::string path = table();
  const std::string more = file("more.csv", "n,s,g,d\n1,97,g1,2024-01-01\n2,5,g2,2024-01-02\n3,99,g3,2024-01-03\n");
  auto query = [&](const DataFrame& t) {
    const DataFrame other = csv(more, "n LONG, s LONG, g STRING, d DATE");
    return t.union_all(other).filter(col("grp") != "g4" && col("score") > 96);
  };
  const Plans p = plans(query(read(path)), "push filter into a union");
  EXPECT_NE(p.optimized.find("Filter (score > 96)\n+- Union"), std::string::npos);
  EXPECT_NE(p.optimized.find("PushedFilters: [(NOT (grp = g4))]"), std::string::npos);
  EXPECT_NE(p.optimized.find("PushedFilters: [(NOT (g = g4))]"), std::string::npos);
  const auto rows = sorted(row_texts(query(read(path))));
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(rows, sorted(as_written(path, query)));
}

// Through a union by name: each side takes the conjunct under its own column's name and
// position; one over a column only one side has (the other's nulls) stays above.
TEST_F(Optimizer, PushFilterIntoBothSidesOfAUnionByName) {
  const std::string path = table();
  const std::string more = file("more.csv",
                                "day,grp,score,id,extra\n2024-01-01,g1,97,1,x\n2024-01-02,g4,99,2,\n"
                                "2024-01-03,g3,98,3,\n2024-01-04,g2,5,4,\n");
  auto query = [&](const DataFrame& t) {
    const DataFrame other = csv(more, "day DATE, grp STRING, score INT, id LONG, extra STRING");
    return t.union_by_name(other, true).filter(col("grp") != "g4" && col("score") > 96 && col("extra").is_null());
  };
  const Plans p = plans(query(read(path)), "push filter into a union by name");
  EXPECT_NE(p.optimized.find("Filter (extra IS NULL)\n+- Union false, true"), std::string::npos);
  const std::string pushed = "PushedFilters: [(NOT (grp = g4)), (score > 96)]";
  const std::size_t first = p.optimized.find(pushed);
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(p.optimized.find(pushed, first + 1), std::string::npos);  // on both sides
  const auto rows = sorted(row_texts(query(read(path))));
  std::size_t want = 1;  // the second file's g3 row (its g1 row has an extra, g4 is out, 5 is low)
  for (int i = 0; i < 5000; ++i) want += i % 7 != 3 && i % 100 > 96 && i % 5 != 4;
  EXPECT_EQ(rows.size(), want);
  EXPECT_EQ(rows, sorted(as_written(path, query)));
}

// Late materialization (PERMISSIVE): the columns the filter does not read are converted for
// the rows that pass, with PERMISSIVE's rules (a bad value is null); DROPMALFORMED and
// FAILFAST still drop or fail on a bad value in any column the query reads.
TEST_F(Optimizer, LateColumnsKeepTheParseModes) {
  const std::string path = file("bad.csv",
                                "id,score,grp,day\n1,5,g1,2024-01-01\n2,6,g2,not-a-date\n3,,g3,2024-01-03\n"
                                "4,8,g4,nope\n5,x9,g5,2024-01-05\n");
  auto query = [](const DataFrame& t) { return t.filter(col("id") >= 2).select("id", "score", "day"); };
  const auto rows = row_texts(query(read(path)));
  EXPECT_EQ(rows, (std::vector<std::string>{"[2,6,null]", "[3,null,2024-01-03]", "[4,8,null]", "[5,null,2024-01-05]"}));
  EXPECT_EQ(rows, as_written(path, query));
  EXPECT_EQ(row_texts(query(read(path, "DROPMALFORMED"))), (std::vector<std::string>{"[3,null,2024-01-03]"}));
  // FAILFAST: with the optimizer on, a query that does not read day does not see its bad
  // values (Spark's CSV column pruning); as written, the scan converts every column.
  for (const bool optimize : {true, false}) {
    test_session->config().optimizer = optimize;
    auto without_day = [&] { return read(path, "FAILFAST").filter(col("id") == 4).select("id").count(); };
    if (optimize) {
      EXPECT_EQ(without_day(), 1);
    } else {
      EXPECT_THROW(without_day(), dataflow::JobError);
    }
    try {
      read(path, "FAILFAST").filter(col("id") == 1).select("id", "day").count();
      ADD_FAILURE() << "expected a JobError (optimizer " << optimize << ")";
    } catch (const dataflow::JobError& e) {
      EXPECT_EQ(e.exit_code(), 65);
      EXPECT_NE(std::string(e.what()).find("'not-a-date' is not a valid date"), std::string::npos) << e.what();
    }
  }
}

TEST_F(Optimizer, OffRunsThePlanAsWritten) {
  const std::string path = table();
  test_session->config().optimizer = false;
  const Plans p = plans(read(path).select("id", "score").filter(col("score") > 1), "optimizer off");
  EXPECT_NE(p.optimized.find("Filter (score > 1)\n+- Project [id, score]\n   +- Relation [id, score, grp, day] csv "
                             "ReadSchema: struct<id:bigint,score:int,grp:string,day:date>"),
            std::string::npos);
  EXPECT_EQ(p.optimized.find("PushedFilters"), std::string::npos);
}

}  // namespace
