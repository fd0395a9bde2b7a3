// Standard containers as values, a PySpark user's dicts and sets: broadcast of every kind,
// datasets of them through shuffles (as values, and unordered sets as keys), accumulators
// that merge maps, and collect, at every rank count.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "session_fixture.hpp"

namespace {

using testing_support::same_on_all_ranks;

template <class T>
T driver_only(T value) {
  return test_session->is_driver() ? value : T{};
}

TEST(Containers, EveryContainerBroadcastsFromTheDriver) {
  const std::unordered_map<std::string, int> dict{{"alpha", 1}, {"beta", 2}, {"gamma", 3}};
  const std::map<int, std::vector<std::string>> ordered{{1, {"a"}}, {2, {"b", "c"}}};
  const std::set<std::string> set{"x", "y"};
  const std::unordered_set<std::int64_t> ids{3, 5, 7};
  const std::variant<std::int64_t, std::string> tag = std::string("tagged");
  const std::optional<std::map<std::string, std::unordered_set<int>>> nested{{{"k", {1, 2}}}};
  auto b_dict = test_session->broadcast(driver_only(dict));
  auto b_ordered = test_session->broadcast(driver_only(ordered));
  auto b_set = test_session->broadcast(driver_only(set));
  auto b_ids = test_session->broadcast(driver_only(ids));
  auto b_tag = test_session->broadcast(test_session->is_driver() ? tag : decltype(tag){std::int64_t{0}});
  auto b_nested = test_session->broadcast(driver_only(nested));
  EXPECT_EQ(b_dict.value(), dict);
  EXPECT_EQ(b_ordered.value(), ordered);
  EXPECT_EQ(b_set.value(), set);
  EXPECT_EQ(b_ids.value(), ids);
  EXPECT_EQ(b_tag.value(), tag);
  EXPECT_EQ(b_nested.value(), nested);
  // Read by tasks on every executor.
  const auto hits = test_session->range(0, 700, 1, 7)
                        .filter([b_ids, b_dict, b_nested](std::int64_t i) {
                          return b_ids.value().count(i % 10) && b_dict.value().at("beta") == 2 &&
                                 b_nested.value()->at("k").count(2);
                        })
                        .count();
  EXPECT_EQ(hits, 210u);
}

TEST(Containers, MapsAndSetsTravelThroughShufflesAsValuesAndUnorderedSetsAsKeys) {
  // Per key, the set of residues seen: reduce_by_key merges std::set values.
  auto residues = test_session->range(0, 1000, 1, 5)
                      .map([](std::int64_t i) { return std::pair{i % 4, std::set<std::int64_t>{i % 7}}; })
                      .reduce_by_key([](std::set<std::int64_t> a, const std::set<std::int64_t>& b) {
                        a.insert(b.begin(), b.end());
                        return a;
                      })
                      .collect();
  ASSERT_EQ(residues.size(), 4u);
  for (const auto& [k, s] : residues) EXPECT_EQ(s.size(), 7u) << "key " << k;
  // Unordered sets as keys: equal sets built in different orders meet in one group.
  auto groups = test_session->range(0, 600, 1, 6)
                    .map([](std::int64_t i) {
                      std::unordered_set<std::int64_t> key;
                      if (i % 2) {
                        for (std::int64_t j = 0; j < 20; ++j) key.insert((i % 3) * 100 + j);
                      } else {
                        for (std::int64_t j = 19; j >= 0; --j) key.insert((i % 3) * 100 + j);
                        key.rehash(512);
                      }
                      return std::pair{key, std::int64_t{1}};
                    })
                    .reduce_by_key(std::plus<>{})
                    .collect();
  ASSERT_EQ(groups.size(), 3u);
  for (const auto& [key, n] : groups) EXPECT_EQ(n, 200) << "a set of " << key.size();
  // Variants and maps as records, grouped and collected.
  using Cell = std::variant<std::int64_t, std::string>;
  auto cells = test_session->range(0, 90, 1, 3)
                   .map([](std::int64_t i) {
                     return std::pair{i % 3, std::map<std::string, Cell>{
                                                 {"n", Cell{i}}, {"s", Cell{std::string(static_cast<std::size_t>(i % 5), 'z')}}}};
                   })
                   .group_by_key()
                   .collect();
  ASSERT_EQ(cells.size(), 3u);
  std::int64_t sum = 0;
  for (const auto& [k, rows] : cells) {
    EXPECT_EQ(rows.size(), 30u);
    for (const auto& row : rows) sum += std::get<std::int64_t>(row.at("n"));
  }
  EXPECT_EQ(sum, 90 * 89 / 2);
}

TEST(Containers, AnAccumulatorMergesDictionaries) {
  using Counts = std::map<std::string, std::int64_t>;
  auto seen = test_session->accumulator<Counts>("seen", Counts{}, [](Counts a, const Counts& b) {
    for (const auto& [k, v] : b) a[k] += v;
    return a;
  });
  test_session->range(0, 300, 1, 6).foreach([seen](std::int64_t i) {
    seen.add(Counts{{i % 2 ? "odd" : "even", 1}});
  });
  EXPECT_EQ(seen.value(), (Counts{{"even", 150}, {"odd", 150}}));
  std::string bytes;
  for (const auto& [k, v] : seen.value()) bytes += k + std::to_string(v);
  EXPECT_TRUE(same_on_all_ranks(bytes));
}

}  // namespace
