// The automatic executor memory budget: reading the node's caps and sharing them out.
#include "common/memory_budget.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>

namespace dataflow::common {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
// cgroup v1 writes "no limit" as a huge number (PAGE_COUNTER_MAX pages, about 2^63).
constexpr std::uint64_t kAbsurdLimit = std::uint64_t{1} << 60;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The whole number at the start of `s` (advanced past it); nullopt when there is none or it
// overflows.
std::optional<std::uint64_t> leading_number(std::string_view& s) {
  std::size_t i = 0;
  std::uint64_t value = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const auto digit = static_cast<std::uint64_t>(s[i] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (i == 0) return std::nullopt;
  s.remove_prefix(i);
  return value;
}

// A variable that must hold only a whole number.
std::optional<std::uint64_t> number_var(const std::function<const char*(const char*)>& env, const char* name) {
  const char* v = env(name);
  if (!v) return std::nullopt;
  std::string_view text = trim(v);
  auto n = leading_number(text);
  if (!n || !text.empty()) return std::nullopt;
  return n;
}

std::optional<std::uint64_t> times(std::optional<std::uint64_t> a, std::uint64_t b) {
  if (!a || (b != 0 && *a > std::numeric_limits<std::uint64_t>::max() / b)) return std::nullopt;
  return *a * b;
}

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  // /proc and /sys files report size 0: read until the end rather than by size.
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return std::nullopt;
  return text;
}

void take_min(std::optional<std::uint64_t>& limit, std::optional<std::uint64_t> other) {
  if (other && (!limit || *other < *limit)) limit = other;
}

// The smallest memory.max of the process's cgroup v2 and its ancestors (a limit set on the
// job's cgroup binds the step's cgroups below it).
std::optional<std::uint64_t> cgroup_v2_limit(const std::string& proc_self_cgroup) {
  const auto path = parse_cgroup_v2_path(proc_self_cgroup);
  if (!path) return std::nullopt;
  std::optional<std::uint64_t> limit;
  std::string dir = *path;
  for (;;) {
    while (!dir.empty() && dir.back() == '/') dir.pop_back();
    if (const auto text = read_text("/sys/fs/cgroup" + dir + "/memory.max")) take_min(limit, parse_cgroup_limit(*text));
    if (dir.empty()) break;
    dir.erase(dir.rfind('/'));  // the path starts with '/'
  }
  return limit;
}

// cgroup v1: the memory controller's limit at its root mount (as a container sees its own)
// and at the process's own memory cgroup.
std::optional<std::uint64_t> cgroup_v1_limit(const std::string& proc_self_cgroup) {
  std::optional<std::uint64_t> limit;
  if (const auto text = read_text("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
    take_min(limit, parse_cgroup_limit(*text));
  }
  std::string_view rest = proc_self_cgroup;
  while (!rest.empty()) {
    const auto eol = rest.find('\n');
    const std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    const auto first = line.find(':');
    const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    const std::string controllers = "," + std::string(line.substr(first + 1, second - first - 1)) + ",";
    if (controllers.find(",memory,") == std::string::npos) continue;
    const std::string path(trim(line.substr(second + 1)));
    if (path.empty() || path == "/") continue;
    if (const auto text = read_text("/sys/fs/cgroup/memory" + path + "/memory.limit_in_bytes")) {
      take_min(limit, parse_cgroup_limit(*text));
    }
  }
  return limit;
}

}  // namespace

std::optional<std::uint64_t> parse_meminfo_total(std::string_view meminfo) {
  constexpr std::string_view kKey = "MemTotal:";
  std::size_t at = 0;
  while (at < meminfo.size() && meminfo.compare(at, kKey.size(), kKey) != 0) {
    at = meminfo.find('\n', at);
    if (at == std::string_view::npos) return std::nullopt;
    ++at;
  }
  if (at >= meminfo.size()) return std::nullopt;
  std::string_view line = meminfo.substr(at + kKey.size());
  line = line.substr(0, line.find('\n'));
  while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
  const auto n = leading_number(line);
  if (!n) return std::nullopt;
  const std::string_view unit = trim(line);
  if (unit.empty()) return n;
  if (unit == "kB") return times(n, 1024);
  return std::nullopt;
}

std::optional<std::uint64_t> parse_cgroup_limit(std::string_view text) {
  text = trim(text);
  if (text == "max") return std::nullopt;
  const auto n = leading_number(text);
  if (!n || !text.empty() || *n >= kAbsurdLimit) return std::nullopt;
  return n;
}

std::optional<std::string> parse_cgroup_v2_path(std::string_view proc_self_cgroup) {
  std::string_view rest = proc_self_cgroup;
  while (!rest.empty()) {
    const auto eol = rest.find('\n');
    const std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    if (line.substr(0, 3) == "0::") {
      const std::string_view path = trim(line.substr(3));
      if (!path.empty() && path.front() == '/') return std::string(path);
    }
  }
  return std::nullopt;
}

std::optional<std::uint64_t> slurm_memory_per_node(const std::function<const char*(const char*)>& env,
                                                   int executors_on_node) {
  if (const auto per_node = number_var(env, "SLURM_MEM_PER_NODE")) {
    if (*per_node == 0) return std::nullopt;
    return times(per_node, kMiB);
  }
  const auto per_cpu = number_var(env, "SLURM_MEM_PER_CPU");
  if (!per_cpu || *per_cpu == 0) return std::nullopt;
  std::uint64_t cpus = number_var(env, "SLURM_CPUS_PER_TASK").value_or(1);
  if (cpus == 0) cpus = 1;
  std::optional<std::uint64_t> tasks = number_var(env, "SLURM_NTASKS_PER_NODE");
  if (!tasks) {
    if (const char* v = env("SLURM_TASKS_PER_NODE")) {  // "2(x3),1": the first node's count
      std::string_view text = v;
      tasks = leading_number(text);
    }
  }
  if (!tasks || *tasks == 0) tasks = static_cast<std::uint64_t>(std::max(1, executors_on_node));
  return times(times(times(per_cpu, kMiB), cpus), *tasks);
}

MemoryFacts read_memory_facts(int executors_on_node) {
  MemoryFacts facts;
  facts.executors_on_node = std::max(1, executors_on_node);
  if (const auto meminfo = read_text("/proc/meminfo")) facts.node_bytes = parse_meminfo_total(*meminfo).value_or(0);
  facts.slurm_bytes = slurm_memory_per_node([](const char* name) { return std::getenv(name); }, executors_on_node);
  const std::string proc_self_cgroup = read_text("/proc/self/cgroup").value_or("");
  facts.cgroup_bytes = cgroup_v2_limit(proc_self_cgroup);
  take_min(facts.cgroup_bytes, cgroup_v1_limit(proc_self_cgroup));
  return facts;
}

std::uint64_t default_executor_memory(const MemoryFacts& facts) {
  std::optional<std::uint64_t> total;
  if (facts.node_bytes > 0) total = facts.node_bytes;
  take_min(total, facts.slurm_bytes);
  take_min(total, facts.cgroup_bytes);
  const std::uint64_t share =
      total.value_or(kUnknownNodeMemory) / static_cast<std::uint64_t>(std::max(1, facts.executors_on_node));
  const std::uint64_t reserve = std::min(kProgramReserve, share / 4);
  return std::max(share - reserve, kMinExecutorMemory);
}

}  // namespace dataflow::common
