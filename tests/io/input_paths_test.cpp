// expand_inputs(): files, directories and globs over a temporary tree, and the errors for
// missing paths, empty globs and non-regular files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "dataflow/error.hpp"
#include "io/input_paths.hpp"

namespace dataflow::io {
namespace {

namespace fs = std::filesystem;

class InputPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dataflow-input-paths-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    // root/
    //   top.txt                     3 bytes
    //   dir/ b.txt a.txt B.txt c.log _SUCCESS _x.txt .hidden.txt sub/inner.txt
    //   other/ z.txt
    //   hidden_only/ _a.txt .b.txt
    //   empty/
    write("top.txt", "abc");
    fs::create_directory(root_ / "dir");
    write("dir/b.txt", "bb");
    write("dir/a.txt", "a");
    write("dir/B.txt", "BBBB");
    write("dir/c.log", "");
    write("dir/_SUCCESS", "");
    write("dir/_x.txt", "x");
    write("dir/.hidden.txt", "h");
    fs::create_directory(root_ / "dir" / "sub");
    write("dir/sub/inner.txt", "inner");
    fs::create_directory(root_ / "other");
    write("other/z.txt", "zzzzz");
    fs::create_directory(root_ / "hidden_only");
    write("hidden_only/_a.txt", "a");
    write("hidden_only/.b.txt", "b");
    fs::create_directory(root_ / "empty");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void write(const std::string& rel, const std::string& bytes) {
    std::ofstream out(root_ / rel, std::ios::binary);
    out << bytes;
    ASSERT_TRUE(out.good()) << rel;
  }
  std::string p(const std::string& rel) const { return (root_ / rel).string(); }

  fs::path root_;
};

struct Expected {
  std::string path;
  std::uint64_t size;
};

void expect_files(const std::vector<InputFile>& got, const std::vector<Expected>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].path, want[i].path) << i;
    EXPECT_EQ(got[i].identity.size, want[i].size) << i;
  }
}

// Runs expand_inputs and returns the Error it throws (failing the test if it does not).
Error expand_error(const std::vector<std::string>& patterns) {
  try {
    expand_inputs(patterns);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << (patterns.empty() ? std::string("(none)") : patterns[0]);
  return Error(ExitCode::kOk, "");
}

void expect_mentions(const Error& e, const std::string& needle) {
  EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "\"" << needle << "\" not in: " << e.what();
}

TEST_F(InputPathsTest, SingleFile) { expect_files(expand_inputs({p("top.txt")}), {{p("top.txt"), 3}}); }

TEST_F(InputPathsTest, DirectoryIsSortedBytewiseWithoutHiddenFilesOrSubdirectories) {
  expect_files(expand_inputs({p("dir")}),
               {{p("dir/B.txt"), 4}, {p("dir/a.txt"), 1}, {p("dir/b.txt"), 2}, {p("dir/c.log"), 0}});
}

TEST_F(InputPathsTest, DirectoryWithTrailingSlash) {
  expect_files(expand_inputs({p("dir") + "/"}),
               {{p("dir/B.txt"), 4}, {p("dir/a.txt"), 1}, {p("dir/b.txt"), 2}, {p("dir/c.log"), 0}});
}

TEST_F(InputPathsTest, EmptyDirectoryAndHiddenOnlyDirectoryGiveNoFiles) {
  EXPECT_TRUE(expand_inputs({p("empty")}).empty());
  EXPECT_TRUE(expand_inputs({p("hidden_only")}).empty());
}

TEST_F(InputPathsTest, GlobIsSortedAndExcludesHiddenFiles) {
  // "_x.txt" matches "*.txt" but is hidden; ".hidden.txt" is not matched by "*".
  expect_files(expand_inputs({p("dir") + "/*.txt"}), {{p("dir/B.txt"), 4}, {p("dir/a.txt"), 1}, {p("dir/b.txt"), 2}});
  expect_files(expand_inputs({p("dir") + "/?.txt"}), {{p("dir/B.txt"), 4}, {p("dir/a.txt"), 1}, {p("dir/b.txt"), 2}});
  expect_files(expand_inputs({p("dir") + "/[ab].txt"}), {{p("dir/a.txt"), 1}, {p("dir/b.txt"), 2}});
}

TEST_F(InputPathsTest, GlobMatchingDirectoriesExpandsThem) {
  // "*/z.txt"-style and directory matches: root/[do]* matches dir and other, in order.
  expect_files(
      expand_inputs({p("[do]*")}),
      {{p("dir/B.txt"), 4}, {p("dir/a.txt"), 1}, {p("dir/b.txt"), 2}, {p("dir/c.log"), 0}, {p("other/z.txt"), 5}});
  expect_files(expand_inputs({p("*/z.txt")}), {{p("other/z.txt"), 5}});
}

TEST_F(InputPathsTest, PatternsKeepTheirOrder) {
  expect_files(expand_inputs({p("other"), p("top.txt"), p("dir/a.txt")}),
               {{p("other/z.txt"), 5}, {p("top.txt"), 3}, {p("dir/a.txt"), 1}});
}

TEST_F(InputPathsTest, MissingPathIsNoInput) {
  const std::string missing = p("nope.txt");
  Error e = expand_error({missing});
  EXPECT_EQ(e.code(), ExitCode::kNoInput);
  expect_mentions(e, "Input path does not exist");
  expect_mentions(e, missing);
}

TEST_F(InputPathsTest, MissingPathAfterAGoodOneIsNoInput) {
  const std::string missing = p("dir/missing");
  Error e = expand_error({p("top.txt"), missing});
  EXPECT_EQ(e.code(), ExitCode::kNoInput);
  expect_mentions(e, "Input path does not exist");
  expect_mentions(e, missing);
}

TEST_F(InputPathsTest, PathThroughAFileIsNoInput) {
  const std::string bad = p("top.txt") + "/x";
  Error e = expand_error({bad});
  EXPECT_EQ(e.code(), ExitCode::kNoInput);
  expect_mentions(e, "Input path does not exist");
  expect_mentions(e, bad);
}

TEST_F(InputPathsTest, EmptyPatternListAndEmptyPathAreNoInput) {
  EXPECT_EQ(expand_error({}).code(), ExitCode::kNoInput);
  Error e = expand_error({""});
  EXPECT_EQ(e.code(), ExitCode::kNoInput);
  expect_mentions(e, "Input path does not exist");
}

TEST_F(InputPathsTest, GlobMatchingNothingIsNoInput) {
  const std::string pattern = p("*.csv");
  Error e = expand_error({pattern});
  EXPECT_EQ(e.code(), ExitCode::kNoInput);
  expect_mentions(e, "matches 0 files");
  expect_mentions(e, pattern);
}

TEST_F(InputPathsTest, GlobInMissingDirectoryIsNoInput) {
  const std::string pattern = p("nodir/*.txt");
  Error e = expand_error({pattern});
  EXPECT_EQ(e.code(), ExitCode::kNoInput);
  expect_mentions(e, "matches 0 files");
  expect_mentions(e, pattern);
}

TEST_F(InputPathsTest, GlobMatchingOnlyHiddenFilesIsNoInput) {
  for (const std::string& pattern :
       {p("hidden_only") + "/*", p("hidden_only") + "/_*", p("hidden_only") + "/.*", p("dir") + "/_*"}) {
    Error e = expand_error({pattern});
    EXPECT_EQ(e.code(), ExitCode::kNoInput) << pattern;
    expect_mentions(e, "matches 0 files");
    expect_mentions(e, pattern);
  }
}

TEST_F(InputPathsTest, FifoIsNoInput) {
  const std::string fifo = p("pipe");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Error e = expand_error({fifo});
  EXPECT_EQ(e.code(), ExitCode::kNoInput);
  expect_mentions(e, fifo);
}

TEST_F(InputPathsTest, FilesCarryTheirIdentity) {
  // What a task compares to notice a file replaced or rewritten after planning.
  const auto files = expand_inputs({p("top.txt")});
  ASSERT_EQ(files.size(), 1u);
  struct stat st {};
  ASSERT_EQ(stat(p("top.txt").c_str(), &st), 0);
  EXPECT_EQ(files[0].identity.size, 3u);
  EXPECT_EQ(files[0].identity.device, static_cast<std::uint64_t>(st.st_dev));
  EXPECT_EQ(files[0].identity.inode, static_cast<std::uint64_t>(st.st_ino));
  EXPECT_EQ(files[0].identity.mtime_ns, static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);
  EXPECT_NE(files[0].identity.mtime_ns, 0);
}

TEST_F(InputPathsTest, LiteralNameWithGlobCharactersIsAFile) {
  // An existing path is taken literally even if it contains glob characters.
  write("we[ir]d*.txt", "12");
  expect_files(expand_inputs({p("we[ir]d*.txt")}), {{p("we[ir]d*.txt"), 2}});
}

}  // namespace
}  // namespace dataflow::io
