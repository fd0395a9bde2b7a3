// The positive control: the constructs of the other files here, used correctly, compile
// (so a harness that failed every compile could not pass). Also pins which record types
// have a codec.
#include <dataflow/dataflow.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace {

struct Point {  // no padding: encoded as raw bytes
  std::int32_t x;
  std::int32_t y;
};

struct Padded {
  std::int8_t tag;
  std::int64_t value;
};

enum class Color : std::uint8_t { kRed, kGreen };

struct Doubles {  // floating point has no unique object representation: copied, padding cleared
  double a;
  double b;
};

struct Named {  // not trivially copyable
  std::string name;
  int id;
};

using dataflow::detail::kHasCodec;
static_assert(kHasCodec<int> && kHasCodec<double> && kHasCodec<bool> && kHasCodec<Color>);
static_assert(kHasCodec<std::string> && kHasCodec<std::string_view>);
static_assert(kHasCodec<std::pair<std::string, long>> && kHasCodec<std::tuple<int, std::string, double>>);
static_assert(kHasCodec<std::vector<std::pair<int, std::string>>>);
static_assert(kHasCodec<Point> && kHasCodec<std::array<std::int16_t, 4>> && kHasCodec<std::pair<Point, Point>>);
static_assert(kHasCodec<Padded> && kHasCodec<Doubles> && kHasCodec<std::pair<int, Padded>>);
static_assert(!kHasCodec<Named> && !kHasCodec<std::map<int, Named>> && !kHasCodec<const char*>);
static_assert(!kHasCodec<std::pair<int, Named>> && !kHasCodec<std::vector<std::map<int, Named>>>);
// The standard containers and std::variant, nested (a PySpark dict or set).
static_assert(kHasCodec<std::map<int, int>> && kHasCodec<std::unordered_map<std::string, std::vector<double>>>);
static_assert(kHasCodec<std::set<std::string>> && kHasCodec<std::unordered_set<long>> && kHasCodec<std::deque<int>>);
static_assert(kHasCodec<std::variant<int, std::string>> && kHasCodec<std::optional<std::map<int, std::list<int>>>>);
static_assert(!kHasCodec<std::tuple<int, Named>>);

}  // namespace

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [](dataflow::Session& session) {
    auto small = session.parallelize({1, 2, 3});
    auto numbers = session.parallelize(std::vector<int>{1, 2, 3, 4}, 2);
    auto doubled = numbers.map([](int x) { return x * 2; });
    auto even = doubled.filter([](int x) { return x % 4 == 0; });
    auto repeated = even.flat_map([](int x) { return std::vector<int>{x, x}; });
    auto emitted = numbers.flat_map<std::string>([](int x, const auto& emit) { emit(std::to_string(x)); });
    auto points = numbers.map([](int x) { return Point{x, -x}; });
    auto counts = emitted.map([](const std::string& s) { return std::pair{s, 1L}; }).reduce_by_key(std::plus<>{}, 3);
    auto sums = points.map([](const Point& p) {
                        return std::pair{p.x % 2, p};
                      })
                    .reduce_by_key([](Point a, const Point& b) {
                      return Point{a.x + b.x, a.y + b.y};
                    });
    auto colors = numbers.map([](int x) {
                           return std::pair{x % 2 ? Color::kRed : Color::kGreen, x};
                         })
                      .reduce_by_key([](int a, int b) { return a > b ? a : b; });
    auto words = session.text_file("in.txt").flat_map(dataflow::split_whitespace).filter([](std::string_view w) {
      return !w.empty();
    });
    std::vector<Point> all_points = points.collect();
    std::vector<std::pair<int, Point>> point_sums = sums.collect_on_driver();
    std::vector<std::pair<std::string, long>> word_counts = counts.collect();
    std::vector<std::pair<Color, int>> color_max = colors.collect();
    std::uint64_t n =
        small.count() + repeated.count() + words.count() + all_points.size() + point_sums.size() + word_counts.size();
    doubled.save_as_text_file("out");

    // Every operation that takes a function or needs a key, used correctly.
    auto pairs = numbers.key_by([](int x) { return std::to_string(x % 2); });  // pair<string, int>
    auto scaled = pairs.map_values([](int v) { return v * 1.5; });
    auto spread = pairs.flat_map_values([](int v) { return std::vector<int>{v, -v}; });
    auto sizes = numbers.map_partitions([](std::vector<int>& part) { return std::vector<std::size_t>{part.size()}; });
    auto tagged = numbers.map_partitions_with_index(
        [](std::uint32_t index, std::vector<int>& part) { return std::vector<std::uint32_t>(part.size(), index); });
    auto by_parity = numbers.group_by([](int x) { return x % 2; }, 2);
    auto grouped = pairs.group_by_key();
    auto averages = pairs.combine_by_key([](int v) { return std::pair<long, long>(v, 1); },
                                         [calls = 0](std::pair<long, long> c, int v) mutable {  // each task's copy
                                           ++calls;
                                           return std::pair<long, long>(c.first + v, c.second + 1);
                                         },
                                         [](std::pair<long, long> a, const std::pair<long, long>& b) {
                                           return std::pair<long, long>(a.first + b.first, a.second + b.second);
                                         });
    auto longest = pairs.aggregate_by_key(
        std::string(), [](std::string s, int v) { return s + std::to_string(v); },
        [](const std::string& a, const std::string& b) { return a.size() < b.size() ? b : a; });
    auto folded = pairs.fold_by_key(0, std::plus<>{});
    auto sorted = numbers.sort_by([](int x) { return -x; }, false, 2);
    auto sorted_words = words.sort_by([](std::string_view w) { return w.size(); });
    auto sorted_pairs = pairs.sort_by_key(false);
    auto word_keys = words.map([](std::string_view w) { return std::pair{w, 1}; }).sort_by_key();
    auto parity = pairs.keys().distinct();
    auto moved = pairs.partition_by(3).values();
    auto joined = pairs.join(scaled);
    auto left = pairs.left_outer_join(folded);
    auto right = pairs.right_outer_join(grouped);
    auto full = pairs.full_outer_join(pairs);
    auto both = pairs.cogroup(scaled);
    auto missing = pairs.subtract_by_key(folded);
    auto common = numbers.intersection(small);
    auto rest = numbers.subtract(small);
    int total = numbers.reduce(std::plus<>{}) + numbers.fold(0, [](int a, int b) { return a + b; });
    std::string digits = numbers.aggregate(
        std::string(), [](std::string s, int x) { return s + std::to_string(x); },
        [](const std::string& a, const std::string& b) { return a + b; });
    std::vector<int> largest = numbers.top(2);
    std::vector<int> smallest = numbers.take_ordered(2, [](const int& a, const int& b) { return a > b; });
    std::vector<std::string> first_words = words.take_ordered(3);
    std::vector<std::string> last_words = words.top(3, std::greater<>{});
    std::vector<int> odd_values = pairs.lookup("1");
    std::map<std::string, std::uint64_t> per_key = pairs.count_by_key();
    std::map<int, std::uint64_t> per_value = numbers.count_by_value();
    numbers.foreach ([](int x) { (void)x; });
    words.foreach_partition([](std::vector<std::string>& part) { (void)part; });
    const double stats =
        numbers.stats().mean + numbers.mean() + static_cast<double>(numbers.sum()) + numbers.min() + numbers.max();
    n += scaled.count() + spread.count() + sizes.count() + tagged.count() + by_parity.collect().size() +
         averages.collect().size() + longest.collect().size() + sorted.collect().size() +
         sorted_words.collect().size() + sorted_pairs.collect().size() + word_keys.collect().size() +
         parity.collect().size() + moved.collect().size() + joined.collect().size() + left.collect().size() +
         right.collect().size() + full.collect().size() + both.collect().size() + missing.collect().size() +
         common.collect().size() + rest.collect().size() + largest.size() + smallest.size() + first_words.size() +
         last_words.size() + odd_values.size() + per_key.size() + per_value.size() + digits.size() +
         static_cast<std::uint64_t>(total + stats);
    // column_in_if.cpp's mistake done right: the comparison as a filter's condition.
    const dataflow::Column condition = dataflow::functions::col("a") == 3;
    n += condition.name().size();
    // udf_*.cpp's mistakes done right: typed parameters a column holds.
    const auto scale =
        dataflow::functions::udf([](double x, std::optional<std::int64_t> k) { return x * k.value_or(1); });
    n += scale(dataflow::functions::col("x"), "k").name().size();
    return n > 0 ? 0 : 1;
  });
}
