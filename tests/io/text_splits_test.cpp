// Text splits: plan_splits() then read_lines() on every split must read every line of the
// files exactly once and in order, whatever the split size; checked against a simple
// sequential reader. Also: small files packed into splits, files changed while the job runs
// (a data error, never a crash), the line size limit, and the bytes a split reads.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
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
#include "io/line_reader.hpp"
#include "io/text_splits.hpp"

namespace dataflow::io {
namespace {

namespace fs = std::filesystem;
using detail::FilePiece;
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

// The reference, Python's universal newlines (str.splitlines on '\n', '\r\n' and '\r'): each
// of them ends a line; a last line without one is a line; no extra empty line after a final
// terminator; an empty file has no lines.
std::vector<std::string> reference_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t end = s.find_first_of("\r\n", pos);
    if (end == std::string::npos) {
      out.push_back(s.substr(pos));
      break;
    }
    out.push_back(s.substr(pos, end - pos));
    pos = end + (s.compare(end, 2, "\r\n") == 0 ? 2 : 1);
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

// Plans one file as the driver does: its identity (size, inode, mtime) from stat.
std::vector<TextSplit> plan_one(const std::string& path, std::uint64_t size, std::uint64_t split_size) {
  auto files = expand_inputs({path});
  EXPECT_EQ(files.size(), 1u);
  EXPECT_EQ(files.at(0).identity.size, size) << path;
  return plan_splits(files, split_size);
}

std::vector<FilePiece> pieces_of(const std::vector<TextSplit>& splits) {
  std::vector<FilePiece> pieces;
  for (const auto& s : splits) pieces.insert(pieces.end(), s.pieces.begin(), s.pieces.end());
  return pieces;
}

// The pieces of one file tile [0, size) in order, none longer than split_size.
void expect_tiling(const std::vector<FilePiece>& pieces, const std::string& path, std::uint64_t size,
                   std::uint64_t split_size) {
  if (size == 0) {
    ASSERT_EQ(pieces.size(), 1u);
    EXPECT_EQ(pieces[0].start, 0u);
    EXPECT_EQ(pieces[0].end, 0u);
    EXPECT_EQ(pieces[0].file.size, 0u);
    return;
  }
  ASSERT_EQ(pieces.size(), (size + split_size - 1) / split_size);
  std::uint64_t at = 0;
  for (const auto& s : pieces) {
    EXPECT_EQ(s.path, path);
    EXPECT_EQ(s.file.size, size);
    EXPECT_EQ(s.start, at);
    EXPECT_GT(s.end, s.start);
    EXPECT_LE(s.end - s.start, split_size);
    at = s.end;
  }
  EXPECT_EQ(at, size);
}

// One file's splits: one piece each (a file's pieces are never packed together).
void expect_one_piece_each(const std::vector<TextSplit>& splits) {
  for (const auto& s : splits) EXPECT_EQ(s.pieces.size(), 1u);
}

// A random text: LF, CRLF and lone CR endings mixed, empty lines, long lines, NULs and stray
// '\r's (each a line end too); the end is a newline, a CRLF, a lone '\r' or nothing.
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
    switch (rng() % (last ? 7 : 5)) {
      case 0:
        s += "\r\n";
        break;
      case 1:
        s += "\r\r\n";
        break;  // a line ended by a lone '\r', then an empty one by "\r\n"
      case 4:
        s += "\r";
        break;  // a lone '\r' (an old Mac file)
      case 5:
        s += "\r";
        break;  // the last line ends in a lone '\r'
      case 6:
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
      expect_one_piece_each(splits);
      expect_tiling(pieces_of(splits), path, size, split_size);
      ASSERT_EQ(read_all(splits), expected);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 300u * 9u);
}

TEST(TextSplitsProperty, ManyFilesInOnePlan) {
  TempDir dir;
  std::mt19937_64 rng(99);
  std::vector<std::string> paths;
  std::vector<std::string> expected;
  for (int i = 0; i < 6; ++i) {
    std::string text = random_text(rng);
    if (i == 2) text.clear();
    std::string path = dir.file("part-" + std::to_string(i));
    write_file(path, text);
    paths.push_back(path);
    auto lines = reference_lines(text);
    expected.insert(expected.end(), lines.begin(), lines.end());
  }
  const std::vector<InputFile> files = expand_inputs(paths);
  ASSERT_EQ(files.size(), paths.size());
  for (std::uint64_t open_cost : {kOpenCostBytes, std::uint64_t{0}, std::uint64_t{7}}) {
    for (std::uint64_t split_size : {1, 5, 64, 100000}) {
      SCOPED_TRACE("split size " + std::to_string(split_size) + ", open cost " + std::to_string(open_cost));
      auto splits = plan_splits(files, split_size, 1, open_cost);
      // Per file, in file order.
      const auto pieces = pieces_of(splits);
      std::size_t at = 0;
      for (const auto& f : files) {
        std::vector<FilePiece> own;
        while (at < pieces.size() && pieces[at].path == f.path) own.push_back(pieces[at++]);
        expect_tiling(own, f.path, f.identity.size, split_size);
      }
      EXPECT_EQ(at, pieces.size());
      for (const auto& s : splits) EXPECT_FALSE(s.pieces.empty());
      EXPECT_EQ(read_all(splits), expected);
    }
  }
}

TEST(TextSplits, EmptyFileIsOneEmptySplitWithoutLines) {
  TempDir dir;
  const std::string path = dir.file("empty.txt");
  write_file(path, "");
  auto splits = plan_one(path, 0, 64);
  ASSERT_EQ(splits.size(), 1u);
  ASSERT_EQ(splits[0].pieces.size(), 1u);
  EXPECT_EQ(splits[0].pieces[0].path, path);
  EXPECT_EQ(splits[0].pieces[0].start, 0u);
  EXPECT_EQ(splits[0].pieces[0].end, 0u);
  EXPECT_EQ(splits[0].pieces[0].file.size, 0u);
  EXPECT_TRUE(read_split(splits[0]).empty());
}

TEST(TextSplits, SplitSizeZeroIsRejected) {
  EXPECT_THROW(plan_splits({InputFile{"x", {10}}}, 0), std::invalid_argument);
}

TEST(TextSplits, NoFilesNoSplits) { EXPECT_TRUE(plan_splits({}, 10).empty()); }

TEST(TextSplits, ExactSplitRanges) {
  auto splits = plan_splits({InputFile{"a", {10}}, InputFile{"b", {0}}, InputFile{"c", {4}}}, 4);
  ASSERT_EQ(splits.size(), 5u);
  auto expect = [&](std::size_t i, const char* path, std::uint64_t start, std::uint64_t end, std::uint64_t size) {
    ASSERT_EQ(splits[i].pieces.size(), 1u) << i;
    EXPECT_EQ(splits[i].pieces[0].path, path) << i;
    EXPECT_EQ(splits[i].pieces[0].start, start) << i;
    EXPECT_EQ(splits[i].pieces[0].end, end) << i;
    EXPECT_EQ(splits[i].pieces[0].file.size, size) << i;
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
      ADD_FAILURE() << "no error for split at " << s.pieces.at(0).start;
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

TEST(TextSplits, LoneCarriageReturnsEndLinesAsUniversalNewlines) {
  TempDir dir;
  const std::string path = dir.file("mac.txt");
  const std::string text = "a\rb\r\nc\nd\r\re\r";
  write_file(path, text);
  const std::vector<std::string> want{"a", "b", "c", "d", "", "e"};
  for (std::uint64_t split_size = 1; split_size <= text.size() + 1; ++split_size) {
    EXPECT_EQ(read_all(plan_one(path, text.size(), split_size)), want) << "split size " << split_size;
  }
}

// Lone-CR and mixed files of several read blocks (4 MiB): terminators across block ends,
// "\r" at a block's last byte with its "\n" in the next, and splits over all of them.
TEST(TextSplits, LoneAndMixedCarriageReturnsAcrossReadBlocks) {
  TempDir dir;
  for (const char* kind : {"cr", "mixed"}) {
    SCOPED_TRACE(kind);
    const std::string path = dir.file(std::string(kind) + ".txt");
    std::string text;
    std::mt19937_64 rng(777);
    const bool mixed = std::string(kind) == "mixed";
    while (text.size() < (std::size_t{9} << 20)) {
      text += std::string(rng() % 200, static_cast<char>('a' + rng() % 26));
      const auto pick = mixed ? rng() % 3 : 0;
      text += pick == 0 ? "\r" : pick == 1 ? "\r\n" : "\n";
    }
    text[(std::size_t{4} << 20) - 1] = '\r';  // a "\r\n" across the first block's end
    text[std::size_t{4} << 20] = '\n';
    write_file(path, text);
    const auto expected = reference_lines(text);
    ASSERT_GT(expected.size(), 40000u);
    for (std::uint64_t split_size :
         {std::uint64_t{1} << 20, (std::uint64_t{4} << 20) - 1, std::uint64_t{3333333}, std::uint64_t{64} << 20}) {
      EXPECT_EQ(read_all(plan_one(path, text.size(), split_size)), expected) << "split size " << split_size;
    }
  }
}

// ----- small files packed into splits (Spark's FilePartition) -------------------------------

std::vector<InputFile> fake_files(int n, std::uint64_t size) {
  std::vector<InputFile> files;
  for (int i = 0; i < n; ++i) files.push_back({"f" + std::to_string(100000 + i), {size}});
  return files;
}

TEST(TextSplitsPacking, SmallFilesShareASplitInFileOrder) {
  // Each file costs 300 + 1000 bytes; a split takes the next file while its cost so far plus
  // the file's bytes stay within 3000: three files a split.
  auto splits = plan_splits(fake_files(10, 300), 3000, 1, 1000);
  ASSERT_EQ(splits.size(), 4u);
  int at = 0;
  for (std::size_t i = 0; i < splits.size(); ++i) {
    ASSERT_EQ(splits[i].pieces.size(), i + 1 < splits.size() ? 3u : 1u) << i;
    for (const auto& p : splits[i].pieces) {
      EXPECT_EQ(p.path, "f" + std::to_string(100000 + at++));
      EXPECT_EQ(p.start, 0u);
      EXPECT_EQ(p.end, 300u);
    }
  }
}

TEST(TextSplitsPacking, TwentyThousandTinyFilesMakeFewSplits) {
  // 4 MiB open cost and 128 MiB splits: 32 files of 300 bytes a split, as in Spark.
  auto splits = plan_splits(fake_files(20000, 300), std::uint64_t{128} << 20);
  EXPECT_EQ(splits.size(), 625u);
  EXPECT_EQ(pieces_of(splits).size(), 20000u);
  for (const auto& s : splits) EXPECT_EQ(s.pieces.size(), 32u);
}

TEST(TextSplitsPacking, LargeFileRangesAreNotPackedTogether) {
  // a (10 bytes) in ranges of 4, then small b and c packed after a's last range.
  auto splits =
      plan_splits({InputFile{"a", {10}}, InputFile{"b", {1}}, InputFile{"c", {0}}, InputFile{"d", {4}}}, 4, 1, 0);
  ASSERT_EQ(splits.size(), 4u);
  auto piece = [&](std::size_t s, std::size_t i) { return splits[s].pieces.at(i); };
  EXPECT_EQ(splits[0].pieces.size(), 1u);
  EXPECT_EQ(piece(0, 0).end, 4u);
  EXPECT_EQ(splits[1].pieces.size(), 1u);
  EXPECT_EQ(piece(1, 0).end, 8u);
  ASSERT_EQ(splits[2].pieces.size(), 3u);  // a [8, 10), b, c: 3 bytes
  EXPECT_EQ(piece(2, 0).path, "a");
  EXPECT_EQ(piece(2, 0).start, 8u);
  EXPECT_EQ(piece(2, 1).path, "b");
  EXPECT_EQ(piece(2, 2).path, "c");
  ASSERT_EQ(splits[3].pieces.size(), 1u);  // d would make 7 bytes
  EXPECT_EQ(piece(3, 0).path, "d");
}

TEST(TextSplitsPacking, MinSplitsSpreadsASmallInput) {
  // Ten 1 MiB files in 128 MiB splits: one split alone; for four cores the limit is the total
  // cost over four (10 * 5 MiB / 4 = 12.5 MiB), three files a split.
  const auto files = fake_files(10, std::uint64_t{1} << 20);
  EXPECT_EQ(plan_splits(files, std::uint64_t{128} << 20).size(), 1u);
  auto splits = plan_splits(files, std::uint64_t{128} << 20, 4);
  ASSERT_EQ(splits.size(), 4u);
  EXPECT_EQ(splits[0].pieces.size(), 3u);
  EXPECT_EQ(splits[3].pieces.size(), 1u);
  // Never above the split size: 1000 tiny files for 4 cores, 32 files a split.
  EXPECT_EQ(plan_splits(fake_files(1000, 10), std::uint64_t{128} << 20, 4).size(), 32u);
  // A single file's ranges are as without min_splits.
  EXPECT_EQ(plan_splits(fake_files(1, std::uint64_t{1} << 30), std::uint64_t{128} << 20, 64).size(), 8u);
}

TEST(TextSplitsPacking, PackedSplitReadsItsFilesInOrder) {
  TempDir dir;
  std::vector<std::string> paths;
  std::vector<std::string> expected;
  for (int i = 0; i < 50; ++i) {
    const std::string text = "file " + std::to_string(i) + "\n" + (i % 3 == 0 ? "no newline" : "x\n");
    paths.push_back(dir.file("in-" + std::to_string(1000 + i)));
    write_file(paths.back(), text);
    auto lines = reference_lines(text);
    expected.insert(expected.end(), lines.begin(), lines.end());
  }
  auto splits = plan_splits(expand_inputs(paths), std::uint64_t{128} << 20);
  ASSERT_EQ(splits.size(), 2u);  // 32 + 18 files
  EXPECT_EQ(read_all(splits), expected);
}

// ----- files changed while the job runs (B11) ---------------------------------------------

Error read_error(const TextSplit& split) {
  try {
    auto lines = read_split(split);
    ADD_FAILURE() << "no error; read " << lines.size() << " lines";
  } catch (const Error& e) {
    return e;
  }
  return Error(ExitCode::kOk, "");
}

void expect_changed(const Error& e, const std::string& path) {
  EXPECT_EQ(e.code(), ExitCode::kDataError) << e.what();
  EXPECT_NE(std::string(e.what()).find("input " + path + " changed while the job ran"), std::string::npos) << e.what();
}

TEST(TextSplitsChanged, ReplacedBySameSizeFileIsADataError) {
  TempDir dir;
  const std::string path = dir.file("in.txt");
  write_file(path, "alpha beta\ngamma\n");
  auto splits = plan_one(path, 17, 5);
  // Another file of the same size renamed over it: the old answer must not silently change.
  const std::string other = dir.file("other.txt");
  write_file(other, "delta epsi\nzeta!\n");
  ASSERT_EQ(rename(other.c_str(), path.c_str()), 0);
  for (const auto& s : splits) expect_changed(read_error(s), path);
}

TEST(TextSplitsChanged, RewrittenInPlaceWithSameSizeIsADataError) {
  TempDir dir;
  const std::string path = dir.file("in.txt");
  write_file(path, "alpha beta\ngamma\n");
  auto splits = plan_one(path, 17, 100);
  write_file(path, "delta epsi\nzeta!\n");  // same inode, same size
  // The rewrite's mtime, made distinct from the planned one whatever the clock's granularity.
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  timespec times[2] = {st.st_atim, st.st_mtim};
  times[1].tv_sec += 1;
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  const Error e = read_error(splits.at(0));
  expect_changed(e, path);
  EXPECT_NE(std::string(e.what()).find("modified"), std::string::npos) << e.what();
}

TEST(TextSplitsChanged, AnotherDeviceNumberAloneIsNoChange) {
  // A network file system's device number is each node's own: an executor on another node
  // than the driver sees the same file under another number.
  TempDir dir;
  const std::string path = dir.file("in.txt");
  write_file(path, "alpha beta\ngamma\n");
  auto splits = plan_one(path, 17, 100);
  splits.at(0).pieces.at(0).file.device += 1;
  EXPECT_EQ(read_split(splits.at(0)), (std::vector<std::string>{"alpha beta", "gamma"}));
}

TEST(TextSplitsChanged, TruncatedWhileReadIsADataErrorNotACrash) {
  // The file is truncated after the first lines were read, while the split still has blocks
  // to read: a mapping of it would fault (SIGBUS); reads must end in a clean error.
  TempDir dir;
  const std::string path = dir.file("big.txt");
  std::string text;
  while (text.size() < (std::uint64_t{12} << 20)) text += "some words on a line of text\n";
  write_file(path, text);
  for (std::uint64_t split_size : {std::uint64_t{128} << 20, std::uint64_t{5} << 20}) {
    SCOPED_TRACE("split size " + std::to_string(split_size));
    write_file(path, text);
    auto splits = plan_one(path, text.size(), split_size);
    bool truncated = false;
    std::uint64_t lines = 0;
    auto push = [&](std::string_view) {
      if (!truncated) {
        ASSERT_EQ(truncate(path.c_str(), 100), 0);
        truncated = true;
      }
      ++lines;
    };
    try {
      detail::read_lines(splits.at(0), detail::Emit<std::string_view>(push));
      ADD_FAILURE() << "no error; read " << lines << " lines";
    } catch (const Error& e) {
      expect_changed(e, path);
    }
    EXPECT_TRUE(truncated);
  }
}

// ----- the line size limit (B6) -----------------------------------------------------------

TEST(TextSplitsLineLimit, LongerLineIsADataErrorNamingFileAndOffset) {
  TempDir dir;
  const std::string path = dir.file("long.txt");
  const std::string text = "short\n" + std::string(100, 'a') + "\r\n" + std::string(101, 'b') + "\nend\n";
  write_file(path, text);
  for (std::uint64_t split_size : {std::uint64_t{1}, std::uint64_t{7}, std::uint64_t{64}, std::uint64_t{1} << 20}) {
    SCOPED_TRACE("split size " + std::to_string(split_size));
    auto splits = plan_one(path, text.size(), split_size);
    std::vector<std::string> lines;
    auto push = [&lines](std::string_view line) { lines.emplace_back(line); };
    try {
      for (auto& s : splits) {
        s.max_line_size = 100;
        detail::read_lines(s, detail::Emit<std::string_view>(push));
      }
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kDataError);
      const std::string what = e.what();
      EXPECT_NE(what.find("input " + path), std::string::npos) << what;
      EXPECT_NE(what.find("line at byte offset 108 "), std::string::npos) << what;
      EXPECT_NE(what.find("100 bytes"), std::string::npos) << what;
    }
    // The lines before it, the one of exactly 100 bytes among them, were read.
    EXPECT_EQ(lines, (std::vector<std::string>{"short", std::string(100, 'a')}));
  }
}

TEST(TextSplitsLineLimit, LongLineWithoutNewlineIsADataError) {
  TempDir dir;
  const std::string path = dir.file("one-line.txt");
  write_file(path, std::string(std::uint64_t{20} << 20, 'z'));  // 20 MiB, no newline
  auto splits = plan_one(path, std::uint64_t{20} << 20, std::uint64_t{128} << 20);
  splits.at(0).max_line_size = std::uint64_t{1} << 20;
  auto ignore = [](std::string_view) {};
  try {
    io::read_split_lines(splits.at(0), detail::Emit<std::string_view>(ignore));
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kDataError);
    EXPECT_NE(std::string(e.what()).find("line at byte offset 0 "), std::string::npos) << e.what();
  }
}

TEST(TextSplitsLineLimit, LinesLongerThanTheReadBlockAreReadIntact) {
  TempDir dir;
  const std::string path = dir.file("long-lines.txt");
  std::string text = "first\n";
  text += std::string((std::uint64_t{9} << 20) + 3, 'L') + "\r\n";  // longer than two read blocks
  text += "middle\n";
  text += std::string((std::uint64_t{5} << 20) + 1, 'M');  // the last line, no newline
  write_file(path, text);
  const auto expected = reference_lines(text);
  for (std::uint64_t split_size : {std::uint64_t{1} << 20, std::uint64_t{3} << 20, std::uint64_t{128} << 20}) {
    auto splits = plan_one(path, text.size(), split_size);
    EXPECT_EQ(read_all(splits), expected) << "split size " << split_size;
  }
}

// ----- what a split reads ------------------------------------------------------------------

TEST(TextSplitsBytesRead, SplitWithoutALineStartReadsOnlyItsOwnBytes) {
  // One 8 MiB line in 64 KiB splits: every split after the first lies inside the line and
  // must stop at its own end, not scan to the end of the file for a newline.
  TempDir dir;
  const std::string path = dir.file("one-line.txt");
  const std::uint64_t size = std::uint64_t{8} << 20;
  write_file(path, std::string(size - 1, 'q') + "\n");
  const std::uint64_t split_size = std::uint64_t{64} << 10;
  auto splits = plan_one(path, size, split_size);
  ASSERT_EQ(splits.size(), size / split_size);
  std::uint64_t lines = 0;
  auto count = [&lines](std::string_view) { ++lines; };
  const ReadStats first = read_split_lines(splits[0], detail::Emit<std::string_view>(count));
  EXPECT_EQ(first.bytes_read, size);  // the first split reads the whole line
  std::uint64_t total = 0;
  for (std::size_t i = 1; i < splits.size(); ++i) {
    const FilePiece& p = splits[i].pieces.at(0);
    const ReadStats stats = read_split_lines(splits[i], detail::Emit<std::string_view>(count));
    EXPECT_EQ(stats.bytes_read, p.end - p.start) << "split " << i;
    total += stats.bytes_read;
  }
  EXPECT_EQ(lines, 1u);
  EXPECT_EQ(total, size - split_size);  // so the whole file costs two reads of it, not one per split
}

TEST(TextSplitsBytesRead, SplitReadsLittlePastItsEnd) {
  // Short lines: a split reads its own bytes, the byte before it and the rest of its last
  // line, in a small first read past its end, not a whole block.
  TempDir dir;
  const std::string path = dir.file("lines.txt");
  std::string text;
  while (text.size() < (std::uint64_t{16} << 20)) text += "a line of forty bytes, or near enough..\n";
  write_file(path, text);
  const std::uint64_t split_size = std::uint64_t{1} << 20;
  auto splits = plan_one(path, text.size(), split_size);
  auto ignore = [](std::string_view) {};
  for (std::size_t i = 0; i + 1 < splits.size(); ++i) {
    const FilePiece& p = splits[i].pieces.at(0);
    const ReadStats stats = read_split_lines(splits[i], detail::Emit<std::string_view>(ignore));
    EXPECT_GE(stats.bytes_read, p.end - p.start) << i;
    EXPECT_LE(stats.bytes_read, p.end - p.start + (std::uint64_t{64} << 10) + 1) << i;
  }
}

}  // namespace
}  // namespace dataflow::io
