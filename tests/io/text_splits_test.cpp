// Text splits: plan_splits() then read_lines() on every split must read every line of the
// file exactly once, whatever the split size; checked against a simple sequential reader.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dataflow/detail/task_context.hpp"
#include "dataflow/error.hpp"
#include "io/input_paths.hpp"
#include "io/text_splits.hpp"

namespace dataflow::io {
namespace {

namespace fs = std::filesystem;
using detail::TextSplit;

// A fresh directory per test, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "dataflow-text-splits-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

// The reference: split on '\n', strip one trailing '\r' per line; a last line without '\n'
// is a line; no extra empty line after a final '\n'; an empty file has no lines.
std::vector<std::string> reference_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t nl = s.find('\n', pos);
    std::size_t end = nl == std::string::npos ? s.size() : nl;
    std::string line = s.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

std::vector<std::string> read_split(const TextSplit& split) {
  std::vector<std::string> lines;
  auto push = [&lines](std::string_view line) { lines.emplace_back(line); };
  detail::read_lines(split, detail::Emit<std::string_view>(push));
  return lines;
}

std::vector<std::string> read_all(const std::vector<TextSplit>& splits) {
  std::vector<std::string> lines;
  for (const auto& s : splits) {
    auto part = read_split(s);
    lines.insert(lines.end(), part.begin(), part.end());
  }
  return lines;
}

std::vector<TextSplit> plan_one(const std::string& path, std::uint64_t size, std::uint64_t split_size) {
  return plan_splits({InputFile{path, size}}, split_size);
}

// The splits of one file tile [0, size) in order, none longer than split_size.
void expect_tiling(const std::vector<TextSplit>& splits, const std::string& path, std::uint64_t size,
                   std::uint64_t split_size) {
  if (size == 0) {
    ASSERT_EQ(splits.size(), 1u);
    EXPECT_EQ(splits[0].start, 0u);
    EXPECT_EQ(splits[0].end, 0u);
    EXPECT_EQ(splits[0].file_size, 0u);
    return;
  }
  ASSERT_EQ(splits.size(), (size + split_size - 1) / split_size);
  std::uint64_t at = 0;
  for (const auto& s : splits) {
    EXPECT_EQ(s.path, path);
    EXPECT_EQ(s.file_size, size);
    EXPECT_EQ(s.start, at);
    EXPECT_GT(s.end, s.start);
    EXPECT_LE(s.end - s.start, split_size);
    at = s.end;
  }
  EXPECT_EQ(at, size);
}

// A random text: LF and CRLF endings, empty lines, long lines, NULs and stray '\r's; the
// end is a newline, a CRLF, a lone '\r' or nothing.
std::string random_text(std::mt19937_64& rng) {
  static const std::string alphabet = std::string("abcdefghij XYZ\t\0\r", 18);
  std::string s;
  const int lines = static_cast<int>(rng() % 16);
  for (int i = 0; i < lines; ++i) {
    std::size_t len = 0;
    switch (rng() % 6) {
      case 0:
        len = 0;
        break;  // empty line
      case 1:
        len = 40 + rng() % 160;
        break;  // long line
      default:
        len = 1 + rng() % 12;
        break;
    }
    for (std::size_t k = 0; k < len; ++k) s.push_back(alphabet[rng() % alphabet.size()]);
    const bool last = i + 1 == lines;
    switch (rng() % (last ? 6 : 4)) {
      case 0:
        s += "\r\n";
        break;
      case 1:
        s += "\r\r\n";
        break;  // only one '\r' is stripped
      case 4:
        s += "\r";
        break;  // the last line ends in a lone '\r'
      case 5:
        break;  // no final newline
      default:
        s += "\n";
        break;
    }
  }
  return s;
}

TEST(TextSplitsProperty, EverySplitSizeReadsEveryLineOnce) {
  TempDir dir;
  std::mt19937_64 rng(12345);
  const std::string path = dir.file("input.txt");
  std::uint64_t checked = 0;
  for (int c = 0; c < 300; ++c) {
    std::string text = random_text(rng);
    if (c == 0) text.clear();
    if (c == 1) text = "\r";
    if (c == 2) text = "\n";
    if (c == 3) text = "\r\n\r\n";
    if (c == 4) text = std::string(3, '\0');
    write_file(path, text);
    const std::vector<std::string> expected = reference_lines(text);
    const std::uint64_t size = text.size();
    std::vector<std::uint64_t> sizes = {1, 2, 3, 7, size + 1, std::max<std::uint64_t>(size, 1)};
    for (int k = 0; k < 3; ++k) sizes.push_back(1 + rng() % (size + 1));
    for (std::uint64_t split_size : sizes) {
      SCOPED_TRACE("case " + std::to_string(c) + ", " + std::to_string(size) + " bytes, split size " +
                   std::to_string(split_size));
      auto splits = plan_one(path, size, split_size);
      expect_tiling(splits, path, size, split_size);
      ASSERT_EQ(read_all(splits), expected);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 300u * 9u);
}

TEST(TextSplitsProperty, ManyFilesInOnePlan) {
  TempDir dir;
  std::mt19937_64 rng(99);
  std::vector<InputFile> files;
  std::vector<std::string> expected;
  for (int i = 0; i < 6; ++i) {
    std::string text = random_text(rng);
    if (i == 2) text.clear();
    std::string path = dir.file("part-" + std::to_string(i));
    write_file(path, text);
    files.push_back({path, text.size()});
    auto lines = reference_lines(text);
    expected.insert(expected.end(), lines.begin(), lines.end());
  }
  for (std::uint64_t split_size : {1, 5, 64, 100000}) {
    auto splits = plan_splits(files, split_size);
    // Per file, in file order.
    std::size_t at = 0;
    for (const auto& f : files) {
      std::vector<TextSplit> own;
      while (at < splits.size() && splits[at].path == f.path) own.push_back(splits[at++]);
      expect_tiling(own, f.path, f.size, split_size);
    }
    EXPECT_EQ(at, splits.size());
    EXPECT_EQ(read_all(splits), expected) << "split size " << split_size;
  }
}

TEST(TextSplits, EmptyFileIsOneEmptySplitWithoutLines) {
  TempDir dir;
  const std::string path = dir.file("empty.txt");
  write_file(path, "");
  auto splits = plan_one(path, 0, 64);
  ASSERT_EQ(splits.size(), 1u);
  EXPECT_EQ(splits[0].path, path);
  EXPECT_EQ(splits[0].start, 0u);
  EXPECT_EQ(splits[0].end, 0u);
  EXPECT_EQ(splits[0].file_size, 0u);
  EXPECT_TRUE(read_split(splits[0]).empty());
}

TEST(TextSplits, SplitSizeZeroIsRejected) { EXPECT_THROW(plan_splits({InputFile{"x", 10}}, 0), std::invalid_argument); }

TEST(TextSplits, NoFilesNoSplits) { EXPECT_TRUE(plan_splits({}, 10).empty()); }

TEST(TextSplits, ExactSplitRanges) {
  auto splits = plan_splits({InputFile{"a", 10}, InputFile{"b", 0}, InputFile{"c", 4}}, 4);
  ASSERT_EQ(splits.size(), 5u);
  auto expect = [&](std::size_t i, const char* path, std::uint64_t start, std::uint64_t end, std::uint64_t size) {
    EXPECT_EQ(splits[i].path, path) << i;
    EXPECT_EQ(splits[i].start, start) << i;
    EXPECT_EQ(splits[i].end, end) << i;
    EXPECT_EQ(splits[i].file_size, size) << i;
  };
  expect(0, "a", 0, 4, 10);
  expect(1, "a", 4, 8, 10);
  expect(2, "a", 8, 10, 10);
  expect(3, "b", 0, 0, 0);
  expect(4, "c", 0, 4, 4);
}

TEST(TextSplits, BoundaryRightAfterNewline) {
  TempDir dir;
  const std::string path = dir.file("f.txt");
  write_file(path, "ab\ncd\nef");
  auto splits = plan_one(path, 8, 3);  // [0,3) "ab\n", [3,6) "cd\n", [6,8) "ef"
  ASSERT_EQ(splits.size(), 3u);
  EXPECT_EQ(read_split(splits[0]), (std::vector<std::string>{"ab"}));
  EXPECT_EQ(read_split(splits[1]), (std::vector<std::string>{"cd"}));
  EXPECT_EQ(read_split(splits[2]), (std::vector<std::string>{"ef"}));
}

TEST(TextSplits, BoundaryRightBeforeNewline) {
  TempDir dir;
  const std::string path = dir.file("f.txt");
  write_file(path, "ab\ncd\n");
  auto splits = plan_one(path, 6, 2);  // [0,2) "ab", [2,4) "\nc", [4,6) "d\n"
  ASSERT_EQ(splits.size(), 3u);
  EXPECT_EQ(read_split(splits[0]), (std::vector<std::string>{"ab"}));
  EXPECT_EQ(read_split(splits[1]), (std::vector<std::string>{"cd"}));  // "cd" starts at 3
  EXPECT_TRUE(read_split(splits[2]).empty());
}

TEST(TextSplits, CarriageReturnAndNewlineStraddleABoundary) {
  TempDir dir;
  const std::string path = dir.file("crlf.txt");
  write_file(path, "ab\r\ncd\r\n");
  {
    auto splits = plan_one(path, 8, 3);  // [0,3) "ab\r" | [3,6) "\ncd" | [6,8) "\r\n"
    ASSERT_EQ(splits.size(), 3u);
    EXPECT_EQ(read_split(splits[0]), (std::vector<std::string>{"ab"}));
    EXPECT_EQ(read_split(splits[1]), (std::vector<std::string>{"cd"}));
    EXPECT_TRUE(read_split(splits[2]).empty());
  }
  {
    auto splits = plan_one(path, 8, 4);  // [0,4) "ab\r\n" | [4,8) "cd\r\n"
    ASSERT_EQ(splits.size(), 2u);
    EXPECT_EQ(read_split(splits[0]), (std::vector<std::string>{"ab"}));
    EXPECT_EQ(read_split(splits[1]), (std::vector<std::string>{"cd"}));
  }
}

TEST(TextSplits, LoneCarriageReturnAtEndOfFile) {
  TempDir dir;
  const std::string path = dir.file("cr.txt");
  write_file(path, "x\ny\r");
  EXPECT_EQ(read_all(plan_one(path, 4, 1)), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(read_all(plan_one(path, 4, 100)), (std::vector<std::string>{"x", "y"}));
  write_file(path, "x\n\r");
  EXPECT_EQ(read_all(plan_one(path, 3, 2)), (std::vector<std::string>{"x", ""}));
}

TEST(TextSplits, LineLongerThanManySplits) {
  TempDir dir;
  const std::string path = dir.file("long.txt");
  std::string longline(1000, 'L');
  longline[500] = '\0';
  write_file(path, "a\n" + longline + "\nb");
  auto splits = plan_one(path, 1004, 10);
  ASSERT_EQ(splits.size(), 101u);
  EXPECT_EQ(read_split(splits[0]), (std::vector<std::string>{"a", longline}));
  for (std::size_t i = 1; i < 100; ++i) EXPECT_TRUE(read_split(splits[i]).empty()) << i;
  EXPECT_EQ(read_split(splits[100]), (std::vector<std::string>{"b"}));
}

TEST(TextSplits, LinesKeepNulBytes) {
  TempDir dir;
  const std::string path = dir.file("nul.txt");
  const std::string text("a\0b\n\0\n\0\r\n", 9);
  write_file(path, text);
  auto lines = read_all(plan_one(path, text.size(), 2));
  EXPECT_EQ(lines, (std::vector<std::string>{std::string("a\0b", 3), std::string("\0", 1), std::string("\0", 1)}));
}

TEST(TextSplits, FileGrownAfterPlanningIsADataError) {
  TempDir dir;
  const std::string path = dir.file("grows.txt");
  write_file(path, "hello\nworld\n");
  auto splits = plan_one(path, 12, 5);
  write_file(path, "hello\nworld\nmore\n");
  for (const auto& s : splits) {
    try {
      read_split(s);
      ADD_FAILURE() << "no error for split at " << s.start;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kDataError);
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
}

TEST(TextSplits, FileShrunkAfterPlanningIsADataError) {
  TempDir dir;
  const std::string path = dir.file("shrinks.txt");
  write_file(path, "hello\nworld\n");
  auto splits = plan_one(path, 12, 100);
  ASSERT_EQ(splits.size(), 1u);
  for (const std::string& now : {std::string("hello\n"), std::string()}) {
    write_file(path, now);
    try {
      read_split(splits[0]);
      ADD_FAILURE() << "no error after shrinking to " << now.size() << " bytes";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kDataError);
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
}

// TextSplit::file_size: "as planned; a different size at read time is an error", and an
// empty file is a split like any other, so lines written to it after planning must not be
// dropped silently.
TEST(TextSplits, EmptyFileGrownAfterPlanningIsADataError) {
  TempDir dir;
  const std::string path = dir.file("was-empty.txt");
  write_file(path, "");
  auto splits = plan_one(path, 0, 64);
  ASSERT_EQ(splits.size(), 1u);
  write_file(path, "late line\n");
  try {
    auto lines = read_split(splits[0]);
    ADD_FAILURE() << "no error; read " << lines.size() << " lines of a file that grew to 10 bytes";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kDataError);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(TextSplits, FileRemovedAfterPlanningIsNoInput) {
  TempDir dir;
  const std::string path = dir.file("gone.txt");
  write_file(path, "a\n");
  auto splits = plan_one(path, 2, 1);
  ASSERT_EQ(unlink(path.c_str()), 0);
  try {
    read_split(splits[0]);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kNoInput);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(TextSplits, SplitsPastAPageBoundary) {
  // Splits starting beyond the first page map from a page-aligned offset.
  TempDir dir;
  const std::string path = dir.file("big.txt");
  std::string text;
  std::mt19937_64 rng(4242);
  while (text.size() < 3 * 4096 + 100) {
    text += std::string(1 + rng() % 90, static_cast<char>('a' + rng() % 26));
    text += (rng() % 3 == 0) ? "\r\n" : "\n";
  }
  text += "tail";
  write_file(path, text);
  const auto expected = reference_lines(text);
  for (std::uint64_t split_size : {1ull, 4095ull, 4096ull, 4097ull, 1000ull}) {
    auto splits = plan_one(path, text.size(), split_size);
    EXPECT_EQ(read_all(splits), expected) << "split size " << split_size;
  }
}

}  // namespace
}  // namespace dataflow::io
