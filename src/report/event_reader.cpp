// read_event_log: the event log's JSON lines into a ReportModel, one line at a time.
#include "report/report_model.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "report/json_fields.hpp"

namespace dataflow::report {
namespace {

using rapidjson::Value;

class Reader {
 public:
  // Reads one event; an event of a kind this version does not know is ignored.
  void event(const Value& e) {
    using Handler = void (Reader::*)(const Value&);
    static constexpr std::pair<std::string_view, Handler> kHandlers[] = {
        {"DataflowLogStart", &Reader::log_start}, {"DataflowApplicationStart", &Reader::application_start},
        {"DataflowJobStart", &Reader::job_start}, {"DataflowStageSubmitted", &Reader::stage_submitted},
        {"DataflowTaskEnd", &Reader::task_end},   {"DataflowStageCompleted", &Reader::stage_completed},
        {"DataflowExchange", &Reader::exchange},  {"DataflowRankSample", &Reader::rank_sample},
        {"DataflowJobEnd", &Reader::job_end},     {"DataflowApplicationEnd", &Reader::application_end},
    };
    const std::string_view kind = str(e, "Event");
    for (const auto& [name, handler] : kHandlers) {
      if (name == kind) return (this->*handler)(e);
    }
  }

  ReportModel take() { return std::move(m_); }
  void skip() { ++m_.skipped_lines; }

 private:
  void log_start(const Value& e) {
    if (m_.app.version.empty()) m_.app.version = str(e, "Dataflow Version");
  }

  void application_end(const Value& e) {
    m_.app.end_ms = i64(e, "Timestamp");
    if (const Value* c = field(e, "ExitCode"); c && c->IsInt64()) m_.app.exit_code = c->GetInt64();
  }

  void application_start(const Value& e) {
    Application& a = m_.app;
    if (a.start_ms >= 0) return;  // concatenated logs: the summary is the first run's
    a.name = str(e, "App Name");
    a.app_id = str(e, "App ID");
    a.user = str(e, "User");
    a.start_ms = i64(e, "Timestamp");
    a.ranks = i64(e, "Ranks");
    a.executor_cores = i64(e, "Executor Cores");
    a.executor_memory = i64(e, "Executor Memory");
    a.driver_pid = i64(e, "Driver Pid");
    for (const Value& v : array(e, "Argv")) a.argv.emplace_back(text(v));
    if (const Value* s = field(e, "Settings"); s && s->IsObject()) {
      for (const auto& kv : s->GetObject()) a.settings.emplace_back(text(kv.name), text(kv.value));
    }
    if (const Value* x = field(e, "Executors"); x && x->IsArray()) {
      for (const Value& v : x->GetArray()) {
        a.executors.push_back({std::string(str(v, "Executor ID")), std::string(str(v, "Host")), i64(v, "Total Cores"),
                               i64(v, "Executor Memory"), i64(v, "Pid")});
      }
      a.executor_count = static_cast<std::int64_t>(a.executors.size());
    } else {
      a.executor_count = i64(e, "Executors");
    }
  }

  void job_start(const Value& e) {
    Job j;
    j.id = i64(e, "Job ID", 0);
    j.action = str(e, "Action");
    j.plan = str(e, "Plan");
    j.submitted_ms = i64(e, "Submission Time");
    for (const Value& v : array(e, "Reused Shuffles")) j.reused_shuffles.push_back(v.IsInt64() ? v.GetInt64() : -1);
    for (const Value& v : array(e, "Stage Infos")) {
      Stage s;
      s.id = static_cast<std::uint32_t>(u64(v, "Stage ID"));
      s.name = str(v, "Stage Name");
      s.tasks = static_cast<std::uint32_t>(u64(v, "Number of Tasks"));
      for (const Value& p : array(v, "Parent IDs")) {
        if (p.IsUint()) s.parents.push_back(p.GetUint());
      }
      j.stages.push_back(std::move(s));
    }
    job_index_[j.id] = m_.jobs.size();
    m_.jobs.push_back(std::move(j));
  }

  // The job an event names by "Job ID": the latest started with that id (logs concatenated
  // from several runs repeat ids), else the latest job.
  std::optional<std::size_t> job_of(const Value& e) const {
    if (const auto it = job_index_.find(i64(e, "Job ID")); it != job_index_.end()) return it->second;
    if (m_.jobs.empty()) return std::nullopt;
    return m_.jobs.size() - 1;
  }

  Stage* stage_of(const Value& e, const Value& info) {
    const auto j = job_of(e);
    if (!j) return nullptr;
    Job& job = m_.jobs[*j];
    const auto id = static_cast<std::uint32_t>(u64(info, "Stage ID"));
    if (Stage* s = job.stage(id)) return s;
    Stage s;
    s.id = id;
    job.stages.push_back(std::move(s));
    return &job.stages.back();
  }

  void stage_submitted(const Value& e) {
    const Value* info = field(e, "Stage Info");
    Stage* s = info ? stage_of(e, *info) : nullptr;
    if (!s) return;
    s->submitted_ms = i64(*info, "Submission Time");
    if (const std::int64_t n = i64(*info, "Number of Tasks"); n >= 0) s->tasks = static_cast<std::uint32_t>(n);
  }

  void stage_completed(const Value& e) {
    const Value* info = field(e, "Stage Info");
    Stage* s = info ? stage_of(e, *info) : nullptr;
    if (!s) return;
    if (s->submitted_ms < 0) s->submitted_ms = i64(*info, "Submission Time");
    s->completed_ms = i64(*info, "Completion Time");
    s->completed_tasks = i64(*info, "Completed Tasks");
    s->failed_attempts = i64(*info, "Failed Attempts");
    if (const Value* q = field(*info, "Task Duration Ms"); q && q->IsObject()) {
      s->durations =
          Quantiles{i64(*q, "min", 0), i64(*q, "p25", 0), i64(*q, "p50", 0), i64(*q, "p75", 0), i64(*q, "max", 0)};
    }
    if (const Value* b = field(*info, "Shuffle Partition Bytes"); b && b->IsObject()) {
      s->partition_bytes = partition_bytes(*b);
    }
    if (const Value* k = field(*info, "Skew"); k && k->IsObject()) {
      s->skew = LoggedSkew{dbl(*k, "Duration Max/Median", "duration max/median"),
                           dbl(*k, "Bytes Max/Median", "bytes max/median"), flag(*k)};
    }
  }

  static PartitionBytes partition_bytes(const Value& b) {
    PartitionBytes p{u64(b, "count"), u64(b, "min"), u64(b, "p50"), u64(b, "max"), {}};
    for (const Value& t : array(b, "top")) {
      if (!t.IsArray() || t.Size() < 2 || !t[0].IsUint64() || !t[1].IsUint64()) continue;
      p.top.push_back({t[0].GetUint64(), t[1].GetUint64(), t.Size() > 2 ? text(t[2]) : std::string()});
    }
    return p;
  }

  static bool flag(const Value& k) {
    for (const char* name : {"Flagged", "flagged"}) {
      if (const Value* f = field(k, name); f && f->IsBool()) return f->GetBool();
    }
    return false;
  }

  void task_end(const Value& e) {
    const auto j = job_of(e);
    const Value* info = field(e, "Task Info");
    if (!j || !info) return;
    TaskAttempt t;
    t.job = *j;
    t.stage = static_cast<std::uint32_t>(u64(e, "Stage ID"));
    t.partition = static_cast<std::uint32_t>(u64(*info, "Partition ID"));
    t.attempt = static_cast<std::uint32_t>(u64(*info, "Attempt"));
    t.rank = rank_number(str(*info, "Executor ID"));
    t.thread = static_cast<int>(i64(*info, "Thread"));
    t.launch_ms = i64(*info, "Launch Time", 0);
    t.finish_ms = i64(*info, "Finish Time", t.launch_ms);
    const Value* failed = field(*info, "Failed");
    t.failed = failed && failed->IsBool() && failed->GetBool();
    if (const Value* r = field(e, "Task End Reason"); t.failed && r) t.error = str(*r, "Description");
    if (const Value* m = field(e, "Task Metrics")) metrics(*m, t);
    m_.tasks.push_back(std::move(t));
  }

  static void metrics(const Value& m, TaskAttempt& t) {
    t.run_ms = i64(m, "Executor Run Time", 0);
    t.cpu_ns = u64(m, "Executor CPU Time");
    t.peak_memory = u64(m, "Peak Execution Memory");
    t.memory_spilled = u64(m, "Memory Bytes Spilled");
    t.disk_spilled = u64(m, "Disk Bytes Spilled");
    if (const Value* in = field(m, "Input Metrics")) {
      t.input_bytes = u64(*in, "Bytes Read");
      t.input_records = u64(*in, "Records Read");
    }
    if (const Value* w = field(m, "Shuffle Write Metrics")) {
      t.shuffle_write_bytes = u64(*w, "Shuffle Bytes Written");
      t.shuffle_write_records = u64(*w, "Shuffle Records Written");
    }
    if (const Value* r = field(m, "Shuffle Read Metrics"); r && r->IsObject()) {
      t.has_shuffle_read = true;
      // Spark's split into remote and local blocks when logged, else the total.
      t.shuffle_read_bytes = field(*r, "Remote Bytes Read") || field(*r, "Local Bytes Read")
                                 ? u64(*r, "Remote Bytes Read") + u64(*r, "Local Bytes Read")
                                 : u64(*r, "Total Bytes Read");
      t.shuffle_read_records = u64(*r, "Total Records Read");
    }
  }

  static int rank_number(std::string_view id) {
    int r = -1;
    std::from_chars(id.data(), id.data() + id.size(), r);
    return r;
  }

  void exchange(const Value& e) {
    const auto j = job_of(e);
    if (!j) return;
    const Value* broadcast = field(e, "Broadcast");
    Exchange x{*j,
               i64(e, "Shuffle ID"),
               i64(e, "Stage ID"),
               i64(e, "Start Time", 0),
               i64(e, "End Time", 0),
               i64(e, "Rounds", 0),
               0,
               0,
               broadcast && broadcast->IsBool() && broadcast->GetBool()};
    for (const Value& b : array(e, "Bytes Sent By Rank")) x.bytes_sent += b.IsUint64() ? b.GetUint64() : 0;
    for (const Value& b : array(e, "Bytes Received By Rank")) x.bytes_received += b.IsUint64() ? b.GetUint64() : 0;
    m_.exchanges.push_back(x);
  }

  void rank_sample(const Value& e) {
    const std::string_view id = str(e, "Executor ID");
    auto it = std::find_if(m_.ranks.begin(), m_.ranks.end(), [&](const RankSeries& r) { return r.executor == id; });
    if (it == m_.ranks.end()) it = m_.ranks.insert(m_.ranks.end(), RankSeries{std::string(id), {}});
    it->samples.push_back({i64(e, "Timestamp", 0), u64(e, "RSS"), u64(e, "Peak RSS"),
                           u64(e, "CPU User Ms") + u64(e, "CPU System Ms"), u64(e, "Pool Reserved"),
                           u64(e, "Disk Bytes Spilled")});
  }

  void job_end(const Value& e) {
    const auto it = job_index_.find(i64(e, "Job ID"));
    if (it == job_index_.end()) return;
    Job& j = m_.jobs[it->second];
    j.completed_ms = i64(e, "Completion Time");
    if (const Value* r = field(e, "Job Result")) {
      const bool ok = str(*r, "Result") == "JobSucceeded";
      j.result = ok ? Job::Result::kSucceeded : Job::Result::kFailed;
      if (!ok) j.error = str(*r, "Exception");
    }
    for (const Value& a : array(e, "Accumulables")) {
      j.accumulables.push_back({std::string(str(a, "Name")), text(field(a, "Value"))});
    }
  }

  ReportModel m_;
  std::map<std::int64_t, std::size_t> job_index_;
};

}  // namespace

ReportModel read_event_log(std::string_view log_text) {
  Reader reader;
  char buffer[16384];  // most events parse without touching the heap
  while (!log_text.empty()) {
    const std::size_t eol = log_text.find('\n');
    const std::string_view line = log_text.substr(0, eol);
    log_text.remove_prefix(eol == std::string_view::npos ? log_text.size() : eol + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    rapidjson::MemoryPoolAllocator<> pool(buffer, sizeof buffer);
    rapidjson::Document doc(&pool);
    doc.Parse(line.data(), line.size());
    if (doc.HasParseError() || !doc.IsObject() || !field(doc, "Event")) {
      reader.skip();
      continue;
    }
    reader.event(doc);
  }
  ReportModel m = reader.take();
  std::stable_sort(m.tasks.begin(), m.tasks.end(), [](const TaskAttempt& a, const TaskAttempt& b) {
    return std::pair(a.job, a.stage) < std::pair(b.job, b.stage);
  });
  return m;
}

}  // namespace dataflow::report
