// Resume files (resume_files.hpp).
#include "shuffle/resume_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "common/unique_fd.hpp"
#include "dataflow/error.hpp"

namespace dataflow::shuffle {
namespace {

constexpr std::string_view kMagic = "DFRS0001";

[[noreturn]] void io_error(const std::string& what, const std::string& path, int err) {
  throw Error(ExitCode::kIoError, what + " " + path + ": " + std::strerror(err));
}

using Fd = common::UniqueFd;

// Buffers what is written, hashing it, and writes it in large pieces.
class PartWriter {
 public:
  PartWriter(int fd, const std::string& path) : fd_(fd), path_(path) { XXH3_64bits_reset(&state_); }
  void put(const void* data, std::size_t n) {
    XXH3_64bits_update(&state_, data, n);
    buffer_.append(static_cast<const char*>(data), n);
    bytes_ += n;
    if (buffer_.size() >= (std::size_t{4} << 20)) flush();
  }
  template <class T>
  void put(T v) {
    put(&v, sizeof v);
  }
  // The checksum, then everything to the disk.
  void finish() {
    const std::uint64_t sum = XXH3_64bits_digest(&state_);
    buffer_.append(reinterpret_cast<const char*>(&sum), sizeof sum);
    bytes_ += sizeof sum;
    flush();
    if (fsync(fd_) != 0) io_error("cannot sync", path_, errno);
  }
  std::uint64_t bytes() const { return bytes_; }

 private:
  void flush() {
    const char* at = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
      const ssize_t n = write(fd_, at, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) io_error("cannot write", path_, n < 0 ? errno : ENOSPC);
      at += n;
      left -= static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

  int fd_;
  const std::string& path_;
  XXH3_state_t state_;
  std::string buffer_;
  std::uint64_t bytes_ = 0;
};

std::uint64_t store_partition(const BlockStore& store, int shuffle, std::uint32_t partition, const std::string& dir) {
  const std::string path = resume_part_path(dir, partition);
  char host[64] = {};
  gethostname(host, sizeof host - 1);
  const std::string temp = path + ".tmp-" + host + "-" + std::to_string(getpid());
  Fd fd(open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) io_error("cannot create", temp, errno);
  const auto blocks = store.reduce_blocks(shuffle, partition);
  std::uint64_t bytes = 0;
  try {
    PartWriter out(fd.get(), temp);
    out.put(kMagic.data(), kMagic.size());
    out.put(partition);
    out.put(static_cast<std::uint32_t>(blocks.size()));
    std::string buffer;
    for (const auto& [map_partition, block] : blocks) {
      out.put(map_partition);
      out.put(block.size);
      if (block.on_disk()) {
        buffer.resize(static_cast<std::size_t>(block.size));
        block.file->read(block.offset, buffer.data(), buffer.size());
        out.put(buffer.data(), buffer.size());
      } else {
        out.put(block.bytes.data(), block.bytes.size());
      }
    }
    out.finish();
    bytes = out.bytes();
  } catch (...) {
    unlink(temp.c_str());
    throw;
  }
  if (close(fd.release()) != 0) {
    unlink(temp.c_str());
    io_error("cannot write", temp, errno);
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    unlink(temp.c_str());
    io_error("cannot rename " + temp + " to", path, err);
  }
  return bytes;
}

// Reads a whole file.
std::shared_ptr<const std::string> read_file(const std::string& path) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) io_error("cannot open the stored shuffle file", path, errno);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) io_error("cannot stat", path, errno);
  auto bytes = std::make_shared<std::string>(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t at = 0;
  while (at < bytes->size()) {
    const ssize_t n = pread(fd.get(), bytes->data() + at, bytes->size() - at, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_error("cannot read", path, errno);
    if (n == 0) break;
    at += static_cast<std::size_t>(n);
  }
  bytes->resize(at);
  return bytes;
}

struct StoredBlock {
  std::uint32_t map_partition;
  std::string_view bytes;
};

// The blocks of a part file, checked: its magic, its partition, its structure, its checksum.
std::vector<StoredBlock> parse_part(std::string_view file, std::uint32_t partition, const std::string& path) {
  auto corrupt = [&path](const char* why) -> Error {
    return Error(ExitCode::kIoError, "stored shuffle file " + path + " is corrupt: " + why);
  };
  constexpr std::size_t kSum = sizeof(std::uint64_t);
  if (file.size() < kMagic.size() + 8 + kSum || file.substr(0, kMagic.size()) != kMagic) {
    throw corrupt("it does not start as one");
  }
  std::uint64_t sum = 0;
  std::memcpy(&sum, file.data() + file.size() - kSum, kSum);
  if (XXH3_64bits(file.data(), file.size() - kSum) != sum) throw corrupt("it does not match its checksum");
  std::string_view rest = file.substr(kMagic.size(), file.size() - kMagic.size() - kSum);
  auto take = [&](void* out, std::size_t n) {
    if (rest.size() < n) throw corrupt("it is cut short");
    std::memcpy(out, rest.data(), n);
    rest.remove_prefix(n);
  };
  std::uint32_t stored_partition = 0, count = 0;
  take(&stored_partition, sizeof stored_partition);
  take(&count, sizeof count);
  if (stored_partition != partition) throw corrupt("it holds another partition");
  std::vector<StoredBlock> blocks;
  for (std::uint32_t i = 0; i < count; ++i) {
    StoredBlock b{};
    std::uint64_t length = 0;
    take(&b.map_partition, sizeof b.map_partition);
    take(&length, sizeof length);
    if (length > rest.size()) throw corrupt("a block runs past its end");
    b.bytes = rest.substr(0, static_cast<std::size_t>(length));
    rest.remove_prefix(static_cast<std::size_t>(length));
    blocks.push_back(b);
  }
  if (!rest.empty()) throw corrupt("trailing bytes");
  return blocks;
}

}  // namespace

std::string resume_part_path(const std::string& dir, std::uint32_t reduce_partition) {
  char name[32];
  std::snprintf(name, sizeof name, "/part-%05u", reduce_partition);
  return dir + name;
}

std::uint64_t store_partitions(const BlockStore& store, int shuffle, const std::string& dir) {
  const std::vector<bool> held = store.held(shuffle);
  std::uint64_t bytes = 0;
  for (std::uint32_t p = 0; p < held.size(); ++p) {
    if (held[p]) bytes += store_partition(store, shuffle, p, dir);
  }
  return bytes;
}

std::uint64_t load_partitions(BlockStore& store, int shuffle, const std::vector<std::int32_t>& owner, std::int32_t self,
                              const std::string& dir) {
  std::vector<bool> held(owner.size());
  for (std::size_t p = 0; p < owner.size(); ++p) held[p] = owner[p] == self;
  store.hold(shuffle, held);
  const detail::TaskMemory& memory = store.memory();
  std::shared_ptr<detail::SpillFile> spill;  // what storage memory cannot hold
  std::uint64_t bytes = 0;
  for (std::uint32_t p = 0; p < held.size(); ++p) {
    if (!held[p]) continue;
    const std::string path = resume_part_path(dir, p);
    std::shared_ptr<const std::string> file = read_file(path);
    bytes += file->size();
    const std::vector<StoredBlock> blocks = parse_part(*file, p, path);
    detail::Reservation reserved(memory.bounded() ? memory.pool : nullptr, detail::MemoryPool::Kind::kStorage);
    if (reserved.grow_to(file->size())) {
      store.keep(shuffle, std::move(reserved));
      for (const StoredBlock& b : blocks) {
        store.add_reduce_block(shuffle, p, b.map_partition, detail::Block::in_memory(b.bytes), file);
      }
      continue;
    }
    if (!spill) spill = std::make_shared<detail::SpillFile>(*memory.dir);
    std::vector<std::pair<std::uint32_t, detail::Block>> spilled;
    for (const StoredBlock& b : blocks) {
      const std::uint64_t at = spill->append(b.bytes);
      spilled.emplace_back(b.map_partition, detail::Block{{}, spill, at, b.bytes.size()});
    }
    spill->flush();
    for (auto& [map_partition, block] : spilled) store.add_reduce_block(shuffle, p, map_partition, block, nullptr);
  }
  return bytes;
}

task::ResumeDone resume(BlockStore& store, const task::ResumeOrder& order, std::int32_t self) {
  task::ResumeDone done;
  done.job = order.job;
  try {
    done.bytes = order.load ? load_partitions(store, order.shuffle_node, order.owner, self, order.dir)
                            : store_partitions(store, order.shuffle_node, order.dir);
  } catch (const Error& e) {
    done.ok = false;
    done.error = e.what();
    done.error_code = e.exit_code();
  }
  return done;
}

}  // namespace dataflow::shuffle
