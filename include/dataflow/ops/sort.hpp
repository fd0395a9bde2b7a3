// Sorting: sort_by and sort_by_key with range partitioning, the parent computed once. Each
// map task keeps its records unsplit with a reservoir sample of their keys (with their map
// partition and position); when the map stage ends the driver computes the bounds from the
// samples; before the exchange each executor cuts its map outputs by (key, map partition,
// position), so that even a key shared by most records spreads evenly; each reduce
// partition is sorted stably. Equal keys keep their order (map partition, then position),
// so a rerun gives the same bytes.
#pragma once

#include <algorithm>
#include <deque>
#include <random>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/dataset.hpp"
#include "dataflow/detail/checks_sort.hpp"
#include "dataflow/detail/sort_prefix.hpp"
#include "dataflow/detail/spill_runs.hpp"

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

// Spark's sample size: about 60 keys per output partition over all map tasks (at most 3
// million), at least 20 from each.
inline std::uint64_t sample_per_partition(std::uint32_t out_partitions, std::uint32_t map_tasks) {
  const std::uint64_t total = 3ull * std::min<std::uint64_t>(20ull * out_partitions, 1000000);
  return std::max<std::uint64_t>(20, (total + map_tasks - 1) / std::max<std::uint32_t>(1, map_tasks));
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

// Calls f(key_of(record), its encoding) for each record encoded in `bytes`, in order;
// string_view records are read as views, without a copy.
template <class T, class K, class KeyOf, class F>
void for_each_keyed(std::string_view bytes, const KeyOf& key_of, F&& f) {
  ByteReader r(bytes);
  while (!r.empty()) {
    const std::size_t start = bytes.size() - r.remaining();
    K key = [&]() -> K {
      if constexpr (std::is_same_v<T, std::string_view>) {
        return K(key_of(r.get_bytes()));
      } else {
        return K(key_of(Codec<T>::read(r)));
      }
    }();
    f(std::move(key), bytes.substr(start, bytes.size() - r.remaining() - start));
  }
}

}  // namespace detail

// The records ordered by key_of(record) (operator<; descending when !ascending).
template <class T, class Chain>
template <class F>
auto Dataset<T, Chain>::sort_by(F key_of, bool ascending, int partitions) const {
  if constexpr (!detail::check_sort_by<F, T>()) {
    return failed();
  } else {
    using O = detail::Owned<T>;
    using K = detail::Owned<std::decay_t<std::invoke_result_t<const F&, const T&>>>;
    using Point = detail::SortPoint<K>;
    using Sample = std::pair<std::uint64_t, std::vector<Point>>;
    constexpr bool kView = std::is_same_v<T, std::string_view>;
    using Rec = std::conditional_t<kView, std::string_view, O>;
    const std::uint32_t n = resolve_partitions(partitions);

    detail::NodeSpec spec{detail::OpKind::kSortShuffle, {node_}, "sort_by"};
    spec.partitions = n;
    const int node = runtime_->add_node(std::move(spec));

    // 1. The map side keeps its records in their order, unsplit, with a reservoir sample of
    // their keys (seeded by the partition: a retry samples the same keys).
    runtime_->set_map_runner(
        node, [source = source_, chain = chain_, key_of](detail::TaskContext& ctx, detail::MapOutput& out) {
          const std::uint64_t size = detail::sample_per_partition(out.buckets, ctx.tasks);
          Sample sample;
          std::mt19937_64 rng(detail::mix64(ctx.partition + 0x5eed));
          // Bounded: when the buffer outgrows the task's reservation, the records so far go to
          // disk as an unsplit run, in order.
          detail::Reservation reserved(ctx.memory.bounded() ? ctx.memory.pool : nullptr);
          std::shared_ptr<detail::SpillFile> file;
          auto spill = [&] {
            if (out.data.empty()) return;
            if (!file) file = std::make_shared<detail::SpillFile>(*ctx.memory.dir);
            detail::RunWriter run(out, file);
            run.buffer() = std::move(out.data);
            run.end_record(0);
            run.finish();
            out.data = std::move(run.buffer());
            out.data.clear();
          };
          // Room for the records (about as large as their input) at once where the reservation
          // allows: growing by doubling copies and faults in every byte again.
          const std::uint64_t hint = ctx.input_bytes() + ctx.input_bytes() / 8;
          if (reserved.grow_to(hint)) {
            out.data.reserve(static_cast<std::size_t>(hint));
            detail::advise_huge_pages(out.data.data(), out.data.capacity());
          }
          detail::ByteWriter w(out.data);
          auto push = [&](const T& x) {
            detail::Codec<T>::write(w, x);
            const std::uint64_t i = sample.first++;
            if (sample.second.size() < size) {
              sample.second.emplace_back(K(key_of(x)), ctx.partition, i);
            } else if (const std::uint64_t j = rng() % (i + 1); j < size) {
              sample.second[j] = Point(K(key_of(x)), ctx.partition, i);
            }
            constexpr std::size_t kMin = std::size_t{256} << 10;  // a task's fixed overhead
            if (reserved.bounded() && out.data.size() + (std::size_t{64} << 10) > out.data.capacity()) {
              const std::size_t want = std::max(kMin, 2 * out.data.capacity());
              if (reserved.grow_to(want + out.data.capacity())) {  // the old array until the copy is done
                out.data.reserve(want);
                reserved.shrink_to(want);
              } else {
                spill();
                if (out.data.capacity() < kMin) out.data.reserve(kMin);
              }
            }
          };
          detail::run_chain(*source, chain, ctx, push);
          if (reserved.bounded()) {
            detail::Reservation keep(ctx.memory.pool, detail::MemoryPool::Kind::kStorage);
            if (keep.grow_to(out.data.capacity())) {
              out.memory = std::move(keep);
            } else {
              spill();
              std::string().swap(out.data);
            }
          }
          out.close_bucket(0);
          out.unsplit = true;
          detail::ByteWriter sw(out.sample);
          detail::Codec<Sample>::write(sw, sample);
        });

    // 2. When the map stage ends, the driver computes the bounds from the samples; 3. each
    // executor cuts its map outputs by (key, map partition, position) before the exchange.
    detail::RangePartitioner partitioner;
    partitioner.bounds = [ascending](const std::vector<std::string>& samples, std::uint32_t buckets) {
      std::vector<Sample> parts;
      for (const std::string& s : samples) {
        detail::decode_all<Sample>(s, [&](Sample&& x) { parts.push_back(std::move(x)); });
      }
      std::string out;
      detail::ByteWriter w(out);
      detail::Codec<std::vector<Point>>::write(w, detail::range_bounds<K>(std::move(parts), buckets, ascending));
      return out;
    };
    partitioner.split = [key_of, ascending](detail::MapOutput& out, std::string_view bounds_bytes,
                                            std::uint32_t map_partition, std::string& spare) {
      detail::ByteReader br(bounds_bytes);
      const std::vector<Point> bounds = detail::Codec<std::vector<Point>>::read(br);
      const detail::PointLess<K> less{ascending};
      std::uint64_t position = 0;  // over the runs on disk, then the memory part
      auto cut_into = [&](std::string records, detail::RunWriter& run, std::string* keep) {
        detail::BucketBuffer buffer(std::move(records));
        std::uint64_t end = 0;
        detail::for_each_keyed<T, K>(buffer.data(), key_of, [&](K&& key, std::string_view encoded) {
          const Point p(std::move(key), map_partition, position++);
          end += encoded.size();
          buffer.mark(
              static_cast<std::uint32_t>(std::upper_bound(bounds.begin(), bounds.end(), p, less) - bounds.begin()),
              end);
        });
        buffer.write_run(run, out.buckets);
        if (keep) {
          *keep = std::move(buffer.data());
          keep->clear();
        }
      };
      detail::MapOutput cut;
      cut.buckets = out.buckets;
      for (const detail::MapOutput::Run& r : out.spilled) {  // each was one task's reservation
        std::string records(static_cast<std::size_t>(r.extents.empty() ? 0 : r.extents.back().end), '\0');
        r.file->read(r.offset, records.data(), records.size());
        detail::RunWriter run(cut, r.file);
        cut_into(std::move(records), run, nullptr);
      }
      cut.data = std::move(spare);
      cut.data.clear();
      cut.data.reserve(out.data.size());
      detail::advise_huge_pages(cut.data.data(), cut.data.capacity());
      {
        detail::RunWriter run(cut);
        cut_into(std::move(out.data), run, &spare);
      }
      cut.memory = std::move(out.memory);
      out = std::move(cut);
    };
    runtime_->set_range_partitioner(node, std::move(partitioner));

    // 4. Each reduce partition sorts (key, encoded record) entries, stably, and decodes each
    // record as it goes out; text and binary records go out as views into the blocks.
    auto producer = std::make_shared<const detail::Producer<Rec>>([node, key_of, ascending](detail::TaskContext& ctx,
                                                                                            detail::Emit<Rec> emit) {
      struct Entry {
        K key;
        std::string_view bytes;  // the record's encoding
      };
      const auto& blocks = *ctx.input(node).blocks;
      auto key_of_bytes = [&](std::string_view bytes) {
        detail::ByteReader r(bytes);
        if constexpr (kView) {
          return K(key_of(r.get_bytes()));
        } else {
          return K(key_of(detail::Codec<T>::read(r)));
        }
      };
      auto out = [&](std::string_view bytes) {
        detail::ByteReader r(bytes);
        if constexpr (kView) {
          emit(r.get_bytes());
        } else {
          emit(detail::Codec<T>::read(r));
        }
      };
      auto prefix_of = [&](const K& key) -> std::uint64_t {
        if constexpr (detail::SortPrefix<K>::kHas) {
          const std::uint64_t p = detail::SortPrefix<K>::of(key);
          return ascending ? p : ~p;
        } else {
          return 0;
        }
      };
      // Faulted in as huge pages, and sized for 32-byte records up front: growing by doubling
      // copied and faulted every entry twice.
      std::vector<Entry, detail::HugePageAllocator<Entry>> entries;
      detail::TableBudget budget(ctx.memory);
      if (!budget.bounded()) {
        std::size_t bytes = 0;
        for (const detail::Block& b : blocks) bytes += b.size;
        entries.reserve(bytes / 32);
      }
      // Calls f(entry) for the entries in order: by key, equal keys in arrival order.
      auto sorted = [&](auto&& f) {
        if constexpr (detail::SortPrefix<K>::kHas) {
          // (prefix, index) pairs, sorted by prefix, then key, then index (stable); the key is
          // compared only when prefixes tie.
          struct Order {
            std::uint64_t prefix;
            std::size_t index;
          };
          std::vector<Order, detail::HugePageAllocator<Order>> order(entries.size());
          for (std::size_t i = 0; i < entries.size(); ++i) order[i] = {prefix_of(entries[i].key), i};
          std::sort(order.begin(), order.end(), [&](const Order& a, const Order& b) {
            if (a.prefix != b.prefix) return a.prefix < b.prefix;
            const K& ka = entries[a.index].key;
            const K& kb = entries[b.index].key;
            if (ascending ? ka < kb : kb < ka) return true;
            if (ascending ? kb < ka : ka < kb) return false;
            return a.index < b.index;
          });
          constexpr std::size_t kAhead = 8;  // the records are gathered at random: prefetch
          for (std::size_t i = 0; i < order.size(); ++i) {
            if (i + kAhead < order.size()) __builtin_prefetch(entries[order[i + kAhead].index].bytes.data());
            f(entries[order[i].index]);
          }
        } else {
          std::stable_sort(entries.begin(), entries.end(), [ascending](const Entry& a, const Entry& b) {
            return ascending ? a.key < b.key : b.key < a.key;
          });
          for (const Entry& e : entries) f(e);
        }
      };
      // Bounded: what outgrows the task's memory is sorted and written to disk as a run, at a
      // block boundary; the runs are merged at the end (an external merge sort). A run's tag
      // is the key's sort prefix, so that most comparisons need no decoding.
      // Blocks read from disk for the entries in memory; a deque, so that a short block's bytes
      // (kept inside its std::string) do not move when more are added.
      std::deque<std::string> loaded;
      std::uint64_t loaded_bytes = 0;
      std::vector<detail::SpilledRun> runs;
      std::shared_ptr<detail::SpillFile> file;
      auto spill = [&] {
        if (!file) file = std::make_shared<detail::SpillFile>(*ctx.memory.dir);
        detail::RunOut run(file);
        sorted([&](const Entry& e) { run.add(prefix_of(e.key), e.bytes); });
        runs.push_back(run.finish());
        entries.clear();
        loaded.clear();
        loaded_bytes = 0;
        budget.reset();
      };
      for (const detail::Block& b : blocks) {
        std::string_view bytes = b.bytes;
        if (b.on_disk()) {
          if (!budget.update(entries.capacity() * sizeof(Entry) + loaded_bytes + b.size)) spill();
          loaded_bytes += b.size;
          std::string& copy = loaded.emplace_back(static_cast<std::size_t>(b.size), '\0');
          b.file->read(b.offset, copy.data(), copy.size());
          bytes = copy;
        }
        bool full = false;  // spilled at the block's end: its entries view its bytes
        detail::for_each_keyed<T, K>(bytes, key_of, [&](K&& key, std::string_view encoded) {
          const std::uint64_t heap = budget.bounded() ? detail::heap_bytes(key) : 0;
          entries.push_back({std::move(key), encoded});
          // (a full vector doubles next: its old and new arrays are held at once)
          const std::uint64_t own = entries.capacity() * sizeof(Entry) * (entries.size() == entries.capacity() ? 3 : 1);
          if (budget.bounded() && !full) full = !budget.update(own + loaded_bytes, heap);
        });
        if (full) spill();
      }
      if (runs.empty()) {
        sorted([&](const Entry& e) { out(e.bytes); });
        return;
      }
      if (!entries.empty()) spill();
      auto less = [&](std::uint64_t ta, std::string_view a, std::uint64_t tb, std::string_view b) {
        if (ta != tb) return ta < tb;
        const K ka = key_of_bytes(a);
        const K kb = key_of_bytes(b);
        return ascending ? ka < kb : kb < ka;
      };
      detail::merge_runs(std::move(runs), file, less, [&](std::uint64_t, std::string_view bytes) { out(bytes); });
    });
    return Dataset<Rec>(runtime_, node, std::move(producer));
  }
}

// For pair<K, V>: ordered by key.
template <class T, class Chain>
auto Dataset<T, Chain>::sort_by_key(bool ascending, int partitions) const {
  if constexpr (!detail::check_sort_by_key<T>()) {
    return failed();
  } else {
    return sort_by([](const auto& kv) { return kv.first; }, ascending, partitions);
  }
}

}  // namespace dataflow
