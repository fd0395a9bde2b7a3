// Sorted runs on disk and their merge: the pieces of the external sort and of the reduce
// side's fallback when a hash table does not fit the task's memory. A run is a sequence of
// records, each [tag (8 bytes)][length (varint)][bytes], written once and read back in
// order through a small buffer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "dataflow/config.hpp"
#include "dataflow/detail/codec.hpp"
#include "dataflow/detail/emit.hpp"
#include "dataflow/detail/hash.hpp"
#include "dataflow/detail/heap_size.hpp"
#include "dataflow/detail/spill.hpp"
#include "dataflow/error.hpp"

namespace dataflow::detail {

struct SpilledRun {
  std::shared_ptr<SpillFile> file;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

class RunOut {
 public:
  explicit RunOut(std::shared_ptr<SpillFile> file) : run_{std::move(file), 0, 0} {
    run_.offset = run_.file->size();
    spill_counters().spills++;
  }
  void add(std::uint64_t tag, std::string_view bytes) {
    header_.clear();
    header_.append(reinterpret_cast<const char*>(&tag), sizeof tag);
    ByteWriter(header_).put_varint(bytes.size());
    run_.file->append(header_);
    run_.file->append(bytes);
    run_.size += header_.size() + bytes.size();
  }
  SpilledRun finish() {
    run_.file->flush();
    return run_;
  }

 private:
  SpilledRun run_;
  std::string header_;
};

// Reads a run's records in order through a buffer of about kBuffer bytes (more for a
// longer record).
class RunIn {
 public:
  explicit RunIn(SpilledRun run) : run_(std::move(run)) {}
  // Moves to the next record; false at the end.
  bool next() {
    if (at_ == run_.size) return false;
    // A header cut by the buffer's end may reveal a record longer than the next buffer.
    for (int tries = 0; !parse(); ++tries) {
      if (tries == 2) throw Error(ExitCode::kSoftware, "spill run is truncated: " + run_.file->path());
      refill();
    }
    return true;
  }
  std::uint64_t tag() const { return tag_; }
  std::string_view bytes() const { return bytes_; }

 private:
  static constexpr std::size_t kBuffer = std::size_t{64} << 10;

  // Parses the record at `at_` from the buffer; false, with need_ set to the bytes it needs
  // from `at_` on, when it is not all there.
  bool parse() {
    need_ = 8;
    if (at_ < start_ || at_ >= start_ + buffer_.size()) return false;
    const std::size_t off = static_cast<std::size_t>(at_ - start_);
    const std::string_view in(buffer_.data() + off, buffer_.size() - off);
    if (in.size() < 8) return false;
    std::memcpy(&tag_, in.data(), 8);
    std::uint64_t len = 0;
    std::size_t pos = 8;
    for (int shift = 0;; shift += 7) {
      if (shift > 63) throw Error(ExitCode::kSoftware, "spill run is corrupt: " + run_.file->path());
      if (pos >= in.size()) {
        need_ = pos + 10;
        return false;
      }
      const auto c = static_cast<unsigned char>(in[pos++]);
      len |= static_cast<std::uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) break;
    }
    if (len > run_.size - (at_ + pos)) throw Error(ExitCode::kSoftware, "spill run is corrupt: " + run_.file->path());
    if (in.size() - pos < len) {
      need_ = static_cast<std::size_t>(pos + len);
      return false;
    }
    bytes_ = in.substr(pos, static_cast<std::size_t>(len));
    at_ += pos + len;
    return true;
  }
  void refill() {
    const std::uint64_t left = run_.size - at_;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, std::max(need_, kBuffer)));
    buffer_.resize(n);
    run_.file->read(run_.offset + at_, buffer_.data(), n);
    start_ = at_;
  }

  SpilledRun run_;
  std::string buffer_;
  std::uint64_t start_ = 0;  // run offset of buffer_[0]
  std::uint64_t at_ = 0;     // run offset of the next record
  std::uint64_t tag_ = 0;
  std::string_view bytes_;
  std::size_t need_ = 8;
};

// At most this many runs are merged at once; more are merged in passes.
inline constexpr std::size_t kMergeFanIn = 64;

// Merges `runs` (each ordered by `less` on (tag, bytes)) into one order, records of equal
// order keeping the order of their runs, and calls emit(tag, bytes) for each. More than
// kMergeFanIn runs are first merged in consecutive groups into new runs of `file`.
template <class Less, class Emit>
void merge_runs(std::vector<SpilledRun> runs, const std::shared_ptr<SpillFile>& file, const Less& less, Emit&& emit) {
  auto merge = [&](std::vector<SpilledRun> group, auto&& out) {
    std::vector<RunIn> in;
    in.reserve(group.size());
    std::vector<std::size_t> heap;  // indexes into `in`, a min-heap by (record, index)
    for (auto& r : group) {
      in.emplace_back(std::move(r));
      if (in.back().next()) heap.push_back(in.size() - 1);
    }
    auto after = [&](std::size_t a, std::size_t b) {  // heap order: true when a comes after b
      if (less(in[b].tag(), in[b].bytes(), in[a].tag(), in[a].bytes())) return true;
      if (less(in[a].tag(), in[a].bytes(), in[b].tag(), in[b].bytes())) return false;
      return a > b;
    };
    std::make_heap(heap.begin(), heap.end(), after);
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), after);
      const std::size_t i = heap.back();
      out(in[i].tag(), in[i].bytes());
      if (in[i].next()) {
        std::push_heap(heap.begin(), heap.end(), after);
      } else {
        heap.pop_back();
      }
    }
  };
  while (runs.size() > kMergeFanIn) {
    std::vector<SpilledRun> next;
    for (std::size_t first = 0; first < runs.size(); first += kMergeFanIn) {
      const std::size_t last = std::min(runs.size(), first + kMergeFanIn);
      std::vector<SpilledRun> group(runs.begin() + static_cast<std::ptrdiff_t>(first),
                                    runs.begin() + static_cast<std::ptrdiff_t>(last));
      if (group.size() == 1) {
        next.push_back(std::move(group[0]));
        continue;
      }
      RunOut out(file);
      merge(std::move(group), [&](std::uint64_t tag, std::string_view bytes) { out.add(tag, bytes); });
      next.push_back(out.finish());
    }
    runs = std::move(next);
  }
  merge(std::move(runs), emit);
}

// By tag alone.
struct TagLess {
  bool operator()(std::uint64_t a, std::string_view, std::uint64_t b, std::string_view) const { return a < b; }
};

// A table's footprint, reserved from the task's memory as it grows: its own bytes (by
// capacity) and what its keys and values hold on the heap.
class TableBudget {
 public:
  explicit TableBudget(const TaskMemory& memory) : reserved_(memory.bounded() ? memory.pool : nullptr) {}
  bool bounded() const { return reserved_.bounded(); }
  // The table now takes `own` bytes, and its keys and values `heap` more than before; false
  // when the reservation cannot cover the footprint.
  bool update(std::uint64_t own, std::uint64_t heap = 0) {
    heap_ += heap;
    used_ = own + heap_;
    if (used_ <= reserved_.held()) return true;
    const std::uint64_t step = std::max<std::uint64_t>(std::uint64_t{1} << 20, reserved_.held() / 2);
    return reserved_.grow_to(used_ + step) || reserved_.grow_to(used_);
  }
  std::uint64_t used() const { return used_; }
  void reset() {
    used_ = heap_ = 0;
    reserved_.shrink_to(0);
  }

 private:
  Reservation reserved_;
  std::uint64_t used_ = 0;
  std::uint64_t heap_ = 0;
};

// What a vector's growth by one element took: its new capacity's bytes, and the element's.
template <class E>
std::uint64_t pushed_bytes(std::size_t capacity_before, const std::vector<E>& v) {
  return (v.capacity() - capacity_before) * sizeof(E) + (v.empty() ? 0 : heap_bytes(v.back()));
}

// Thrown by a bounded build when its table cannot grow: the caller goes to slices. When
// every key in the table has one hash (one key, as a rule), slicing cannot help.
struct OverBudget {
  bool one_hash = false;
  std::uint64_t hash = 0;  // that hash
};

// The OverBudget of a CombineTable that cannot grow.
template <class Table>
OverBudget over_budget(const Table& table) {
  const auto& entries = table.entries();
  if (entries.empty()) return {};
  const std::uint64_t hash = entries.front().hash;
  for (const auto& e : entries) {
    if (e.hash != hash) return {};
  }
  return {true, hash};
}

// A hash-based reduce side (a table built from the input, then emitted) within the task's
// memory. body(slice, out) builds its table from the records whose key hash h has
// in_slice(h), throws OverBudget when the table cannot grow (before it emits anything),
// then calls out(tag, record) with ascending tags, which fix the output order. First the
// whole partition is tried at once; if it does not fit, it is cut into 4 slices by hash,
// each slice that does not fit into 4 more, and so on; each slice's output goes to a run,
// and the runs are merged by tag, which gives the same order as the one pass would. Each
// slice reads the input again. When the records of one hash (one key, as a rule) do not
// fit, an operation that can stream them is given them alone: stream(slice, hash, out, cut)
// emits their output in runs that it cuts where it likes (records of equal tag keep the
// order of their runs), and the slice is done again without them. Without a stream, such
// a slice fails the task with exit code 65, naming `what`.
struct Slice {
  int depth = 0;                        // 2 bits of the mixed hash per level
  std::uint64_t id = 0;                 // the low 2 * depth bits
  std::vector<std::uint64_t> streamed;  // hashes whose records went to the stream instead
  bool contains(std::uint64_t hash) const {
    if (!streamed.empty() && std::find(streamed.begin(), streamed.end(), hash) != streamed.end()) return false;
    if (depth == 0) return true;
    const std::uint64_t bits = mix64(hash) & ((std::uint64_t{1} << (2 * depth)) - 1);
    return bits == id;
  }
};

// An OverBudget thrown by what consumes a one-pass output (the table of a wide operation
// downstream in the same task, a join's build side fed by a reduce) is not this operation's
// to handle: slicing here would emit again what the consumer already holds. It passes
// through as a DownstreamOverBudget, tagged with the run_sliced it crossed, which turns it
// back into the consumer's OverBudget on its way out.
struct DownstreamOverBudget {
  const void* from;
  OverBudget over;
};

template <class R, class Body, class Stream>
void run_sliced_within(const TaskMemory& memory, const std::string& what, Body&& body, Emit<R> emit,
                       const Stream& stream, const void* here) {
  try {
    body(Slice{}, [&](std::uint64_t, const R& r) {
      try {
        emit(r);
      } catch (const OverBudget& downstream) {
        throw DownstreamOverBudget{here, downstream};
      }
    });
    return;
  } catch (const OverBudget&) {
    if (!memory.bounded()) throw;
  }
  auto file = std::make_shared<SpillFile>(*memory.dir);
  std::vector<SpilledRun> runs;
  std::vector<Slice> todo;
  for (std::uint64_t i = 4; i-- > 0;) todo.push_back({1, i, {}});
  std::string bytes;
  std::optional<RunOut> run;
  auto out = [&](std::uint64_t tag, const R& r) {
    bytes.clear();
    ByteWriter w(bytes);
    Codec<R>::write(w, r);
    run->add(tag, bytes);
  };
  auto cut = [&] {
    runs.push_back(run->finish());
    run.emplace(file);
  };
  while (!todo.empty()) {
    Slice s = std::move(todo.back());
    todo.pop_back();
    run.emplace(file);
    try {
      body(s, out);
    } catch (const OverBudget& over) {
      // Nothing was emitted: the run is empty.
      if constexpr (!std::is_same_v<Stream, std::nullptr_t>) {
        if (over.one_hash) {
          stream(s, over.hash, out, cut);
          runs.push_back(run->finish());
          s.streamed.push_back(over.hash);
          todo.push_back(std::move(s));
          continue;
        }
      }
      if (over.one_hash || s.depth >= 30) {
        throw Error(ExitCode::kDataError,
                    what + ": the records of one key do not fit in a task's share of the executor's memory "
                           "(--executor-memory " + format_size(memory.pool->budget()) +
                        "); give the executors more memory, or spread the key's records over several keys");
      }
      for (std::uint64_t i = 4; i-- > 0;) todo.push_back({s.depth + 1, s.id | (i << (2 * s.depth)), s.streamed});
      continue;
    }
    runs.push_back(run->finish());
  }
  merge_runs(std::move(runs), file, TagLess{}, [&](std::uint64_t, std::string_view b) {
    ByteReader r(b);
    emit(Codec<R>::read(r));
  });
}

template <class R, class Body, class Stream = std::nullptr_t>
void run_sliced(const TaskMemory& memory, const std::string& what, Body&& body, Emit<R> emit,
                const Stream& stream = nullptr) {
  const char here = 0;
  try {
    run_sliced_within(memory, what, std::forward<Body>(body), emit, stream, &here);
  } catch (const DownstreamOverBudget& d) {
    if (d.from != &here) throw;
    throw d.over;
  }
}

}  // namespace dataflow::detail
