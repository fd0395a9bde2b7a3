// The automatic executor memory budget: its formula, and the parsers of the files it reads.
#include "common/memory_budget.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>

namespace dataflow::common {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

MemoryFacts facts(std::uint64_t node, std::optional<std::uint64_t> slurm, std::optional<std::uint64_t> cgroup,
                  int executors) {
  MemoryFacts f;
  f.node_bytes = node;
  f.slurm_bytes = slurm;
  f.cgroup_bytes = cgroup;
  f.executors_on_node = executors;
  return f;
}

TEST(DefaultExecutorMemory, NodeMemoryLessTheReserve) {
  EXPECT_EQ(default_executor_memory(facts(64 * kGiB, std::nullopt, std::nullopt, 1)), 64 * kGiB - kProgramReserve);
}

TEST(DefaultExecutorMemory, SlurmGrantWinsWhenSmallest) {
  EXPECT_EQ(default_executor_memory(facts(64 * kGiB, 8 * kGiB, 16 * kGiB, 1)), 8 * kGiB - kProgramReserve);
}

TEST(DefaultExecutorMemory, CgroupLimitWinsWhenSmallest) {
  EXPECT_EQ(default_executor_memory(facts(64 * kGiB, 16 * kGiB, 4 * kGiB, 1)), 4 * kGiB - kProgramReserve);
}

TEST(DefaultExecutorMemory, NodeWinsWhenSmallest) {
  EXPECT_EQ(default_executor_memory(facts(2 * kGiB, 16 * kGiB, 4 * kGiB, 1)), 2 * kGiB - kProgramReserve);
}

TEST(DefaultExecutorMemory, SharedAmongTheExecutorsOnTheNode) {
  EXPECT_EQ(default_executor_memory(facts(64 * kGiB, std::nullopt, std::nullopt, 4)), 16 * kGiB - kProgramReserve);
  EXPECT_EQ(default_executor_memory(facts(64 * kGiB, 32 * kGiB, std::nullopt, 8)), 4 * kGiB - kProgramReserve);
}

TEST(DefaultExecutorMemory, SmallShareKeepsAQuarterAsReserve) {
  // 1 GiB is where the two reserves meet; below it a quarter of the share is kept.
  EXPECT_EQ(default_executor_memory(facts(1 * kGiB, std::nullopt, std::nullopt, 1)), 1 * kGiB - kProgramReserve);
  EXPECT_EQ(default_executor_memory(facts(512 * kMiB, std::nullopt, std::nullopt, 1)), 384 * kMiB);
  EXPECT_EQ(default_executor_memory(facts(4 * kGiB, std::nullopt, 2 * kGiB, 8)), 192 * kMiB);
}

TEST(DefaultExecutorMemory, NeverBelowTheFloor) {
  EXPECT_EQ(default_executor_memory(facts(16 * kMiB, std::nullopt, std::nullopt, 1)), kMinExecutorMemory);
  EXPECT_EQ(default_executor_memory(facts(64 * kGiB, std::nullopt, 0, 1)), kMinExecutorMemory);
  EXPECT_EQ(default_executor_memory(facts(1 * kGiB, std::nullopt, std::nullopt, 64)), kMinExecutorMemory);
}

TEST(DefaultExecutorMemory, NothingKnownAssumesTheFallbackNode) {
  EXPECT_EQ(default_executor_memory(facts(0, std::nullopt, std::nullopt, 1)), kUnknownNodeMemory - kProgramReserve);
  EXPECT_EQ(default_executor_memory(facts(0, std::nullopt, 2 * kGiB, 1)), 2 * kGiB - kProgramReserve);
  EXPECT_EQ(default_executor_memory(facts(0, std::nullopt, std::nullopt, 0)), kUnknownNodeMemory - kProgramReserve);
}

TEST(ParseMeminfoTotal, ReadsMemTotalInKilobytes) {
  const std::string text =
      "MemTotal:       16303916 kB\n"
      "MemFree:         1234567 kB\n"
      "MemAvailable:    9876543 kB\n";
  EXPECT_EQ(parse_meminfo_total(text), std::uint64_t{16303916} * 1024);
  EXPECT_EQ(parse_meminfo_total("MemFree: 1 kB\nMemTotal: 2048 kB"), std::uint64_t{2048} * 1024);
}

TEST(ParseMeminfoTotal, RejectsMissingOrMalformed) {
  EXPECT_EQ(parse_meminfo_total(""), std::nullopt);
  EXPECT_EQ(parse_meminfo_total("MemFree: 1 kB\n"), std::nullopt);
  EXPECT_EQ(parse_meminfo_total("MemTotal: lots\n"), std::nullopt);
  EXPECT_EQ(parse_meminfo_total("MemTotal: 12 MB\n"), std::nullopt);
  EXPECT_EQ(parse_meminfo_total("XMemTotal: 12 kB\n"), std::nullopt);
}

TEST(ParseCgroupLimit, MaxIsNoLimit) {
  EXPECT_EQ(parse_cgroup_limit("max\n"), std::nullopt);
  EXPECT_EQ(parse_cgroup_limit("max"), std::nullopt);
}

TEST(ParseCgroupLimit, ReadsBytes) {
  EXPECT_EQ(parse_cgroup_limit("8589934592\n"), 8 * kGiB);
  EXPECT_EQ(parse_cgroup_limit("0\n"), 0u);
}

TEST(ParseCgroupLimit, V1UnlimitedAndMalformedAreNoLimit) {
  EXPECT_EQ(parse_cgroup_limit("9223372036854771712\n"), std::nullopt);  // v1 "unlimited"
  EXPECT_EQ(parse_cgroup_limit("1152921504606846976"), std::nullopt);    // 2^60
  EXPECT_EQ(parse_cgroup_limit("99999999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_cgroup_limit(""), std::nullopt);
  EXPECT_EQ(parse_cgroup_limit("12abc"), std::nullopt);
}

TEST(ParseCgroupV2Path, FindsTheUnifiedLine) {
  EXPECT_EQ(parse_cgroup_v2_path("0::/user.slice/user-1000.slice/session-3.scope\n"),
            "/user.slice/user-1000.slice/session-3.scope");
  EXPECT_EQ(parse_cgroup_v2_path("12:memory:/slurm/uid_1/job_7\n0::/\n"), "/");
  EXPECT_EQ(parse_cgroup_v2_path("12:memory:/slurm/uid_1/job_7\n4:cpu,cpuacct:/x\n"), std::nullopt);
  EXPECT_EQ(parse_cgroup_v2_path(""), std::nullopt);
}

std::optional<std::uint64_t> slurm(const std::map<std::string, std::string>& vars, int executors) {
  return slurm_memory_per_node(
      [&](const char* name) -> const char* {
        const auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
      },
      executors);
}

TEST(SlurmMemoryPerNode, OutsideSlurmIsUnknown) { EXPECT_EQ(slurm({}, 2), std::nullopt); }

TEST(SlurmMemoryPerNode, MemPerNodeIsMiB) {
  EXPECT_EQ(slurm({{"SLURM_MEM_PER_NODE", "4000"}, {"SLURM_MEM_PER_CPU", "1"}}, 2), 4000 * kMiB);
  EXPECT_EQ(slurm({{"SLURM_MEM_PER_NODE", "0"}}, 2), std::nullopt);  // --mem=0: the whole node
  EXPECT_EQ(slurm({{"SLURM_MEM_PER_NODE", "4G"}}, 2), std::nullopt);
}

TEST(SlurmMemoryPerNode, MemPerCpuTimesCpusTimesTasks) {
  EXPECT_EQ(slurm({{"SLURM_MEM_PER_CPU", "1000"},
                   {"SLURM_CPUS_PER_TASK", "4"},
                   {"SLURM_NTASKS_PER_NODE", "2"},
                   {"SLURM_TASKS_PER_NODE", "7"}},
                  5),
            8000 * kMiB);
  EXPECT_EQ(slurm({{"SLURM_MEM_PER_CPU", "1000"}, {"SLURM_TASKS_PER_NODE", "3(x2),1"}}, 5), 3000 * kMiB);
  EXPECT_EQ(slurm({{"SLURM_MEM_PER_CPU", "1000"}, {"SLURM_CPUS_PER_TASK", "2"}}, 5), 10000 * kMiB);
}

TEST(ReadMemoryFacts, ReadsThisNode) {
  const MemoryFacts f = read_memory_facts(3);
  EXPECT_GT(f.node_bytes, 0u);  // Linux has /proc/meminfo
  EXPECT_EQ(f.executors_on_node, 3);
  EXPECT_GE(default_executor_memory(f), kMinExecutorMemory);
}

}  // namespace
}  // namespace dataflow::common
