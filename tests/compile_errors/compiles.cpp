// The positive control: the constructs of the other files here, used correctly, compile
// (so a harness that failed every compile could not pass). Also pins which record types
// have a codec.
#include <dataflow/dataflow.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
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
static_assert(!kHasCodec<Named> && !kHasCodec<std::map<int, int>> && !kHasCodec<const char*>);
static_assert(!kHasCodec<std::pair<int, Named>> && !kHasCodec<std::vector<std::map<int, int>>>);
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
    return n > 0 ? 0 : 1;
  });
}
