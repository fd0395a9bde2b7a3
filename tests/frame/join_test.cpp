// DataFrame joins at every rank count (and under a tiny --executor-memory): every join type
// with null keys, duplicate keys and an empty side against rows computed by hand; a name
// join's columns; a condition join with a non-equi predicate; a self-join through df["x"];
// an ambiguous name and an unknown join type failing with exit 64.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "session_fixture.hpp"

namespace {

using dataflow::DataFrame;
using dataflow::functions::col;
using dataflow::functions::lit;
using Rows = std::vector<std::string>;
namespace F = dataflow::functions;

// emp(id, name, dept): dept is a long; d(dept, dname): dept is an integer (keys coerce).
DataFrame emp() {
  std::vector<std::tuple<std::int32_t, std::string, std::optional<std::int64_t>>> data{
      {1, "a", 10}, {2, "b", 20}, {3, "c", 20}, {4, "d", std::nullopt}, {5, "e", 40}};
  return test_session->create_data_frame(data, {"id", "name", "dept"}, 3);
}

DataFrame dept() {
  std::vector<std::tuple<std::optional<std::int32_t>, std::string>> data{
      {10, "x"}, {20, "y"}, {20, "y2"}, {30, "z"}, {std::nullopt, "n"}};
  return test_session->create_data_frame(data, {"dept", "dname"}, 2);
}

Rows sorted(const DataFrame& df) {
  Rows out;
  for (const auto& r : df.collect()) out.push_back(r.to_string());
  std::sort(out.begin(), out.end());
  return out;
}

Rows sorted(Rows rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

const Rows kInner{"[10,1,a,x]", "[20,2,b,y]", "[20,2,b,y2]", "[20,3,c,y]", "[20,3,c,y2]"};

Rows plus(Rows a, const Rows& b) {
  a.insert(a.end(), b.begin(), b.end());
  return sorted(std::move(a));
}

TEST(Join, ByNameEveryType) {
  const DataFrame e = emp(), d = dept();
  const DataFrame inner = e.join(d, "dept");
  EXPECT_EQ(inner.columns(), (std::vector<std::string>{"dept", "id", "name", "dname"}));
  EXPECT_EQ(inner.schema().tree_string(),
            "root\n |-- dept: long (nullable = true)\n |-- id: integer (nullable = true)\n"
            " |-- name: string (nullable = true)\n |-- dname: string (nullable = true)\n");
  EXPECT_EQ(sorted(inner), sorted(kInner));
  EXPECT_EQ(sorted(e.join(d, "dept", "left")), plus(kInner, {"[null,4,d,null]", "[40,5,e,null]"}));
  EXPECT_EQ(sorted(e.join(d, "dept", "RIGHT_OUTER")), plus(kInner, {"[30,null,null,z]", "[null,null,null,n]"}));
  EXPECT_EQ(sorted(e.join(d, {"dept"}, "full")),
            plus(kInner, {"[null,4,d,null]", "[40,5,e,null]", "[30,null,null,z]", "[null,null,null,n]"}));
  EXPECT_EQ(sorted(e.join(d, "dept", "outer")).size(), 9u);
  const DataFrame semi = e.join(d, "dept", "left_semi");
  EXPECT_EQ(semi.columns(), (std::vector<std::string>{"id", "name", "dept"}));
  EXPECT_EQ(sorted(semi), (Rows{"[1,a,10]", "[2,b,20]", "[3,c,20]"}));
  EXPECT_EQ(sorted(e.join(d, "dept", "anti")), (Rows{"[4,d,null]", "[5,e,40]"}));
  EXPECT_EQ(sorted(e.join(d, "dept", "leftsemi")), sorted(semi));
}

TEST(Join, SeveralNamesAndTheirColumns) {
  std::vector<std::tuple<std::int32_t, std::string, double>> l{{1, "p", 0.5}, {1, "q", 1.5}, {2, "p", 2.5}};
  std::vector<std::tuple<std::string, std::int64_t, std::string>> r{
      {"p", 1, "one-p"}, {"p", 2, "two-p"}, {"q", 2, "two-q"}};
  const DataFrame a = test_session->create_data_frame(l, {"k", "s", "x"});
  const DataFrame b = test_session->create_data_frame(r, {"s", "K", "label"});
  const DataFrame j = a.join(b, std::vector<std::string>{"k", "s"});
  EXPECT_EQ(j.columns(), (std::vector<std::string>{"k", "s", "x", "label"}));
  EXPECT_EQ(sorted(j), (Rows{"[1,p,0.5,one-p]", "[2,p,2.5,two-p]"}));
  EXPECT_TRUE(testing_support::same_on_all_ranks(sorted(j)[0] + sorted(j)[1]));
}

TEST(Join, EmptySide) {
  const DataFrame e = emp();
  const DataFrame none = dept().filter(col("dept") > 1000);
  EXPECT_EQ(e.join(none, "dept").count(), 0);
  EXPECT_EQ(sorted(e.join(none, "dept", "left")),
            (Rows{"[10,1,a,null]", "[20,2,b,null]", "[20,3,c,null]", "[40,5,e,null]", "[null,4,d,null]"}));
  EXPECT_EQ(e.join(none, "dept", "full").count(), 5);
  EXPECT_EQ(e.join(none, "dept", "right").count(), 0);
  EXPECT_EQ(e.join(none, "dept", "semi").count(), 0);
  EXPECT_EQ(e.join(none, "dept", "anti").count(), 5);
  EXPECT_EQ(none.join(e, "dept", "right").count(), 5);
  EXPECT_EQ(e.cross_join(none).count(), 0);
}

TEST(Join, ConditionWithAnExtraPredicate) {
  const DataFrame e = emp(), d = dept();
  const DataFrame j = e.join(d, e["dept"] == d["dept"] && col("dname") != "y2");
  EXPECT_EQ(j.columns(), (std::vector<std::string>{"id", "name", "dept", "dept", "dname"}));
  EXPECT_EQ(sorted(j), (Rows{"[1,a,10,10,x]", "[2,b,20,20,y]", "[3,c,20,20,y]"}));
  // Outer joins keep the rows no pair passes for; semi and anti look at the passing pairs.
  const auto only_y2 = e["dept"] == d["dept"] && d["dname"] == "y2";
  EXPECT_EQ(sorted(e.join(d, only_y2, "left")), (Rows{"[1,a,10,null,null]", "[2,b,20,20,y2]", "[3,c,20,20,y2]",
                                                      "[4,d,null,null,null]", "[5,e,40,null,null]"}));
  EXPECT_EQ(sorted(e.join(d, only_y2, "right")),
            (Rows{"[2,b,20,20,y2]", "[3,c,20,20,y2]", "[null,null,null,10,x]", "[null,null,null,20,y]",
                  "[null,null,null,30,z]", "[null,null,null,null,n]"}));
  EXPECT_EQ(e.join(d, only_y2, "full").count(), 2 + 3 + 4);
  EXPECT_EQ(sorted(e.join(d, e["dept"] == d["dept"] && d["dname"] == "x", "semi")), (Rows{"[1,a,10]"}));
  EXPECT_EQ(sorted(e.join(d, e["dept"] == d["dept"] && d["dname"] == "x", "left_anti")),
            (Rows{"[2,b,20]", "[3,c,20]", "[4,d,null]", "[5,e,40]"}));
  // Only a non-equi condition: every pair, filtered.
  EXPECT_EQ(sorted(e.join(d, e["id"] * 10 > d["dept"], "inner").select("id", "dname")),
            sorted(Rows{"[2,x]", "[3,x]", "[3,y]", "[3,y2]", "[4,x]", "[4,y]", "[4,y2]", "[4,z]", "[5,x]", "[5,y]",
                        "[5,y2]", "[5,z]"}));
}

// F::broadcast(d): the same rows as the shuffled join for every join type it applies to
// (null keys, duplicate keys, a residual predicate), and no shuffle in the joined frame.
TEST(Join, BroadcastHintGivesTheShuffledAnswerWithoutAShuffle) {
  const DataFrame e = emp(), d = dept();
  const DataFrame small = dataflow::functions::broadcast(d);
  for (const char* how : {"inner", "left", "left_semi", "left_anti"}) {
    const DataFrame hinted = e.join(small, "dept", how);
    EXPECT_EQ(sorted(hinted), sorted(e.join(d, "dept", how))) << how;
    const std::string plan = hinted.explain_string();
    EXPECT_EQ(plan.find("shuffle"), std::string::npos) << how << "\n" << plan;
    EXPECT_NE(plan.find("ResolvedHint (strategy=broadcast)"), std::string::npos) << plan;
  }
  const auto y2 = e["dept"] == small["dept"] && small["dname"] == "y2";
  EXPECT_EQ(sorted(e.join(small, y2, "left")), sorted(e.join(d, e["dept"] == d["dept"] && d["dname"] == "y2", "left")));
  // Where it cannot apply (a right join keeps unmatched right rows), the answer is the same.
  EXPECT_EQ(sorted(e.join(small, "dept", "right")), sorted(e.join(d, "dept", "right")));
}

TEST(Join, PlainNamesOnEachSide) {
  std::vector<std::tuple<std::int64_t, std::string>> c{{1, "Ann"}, {2, "Bo"}, {3, "Cy"}};
  std::vector<std::tuple<std::int64_t, std::int64_t, double>> o{{100, 1, 5.0}, {101, 1, 7.0}, {102, 3, 1.0}};
  std::vector<std::tuple<std::int64_t, std::int32_t>> l{{100, 2}, {100, 3}, {102, 9}};
  const DataFrame customer = test_session->create_data_frame(c, {"c_custkey", "c_name"});
  const DataFrame orders = test_session->create_data_frame(o, {"o_orderkey", "o_custkey", "o_total"}, 2);
  const DataFrame lineitem = test_session->create_data_frame(l, {"l_orderkey", "l_qty"}, 2);
  const DataFrame co = customer.join(orders, col("c_custkey") == col("o_custkey"));
  EXPECT_EQ(sorted(co.select("c_name", "o_orderkey")), (Rows{"[Ann,100]", "[Ann,101]", "[Cy,102]"}));
  const DataFrame col_ = lineitem.join(co, lineitem["l_orderkey"] == col("o_orderkey"));
  EXPECT_EQ(sorted(col_.select("c_name", "l_qty")), (Rows{"[Ann,2]", "[Ann,3]", "[Cy,9]"}));
}

TEST(Join, SelfJoinThroughFrameColumns) {
  std::vector<std::tuple<std::int32_t, std::string, std::optional<std::int32_t>>> data{
      {1, "boss", std::nullopt}, {2, "ann", 1}, {3, "bob", 1}, {4, "cy", 2}};
  const DataFrame staff = test_session->create_data_frame(data, {"id", "name", "mgr"}, 2);
  const DataFrame managers = staff.filter(col("id") > 0);
  const DataFrame j = staff.join(managers, staff["mgr"] == managers["id"], "left");
  const DataFrame names = j.select(staff["name"], managers["name"].alias("manager"));
  EXPECT_EQ(sorted(names), (Rows{"[ann,boss]", "[bob,boss]", "[boss,null]", "[cy,ann]"}));
  // A plain name both sides have is ambiguous after the join; the frames' columns are not.
  try {
    j.select(col("name"));
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
    EXPECT_NE(std::string(e.what()).find("Reference 'name' is ambiguous"), std::string::npos) << e.what();
  }
  EXPECT_EQ(j.filter(managers["id"] == 1).count(), 2);
  // The same frame on both sides cannot tell its sides apart.
  try {
    staff.join(staff, staff["mgr"] == staff["id"]);
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
    EXPECT_NE(std::string(e.what()).find("is ambiguous"), std::string::npos) << e.what();
  }
}

TEST(Join, CrossJoin) {
  const DataFrame a = test_session->create_data_frame(std::vector<std::tuple<std::int32_t>>{{1}, {2}, {3}}, {"a"}, 3);
  const DataFrame b = test_session->create_data_frame(std::vector<std::tuple<std::string>>{{"x"}, {"y"}}, {"b"});
  const Rows all{"[1,x]", "[1,y]", "[2,x]", "[2,y]", "[3,x]", "[3,y]"};
  EXPECT_EQ(sorted(a.join(b)), all);
  EXPECT_EQ(sorted(a.cross_join(b)), all);
  EXPECT_EQ(sorted(a.join(b, col("a") >= 2, "cross")), (Rows{"[2,x]", "[2,y]", "[3,x]", "[3,y]"}));
}

TEST(Join, ManyRowsOutputInFullBatches) {
  // 6000 left rows on 50 keys (and some null keys), 150 right rows on keys 0..74, twice each.
  std::vector<std::tuple<std::optional<std::int64_t>, std::int64_t>> l;
  for (int i = 0; i < 6000; ++i) l.emplace_back(i % 61 == 0 ? std::nullopt : std::optional<std::int64_t>(i % 50), i);
  std::vector<std::tuple<std::int32_t, std::string>> r;
  for (int i = 0; i < 150; ++i) r.emplace_back(i % 75, "r" + std::to_string(i));
  const DataFrame a = test_session->create_data_frame(l, {"k", "v"}, 5);
  const DataFrame b = test_session->create_data_frame(r, {"k", "w"}, 3);
  std::int64_t nulls = 0;
  for (int i = 0; i < 6000; ++i) nulls += i % 61 == 0 ? 1 : 0;
  EXPECT_EQ(a.join(b, "k").count(), (6000 - nulls) * 2);
  EXPECT_EQ(a.join(b, "k", "left").count(), (6000 - nulls) * 2 + nulls);
  EXPECT_EQ(a.join(b, "k", "full").count(), (6000 - nulls) * 2 + nulls + 25 * 2);
  EXPECT_EQ(a.join(b, "k", "right").count(), (6000 - nulls) * 2 + 25 * 2);
  EXPECT_EQ(a.join(b, "k", "semi").count(), 6000 - nulls);
  EXPECT_EQ(a.join(b, "k", "anti").count(), nulls);
  // The output: batches of up to 2048 rows, none empty (take(n) of batches holds n rows).
  EXPECT_EQ(a.join(b, "k").take(3000).size(), 3000u);
  const auto top = a.join(b, "k").filter(col("v") == 5999).collect();
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].get<std::int64_t>("k"), 5999 % 50);
}

// Rows of (id, w) of a join's output, sorted: which left row met which right row.
Rows pairs(const DataFrame& df) { return sorted(df.select("id", "w")); }

TEST(Join, FloatStringAndSeveralKeys) {
  // Spark's key equality: -0.0 equals 0.0 and NaN equals NaN; a null key matches nothing.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::tuple<std::optional<double>, std::string, std::int32_t>> l{
      {0.0, "a", 1}, {-0.0, "a", 2}, {nan, "b", 3}, {std::nullopt, "a", 4}, {1.5, "c", 5}, {1.5, "d", 6}};
  std::vector<std::tuple<std::optional<double>, std::string, std::string>> r{
      {-0.0, "a", "z0"}, {nan, "b", "zn"}, {std::nullopt, "a", "znull"}, {1.5, "c", "z15"}, {1.5, "c", "z15b"}};
  const DataFrame a = test_session->create_data_frame(l, {"x", "s", "id"}, 2);
  const DataFrame b = test_session->create_data_frame(r, {"x", "s", "w"}, 3);
  const std::vector<std::string> on{"x", "s"};
  const Rows inner{"[1,z0]", "[2,z0]", "[3,zn]", "[5,z15]", "[5,z15b]"};
  EXPECT_EQ(pairs(a.join(b, on)), inner);
  EXPECT_EQ(pairs(a.join(b, on, "left")), plus(inner, {"[4,null]", "[6,null]"}));
  EXPECT_EQ(pairs(a.join(b, on, "right")), plus(inner, {"[null,znull]"}));
  EXPECT_EQ(pairs(a.join(b, on, "full")), plus(inner, {"[4,null]", "[6,null]", "[null,znull]"}));
  EXPECT_EQ(sorted(a.join(b, on, "semi").select("id")), (Rows{"[1]", "[2]", "[3]", "[5]"}));
  EXPECT_EQ(sorted(a.join(b, on, "anti").select("id")), (Rows{"[4]", "[6]"}));
  // The same keys through a condition, with a predicate on the pairs.
  const DataFrame cond = a.join(b, a["x"] == b["x"] && a["s"] == b["s"] && b["w"] != "z15b");
  EXPECT_EQ(pairs(cond), (Rows{"[1,z0]", "[2,z0]", "[3,zn]", "[5,z15]"}));
}

// Under the tiny-memory runs (512K) the right sides below outgrow a task's memory: the first
// is joined slice by slice of its key hashes, the second's one key in chunks.
TEST(Join, RightSideBeyondTheTaskMemory) {
  const std::string pad(40, 'p');
  std::vector<std::tuple<std::int64_t, std::int64_t>> l;
  for (std::int64_t i = 0; i < 4000; ++i) l.emplace_back(i * 13 % 45000, i);  // distinct keys
  std::vector<std::tuple<std::int64_t, std::string>> r;
  for (std::int64_t k = 0; k < 30000; ++k) r.emplace_back(k, pad + std::to_string(k));
  const DataFrame a = test_session->create_data_frame(l, {"k", "id"}, 3);
  const DataFrame b = test_session->create_data_frame(r, {"k", "w"}, 4);
  std::int64_t matched = 0, id_sum = 0;
  for (const auto& [k, id] : l) {
    if (k < 30000) {
      ++matched;
      id_sum += id;
    }
  }
  const auto sums = a.join(b, "k").agg(F::count("*"), F::sum("id")).collect();
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].get<std::int64_t>(0), matched);
  EXPECT_EQ(sums[0].get<std::int64_t>(1), id_sum);
  EXPECT_EQ(a.join(b, "k", "left").count(), 4000);
  EXPECT_EQ(a.join(b, "k", "right").count(), 30000);  // each right row once: the left keys are distinct
  EXPECT_EQ(a.join(b, "k", "anti").count(), 4000 - matched);
  const auto checked = a.join(b, "k").filter(col("w") != F::concat(lit(pad), col("k").cast("string")));
  EXPECT_EQ(checked.count(), 0);

  // One key, 20000 right rows: 3 left rows of it, one of another key.
  std::vector<std::tuple<std::int64_t, std::string>> one;
  for (int i = 0; i < 20000; ++i) one.emplace_back(7, pad + std::to_string(i));
  const DataFrame c = test_session->create_data_frame(one, {"k", "w"}, 4);
  std::vector<std::tuple<std::int64_t, std::int64_t>> few{{7, 1}, {7, 2}, {8, 3}, {7, 4}};
  const DataFrame d = test_session->create_data_frame(few, {"k", "id"}, 2);
  EXPECT_EQ(d.join(c, "k").count(), 60000);
  EXPECT_EQ(d.join(c, "k", "left").count(), 60001);
  EXPECT_EQ(d.join(c, "k", "full").count(), 60001);
  EXPECT_EQ(d.join(c, "k", "right").count(), 60000);
  EXPECT_EQ(sorted(d.join(c, "k", "semi").select("id")), (Rows{"[1]", "[2]", "[4]"}));
  EXPECT_EQ(sorted(d.join(c, "k", "anti").select("id")), (Rows{"[3]"}));
  const auto per_id = d.join(c, "k").group_by("id").agg(F::count("*").alias("n")).order_by("id").collect();
  ASSERT_EQ(per_id.size(), 3u);
  for (const auto& row : per_id) EXPECT_EQ(row.get<std::int64_t>("n"), 20000) << row.to_string();

  // An inner join hashes its smaller input: here the left side, whose one key then does not
  // fit (the right side, b with three more rows of key 7, is larger).
  std::vector<std::tuple<std::int64_t, std::int64_t>> many;
  for (std::int64_t i = 0; i < 20000; ++i) many.emplace_back(7, i);
  const DataFrame e = test_session->create_data_frame(many, {"k", "id"}, 3);
  std::vector<std::tuple<std::int64_t, std::string>> extra{{7, "x1"}, {7, "x2"}, {7, "x3"}};
  const DataFrame f = b.union_all(test_session->create_data_frame(extra, {"k", "w"}, 1));
  const auto ef = e.join(f, "k").agg(F::count("*"), F::sum("id"), F::count_distinct("w")).collect();
  ASSERT_EQ(ef.size(), 1u);
  EXPECT_EQ(ef[0].get<std::int64_t>(0), 4 * 20000);
  EXPECT_EQ(ef[0].get<std::int64_t>(1), 4 * (std::int64_t{20000} * 19999 / 2));
  EXPECT_EQ(ef[0].get<std::int64_t>(2), 4);
}

TEST(Join, UnknownTypeAndNamesFailAtTheCall) {
  try {
    emp().join(dept(), "dept", "sideways");
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
    EXPECT_NE(std::string(e.what()).find("unsupported join type 'sideways'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'left_anti'"), std::string::npos) << e.what();
  }
  try {
    emp().join(dept(), "dname");
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
    EXPECT_NE(std::string(e.what()).find("USING column 'dname'"), std::string::npos) << e.what();
  }
  try {
    emp().join(dept(), emp()["name"] == dept()["dept"]);
    ADD_FAILURE() << "expected an Error";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
  }
}

}  // namespace
