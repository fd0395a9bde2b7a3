// OutputCommitter: DIR appears only at job commit, complete; a crash leaves no DIR; the
// private directories of dead jobs are removed by the next run, never a live job's, another
// user's or another host's.
#include "result/output_committer.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "dataflow/error.hpp"

namespace fs = std::filesystem;
using dataflow::result::OutputCommitter;

namespace {

class OutputCommitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/committer-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    base_ = pattern;
    dir_ = base_ + "/out";
  }
  void TearDown() override { fs::remove_all(base_); }

  // The entries of the base directory, hidden ones included.
  std::set<std::string> entries() const {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(base_)) names.insert(e.path().filename().string());
    return names;
  }

  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  static void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

  // A private directory for DIR as a job that wrote `owner` would have left it.
  std::string plant_leftover(const std::string& suffix, const std::string& owner) const {
    const std::string path = base_ + "/.out.dataflow-tmp-" + suffix;
    fs::create_directories(path + "/output/_temporary");
    write(path + "/output/_temporary/part-00000.attempt-0", "half a resu");
    write(path + "/owner", owner);
    return path;
  }

  std::string base_;
  std::string dir_;
};

std::string host() {
  char buf[HOST_NAME_MAX + 1] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string pid_namespace() {
  char buf[64] = {};
  const ssize_t n = readlink("/proc/self/ns/pid", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "-";
}

// A pid that no process has: a child that has ended and been reaped.
pid_t dead_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

std::string owner(long uid, const std::string& on_host, long pid, unsigned long long start) {
  return "uid=" + std::to_string(uid) + " host=" + on_host + " pid=" + std::to_string(pid) +
         " start=" + std::to_string(start) + " pidns=" + pid_namespace() + "\n";
}

// Runs c.setup() and returns what it printed on stderr (released even if setup() throws).
std::string setup_capturing_stderr(OutputCommitter& c) {
  ::testing::internal::CaptureStderr();
  try {
    c.setup();
  } catch (...) {
    ::testing::internal::GetCapturedStderr();
    throw;
  }
  return ::testing::internal::GetCapturedStderr();
}

std::string removed_line(const std::string& path, long pid) {
  return std::string(program_invocation_short_name) + ": removed the temporary output of a dead job: " + path +
         " (pid " + std::to_string(pid) + " on " + host() + ")\n";
}

TEST_F(OutputCommitterTest, DirAppearsOnlyAtJobCommitWithTheWinnersAndSuccess) {
  OutputCommitter c(dir_);
  c.setup();
  EXPECT_FALSE(fs::exists(dir_)) << "DIR must not exist before the job commits";
  const std::string a0 = c.attempt_file(0, 0);
  EXPECT_EQ(fs::path(a0).parent_path().parent_path().parent_path().filename().string().rfind(".out.dataflow-tmp-", 0),
            0u)
      << a0;
  write(a0, "a\t1\n");
  write(c.attempt_file(1, 0), "lost\t1\n");  // a failed attempt's leftover
  write(c.attempt_file(1, 1), "b\t2\n");
  c.commit_task(0, 0);
  c.commit_task(1, 1);
  EXPECT_FALSE(fs::exists(dir_));
  c.commit_job();
  EXPECT_EQ(entries(), (std::set<std::string>{"out"})) << "the private directory must be gone";
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"part-00000", "part-00001", "_SUCCESS"}));
  EXPECT_EQ(read(dir_ + "/part-00000"), "a\t1\n");
  EXPECT_EQ(read(dir_ + "/part-00001"), "b\t2\n");
  EXPECT_EQ(fs::file_size(dir_ + "/_SUCCESS"), 0u);
}

TEST_F(OutputCommitterTest, ExistingDirIsRefusedWith73AndLeftAlone) {
  fs::create_directories(dir_);
  write(dir_ + "/keep", "old");
  OutputCommitter c(dir_);
  try {
    c.setup();
    ADD_FAILURE() << "expected Error(kCantCreate)";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kCantCreate);
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  EXPECT_EQ(entries(), (std::set<std::string>{"out"}));
  EXPECT_EQ(read(dir_ + "/keep"), "old");
}

TEST_F(OutputCommitterTest, TrailingSlashAndMissingParentsWork) {
  OutputCommitter c(base_ + "/a/b/out/");
  c.setup();
  c.commit_job();
  EXPECT_TRUE(fs::exists(base_ + "/a/b/out/_SUCCESS"));
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(base_ + "/a/b")) names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"out"}));
}

TEST_F(OutputCommitterTest, AbortRemovesEverythingItCreated) {
  OutputCommitter c(dir_);
  c.setup();
  write(c.attempt_file(0, 0), "x\t1\n");
  c.commit_task(0, 0);
  c.abort();
  EXPECT_TRUE(entries().empty());
}

// A driver that dies during job commit (here: after renaming one part of two, without
// abort(), as SIGKILL would) leaves no DIR; the next run of the same output removes what it
// left, says so, and commits.
TEST_F(OutputCommitterTest, CrashMidCommitLeavesNoDirAndTheNextRunRemovesTheLeftover) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      OutputCommitter c(dir_);
      c.setup();
      write(c.attempt_file(0, 0), "a\t1\n");
      c.commit_task(0, 0);
      c.commit_task(1, 0);  // its file is missing: the commit fails between two renames
      c.commit_job();
      _exit(1);
    } catch (const dataflow::Error&) {
      _exit(3);  // died there: no abort()
    }
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3) << status;
  EXPECT_FALSE(fs::exists(dir_)) << "a crash during job commit must leave no DIR";
  const auto left = entries();
  ASSERT_EQ(left.size(), 1u);
  const std::string leftover = base_ + "/" + *left.begin();
  EXPECT_EQ(left.begin()->rfind(".out.dataflow-tmp-", 0), 0u);
  EXPECT_NE(read(leftover + "/owner").find(" pid=" + std::to_string(child) + " "), std::string::npos);

  OutputCommitter next(dir_);
  const std::string err = setup_capturing_stderr(next);
  EXPECT_EQ(err, removed_line(leftover, child));
  EXPECT_FALSE(fs::exists(leftover));
  next.commit_job();
  EXPECT_EQ(entries(), (std::set<std::string>{"out"}));
}

TEST_F(OutputCommitterTest, RemovesADeadJobsLeftoverAndOnlyThose) {
  const pid_t pid = dead_pid();
  const std::string dead = plant_leftover("AbC123", owner(getuid(), host(), pid, 12345));
  // Not for this DIR: another output's, and a name that only starts like ours.
  fs::create_directories(base_ + "/.other.dataflow-tmp-AbC123");
  write(base_ + "/.other.dataflow-tmp-AbC123/owner", owner(getuid(), host(), pid, 12345));
  fs::create_directories(base_ + "/.out.dataflow-tmp-AbC1234");
  write(base_ + "/.out.dataflow-tmp-AbC1234/owner", owner(getuid(), host(), pid, 12345));
  OutputCommitter c(dir_);
  EXPECT_EQ(setup_capturing_stderr(c), removed_line(dead, pid));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(base_ + "/.other.dataflow-tmp-AbC123"));
  EXPECT_TRUE(fs::exists(base_ + "/.out.dataflow-tmp-AbC1234"));
  c.abort();
}

TEST_F(OutputCommitterTest, ReusedPidCountsAsDead) {
  // Our own pid, but a start time that is not ours: the pid was reused.
  const std::string dead = plant_leftover("reused", owner(getuid(), host(), getpid(), 1));
  OutputCommitter c(dir_);
  EXPECT_EQ(setup_capturing_stderr(c), removed_line(dead, getpid()));
  EXPECT_FALSE(fs::exists(dead));
  c.abort();
}

TEST_F(OutputCommitterTest, KeepsALiveJobsPrivateDirectory) {
  OutputCommitter first(dir_);
  first.setup();  // this process: alive
  const auto before = entries();
  ASSERT_EQ(before.size(), 1u);
  OutputCommitter second(dir_);
  EXPECT_EQ(setup_capturing_stderr(second), "");
  const auto both = entries();
  EXPECT_EQ(both.size(), 2u);
  EXPECT_TRUE(both.count(*before.begin())) << "the live job's directory was removed";
  // Both run to the end: the first publishes DIR, the second may not replace it.
  first.commit_job();
  try {
    second.commit_job();
    ADD_FAILURE() << "expected Error(kCantCreate)";
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kCantCreate);
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  second.abort();
  EXPECT_EQ(entries(), (std::set<std::string>{"out"}));
  EXPECT_TRUE(fs::exists(dir_ + "/_SUCCESS"));
}

TEST_F(OutputCommitterTest, KeepsAnotherUsersLeftover) {
  const std::string other = plant_leftover("uid999", owner(getuid() + 1, host(), dead_pid(), 12345));
  OutputCommitter c(dir_);
  EXPECT_EQ(setup_capturing_stderr(c), "");
  EXPECT_TRUE(fs::exists(other + "/owner"));
  c.abort();
}

TEST_F(OutputCommitterTest, KeepsAnotherHostsLeftoverWithANote) {
  const std::string other = plant_leftover("remote", owner(getuid(), "elsewhere.invalid", dead_pid(), 12345));
  OutputCommitter c(dir_);
  const std::string err = setup_capturing_stderr(c);
  EXPECT_NE(err.find("note:"), std::string::npos) << err;
  EXPECT_NE(err.find(other), std::string::npos) << err;
  EXPECT_NE(err.find("elsewhere.invalid"), std::string::npos) << err;
  EXPECT_TRUE(fs::exists(other + "/owner"));
  c.abort();
}

TEST_F(OutputCommitterTest, KeepsALeftoverWithoutOwner) {
  // mkdtemp has run, the owner file not yet: a job starting this very moment.
  fs::create_directories(base_ + "/.out.dataflow-tmp-noownr");
  OutputCommitter c(dir_);
  EXPECT_EQ(setup_capturing_stderr(c), "");
  EXPECT_TRUE(fs::exists(base_ + "/.out.dataflow-tmp-noownr"));
  c.abort();
}

}  // namespace
