// Sorting: sort_by and sort_by_key with range partitioning. A first job samples each
// partition (a reservoir of keys with their map partition and position); every rank computes
// the same partition bounds from the samples; the shuffle sends each record to the range of
// its (key, map partition, position), so that even a key shared by most records is spread
// evenly; each reduce partition is sorted stably. Equal keys keep their order (map
// partition, then position), so a rerun gives the same bytes.
#pragma once

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/dataset.hpp"

namespace dataflow {
namespace detail {

// A sampled key and where its record was: the order of records with equal keys.
template <class K>
using SortPoint = std::tuple<K, std::uint32_t, std::uint64_t>;

template <class K>
struct PointLess {
  bool ascending;
  bool operator()(const SortPoint<K>& a, const SortPoint<K>& b) const {
    const K& ka = std::get<0>(a);
    const K& kb = std::get<0>(b);
    if (ascending ? ka < kb : kb < ka) return true;
    if (ascending ? kb < ka : ka < kb) return false;
    return std::tie(std::get<1>(a), std::get<2>(a)) < std::tie(std::get<1>(b), std::get<2>(b));
  }
};

// Spark's sample size: about 60 keys per output partition over all map partitions.
inline std::uint64_t sample_per_partition(std::uint32_t out_partitions) {
  return std::max<std::uint64_t>(60, 3ull * std::min<std::uint64_t>(20ull * out_partitions, 1000000));
}

// n - 1 bounds at the weighted quantiles of the samples (weight: records per sampled key).
template <class K>
std::vector<SortPoint<K>> range_bounds(std::vector<std::pair<std::uint64_t, std::vector<SortPoint<K>>>> parts,
                                       std::uint32_t n, bool ascending) {
  std::vector<std::pair<SortPoint<K>, double>> weighted;
  double total = 0;
  for (auto& [count, sample] : parts) {
    if (sample.empty()) continue;
    const double w = static_cast<double>(count) / static_cast<double>(sample.size());
    for (auto& p : sample) weighted.emplace_back(std::move(p), w);
    total += static_cast<double>(count);
  }
  PointLess<K> less{ascending};
  std::sort(weighted.begin(), weighted.end(), [&](const auto& a, const auto& b) { return less(a.first, b.first); });
  std::vector<SortPoint<K>> bounds;
  double seen = 0;
  std::uint32_t next = 1;
  for (auto& [point, w] : weighted) {
    if (next >= n) break;
    seen += w;
    if (seen >= total * next / n) {
      bounds.push_back(point);
      ++next;
    }
  }
  return bounds;
}

}  // namespace detail

// The records ordered by key_of(record) (operator<; descending when !ascending).
template <class T, class Chain>
template <class F>
auto Dataset<T, Chain>::sort_by(F key_of, bool ascending, int partitions) const {
  using O = detail::Owned<T>;
  using K = detail::Owned<std::decay_t<std::invoke_result_t<const F&, const T&>>>;
  using Point = detail::SortPoint<K>;
  using Sample = std::pair<std::uint64_t, std::vector<Point>>;
  const std::uint32_t n = resolve_partitions(partitions);

  // 1. Sample every partition (reservoir sampling, seeded by the partition: reruns agree).
  std::vector<Sample> samples;
  if (n > 1) {
    const int sample_node = runtime_->add_node({detail::OpKind::kAggregate, {node_}, "sort_by (sample)"});
    const std::uint64_t size = detail::sample_per_partition(n);
    runtime_->set_result_runner(sample_node, [source = source_, chain = chain_, key_of, size](
                                                 detail::TaskContext& ctx) {
      Sample s;
      std::mt19937_64 rng(detail::mix64(ctx.partition + 0x5eed));
      auto push = [&](const T& x) {
        const std::uint64_t i = s.first++;
        if (s.second.size() < size) {
          s.second.emplace_back(K(key_of(x)), ctx.partition, i);
        } else if (const std::uint64_t j = rng() % (i + 1); j < size) {
          s.second[j] = Point(K(key_of(x)), ctx.partition, i);
        }
      };
      detail::run_chain(*source, chain, ctx, push);
      std::string out;
      detail::ByteWriter w(out);
      detail::Codec<Sample>::write(w, s);
      return out;
    });
    detail::decode_all<Sample>(runtime_->run_job(sample_node, true),
                               [&samples](Sample&& s) { samples.push_back(std::move(s)); });
  }
  auto bounds = std::make_shared<const std::vector<Point>>(detail::range_bounds<K>(std::move(samples), n, ascending));

  // 2. Range-partition by (key, map partition, position); 3. sort each partition stably.
  auto bucket_of = [key_of, bounds, ascending](const detail::TaskContext& ctx, const T& x, std::uint64_t position,
                                               std::uint32_t) {
    const Point p(K(key_of(x)), ctx.partition, position);
    return static_cast<std::uint32_t>(std::upper_bound(bounds->begin(), bounds->end(), p,
                                                       detail::PointLess<K>{ascending}) -
                                      bounds->begin());
  };
  // The reduce side sorts (key, encoded record) entries, not records, and decodes each
  // record as it goes out; text and binary records go out as views into the blocks.
  constexpr bool kView = std::is_same_v<T, std::string_view>;
  using Rec = std::conditional_t<kView, std::string_view, O>;
  auto reduce = [key_of, ascending](const std::vector<std::string_view>& blocks, detail::Emit<Rec> emit) {
    struct Entry {
      K key;
      std::string_view bytes;  // the record's encoding
    };
    std::vector<Entry> entries;
    for (std::string_view b : blocks) {
      detail::ByteReader r(b);
      while (!r.empty()) {
        const std::size_t start = b.size() - r.remaining();
        if constexpr (kView) {
          K k(key_of(r.get_bytes()));
          entries.push_back({std::move(k), b.substr(start, b.size() - r.remaining() - start)});
        } else {
          K k(key_of(detail::Codec<T>::read(r)));
          entries.push_back({std::move(k), b.substr(start, b.size() - r.remaining() - start)});
        }
      }
    }
    std::stable_sort(entries.begin(), entries.end(), [ascending](const Entry& a, const Entry& b) {
      return ascending ? a.key < b.key : b.key < a.key;
    });
    for (const Entry& e : entries) {
      detail::ByteReader r(e.bytes);
      if constexpr (kView) {
        emit(r.get_bytes());
      } else {
        emit(detail::Codec<T>::read(r));
      }
    }
  };
  return shuffle_to<Rec>(detail::OpKind::kSortShuffle, "sort_by", n, bucket_of, reduce, 0);
}

// For pair<K, V>: ordered by key.
template <class T, class Chain>
auto Dataset<T, Chain>::sort_by_key(bool ascending, int partitions) const {
  static_assert(detail::kIsPair<T>, "sort_by_key: records must be std::pair<K, V>");
  return sort_by([](const auto& kv) { return kv.first; }, ascending, partitions);
}

}  // namespace dataflow
