// The batch join (batch_join.hpp): partitioning by key hash, the hash table over a partition's
// right side, the probe, and the output writer.
#include "frame/api/batch_join.hpp"

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include "dataflow/detail/hash.hpp"
#include "dataflow/detail/spill_runs.hpp"
#include "frame/api/batch_shuffle.hpp"
#include "frame/expr/bound_expr.hpp"

namespace dataflow {
namespace frame {
namespace {

using Part = detail::BatchPart;  // (a key of the reduce partition, a batch)
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kNullKeySeed = 0x9e3779b97f4a7c15ull;
constexpr std::uint64_t kUnmatchedTag = std::uint64_t{1} << 63;  // right rows no left row matched

template <class F>
F normalized_float(F f) {
  if (f == 0) return F{0};  // -0.0 and 0.0 are one key
  if (std::isnan(f)) return std::numeric_limits<F>::quiet_NaN();
  return f;
}

template <class F>
std::uint64_t float_bits(F f) {
  f = normalized_float(f);
  std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t> bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

// The hash of row r's value in v (not null), equal for equal keys of one type.
std::uint64_t cell_hash(const Vector& v, std::uint32_t r) {
  switch (v.type) {
    case Type::kBool:
      return detail::mix64(v.value<std::uint8_t>(r) != 0 ? 2 : 1);
    case Type::kInt32:
    case Type::kDate:
      return detail::mix64(static_cast<std::uint64_t>(static_cast<std::int64_t>(v.value<std::int32_t>(r))));
    case Type::kInt64:
    case Type::kTimestamp:
      return detail::mix64(static_cast<std::uint64_t>(v.value<std::int64_t>(r)));
    case Type::kFloat32:
      return detail::mix64(float_bits(v.value<float>(r)));
    case Type::kFloat64:
      return detail::mix64(float_bits(v.value<double>(r)));
    case Type::kString:
      return detail::hash_bytes(v.string(r));
  }
  return 0;
}

// A batch with its key columns evaluated and each row's key hash. A row with a null key
// matches nothing; its hash is spread by `nulls`, a count of such rows kept by the reader,
// so that slices of the hash space still divide them.
struct KeyedBatch {
  RecordBatch batch;
  std::vector<Vector> keys;
  std::vector<std::uint64_t> hashes;
  std::vector<char> null_key;
};

KeyedBatch keyed_batch(RecordBatch b, const std::vector<BoundExpr>& keys, std::uint64_t& nulls) {
  KeyedBatch k;
  k.batch = std::move(b);
  for (const BoundExpr& e : keys) k.keys.push_back(evaluate(e, k.batch));
  const std::uint32_t rows = k.batch.rows;
  k.hashes.assign(rows, kNullKeySeed);
  k.null_key.assign(rows, 0);
  for (const Vector& v : k.keys) {
    for (std::uint32_t r = 0; r < rows; ++r) {
      if (!v.valid(r)) {
        k.null_key[r] = 1;
        continue;
      }
      k.hashes[r] = detail::mix64(k.hashes[r] ^ cell_hash(v, r));
    }
  }
  for (std::uint32_t r = 0; r < rows; ++r) {
    if (k.null_key[r]) k.hashes[r] = detail::mix64(kNullKeySeed + nulls++);
  }
  return k;
}

// The rows `rows` of k alone.
KeyedBatch take_rows(const KeyedBatch& k, const std::vector<std::uint32_t>& rows) {
  KeyedBatch out;
  out.batch = gather(k.batch, rows);
  RecordBatch keys{k.batch.rows, k.keys};
  out.keys = gather(keys, rows).columns;
  for (std::uint32_t r : rows) {
    out.hashes.push_back(k.hashes[r]);
    out.null_key.push_back(k.null_key[r]);
  }
  return out;
}

std::uint64_t vector_bytes(const Vector& v) {
  return v.data.capacity() + v.offsets.capacity() * sizeof(std::uint32_t) + v.validity.capacity() + sizeof(Vector);
}

std::uint64_t keyed_bytes(const KeyedBatch& k) {
  std::uint64_t n = sizeof(KeyedBatch) + k.hashes.capacity() * sizeof(std::uint64_t) + k.null_key.capacity();
  for (const Vector& v : k.batch.columns) n += vector_bytes(v);
  for (const Vector& v : k.keys) n += vector_bytes(v);
  return n;
}

// Each row's reduce partition by key hash, as keys of the engine's shuffle: part_keys[p] is
// a key the engine's hash partitioning sends to partition p.
std::vector<std::uint32_t> partition_keys(std::uint32_t partitions) {
  std::vector<std::uint32_t> keys(partitions, kNone);
  std::uint32_t found = 0;
  for (std::uint32_t k = 0; found < partitions; ++k) {
    std::uint32_t& slot = keys[detail::partition_of(detail::hash_key(k), partitions)];
    if (slot == kNone) {
      slot = k;
      ++found;
    }
  }
  return keys;
}

Dataset<Part> partitioned(const Dataset<std::string>& batches, const SchemaPtr& schema, std::vector<BoundExpr> keys,
                          std::uint32_t partitions) {
  return batches.flat_map(
      [schema, keys = std::move(keys), part_keys = partition_keys(partitions), partitions](const std::string& bytes) {
        std::uint64_t nulls = 0;
        const KeyedBatch k = keyed_batch(decode_batch(bytes, *schema), keys, nulls);
        std::vector<std::vector<std::uint32_t>> rows(partitions);
        for (std::uint32_t r = 0; r < k.batch.rows; ++r)
          rows[detail::partition_of(k.hashes[r], partitions)].push_back(r);
        std::vector<Part> out;
        for (std::uint32_t p = 0; p < partitions; ++p) {
          if (rows[p].empty()) continue;
          if (rows[p].size() == k.batch.rows) {
            out.emplace_back(part_keys[p], bytes);
            continue;
          }
          out.emplace_back(part_keys[p], std::string());
          encode_batch(gather(k.batch, rows[p]), out.back().second);
        }
        return out;
      });
}

using Out = std::function<void(std::uint64_t tag, const std::string& batch)>;

// The output rows, each from a left row, a right row or both (the other side's columns
// null), cut into batches of spec.out; an inner join's residual drops rows batch by batch.
class OutputWriter {
 public:
  OutputWriter(const JoinSpec& spec, Out out) : spec_(spec), out_(std::move(out)) { reset(); }

  void set_tag(std::uint64_t tag) { tag_ = tag; }

  void add(const KeyedBatch* l, std::uint32_t lr, const KeyedBatch* r, std::uint32_t rr) {
    for (std::size_t i = 0; i < spec_.out_columns.size(); ++i) {
      const OutColumn& c = spec_.out_columns[i];
      VectorBuilder& b = builders_[i];
      if (c.kind == OutColumn::kLeft) {
        l ? append_cell(b, l->batch.columns[c.index], lr) : b.append_null();
      } else if (c.kind == OutColumn::kRight) {
        r ? append_cell(b, r->batch.columns[c.index], rr) : b.append_null();
      } else if (l && l->keys[c.index].valid(lr)) {  // a name join's key: the left's, else the right's
        append_cell(b, l->keys[c.index], lr);
      } else {
        r ? append_cell(b, r->keys[c.index], rr) : b.append_null();
      }
    }
    if (++rows_ == kBatchRows) flush();
  }

  void flush() {
    if (rows_ == 0) return;
    RecordBatch b;
    b.rows = rows_;
    for (VectorBuilder& builder : builders_) b.columns.push_back(builder.finish());
    reset();
    if (spec_.residual) {
      const std::vector<std::uint32_t> keep = select_true(*spec_.residual, b);
      if (keep.empty()) return;
      if (keep.size() != b.rows) b = gather(b, keep);
    }
    encoded_.clear();
    encode_batch(b, encoded_);
    out_(tag_, encoded_);
  }

 private:
  void reset() {
    builders_.clear();
    for (const Field& f : spec_.out->fields()) builders_.emplace_back(f.type);
    rows_ = 0;
  }

  const JoinSpec& spec_;
  Out out_;
  std::vector<VectorBuilder> builders_;
  std::uint32_t rows_ = 0;
  std::uint64_t tag_ = 0;
  std::string encoded_;
};

// A partition's right side (the rows of one slice of the key hashes): its batches, and a
// chained hash table over the rows with keys: heads by hash, then each row's next.
class BuildSide {
 public:
  void add(KeyedBatch k) {
    const auto b = static_cast<std::uint32_t>(batches_.size());
    for (std::uint32_t r = 0; r < k.batch.rows; ++r) {
      if (rows_.empty()) {
        first_hash_ = k.hashes[r];
      } else if (k.hashes[r] != first_hash_) {
        mixed_ = true;
      }
      rows_.push_back({b, r});
    }
    bytes_ += keyed_bytes(k);
    batches_.push_back(std::move(k));
  }

  // The footprint the table will have once indexed.
  std::uint64_t bytes() const { return bytes_ + rows_.capacity() * (sizeof(Row) + 3 * sizeof(std::uint32_t) + 1); }
  bool empty() const { return rows_.empty(); }
  // Whether every row has one hash (then slicing cannot divide them).
  bool one_hash() const { return !mixed_ && !rows_.empty(); }
  std::uint64_t first_hash() const { return first_hash_; }

  void index() {
    std::size_t slots = 16;
    while (slots < 2 * rows_.size()) slots *= 2;
    mask_ = slots - 1;
    heads_.assign(slots, kNone);
    next_.assign(rows_.size(), kNone);
    matched_.assign(rows_.size(), 0);
    for (std::size_t i = rows_.size(); i-- > 0;) {  // backwards: a chain lists its rows in order
      const Row& row = rows_[i];
      if (batches_[row.batch].null_key[row.row]) continue;
      std::uint32_t& head = heads_[hash_of(row) & mask_];
      next_[i] = head;
      head = static_cast<std::uint32_t>(i);
    }
  }

  // Calls match(batch, row) for each right row whose keys equal left row lr's (marking it
  // matched when kMark); true if any.
  template <bool kMark, class Match>
  bool probe(const KeyedBatch& l, std::uint32_t lr, Match&& match) const {
    const std::uint64_t h = l.hashes[lr];
    bool any = false;
    for (std::uint32_t i = heads_[h & mask_]; i != kNone; i = next_[i]) {
      const Row& row = rows_[i];
      const KeyedBatch& r = batches_[row.batch];
      if (r.hashes[row.row] != h || !keys_equal(l, lr, r, row.row)) continue;
      any = true;
      if constexpr (kMark) matched_[i] = 1;
      match(r, row.row);
    }
    return any;
  }

  // Calls f(batch, row) for each row no probe matched (null keys among them), in order.
  template <class F>
  void for_unmatched(F&& f) const {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (!matched_[i]) f(batches_[rows_[i].batch], rows_[i].row);
    }
  }

 private:
  struct Row {
    std::uint32_t batch, row;
  };
  std::uint64_t hash_of(const Row& r) const { return batches_[r.batch].hashes[r.row]; }
  static bool keys_equal(const KeyedBatch& l, std::uint32_t lr, const KeyedBatch& r, std::uint32_t rr) {
    for (std::size_t k = 0; k < l.keys.size(); ++k) {
      if (!equal_cells(l.keys[k], lr, r.keys[k], rr)) return false;
    }
    return true;
  }

  std::vector<KeyedBatch> batches_;
  std::vector<Row> rows_;
  std::vector<std::uint32_t> heads_, next_;
  mutable std::vector<char> matched_;  // probe<true> marks, on a table of one task's own
  std::uint64_t mask_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t first_hash_ = 0;
  bool mixed_ = false;
};

// Probe batch l's output rows against `build` (only its rows whose hash `wanted` takes): the
// pairs, and the rows a left, full, semi or anti join keeps by having a match or none. l is
// a left batch, or, `swapped` (an inner join that hashed its left side), a right batch.
template <bool kMark, class Build, class Wanted>
void probe_batch(const JoinSpec& spec, Build& build, const KeyedBatch& l, OutputWriter& writer, Wanted&& wanted,
                 bool swapped = false) {
  const How how = spec.how;
  for (std::uint32_t r = 0; r < l.batch.rows; ++r) {
    if (!wanted(l.hashes[r])) continue;
    bool any = false;
    if (!l.null_key[r]) {
      if (how == How::kSemi || how == How::kAnti) {
        any = build.template probe<false>(l, r, [](const KeyedBatch&, std::uint32_t) {});
      } else {
        any = build.template probe<kMark>(l, r, [&](const KeyedBatch& rb, std::uint32_t rr) {
          swapped ? writer.add(&rb, rr, &l, r) : writer.add(&l, r, &rb, rr);
        });
      }
    }
    if (keeps_left_row(how, any)) {
      writer.add(&l, r, nullptr, 0);
    }
  }
}

std::uint64_t input_bytes(const detail::TaskContext& ctx, int node) {
  std::uint64_t n = 0;
  for (const detail::Block& b : *ctx.input(node).blocks) n += b.size;
  return n;
}

// One reduce partition (or, broadcast, one left map output beside the whole right side). The
// right side is hashed and the left side probes it, except that an inner join hashes its
// left side when that is the smaller input here (Spark's build side by size).
template <class Side>
void join_partition(detail::TaskContext& ctx, const JoinSpec& spec, const Side& left, const Side& right,
                    detail::Emit<std::string> emit, const detail::ZipSides& sides) {
  const How how = spec.how;
  const bool swapped = how == How::kInner && input_bytes(ctx, sides.left) < input_bytes(ctx, sides.right);
  const Side& build_in = swapped ? left : right;
  const Side& probe_in = swapped ? right : left;
  const Schema& build_schema = swapped ? *spec.left : *spec.right;
  const Schema& probe_schema = swapped ? *spec.right : *spec.left;
  const std::vector<BoundExpr>& build_keys = swapped ? spec.left_keys : spec.right_keys;
  const std::vector<BoundExpr>& probe_keys = swapped ? spec.right_keys : spec.left_keys;
  auto body = [&](const detail::Slice& slice, auto&& out) {
    BuildSide build;
    detail::TableBudget budget(ctx.memory);
    std::uint64_t right_nulls = 0;
    auto add = [&](const Part& part) {
      KeyedBatch k = keyed_batch(decode_batch(part.second, build_schema), build_keys, right_nulls);
      std::vector<std::uint32_t> rows;
      for (std::uint32_t r = 0; r < k.batch.rows; ++r) {
        if (slice.contains(k.hashes[r])) rows.push_back(r);
      }
      if (rows.empty()) return;
      build.add(rows.size() == k.batch.rows ? std::move(k) : take_rows(k, rows));
      if (budget.bounded() && !budget.update(build.bytes())) {
        throw build.one_hash() ? detail::OverBudget{true, build.first_hash()} : detail::OverBudget{};
      }
    };
    build_in(ctx, detail::Emit<Part>(add));
    build.index();
    OutputWriter writer(spec, [&out](std::uint64_t tag, const std::string& b) { out(tag, b); });
    std::uint64_t left_nulls = 0, ordinal = 0;
    auto probe = [&](const Part& part) {
      const KeyedBatch l = keyed_batch(decode_batch(part.second, probe_schema), probe_keys, left_nulls);
      writer.set_tag(ordinal++);
      probe_batch<true>(
          spec, build, l, writer, [&slice](std::uint64_t h) { return slice.contains(h); }, swapped);
    };
    probe_in(ctx, detail::Emit<Part>(probe));
    writer.flush();
    if (how == How::kRight || how == How::kFull) {
      writer.set_tag(kUnmatchedTag);
      build.for_unmatched([&](const KeyedBatch& rb, std::uint32_t rr) { writer.add(nullptr, 0, &rb, rr); });
      writer.flush();
    }
  };
  // The rows of one key hash whose hashed side does not fit: its rows taken in chunks that
  // do (a batch's rows of the hash at a time), each chunk joined with the probing side's
  // rows of the hash, whose matches are remembered across chunks for the rows a left, full,
  // semi or anti join keeps by them, written by one more pass over the left side.
  auto stream = [&](const detail::Slice&, std::uint64_t hash, auto& out, auto& cut) {
    OutputWriter writer(spec, [&out](std::uint64_t, const std::string& b) { out(0, b); });
    std::vector<char> left_any;
    std::uint64_t taken = 0;
    for (bool more = true; more;) {
      more = false;
      BuildSide build;
      detail::TableBudget budget(ctx.memory);
      std::uint64_t skipped = 0, right_nulls = 0, chunk = 0;
      auto add = [&](const Part& part) {
        if (more) return;
        const KeyedBatch k = keyed_batch(decode_batch(part.second, build_schema), build_keys, right_nulls);
        std::vector<std::uint32_t> rows;
        for (std::uint32_t r = 0; r < k.batch.rows; ++r) {
          if (k.hashes[r] == hash && skipped++ >= taken) rows.push_back(r);
        }
        if (rows.empty()) return;
        KeyedBatch group = take_rows(k, rows);
        if (!build.empty() && budget.bounded() && !budget.update(build.bytes() + keyed_bytes(group))) {
          more = true;
          return;
        }
        chunk += rows.size();
        build.add(std::move(group));
      };
      build_in(ctx, detail::Emit<Part>(add));
      build.index();
      std::uint64_t left_nulls = 0, at = 0;
      auto probe = [&](const Part& part) {
        const KeyedBatch l = keyed_batch(decode_batch(part.second, probe_schema), probe_keys, left_nulls);
        for (std::uint32_t r = 0; r < l.batch.rows; ++r) {
          if (l.hashes[r] != hash) continue;
          if (left_any.size() <= at) left_any.push_back(0);
          if (l.null_key[r]) {
            ++at;
            continue;
          }
          const bool any = build.probe<true>(l, r, [&](const KeyedBatch& rb, std::uint32_t rr) {
            if (swapped) {
              writer.add(&rb, rr, &l, r);
            } else if (how != How::kSemi && how != How::kAnti) {
              writer.add(&l, r, &rb, rr);
            }
          });
          left_any[at++] |= static_cast<char>(any);
        }
      };
      probe_in(ctx, detail::Emit<Part>(probe));
      if (how == How::kRight || how == How::kFull) {
        build.for_unmatched([&](const KeyedBatch& rb, std::uint32_t rr) { writer.add(nullptr, 0, &rb, rr); });
      }
      writer.flush();
      cut();
      taken += chunk;
    }
    if (how == How::kInner || how == How::kRight) return;
    std::uint64_t left_nulls = 0, at = 0;
    auto rest = [&](const Part& part) {
      const KeyedBatch l = keyed_batch(decode_batch(part.second, *spec.left), spec.left_keys, left_nulls);
      for (std::uint32_t r = 0; r < l.batch.rows; ++r) {
        if (l.hashes[r] != hash) continue;
        const bool any = left_any[at++] != 0;
        if (keeps_left_row(how, any)) {
          writer.add(&l, r, nullptr, 0);
        }
      }
    };
    left(ctx, detail::Emit<Part>(rest));
    writer.flush();
  };
  detail::run_sliced<std::string>(ctx.memory, "join", body, emit, stream);
}

}  // namespace

bool batch_join_applies(const JoinSpec& spec) {
  if (spec.left_keys.empty() || spec.left_keys.size() != spec.right_keys.size() || spec.how == How::kCross) {
    return false;
  }
  for (std::size_t k = 0; k < spec.left_keys.size(); ++k) {
    if (spec.left_keys[k].type != spec.right_keys[k].type) return false;
  }
  return !spec.residual || spec.how == How::kInner;
}

Dataset<std::string> broadcast_batch_join(const Dataset<std::string>& left, const Dataset<std::string>& right,
                                          const std::shared_ptr<const JoinSpec>& spec) {
  auto build = std::make_shared<BuildSide>();
  std::uint64_t nulls = 0;
  for (const std::string& bytes : right.collect()) {
    build->add(keyed_batch(decode_batch(bytes, *spec->right), spec->right_keys, nulls));
  }
  build->index();
  return left.flat_map([spec, build = std::shared_ptr<const BuildSide>(std::move(build))](const std::string& bytes) {
    std::vector<std::string> out;
    OutputWriter writer(*spec, [&out](std::uint64_t, const std::string& b) { out.push_back(b); });
    std::uint64_t left_nulls = 0;
    const KeyedBatch l = keyed_batch(decode_batch(bytes, *spec->left), spec->left_keys, left_nulls);
    probe_batch<false>(*spec, *build, l, writer, [](std::uint64_t) { return true; });
    writer.flush();
    return out;
  });
}

Dataset<std::string> batch_join(const Dataset<std::string>& left, const Dataset<std::string>& right,
                                const std::shared_ptr<const JoinSpec>& spec) {
  using Access = detail::BatchShuffles;
  const std::uint32_t partitions = Access::default_partitions(left);
  const Dataset<Part> l = partitioned(left, spec->left, spec->left_keys, partitions);
  const Dataset<Part> r = partitioned(right, spec->right, spec->right_keys, partitions);
  const How how = spec->how;
  const bool may_broadcast = how == How::kInner || how == How::kLeft || how == How::kSemi || how == How::kAnti;
  return Access::zip<std::string>(
      l, r, partitions, "join",
      [spec](detail::TaskContext& ctx, const auto& lp, const auto& rp, detail::Emit<std::string> emit,
             const detail::ZipSides& sides) { join_partition(ctx, *spec, lp, rp, emit, sides); },
      may_broadcast);
}

}  // namespace frame
}  // namespace dataflow
