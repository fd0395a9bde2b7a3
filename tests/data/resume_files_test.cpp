// --resume-dir's shuffle files without MPI: each held reduce partition stored as one file and
// read back block for block (in memory, or in a spill file when storage memory is short),
// and every damaged, cut or missing file an error naming it.
#include "shuffle/resume_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "dataflow/detail/spill.hpp"
#include "dataflow/error.hpp"
#include "storage/local_dir.hpp"

namespace dataflow::shuffle {
namespace {

namespace fs = std::filesystem;
using Blocks = std::vector<std::pair<std::uint32_t, std::string>>;

class ResumeFiles : public ::testing::Test {
 protected:
  static constexpr int kShuffle = 7;

  void SetUp() override {
    base_ = fs::temp_directory_path() / ("resume_files_test." + std::to_string(getpid()));
    fs::create_directories(base_ / "state");
    dir_ = std::make_unique<detail::LocalDir>(base_.string());
    // Partitions 0 and 2 of 3 here; partition 0 has two pieces from map partition 1.
    stored_.hold(kShuffle, {true, false, true});
    add(stored_, 0, 1, "b1 first piece;");
    add(stored_, 0, 0, "a0 records");
    add(stored_, 0, 1, "b1 second piece");
    add(stored_, 2, 3, std::string(3000, 'z'));
    add(stored_, 2, 0, "");
  }
  void TearDown() override {
    dir_.reset();
    fs::remove_all(base_);
  }

  void add(BlockStore& store, std::uint32_t reduce, std::uint32_t map, const std::string& bytes) {
    auto backing = std::make_shared<const std::string>(bytes);
    store.add_reduce_block(kShuffle, reduce, map, detail::Block::in_memory(*backing), backing);
  }

  static Blocks blocks_of(const BlockStore& store, std::uint32_t reduce) {
    Blocks out;
    for (const auto& [map, block] : store.reduce_blocks(kShuffle, reduce)) {
      std::string bytes(block.size, '\0');
      if (block.on_disk()) {
        block.file->read(block.offset, bytes.data(), bytes.size());
      } else {
        bytes.assign(block.bytes);
      }
      out.emplace_back(map, bytes);
    }
    return out;
  }

  std::string state() const { return (base_ / "state").string(); }

  fs::path base_;
  std::unique_ptr<detail::LocalDir> dir_;
  BlockStore stored_;
};

TEST_F(ResumeFiles, HeldPartitionsComeBackBlockForBlock) {
  EXPECT_GT(store_partitions(stored_, kShuffle, state()), 3000u);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(state())) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"part-00000", "part-00002"}));  // no temporary left

  BlockStore loaded;
  loaded.set_memory({nullptr, dir_.get()});
  load_partitions(loaded, kShuffle, {0, 1, 0}, 0, state());
  EXPECT_EQ(blocks_of(loaded, 0), blocks_of(stored_, 0));
  EXPECT_EQ(blocks_of(loaded, 2), blocks_of(stored_, 2));
  EXPECT_EQ(blocks_of(loaded, 0).front().second, "a0 records");
  EXPECT_EQ(loaded.held(kShuffle), (std::vector<bool>{true, false, true}));
  EXPECT_THROW(loaded.reduce_blocks(kShuffle, 1), std::logic_error);  // another executor's
}

TEST_F(ResumeFiles, WithoutStorageMemoryTheyGoToASpillFile) {
  store_partitions(stored_, kShuffle, state());
  detail::MemoryPool pool(100);  // far less than partition 2
  BlockStore loaded;
  loaded.set_memory({&pool, dir_.get()});
  load_partitions(loaded, kShuffle, {0, 1, 0}, 0, state());
  ASSERT_TRUE(loaded.reduce_blocks(kShuffle, 2).front().second.on_disk());
  EXPECT_EQ(blocks_of(loaded, 2), blocks_of(stored_, 2));
}

TEST_F(ResumeFiles, AFlippedByteACutFileAndAMissingOneAreErrorsNamingTheFile) {
  store_partitions(stored_, kShuffle, state());
  const std::string part = resume_part_path(state(), 2);
  auto expect_error = [&](const std::string& what) {
    BlockStore loaded;
    loaded.set_memory({nullptr, dir_.get()});
    try {
      load_partitions(loaded, kShuffle, {1, 1, 0}, 0, state());
      ADD_FAILURE() << "no error for " << what;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kIoError) << what;
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  {
    std::fstream f(part, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('!');
  }
  expect_error("a flipped byte");
  fs::resize_file(part, 20);
  expect_error("a cut file");
  fs::remove(part);
  expect_error("a missing file");
}

TEST_F(ResumeFiles, AStoreIntoAMissingDirectoryIsAFailedAnswer) {
  task::ResumeOrder order;
  order.shuffle_node = kShuffle;
  order.dir = state() + "/missing";
  const task::ResumeDone done = resume(stored_, order, 0);
  EXPECT_FALSE(done.ok);
  EXPECT_EQ(done.error_code, static_cast<int>(ExitCode::kIoError));
  EXPECT_NE(done.error.find("missing"), std::string::npos) << done.error;
}

}  // namespace
}  // namespace dataflow::shuffle
