// The automatic executor memory budget (Config::executor_memory = 0): what the node, Slurm's
// grant and the cgroup allow, shared among the executors on the node.
//
//   total   = min(node's MemTotal, Slurm's grant per node, cgroup memory limit)
//             (an unknown cap is left out; all unknown: 4 GiB)
//   share   = total / executors_on_node
//   reserve = min(256 MiB, share / 4)      the program itself: code, MPI, the heap's slack
//   budget  = max(share - reserve, 32 MiB)
//
// Reading (read_memory_facts) is separate from the arithmetic (default_executor_memory) and
// the parsers take text, so that each can be tested without a node to match.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace dataflow::common {

// What a node offers one process's executors. Caps that are not known are nullopt.
struct MemoryFacts {
  std::uint64_t node_bytes = 0;               // MemTotal of /proc/meminfo; 0 = unknown
  std::optional<std::uint64_t> slurm_bytes;   // Slurm's grant for this node (all its tasks)
  std::optional<std::uint64_t> cgroup_bytes;  // the process's cgroup memory limit
  int executors_on_node = 1;
};

// The reserve left per executor for the program itself, at most (see the formula above).
inline constexpr std::uint64_t kProgramReserve = std::uint64_t{256} << 20;
// No automatic budget is smaller than this.
inline constexpr std::uint64_t kMinExecutorMemory = std::uint64_t{32} << 20;
// The total assumed when no cap at all is known.
inline constexpr std::uint64_t kUnknownNodeMemory = std::uint64_t{4} << 30;

// The facts of this process's node: /proc/meminfo, SLURM_* variables, /proc/self/cgroup and
// the cgroup files it names. Never throws; what cannot be read is unknown.
MemoryFacts read_memory_facts(int executors_on_node);

// The budget of one executor by the formula above. Pure.
std::uint64_t default_executor_memory(const MemoryFacts& facts);

// MemTotal of /proc/meminfo's text, in bytes; nullopt when absent or malformed.
std::optional<std::uint64_t> parse_meminfo_total(std::string_view meminfo);

// The limit in a cgroup v2 memory.max or v1 memory.limit_in_bytes file, in bytes; nullopt for
// "max" (no limit), for v1's "unlimited" values (2^60 or more) and for malformed text.
std::optional<std::uint64_t> parse_cgroup_limit(std::string_view text);

// The cgroup v2 path ("/a/b") in /proc/self/cgroup's text (its "0::/a/b" line); nullopt
// when there is none (cgroup v1 only).
std::optional<std::string> parse_cgroup_v2_path(std::string_view proc_self_cgroup);

// Slurm's memory grant for this node from its variables, looked up with `env` (as getenv):
// SLURM_MEM_PER_NODE (MiB), else SLURM_MEM_PER_CPU (MiB) x SLURM_CPUS_PER_TASK (default 1) x
// the tasks on this node (SLURM_NTASKS_PER_NODE, else the first number of
// SLURM_TASKS_PER_NODE, else `executors_on_node`). nullopt outside Slurm, or for 0 (--mem=0:
// the whole node) and malformed values.
std::optional<std::uint64_t> slurm_memory_per_node(const std::function<const char*(const char*)>& env,
                                                   int executors_on_node);

}  // namespace dataflow::common
