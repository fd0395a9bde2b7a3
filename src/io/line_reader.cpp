// Reading the lines (or fixed-length records) of a split with Hadoop's split rules: a piece owns the lines whose
// first byte lies in [start, end). So every piece but a file's first skips its partial first
// line, and each piece reads past its end to finish its last line; every line is read
// exactly once, whatever the split size. A piece that holds no line start reads only its own
// bytes.
//
// Files are read with pread into a buffer the thread reuses, never mapped: a file truncated
// while it is read gives a short read (a data error naming it), not SIGBUS. Each file is
// opened, its identity (inode, size, mtime) compared with the planned one, read through that
// descriptor, and its identity compared again at the end, so a file replaced, truncated or
// rewritten while the job runs fails the job rather than change its answer.
//
// A line's operations (the stage's chain, called through emit) that throw get the line's
// origin in their message, or skip the line: see io/bad_records.hpp.
#include "io/line_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <utility>

#include "common/unique_fd.hpp"
#include "dataflow/detail/task_metrics.hpp"
#include "dataflow/error.hpp"
#include "io/bad_records.hpp"
#include "io/input_paths.hpp"

namespace dataflow::io {
namespace {

using detail::FileIdentity;
using detail::FilePiece;

// One pread. Large enough that a read costs little per byte, small enough to stay in cache
// while its lines are processed.
constexpr std::size_t kBlockBytes = std::size_t{4} << 20;
// The first read past a piece's end, to finish its last line; doubled up to kBlockBytes.
constexpr std::size_t kTailBytes = std::size_t{64} << 10;

[[noreturn]] void io_error(const std::string& what, const std::string& path, int err) {
  ExitCode code = err == ENOENT ? ExitCode::kNoInput : err == EACCES ? ExitCode::kNoPermission : ExitCode::kIoError;
  throw Error(code, "cannot " + what + " input " + path + ": " + std::strerror(err));
}

[[noreturn]] void changed(const std::string& path, const std::string& how) {
  throw Error(ExitCode::kDataError, "input " + path + " changed while the job ran (" + how + ")");
}

// The device is not compared: a network file system's device number is given by each
// node's kernel at mount time, so the driver's node and an executor's may differ.
void check_identity(const FilePiece& piece, const FileIdentity& now) {
  const FileIdentity& was = piece.file;
  if (now.inode != was.inode) {
    changed(piece.path,
            "replaced by another file: inode " + std::to_string(now.inode) + ", was " + std::to_string(was.inode));
  }
  if (now.size != was.size) {
    changed(piece.path, "now " + std::to_string(now.size) + " bytes, was " + std::to_string(was.size));
  }
  if (now.mtime_ns != was.mtime_ns) {
    changed(piece.path, "modified: mtime " + std::to_string(now.mtime_ns) + " ns, was " + std::to_string(was.mtime_ns));
  }
}

using Fd = common::UniqueFd;

// Bytes of a file, kept by a thread from split to split (allocated once, not per split).
// Anonymous memory in huge pages where the kernel has them, grown by mremap: a line of
// hundreds of MB is neither copied at each doubling nor faulted in 4 KiB at a time.
class Buffer {
 public:
  Buffer() = default;
  ~Buffer() { release(); }
  Buffer(Buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), capacity_(std::exchange(other.capacity_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
  }
  char* data() const { return data_; }
  std::size_t capacity() const { return capacity_; }

  // At least `need` bytes, keeping the contents. Doubling, so a long line costs linear
  // work; up to one block unless a line needs more. Throws std::bad_alloc.
  void grow(std::size_t need) {
    std::size_t capacity = std::max(need, 2 * capacity_);
    if (need <= kBlockBytes) capacity = std::min(capacity, kBlockBytes);
    capacity = (capacity + kGranule - 1) / kGranule * kGranule;
    void* p = data_ ? mremap(data_, capacity_, capacity, MREMAP_MAYMOVE)
                    : mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, capacity, MADV_HUGEPAGE);  // advice only: fine where unsupported
    data_ = static_cast<char*>(p);
    capacity_ = capacity;
  }

 private:
  static constexpr std::size_t kGranule = std::size_t{2} << 20;  // a huge page

  void release() {
    if (data_) munmap(data_, capacity_);
    data_ = nullptr;
    capacity_ = 0;
  }

  char* data_ = nullptr;
  std::size_t capacity_ = 0;
};

thread_local Buffer t_buffer;

// Lends the thread's buffer for one split; a nested read on the same thread gets its own.
// A buffer grown past one block by a long line is freed rather than kept.
class BorrowedBuffer {
 public:
  BorrowedBuffer() : buffer_(std::exchange(t_buffer, Buffer{})) {}
  ~BorrowedBuffer() {
    if (buffer_.capacity() <= kBlockBytes) t_buffer = std::move(buffer_);
  }
  BorrowedBuffer(const BorrowedBuffer&) = delete;
  BorrowedBuffer& operator=(const BorrowedBuffer&) = delete;
  Buffer& get() { return buffer_; }

 private:
  Buffer buffer_;
};

// A window [base, base + len) of one file held in the buffer.
class Window {
 public:
  Window(int fd, const FilePiece& piece, Buffer& buffer, std::uint64_t base)
      : fd_(fd), piece_(piece), buffer_(buffer), base_(base) {}

  std::uint64_t end() const { return base_ + len_; }
  const char* at(std::uint64_t offset) const { return buffer_.data() + (offset - base_); }
  std::uint64_t bytes_read() const { return read_; }

  // Drops the bytes before `keep` (base <= keep <= end()) and appends up to `want` (> 0)
  // more bytes. False, reading nothing, at the planned end of the file.
  bool fill(std::uint64_t keep, std::uint64_t want) {
    const std::uint64_t size = piece_.file.size;
    if (end() >= size) return false;
    const std::size_t drop = static_cast<std::size_t>(keep - base_);
    if (drop > 0) {
      std::memmove(buffer_.data(), buffer_.data() + drop, len_ - drop);
      base_ = keep;
      len_ -= drop;
    }
    std::size_t n = static_cast<std::size_t>(std::min(want, size - end()));
    if (len_ + n > buffer_.capacity()) {
      const std::size_t room = buffer_.capacity() - len_;
      if (buffer_.capacity() >= kBlockBytes && room >= kTailBytes) {
        n = room;  // read a little less rather than grow past a block
      } else {
        buffer_.grow(len_ + n);
      }
    }
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = pread(fd_, buffer_.data() + len_ + got, n - got, static_cast<off_t>(end() + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        io_error("read", piece_.path, errno);
      }
      if (r == 0) {
        changed(piece_.path, "it ends at byte " + std::to_string(end() + got) + " of the " + std::to_string(size) +
                                 " planned: truncated while being read");
      }
      got += static_cast<std::size_t>(r);
    }
    len_ += n;
    read_ += n;
    return true;
  }

 private:
  int fd_;
  const FilePiece& piece_;
  Buffer& buffer_;
  std::uint64_t base_;
  std::size_t len_ = 0;
  std::uint64_t read_ = 0;
};

[[noreturn]] void line_too_long(const FilePiece& piece, std::uint64_t offset, std::uint64_t limit) {
  throw Error(ExitCode::kDataError, "input " + piece.path + ": the line at byte offset " + std::to_string(offset) +
                                        " is longer than the maximum line size of " + std::to_string(limit) +
                                        " bytes (--max-line-size, DATAFLOW_MAX_LINE_SIZE)");
}

// Reads the lines of one piece; returns the bytes read. `lines`: counts the lines emitted.
std::uint64_t read_piece(const FilePiece& piece, std::uint64_t max_line, BadRecordsMode bad_records, Buffer& buffer,
                         detail::Emit<std::string_view>& emit, std::uint64_t& lines) {
  Fd fd(open(piece.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) io_error("open", piece.path, errno);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) io_error("stat", piece.path, errno);
  check_identity(piece, identity_of(st));
  const std::uint64_t start = piece.start;
  const std::uint64_t end = std::min(piece.end, piece.file.size);
  if (start >= end) return 0;  // an empty file's piece: its identity is all there is to check
  posix_fadvise(fd.get(), static_cast<off_t>(start), 0, POSIX_FADV_SEQUENTIAL);

  // Universal newlines, as Spark's and Python's text readers: "\n", "\r\n" and a lone "\r"
  // each end a line. So a line starts at 0, after a '\n', or after a '\r' that no '\n'
  // follows; this piece owns the lines that start in [start, end).
  Window w(fd.get(), piece, buffer, start == 0 ? 0 : start - 1);
  // What a search for '\n' or '\r' found: the first one at or after `from` (kNone: none
  // before `to`). A file of lone '\r's (or of '\n's only) is searched for the other byte
  // once per window, not once per line.
  constexpr std::uint64_t kNone = ~std::uint64_t{0};
  struct Seen {
    std::uint64_t from = kNone, to = 0, hit = kNone;
  };
  Seen nls, crs;
  auto next_of = [&w](char c, Seen& seen, std::uint64_t from, std::uint64_t to) {
    if (seen.from <= from && ((seen.hit != kNone && seen.hit >= from) || (seen.hit == kNone && to <= seen.to))) {
      return std::min(seen.hit, to);
    }
    const void* hit = std::memchr(w.at(from), c, static_cast<std::size_t>(to - from));
    seen = {from, to, hit ? from + static_cast<std::uint64_t>(static_cast<const char*>(hit) - w.at(from)) : kNone};
    return std::min(seen.hit, to);
  };
  // Extends the window past its end, keeping the bytes from `keep`; false at the file's end.
  std::uint64_t tail = kTailBytes;
  auto more = [&](std::uint64_t keep) {
    std::uint64_t want = kBlockBytes;
    if (w.end() < end) {
      want = std::min<std::uint64_t>(kBlockBytes, end - w.end());
    } else {
      want = tail;
      tail = std::min<std::uint64_t>(2 * tail, kBlockBytes);
    }
    nls = crs = Seen{};  // a search that ended at the window's end saw nothing past it
    return w.fill(keep, want);
  };
  // The terminator at or after `scan` and before `to` (`to` if none): its position, and
  // where the next line starts. A '\r' at the window's last byte needs the next one.
  struct Terminator {
    std::uint64_t at;
    std::uint64_t next;
  };
  auto terminator = [&](std::uint64_t scan, std::uint64_t to, std::uint64_t keep) -> Terminator {
    // Each searched to `to`, not to the other: a file without '\r' is searched for it once.
    const std::uint64_t nl = next_of('\n', nls, scan, to);
    const std::uint64_t cr = next_of('\r', crs, scan, to);
    if (nl <= cr) return {nl, nl == to ? to : nl + 1};          // a '\n', or none before `to`
    if (cr + 1 == w.end() && !more(keep)) return {cr, cr + 1};  // a lone '\r' ends the file
    return {cr, *w.at(cr + 1) == '\n' ? cr + 2 : cr + 1};
  };

  std::uint64_t pos = 0;
  if (start > 0) {
    // The first line start at or after `start`: after the first terminator at or after
    // start - 1, if that start is before `end` (else the line is an earlier piece's).
    const std::uint64_t limit = end - 1;  // a terminator at or past it starts no line here
    std::uint64_t scan = start - 1;
    for (;;) {
      if (scan == limit) return w.bytes_read();
      if (scan == w.end()) {
        w.fill(scan, std::min<std::uint64_t>(kBlockBytes, limit - scan));
        nls = crs = Seen{};
      }
      const std::uint64_t to = std::min(w.end(), limit);
      const Terminator t = terminator(scan, to, scan);
      if (t.at == to) {
        scan = to;
        continue;
      }
      if (t.next >= end) return w.bytes_read();
      pos = t.next;
      break;
    }
  }

  auto emit_line = [&](std::uint64_t line_end) {
    const std::uint64_t len = line_end - pos;
    if (len > max_line) line_too_long(piece, pos, max_line);
    const std::string_view line(w.at(pos), static_cast<std::size_t>(len));
    // The origin costs nothing per line: the handler runs only when a line's operations
    // throw, and knows the piece and the offset from here. (take()'s EnoughRecords is no
    // std::exception and passes.)
    ++lines;
    try {
      emit(line);
    } catch (const std::exception&) {
      line_failed(piece, pos, line, bad_records);
    }
  };
  std::uint64_t scan = pos;  // the terminator ending the line at pos is at or after scan
  while (pos < end) {
    if (scan == w.end()) {
      if (scan - pos > max_line) line_too_long(piece, pos, max_line);
      if (!more(pos)) {  // the file's last line, without a terminator
        emit_line(w.end());
        break;
      }
      continue;
    }
    const Terminator t = terminator(scan, w.end(), pos);
    if (t.at == w.end()) {
      scan = w.end();
      continue;
    }
    emit_line(t.at);
    pos = t.next;
    scan = pos;
  }
  // Rewritten in place while being read (same inode, new mtime) is a change too.
  if (fstat(fd.get(), &st) != 0) io_error("stat", piece.path, errno);
  check_identity(piece, identity_of(st));
  return w.bytes_read();
}

// Reads the records of `length` bytes that start in [piece.start, piece.end).
void read_piece_records(const FilePiece& piece, std::uint64_t length, Buffer& buffer,
                        detail::Emit<std::string_view>& emit) {
  Fd fd(open(piece.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) io_error("open", piece.path, errno);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) io_error("stat", piece.path, errno);
  check_identity(piece, identity_of(st));
  const std::uint64_t first = (piece.start + length - 1) / length * length;
  const std::uint64_t end = std::min((piece.end + length - 1) / length * length, piece.file.size);
  if (first >= end) return;
  posix_fadvise(fd.get(), static_cast<off_t>(first), 0, POSIX_FADV_SEQUENTIAL);
  const std::uint64_t block = std::max<std::uint64_t>(1, kBlockBytes / length) * length;
  Window w(fd.get(), piece, buffer, first);
  std::uint64_t pos = first;
  while (pos < end) {
    w.fill(pos, std::min(block, end - pos));
    for (; pos + length <= w.end() && pos < end; pos += length) {
      emit(std::string_view(w.at(pos), static_cast<std::size_t>(length)));
    }
  }
  if (fstat(fd.get(), &st) != 0) io_error("stat", piece.path, errno);
  check_identity(piece, identity_of(st));
}

}  // namespace

ReadStats read_split_lines(const detail::TextSplit& split, detail::Emit<std::string_view> emit) {
  BorrowedBuffer buffer;
  ReadStats stats;
  // Into the task's metrics once per split, also when a line's operations throw (or take()
  // has enough): the lines counted so far were read.
  struct Count {
    ReadStats& stats;
    ~Count() {
      if (detail::TaskMetrics* m = detail::current_task_metrics()) {
        m->records_read += stats.lines_read;
        m->bytes_read += stats.bytes_read;
      }
    }
  } count{stats};
  for (const FilePiece& piece : split.pieces) {
    stats.bytes_read += read_piece(piece, split.max_line_size, split.bad_records, buffer.get(), emit, stats.lines_read);
  }
  return stats;
}

}  // namespace dataflow::io

namespace dataflow::detail {

void read_lines(const TextSplit& split, Emit<std::string_view> emit) { io::read_split_lines(split, emit); }

void read_records(const TextSplit& split, std::uint64_t record_length, Emit<std::string_view> emit) {
  io::BorrowedBuffer buffer;
  for (const FilePiece& piece : split.pieces) io::read_piece_records(piece, record_length, buffer.get(), emit);
}

}  // namespace dataflow::detail
