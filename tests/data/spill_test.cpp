// Bounded memory without MPI: the memory pool's rules, spill files in a private local
// directory, map outputs cut into pieces and written as runs, sorted runs and their merge,
// and the sliced reduce side that falls back when a table does not fit.
#include "dataflow/detail/spill.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "dataflow/detail/block_cache.hpp"
#include "dataflow/detail/codec.hpp"
#include "dataflow/detail/map_output.hpp"
#include "dataflow/detail/spill_runs.hpp"
#include "dataflow/detail/task_context.hpp"
#include "dataflow/error.hpp"
#include "shuffle/block_store.hpp"
#include "storage/local_dir.hpp"

namespace dataflow::detail {
namespace {

namespace fs = std::filesystem;

class SpillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("spill_test." + std::to_string(getpid()));
    fs::create_directories(base_);
    dir_ = std::make_unique<LocalDir>(base_.string());
  }
  void TearDown() override {
    dir_.reset();
    fs::remove_all(base_);
  }
  std::size_t files() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_->path())) ++n;
    return n;
  }
  fs::path base_;
  std::unique_ptr<LocalDir> dir_;
};

TEST(MemoryPool, TaskShareAndStorageHalf) {
  MemoryPool pool(1000);
  pool.task_started();
  pool.task_started();
  Reservation a(&pool), b(&pool);
  EXPECT_TRUE(a.grow_to(500));   // one of two tasks: at most half
  EXPECT_FALSE(a.grow_to(501));
  EXPECT_TRUE(b.grow_to(400));
  EXPECT_FALSE(b.grow_to(501));
  Reservation s(&pool, MemoryPool::Kind::kStorage);
  EXPECT_TRUE(s.grow_to(100));   // the whole budget is then used
  EXPECT_FALSE(s.grow_to(101));
  EXPECT_EQ(pool.used(), 1000u);
  a.shrink_to(0);
  EXPECT_FALSE(s.grow_to(501));  // storage: at most half the budget
  EXPECT_TRUE(s.grow_to(500));
  // A task below its minimum share (budget / 2N = 250) is granted it past the budget.
  EXPECT_EQ(pool.used(), 900u);
  EXPECT_TRUE(a.grow_to(250));
  EXPECT_FALSE(a.grow_to(251));
  EXPECT_EQ(pool.used(), 1150u);
  s = Reservation();
  b = Reservation();
  a = Reservation();
  EXPECT_EQ(pool.used(), 0u);
  EXPECT_EQ(pool.peak(), 1150u);
}

TEST_F(SpillTest, FilesArePrivateAndGoWithTheirOwner) {
  struct stat st {};
  ASSERT_EQ(stat(dir_->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(fs::path(dir_->path()).filename().string().rfind(local_dir_prefix() + std::to_string(getpid()) + ".", 0),
            0u);
  {
    SpillFile f(*dir_);
    ASSERT_EQ(stat(f.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(f.append("hello "), 0u);
    EXPECT_EQ(f.append(std::string(3 << 20, 'x')), 6u);  // larger than the buffer: written through
    EXPECT_EQ(f.append("world"), 6u + (3 << 20));
    f.flush();
    std::string back(5, '\0');
    f.read(6 + (3 << 20), back.data(), 5);
    EXPECT_EQ(back, "world");
    EXPECT_THROW(f.read(f.size(), back.data(), 1), std::logic_error);
    EXPECT_EQ(files(), 1u);
  }
  EXPECT_EQ(files(), 0u);
}

// A compressed file (--spill-compression lz4) reads back every range of what was appended,
// across frame boundaries, through frames stored compressed and frames stored as is, and
// stores text in fewer bytes than it was given.
TEST_F(SpillTest, ACompressedFileReadsBackEveryRangeAndStoresFewerBytes) {
  std::string all;
  std::mt19937_64 rng(11);
  for (int i = 0; all.size() < (std::size_t{3} << 20); ++i) {
    all += "line " + std::to_string(i % 977) + " of a compressible text\n";
    if (i % 5000 == 0) {  // a stretch of random bytes: frames LZ4 cannot shrink
      for (int j = 0; j < 70000; ++j) all.push_back(static_cast<char>(rng()));
    }
  }
  for (const bool compress : {false, true}) {
    dir_->set_compress(compress);
    SpillFile file(*dir_);
    const std::uint64_t disk_before = spill_counters().disk_bytes.load();
    // Appends of every size: bytes, a few KiB, and one over the 1 MiB buffer.
    std::size_t at = 0;
    for (const std::size_t n : {std::size_t{1}, std::size_t{3000}, std::size_t{1} << 20, std::size_t{70001}}) {
      EXPECT_EQ(file.append(std::string_view(all).substr(at, n)), at);
      at += n;
    }
    file.append(std::string_view(all).substr(at));
    file.flush();
    ASSERT_EQ(file.size(), all.size());
    const std::uint64_t stored = spill_counters().disk_bytes.load() - disk_before;
    if (compress) {
      EXPECT_LT(stored, all.size() / 2);
    } else {
      EXPECT_EQ(stored, all.size());
    }
    std::string got;
    for (int i = 0; i < 300; ++i) {
      const std::size_t offset = static_cast<std::size_t>(rng() % all.size());
      const std::size_t n = static_cast<std::size_t>(rng() % std::min<std::size_t>(all.size() - offset, 200000));
      got.assign(n, '\0');
      file.read(offset, got.data(), n);
      ASSERT_EQ(got, all.substr(offset, n)) << "offset " << offset << " size " << n << " compress " << compress;
    }
    got.assign(all.size(), '\0');
    file.read(0, got.data(), got.size());
    EXPECT_EQ(got, all);
  }
}

// A compressed frame damaged on disk is an error naming the file, never wrong bytes.
TEST_F(SpillTest, ADamagedCompressedFrameIsAnError) {
  dir_->set_compress(true);
  SpillFile file(*dir_);
  const std::string text(200000, 'a');  // frames that LZ4 shrinks to a few hundred bytes
  file.append(text);
  file.flush();
  {
    std::FILE* f = std::fopen(file.path().c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    const std::string zeros(64, '\0');  // the first frame's tokens: zero offsets are invalid
    ASSERT_EQ(std::fwrite(zeros.data(), 1, zeros.size(), f), zeros.size());
    std::fclose(f);
  }
  std::string got(1000, '\0');
  try {
    file.read(0, got.data(), got.size());
    FAIL() << "no error";
  } catch (const CorruptBlock& e) {
    EXPECT_EQ(e.code(), ExitCode::kIoError);
    EXPECT_NE(std::string(e.what()).find("spill file " + file.path() + " is corrupt"), std::string::npos) << e.what();
  }
  file.read(std::size_t{1} << 16, got.data(), got.size());  // the second frame is intact
  EXPECT_EQ(got, text.substr(std::size_t{1} << 16, got.size()));
}

// Changes a bit of byte `at` of the file at `path`, in place.
void flip_byte(const std::string& path, std::uint64_t at) {
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fseek(f, static_cast<long>(at), SEEK_SET), 0);
  const int c = std::fgetc(f);
  ASSERT_NE(c, EOF);
  ASSERT_EQ(std::fseek(f, static_cast<long>(at), SEEK_SET), 0);
  std::fputc(c ^ 0x20, f);
  std::fclose(f);
}

// Whether reading [offset, offset + n) throws CorruptBlock naming the file.
bool read_is_corrupt(const SpillFile& file, std::uint64_t offset, std::size_t n) {
  std::string got(n, '\0');
  try {
    file.read(offset, got.data(), n);
    return false;
  } catch (const CorruptBlock& e) {
    EXPECT_EQ(e.exit_code(), 74);
    EXPECT_NE(std::string(e.what()).find(file.path()), std::string::npos) << e.what();
    return true;
  }
}

// No byte of a plain spill file is read back unchecked: a bit flipped anywhere, in a whole
// 4 KiB window or in the growing last one, fails every read that covers its window, and
// only those; reads of every shape stay exact, across flushes that end mid-window.
TEST_F(SpillTest, EveryFlippedBitOfAPlainFileIsCaughtByTheReadsThatCoverIt) {
  std::mt19937_64 rng(5);
  std::string all;
  SpillFile file(*dir_);
  for (const std::size_t n :
       {std::size_t{100}, std::size_t{5000}, std::size_t{1} << 20, std::size_t{3}, std::size_t{70001}}) {
    std::string chunk(n, '\0');
    for (char& c : chunk) c = static_cast<char>(rng());
    EXPECT_EQ(file.append(chunk), all.size());
    all += chunk;
    file.flush();  // a read between appends sees a last window that is still growing
    std::string got(all.size(), '\0');
    file.read(0, got.data(), got.size());
    ASSERT_EQ(got, all);
  }
  for (int i = 0; i < 200; ++i) {
    const std::uint64_t offset = rng() % all.size();
    const std::size_t n = static_cast<std::size_t>(1 + rng() % std::min<std::uint64_t>(all.size() - offset, 20000));
    std::string got(n, '\0');
    file.read(offset, got.data(), n);
    ASSERT_EQ(got, all.substr(offset, n)) << offset << " " << n;
  }
  const std::uint64_t last = all.size() - 1;
  for (const std::uint64_t at :
       {std::uint64_t{0}, std::uint64_t{4095}, std::uint64_t{4096}, std::uint64_t{500000}, last}) {
    flip_byte(file.path(), at);
    const std::uint64_t window = at / 4096 * 4096;
    EXPECT_TRUE(read_is_corrupt(file, at, 1)) << at;
    EXPECT_TRUE(read_is_corrupt(file, window, 1)) << at;  // a byte beside it, in its window
    EXPECT_TRUE(read_is_corrupt(file, 0, all.size())) << at;
    if (window > 0) {
      EXPECT_FALSE(read_is_corrupt(file, 0, window)) << at;
    }
    if (window + 4096 < all.size()) {
      EXPECT_FALSE(read_is_corrupt(file, window + 4096, all.size() - window - 4096)) << at;
    }
    flip_byte(file.path(), at);
    EXPECT_FALSE(read_is_corrupt(file, 0, all.size())) << at;
  }
}

// The same for LZ4 frames, both those LZ4 shrank and those stored as is.
TEST_F(SpillTest, EveryFlippedBitOfACompressedFileIsCaught) {
  dir_->set_compress(true);
  SpillFile file(*dir_);
  std::mt19937_64 rng(9);
  std::string all(200000, 'a');                                              // shrinks
  for (int i = 0; i < 200000; ++i) all.push_back(static_cast<char>(rng()));  // stored as is
  file.append(all);
  file.flush();
  const auto stored = static_cast<std::uint64_t>(fs::file_size(file.path()));
  for (const std::uint64_t at : {std::uint64_t{0}, stored / 3, stored / 2, stored - 1}) {
    flip_byte(file.path(), at);
    EXPECT_TRUE(read_is_corrupt(file, 0, all.size())) << at;
    flip_byte(file.path(), at);
    EXPECT_FALSE(read_is_corrupt(file, 0, all.size())) << at;
  }
}

// A cached block on disk whose bytes fail their checksum is dropped and reported as missing,
// so that the task computes the partition again; an intact one reads back.
TEST_F(SpillTest, ACorruptCachedBlockIsDroppedForItsLineage) {
  BlockCache cache;
  cache.set_program("spill_test");
  const std::string bytes(100000, 'x');
  for (const std::uint32_t partition : {0u, 1u}) {
    auto file = std::make_shared<SpillFile>(*dir_, SpillUse::kCache);
    file->append(bytes);
    file->flush();
    if (partition == 1) flip_byte(file->path(), 50000);
    cache.put_disk(7, partition, file, 0, bytes.size());
  }
  std::vector<std::pair<int, std::uint32_t>> stored, dropped;
  cache.take_changes(stored, dropped);
  std::string out;
  auto good = cache.get(7, 0);
  ASSERT_TRUE(good);
  EXPECT_TRUE(cache.read_disk(7, 0, good->bytes, out));
  EXPECT_EQ(out, bytes);
  auto bad = cache.get(7, 1);
  ASSERT_TRUE(bad);
  testing::internal::CaptureStderr();
  EXPECT_FALSE(cache.read_disk(7, 1, bad->bytes, out));
  const std::string warning = testing::internal::GetCapturedStderr();
  EXPECT_NE(warning.find("spill_test: warning: cached block file " + bad->bytes.file->path() + " is corrupt"),
            std::string::npos)
      << warning;
  EXPECT_FALSE(cache.get(7, 1));
  EXPECT_TRUE(cache.get(7, 0));
  cache.take_changes(stored, dropped);
  EXPECT_EQ(dropped, (std::vector<std::pair<int, std::uint32_t>>{{7, 1}}));
}

// Checkpoint parts: 0600, a checksum trailer written with them and checked when read back.
TEST_F(SpillTest, ACheckpointPartCarriesItsChecksum) {
  const std::string path = (base_ / "part-00000").string();
  std::string text;
  for (int i = 0; i < 300000; ++i) text += static_cast<char>('a' + i % 23);
  {
    NewFile part(path, NewFile::kCheckpointPart);
    part.append(text.substr(0, 1000));
    part.append(text.substr(1000));  // past the buffer: written through
    part.close();
  }
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(fs::file_size(path), text.size() + 16);
  EXPECT_EQ(read_checkpoint_part(path, ""), text);
  flip_byte(path, 123456);
  try {
    read_checkpoint_part(path, "");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kIoError);
    EXPECT_NE(std::string(e.what()).find("checkpoint part " + path + " is corrupt"), std::string::npos) << e.what();
  }
  flip_byte(path, 123456);
  fs::resize_file(path, 10);  // shorter than a trailer
  EXPECT_THROW(read_checkpoint_part(path, ""), Error);
}

// The driver's checkpoint directory: private, named apart from spill directories, removed
// whole (parts in committed subdirectories) with its owner, and by the next run once that
// owner is dead; neither kind's clean-up touches the other's.
TEST_F(SpillTest, ACheckpointDirectoryIsPrivateAndGoesWhole) {
  std::string path;
  {
    LocalDir root(base_.string(), LocalDirKind::kCheckpoints);
    path = root.path();
    EXPECT_EQ(fs::path(path).filename().string().rfind(
                  local_dir_prefix(LocalDirKind::kCheckpoints) + std::to_string(getpid()) + ".", 0),
              0u);
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    fs::create_directories(fs::path(path) / "1" / "_temporary");
    std::FILE* f = std::fopen((fs::path(path) / "1" / "part-00000").c_str(), "w");
    std::fclose(f);
  }
  EXPECT_FALSE(fs::exists(path));
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  const fs::path dead_checkpoints =
      base_ / (local_dir_prefix(LocalDirKind::kCheckpoints) + std::to_string(child) + ".abcdef");
  const fs::path dead_spill = base_ / (local_dir_prefix() + std::to_string(child) + ".abcdef");
  fs::create_directories(dead_checkpoints / "1");
  fs::create_directories(dead_spill);
  EXPECT_EQ(remove_stale_local_dirs(base_.string(), LocalDirKind::kCheckpoints), 1);
  EXPECT_FALSE(fs::exists(dead_checkpoints));
  EXPECT_TRUE(fs::exists(dead_spill));
  EXPECT_EQ(remove_stale_local_dirs(base_.string()), 1);
  EXPECT_FALSE(fs::exists(dead_spill));
}

TEST_F(SpillTest, StaleDirectoriesOfDeadProcessesOnlyAreRemoved) {
  // A pid that is certainly dead: a child that has exited and been reaped.
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  const fs::path dead = base_ / (local_dir_prefix() + std::to_string(child) + ".abcdef");
  const fs::path alive = base_ / (local_dir_prefix() + std::to_string(getppid()) + ".abcdef");
  const fs::path victim = base_ / "victim";
  const fs::path link = base_ / (local_dir_prefix() + std::to_string(child) + ".linkkk");
  for (const auto& d : {dead, alive, victim}) {
    fs::create_directories(d);
    std::FILE* f = std::fopen((d / "spill-x").c_str(), "w");
    std::fclose(f);
  }
  fs::create_directory_symlink(victim, link);
  EXPECT_EQ(remove_stale_local_dirs(base_.string()), 1);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(alive / "spill-x"));
  EXPECT_TRUE(fs::exists(victim / "spill-x"));  // the link was not followed
  EXPECT_TRUE(fs::is_symlink(link));
}

TEST_F(SpillTest, AMissingBaseIsAConfigurationError) {
  try {
    LocalDir d((base_ / "missing").string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kConfig);
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos);
  }
}

// Encodes integers 0..n-1 into a bounded BucketBuffer (bucket = i % buckets) and returns the
// output; `budget` 0 = unbounded.
MapOutput bucketed(LocalDir* dir, MemoryPool* pool, int n, std::uint32_t buckets) {
  MapOutput out;
  out.buckets = buckets;
  BucketBuffer buffer(out, TaskMemory{pool, dir});
  ByteWriter w(buffer.data());
  for (int i = 0; i < n; ++i) {
    Codec<std::int64_t>::write(w, i);
    buffer.end_record(static_cast<std::uint32_t>(i) % buckets);
  }
  buffer.finish();
  return out;
}

std::vector<std::int64_t> decode(const std::vector<Block>& blocks) {
  std::vector<std::int64_t> all;
  for_each_block(blocks, [&](std::string_view b) { decode_all<std::int64_t>(b, [&](std::int64_t x) { all.push_back(x); }); });
  return all;
}

TEST_F(SpillTest, ABoundedMapOutputSpillsRunsAndKeepsEachBucketsOrder) {
  MemoryPool pool(std::uint64_t{1} << 20);
  const int n = 400000;  // about 3 MiB of records: more than the budget
  const MapOutput out = bucketed(dir_.get(), &pool, n, 7);
  EXPECT_GE(out.spilled.size(), 2u);
  EXPECT_EQ(pool.used(), out.memory.held());
  std::uint64_t total = 0;
  for (const auto& [bucket, bytes] : out.bucket_sizes()) total += bytes;
  EXPECT_EQ(total, static_cast<std::uint64_t>(n) * 8);
  const auto pieces = shuffle::pieces_of(out);
  for (std::uint32_t b = 0; b < 7; ++b) {
    std::vector<Block> blocks;
    for (const auto& [bucket, block] : pieces) {
      if (bucket == b) blocks.push_back(block);
      EXPECT_LE(block.size, kPieceBytes + 8);
    }
    std::vector<std::int64_t> want;
    for (int i = static_cast<int>(b); i < n; i += 7) want.push_back(i);
    EXPECT_EQ(decode(blocks), want) << "bucket " << b;
  }
}

// A budget whose task share cannot cover the buffer's first growth: the buffer spills, then
// keeps its minimum size, so runs hold many records. (Its record array once stayed at one
// record's capacity, and every later record became a run of its own.)
TEST_F(SpillTest, ABufferRefusedFromTheStartStillSpillsRunsOfManyRecords) {
  MemoryPool pool(std::uint64_t{256} << 10);
  const int n = 100000;  // 800 KB of records
  const MapOutput out = bucketed(dir_.get(), &pool, n, 3);
  EXPECT_GE(out.spilled.size(), 2u);
  EXPECT_LE(out.spilled.size(), 8u);
  std::uint64_t total = 0;
  for (const auto& [bucket, bytes] : out.bucket_sizes()) total += bytes;
  EXPECT_EQ(total, static_cast<std::uint64_t>(n) * 8);
}

TEST_F(SpillTest, RunsMergeInOrderWithTiesByRunAndInPasses) {
  auto file = std::make_shared<SpillFile>(*dir_);
  std::vector<SpilledRun> runs;
  // 100 runs (more than one merge pass takes): run r holds tags r, r+100, ... and a tie
  // at tag 1000000 whose bytes name the run.
  for (int r = 0; r < 100; ++r) {
    RunOut out(file);
    for (int i = r; i < 5000; i += 100) out.add(static_cast<std::uint64_t>(i), std::to_string(i));
    out.add(1000000, "run" + std::to_string(r) + std::string(static_cast<std::size_t>(r) * 5000, '.'));
    runs.push_back(out.finish());
  }
  std::vector<std::uint64_t> tags;
  std::vector<std::string> ties;
  merge_runs(runs, file, TagLess{}, [&](std::uint64_t tag, std::string_view bytes) {
    tags.push_back(tag);
    if (tag == 1000000) {
      ties.push_back(std::string(bytes.substr(0, bytes.find('.'))));
    } else {
      EXPECT_EQ(bytes, std::to_string(tag));
    }
  });
  ASSERT_EQ(tags.size(), 5100u);
  for (std::size_t i = 0; i < 5000; ++i) EXPECT_EQ(tags[i], i);
  ASSERT_EQ(ties.size(), 100u);
  for (int r = 0; r < 100; ++r) EXPECT_EQ(ties[static_cast<std::size_t>(r)], "run" + std::to_string(r));
}

TEST_F(SpillTest, SlicesGiveTheOnePassOrder) {
  // A "table" of distinct keys in first-appearance order: fits only 100 keys at once.
  std::vector<std::uint64_t> keys;
  for (std::uint64_t i = 0; i < 1000; ++i) keys.push_back(mix64(i) % 5000);  // with repeats
  auto body = [&](const Slice& slice, auto&& out) {
    std::vector<std::uint64_t> seen, first;
    for (std::size_t at = 0; at < keys.size(); ++at) {
      if (!slice.contains(keys[at])) continue;
      if (std::find(seen.begin(), seen.end(), keys[at]) != seen.end()) continue;
      seen.push_back(keys[at]);
      first.push_back(at);
      if (seen.size() > 100) throw OverBudget{};
    }
    for (std::size_t i = 0; i < seen.size(); ++i) out(first[i], seen[i]);
  };
  std::vector<std::uint64_t> want;
  for (std::uint64_t k : keys) {
    if (std::find(want.begin(), want.end(), k) == want.end()) want.push_back(k);
  }
  MemoryPool pool(1 << 20);
  std::vector<std::uint64_t> got;
  auto keep = [&](const std::uint64_t& k) { got.push_back(k); };
  run_sliced<std::uint64_t>(TaskMemory{&pool, dir_.get()}, "test", body, Emit<std::uint64_t>(keep));
  EXPECT_EQ(got, want);
  EXPECT_GT(want.size(), 100u);
}

// A reduce feeding a join's build side in the same task: the join's table overflows while
// the reduce emits its one pass, partly because the reduce's table still holds memory.
// That overflow is the join's to slice. If the reduce sliced instead, its table would be
// gone, and the join would take every record again on top of those it holds (this
// duplicated join rows at a 64K budget).
TEST_F(SpillTest, ADownstreamTablesOverflowIsTheDownstreamsToSlice) {
  std::vector<std::uint64_t> keys;
  for (std::uint64_t i = 0; i < 300; ++i) keys.push_back(i);
  MemoryPool pool(1 << 20);
  const TaskMemory memory{&pool, dir_.get()};
  std::size_t inner_held = 0;  // the inner table's keys while it emits
  int inner_runs = 0;
  auto inner = [&](Emit<std::uint64_t> emit) {
    auto body = [&](const Slice& slice, auto&& out) {
      ++inner_runs;
      std::vector<std::uint64_t> table;
      for (std::uint64_t k : keys)
        if (slice.contains(k)) table.push_back(k);
      inner_held = table.size();
      for (std::uint64_t k : table) out(k, k);
      inner_held = 0;
    };
    run_sliced<std::uint64_t>(memory, "inner", body, emit);
  };
  int outer_runs = 0;
  auto outer = [&](const Slice& slice, auto&& out) {  // both tables together hold 350 keys at most
    ++outer_runs;
    std::vector<std::uint64_t> held;
    auto hold = [&](const std::uint64_t& k) {
      if (!slice.contains(k)) return;
      held.push_back(k);
      if (held.size() + inner_held > 350) throw OverBudget{};
    };
    inner(Emit<std::uint64_t>(hold));
    for (std::uint64_t k : held) out(k, k);
  };
  std::vector<std::uint64_t> got;
  auto keep = [&](const std::uint64_t& k) { got.push_back(k); };
  run_sliced<std::uint64_t>(memory, "outer", outer, Emit<std::uint64_t>(keep));
  EXPECT_EQ(got, keys);
  EXPECT_GE(outer_runs, 5) << "the outer table was meant to overflow";
  EXPECT_EQ(inner_runs, outer_runs) << "the inner operation sliced on its consumer's overflow";
}

TEST_F(SpillTest, OneKeyThatDoesNotFitIsADataError) {
  MemoryPool pool(1 << 20);
  auto body = [&](const Slice&, auto&&) { throw OverBudget{true}; };
  auto drop = [](const int&) {};
  try {
    run_sliced<int>(TaskMemory{&pool, dir_.get()}, "group_by_key", body, Emit<int>(drop));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kDataError);
    EXPECT_NE(std::string(e.what()).find("--executor-memory"), std::string::npos);
  }
}

}  // namespace
}  // namespace dataflow::detail
