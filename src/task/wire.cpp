// Wire codec: Cereal archives with bounded string and vector loads.
#include "task/wire.hpp"

#include <cereal/archives/binary.hpp>
#include <cereal/types/common.hpp>
#include <cstring>
#include <istream>
#include <sstream>
#include <streambuf>
#include <type_traits>

#include "dataflow/error.hpp"

namespace dataflow::task {
namespace {

constexpr std::uint32_t kMagic = 0x31544644;  // "DFT1"
// 2: Hello names its action, Shutdown; 3: text splits; 4: reports list non-empty buckets
// only; 5: a task names every node it touches and reads several inputs; 6: range shuffles'
// samples and bounds; 7: scopes of coalesced partitions; 8: broadcast joins; 9: accumulator
// updates in reports and job ends; 10: shuffles kept past a job, cached blocks in reports;
// 11: a finished Hello carries the error that ended the program on its rank; --check-spmd's
// output hashes; 12: text splits' bad records mode; 13: an exchange's error code; 14: task
// metrics in reports; 15: more task metrics, an exchange's figures, rank samples
constexpr std::uint16_t kVersion = 15;

using OutArchive = cereal::BinaryOutputArchive;

// The input archive, plus the message size: no field can be longer than the message.
class InArchive : public cereal::BinaryInputArchive {
 public:
  InArchive(std::istream& is, std::uint64_t limit) : cereal::BinaryInputArchive(is), limit_(limit) {}
  std::uint64_t limit() const { return limit_; }

 private:
  std::uint64_t limit_;
};

[[noreturn]] void malformed(const std::string& why) {
  throw Error(ExitCode::kSoftware, "malformed control message: " + why);
}

// A read-only streambuf over a byte view (no copy of the message).
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view v) {
    char* p = const_cast<char*>(v.data());
    setg(p, p, p + v.size());
  }
};

}  // namespace

// Bounded fields: the only way strings and vectors cross the wire.
inline void field(OutArchive& ar, std::string& s) {
  std::uint64_t n = s.size();
  ar(n, cereal::binary_data(s.data(), n));
}
inline void field(InArchive& ar, std::string& s) {
  std::uint64_t n = 0;
  ar(n);
  if (n > ar.limit()) malformed("string length " + std::to_string(n) + " exceeds the message");
  s.resize(n);
  ar(cereal::binary_data(s.data(), n));
}
template <class T>
void field(OutArchive& ar, std::vector<T>& v) {
  static_assert(std::is_trivially_copyable_v<T> && std::has_unique_object_representations_v<T>,
                "raw vectors only: give other element types their own field()");
  std::uint64_t n = v.size();
  ar(n, cereal::binary_data(v.data(), n * sizeof(T)));
}
template <class T>
void field(InArchive& ar, std::vector<T>& v) {
  std::uint64_t n = 0;
  ar(n);
  if (n > ar.limit() / sizeof(T)) malformed("vector length " + std::to_string(n) + " exceeds the message");
  v.resize(n);
  ar(cereal::binary_data(v.data(), n * sizeof(T)));
}

// A text split: its pieces (bounded by the bytes a piece takes at least), then the limit.
template <class Archive>
void piece_fields(Archive& ar, detail::FilePiece& p) {
  field(ar, p.path);
  ar(p.start, p.end, p.file.size, p.file.device, p.file.inode, p.file.mtime_ns);
}
inline void field(OutArchive& ar, detail::TextSplit& s) {
  std::uint64_t n = s.pieces.size();
  ar(n);
  for (auto& p : s.pieces) piece_fields(ar, p);
  ar(s.max_line_size);
  auto mode = static_cast<std::uint8_t>(s.bad_records);
  ar(mode);
}
inline void field(InArchive& ar, detail::TextSplit& s) {
  constexpr std::uint64_t kPieceBytes = 7 * sizeof(std::uint64_t);  // an empty path and six numbers
  std::uint64_t n = 0;
  ar(n);
  if (n > ar.limit() / kPieceBytes) malformed("piece count " + std::to_string(n) + " exceeds the message");
  s.pieces.resize(n);
  for (auto& p : s.pieces) piece_fields(ar, p);
  ar(s.max_line_size);
  std::uint8_t mode = 0;
  ar(mode);
  if (mode > static_cast<std::uint8_t>(BadRecordsMode::kWrite)) malformed("bad records mode " + std::to_string(mode));
  s.bad_records = static_cast<BadRecordsMode>(mode);
}

// Bools and enums travel as one byte each and are range-checked on load (a stray byte
// must not become an invalid bool or enumerator).
inline void flag(OutArchive& ar, bool& b) {
  std::uint8_t v = b ? 1 : 0;
  ar(v);
}
inline void flag(InArchive& ar, bool& b) {
  std::uint8_t v = 0;
  ar(v);
  if (v > 1) malformed("bool byte " + std::to_string(v));
  b = v == 1;
}
template <class E>
void choice(OutArchive& ar, E& e, E) {
  auto v = static_cast<std::uint8_t>(e);
  ar(v);
}
template <class E>
void choice(InArchive& ar, E& e, E last) {
  std::uint8_t v = 0;
  ar(v);
  if (v > static_cast<std::uint8_t>(last)) malformed("enumerator " + std::to_string(v) + " out of range");
  e = static_cast<E>(v);
}

template <class Archive>
void input_fields(Archive& ar, InputPart& in) {
  ar(in.node, in.partition, in.scope);
  choice(ar, in.kind, InputKind::kShuffleWhole);
  field(ar, in.slice);
  field(ar, in.split);
}
inline void field(OutArchive& ar, std::vector<InputPart>& v) {
  std::uint64_t n = v.size();
  ar(n);
  for (auto& in : v) input_fields(ar, in);
}
inline void field(InArchive& ar, std::vector<InputPart>& v) {
  constexpr std::uint64_t kInputBytes = 4 + 4 + 4 + 1 + 8 + 8 + 8;  // empty slice and split
  std::uint64_t n = 0;
  ar(n);
  if (n > ar.limit() / kInputBytes) malformed("input count " + std::to_string(n) + " exceeds the message");
  v.resize(n);
  for (auto& in : v) input_fields(ar, in);
}

template <class Archive>
void Descriptor::serialize(Archive& ar) {
  ar(job, stage, partition, tasks, attempt, fingerprint);
  field(ar, nodes);
  field(ar, scopes);
  field(ar, inputs);
  choice(ar, output, OutputKind::kResult);
  ar(output_node, num_buckets);
  field(ar, output_file);
  flag(ar, check);
}

template <class Archive>
void Hello::serialize(Archive& ar) {
  ar(job, fingerprint, cores);
  field(ar, action);
  flag(ar, finished);
  ar(error_code);
  field(ar, error);
}

template <class Archive>
void Shutdown::serialize(Archive& ar) {
  ar(exit_code);
}

template <class Archive>
void TaskReport::serialize(Archive& ar) {
  ar(job, stage, partition, attempt, rank);
  flag(ar, ok);
  flag(ar, retryable);
  ar(error_code);
  field(ar, error);
  field(ar, bucket_ids);
  field(ar, bucket_sizes);
  if (bucket_ids.size() != bucket_sizes.size()) malformed("bucket ids and sizes differ in number");
  field(ar, sample);
  field(ar, result);
  field(ar, accumulators);
  field(ar, cached_nodes);
  field(ar, cached_partitions);
  if (cached_nodes.size() != cached_partitions.size()) malformed("cached nodes and partitions differ in number");
  field(ar, dropped_nodes);
  field(ar, dropped_partitions);
  if (dropped_nodes.size() != dropped_partitions.size()) malformed("dropped nodes and partitions differ in number");
  ar(output_hash);
  auto& m = metrics;
  ar(m.run_us, m.cpu_ns, m.records_read, m.bytes_read, m.memory_bytes_spilled, m.disk_bytes_spilled,
     m.peak_reserved_bytes, m.queue_wait_us, m.shuffle_records_written, m.shuffle_bytes_read, m.shuffle_blocks_read,
     m.thread);
}

template <class Archive>
void ExchangeOrder::serialize(Archive& ar) {
  ar(job, shuffle_node, round_bytes);
  field(ar, owner);
  field(ar, bounds);
  flag(ar, broadcast);
}

template <class Archive>
void ExchangeDone::serialize(Archive& ar) {
  ar(job);
  flag(ar, ok);
  field(ar, error);
  ar(error_code);
  field(ar, bytes_to);
  ar(bytes_received, rounds, collective_us, total_us);
}

template <class Archive>
void ResumeOrder::serialize(Archive& ar) {
  ar(job, shuffle_node);
  flag(ar, load);
  field(ar, dir);
  field(ar, owner);
}

template <class Archive>
void ResumeDone::serialize(Archive& ar) {
  ar(job);
  flag(ar, ok);
  field(ar, error);
  ar(error_code, bytes);
}

template <class Archive>
void RankSample::serialize(Archive& ar) {
  ar(rss, peak_rss, cpu_user_ms, cpu_system_ms, pool_reserved, disk_bytes_spilled);
}

template <class Archive>
void JobEnd::serialize(Archive& ar) {
  ar(job);
  flag(ar, ok);
  ar(error_code);
  field(ar, error);
  field(ar, result);
  field(ar, accumulators);
  field(ar, kept_shuffles);
  field(ar, kept_partitions);
  if (kept_shuffles.size() != kept_partitions.size()) malformed("kept shuffles and partitions differ in number");
}

template <class Message>
std::string encode(const Message& message) {
  std::ostringstream os(std::ios::binary);
  {
    OutArchive ar(os);
    ar(kMagic, kVersion);
    const_cast<Message&>(message).serialize(ar);  // serialize() is shared by load and save
  }
  return std::move(os).str();
}

template <class Message>
Message decode(std::string_view bytes) {
  ViewBuf buf(bytes);
  std::istream is(&buf);
  Message message;
  try {
    InArchive ar(is, bytes.size());
    std::uint32_t magic = 0;
    std::uint16_t version = 0;
    ar(magic, version);
    if (magic != kMagic) malformed("bad magic number");
    if (version != kVersion) malformed("version " + std::to_string(version) + ", expected " + std::to_string(kVersion));
    message.serialize(ar);
  } catch (const cereal::Exception& e) {
    malformed(e.what());
  }
  if (is.rdbuf()->in_avail() != 0) malformed("trailing bytes");
  return message;
}

#define DATAFLOW_WIRE_MESSAGE(M)            \
  template std::string encode<M>(const M&); \
  template M decode<M>(std::string_view);
DATAFLOW_WIRE_MESSAGE(Descriptor)
DATAFLOW_WIRE_MESSAGE(Hello)
DATAFLOW_WIRE_MESSAGE(TaskReport)
DATAFLOW_WIRE_MESSAGE(ExchangeOrder)
DATAFLOW_WIRE_MESSAGE(ExchangeDone)
DATAFLOW_WIRE_MESSAGE(ResumeOrder)
DATAFLOW_WIRE_MESSAGE(ResumeDone)
DATAFLOW_WIRE_MESSAGE(JobEnd)
DATAFLOW_WIRE_MESSAGE(Shutdown)
DATAFLOW_WIRE_MESSAGE(RankSample)
#undef DATAFLOW_WIRE_MESSAGE

}  // namespace dataflow::task
