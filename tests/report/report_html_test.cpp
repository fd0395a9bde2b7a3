// render_html on a fixed event log: element counts and ids (not byte-exact goldens, so the
// styling can change), escaping, a cut last line, and no network reference.
#include "report/report.hpp"

#include <gtest/gtest.h>

#include <string>

#include "report/report_model.hpp"

namespace dataflow::report {
namespace {

std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

std::string task(int job, int stage, int partition, int attempt, int rank, int thread, long launch, long finish,
                 int run_ms, bool failed, const std::string& more = "") {
  const auto t = [](long n) { return std::to_string(n); };
  return R"({"Event":"DataflowTaskEnd","Job ID":)" + t(job) + R"(,"Stage ID":)" + t(stage) +
         R"(,"Task Type":"ShuffleMapTask","Task End Reason":)" +
         (failed ? R"({"Reason":"ExceptionFailure","Description":"boom <b>","Exit Code":70})"
                 : R"({"Reason":"Success"})") +
         R"(,"Task Info":{"Index":)" + t(partition) + R"(,"Attempt":)" + t(attempt) + R"(,"Partition ID":)" +
         t(partition) + R"(,"Launch Time":)" + t(launch) + R"(,"Executor ID":")" + t(rank) + R"(","Thread":)" +
         t(thread) + R"(,"Finish Time":)" + t(finish) + R"(,"Failed":)" + (failed ? "true" : "false") +
         R"(,"Killed":false},"Task Metrics":{"Executor Run Time":)" + t(run_ms) +
         R"(,"Executor CPU Time":1000000,"Peak Execution Memory":1048576,"Memory Bytes Spilled":0,)"
         R"("Disk Bytes Spilled":0,"Input Metrics":{"Bytes Read":1000,"Records Read":10},)"
         R"("Shuffle Write Metrics":{"Shuffle Bytes Written":500,"Shuffle Records Written":5})" +
         more + "}}\n";
}

std::string read_metrics(long bytes) {
  return R"(,"Shuffle Read Metrics":{"Remote Bytes Read":)" + std::to_string(bytes) +
         R"(,"Local Bytes Read":0,"Total Records Read":3})";
}

// Two jobs: job 1 with stages 0 -> 1 (a failed attempt in stage 0, a skewed task in stage
// 1), job 2 reading a reused shuffle; rank samples; no DataflowApplicationEnd (killed), and a
// cut last line. Argv and a stage name hold markup.
std::string fixture() {
  const long t0 = 1796595180000;
  std::string log =
      R"({"Event":"DataflowLogStart","Format Version":1,"Dataflow Version":"0.1.0"})"
      "\n"
      R"({"Event":"DataflowApplicationStart","App Name":"wordcount","App ID":"wordcount-20261206T221300Z-42",)"
      R"("Timestamp":1796595180000,"User":"alice","Argv":["wordcount","<script>alert(1)</script>"],"Ranks":3,)"
      R"("Executors":[{"Executor ID":"1","Host":"n01","Total Cores":2,"Executor Memory":4294967296,"Pid":43},)"
      R"({"Executor ID":"2","Host":"n02","Total Cores":2,"Executor Memory":4294967296,"Pid":44}],)"
      R"("Executor Cores":2,"Executor Memory":4294967296,"Driver Pid":42,"Settings":{"DATAFLOW_SPLIT_SIZE":"1M"}})"
      "\n"
      R"({"Event":"DataflowJobStart","Job ID":1,"Submission Time":1796595180100,"Action":"collect","Stage IDs":[0,1],)"
      R"("Stage Infos":[{"Stage ID":0,"Stage Name":"text_file(<script>alert(1)</script>.txt) -> map -> write shuffle #3",)"
      R"("Number of Tasks":3,"Parent IDs":[],"Nodes":[0,1]},{"Stage ID":1,"Stage Name":"reduce_by_key",)"
      R"("Number of Tasks":5,"Parent IDs":[0],"Nodes":[]}],"Reused Shuffles":[],"Plan":"== DAG ==\n#4 collect <x>"})"
      "\n"
      R"({"Event":"DataflowStageSubmitted","Job ID":1,"Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Number of Tasks":3,"Submission Time":1796595180110}})"
      "\n";
  log += task(1, 0, 0, 0, 1, 0, t0 + 120, t0 + 400, 270, false);
  log += task(1, 0, 1, 0, 2, 0, t0 + 120, t0 + 200, 70, true);
  log += task(1, 0, 1, 1, 2, 0, t0 + 210, t0 + 500, 280, false);
  log += task(1, 0, 2, 0, 1, 1, t0 + 130, t0 + 450, 300, false);
  log +=
      R"({"Event":"DataflowExchange","Job ID":1,"Shuffle ID":3,"Stage ID":0,"Start Time":1796595180500,"End Time":1796595180600,)"
      R"("Rounds":1,"Bytes Sent By Rank":[0,700,800],"Bytes Received By Rank":[0,750,750],"Exchange Time Us By Rank":[0,90,95]})"
      "\n"
      R"({"Event":"DataflowStageCompleted","Job ID":1,"Stage Info":{"Stage ID":0,"Number of Tasks":3,"Completed Tasks":3,)"
      R"("Failed Attempts":1,"Submission Time":1796595180110,"Completion Time":1796595180600,)"
      R"("Task Duration Ms":{"min":270,"p25":270,"p50":280,"p75":300,"max":300},)"
      R"("Shuffle Partition Bytes":{"count":5,"min":100,"p50":300,"max":600,"top":[[4,600],[0,300]]},)"
      R"("Skew":{"Duration Max/Median":1.07,"Bytes Max/Median":2.0,"Flagged":false,"Rule":"..."}}})"
      "\n"
      R"({"Event":"DataflowStageSubmitted","Job ID":1,"Stage Info":{"Stage ID":1,"Number of Tasks":5,"Submission Time":1796595180610}})"
      "\n";
  const int run[] = {400, 500, 500, 600, 6000};
  for (int p = 0; p < 5; ++p) {
    log += task(1, 1, p, 0, 1 + p % 2, p % 2, t0 + 620, t0 + 620 + run[p], run[p], false, read_metrics(300));
  }
  log +=
      R"({"Event":"DataflowStageCompleted","Job ID":1,"Stage Info":{"Stage ID":1,"Number of Tasks":5,"Completed Tasks":5,"Failed Attempts":0,"Submission Time":1796595180610,"Completion Time":1796595186630,"Task Duration Ms":null}})"
      "\n";
  for (int i = 0; i < 4; ++i) {
    for (const char* rank : {"0", "1", "2"}) {
      log += R"({"Event":"DataflowRankSample","Executor ID":")" + std::string(rank) + R"(","Timestamp":)" +
             std::to_string(t0 + 1000 * i) + R"(,"RSS":)" + std::to_string(100000000 + i * 1000000) +
             R"(,"Peak RSS":200000000,"CPU User Ms":)" + std::to_string(i * 900) +
             R"(,"CPU System Ms":10,"Pool Reserved":1048576,"Disk Bytes Spilled":0})" + "\n";
    }
  }
  log +=
      R"({"Event":"DataflowJobEnd","Job ID":1,"Completion Time":1796595186640,"Job Result":{"Result":"JobSucceeded"},"Accumulables":[{"Name":"bad <records>","Value":"0"}]})"
      "\n"
      R"({"Event":"DataflowJobStart","Job ID":2,"Submission Time":1796595186700,"Action":"count","Stage IDs":[2],)"
      R"("Stage Infos":[{"Stage ID":2,"Stage Name":"reduce_by_key -> count","Number of Tasks":1,"Parent IDs":[],"Nodes":[5]}],)"
      R"("Reused Shuffles":[3],"Plan":"== DAG ==\n#5 count"})"
      "\n"
      R"({"Event":"DataflowStageSubmitted","Job ID":2,"Stage Info":{"Stage ID":2,"Number of Tasks":1,"Submission Time":1796595186710}})"
      "\n";
  log += task(2, 2, 0, 0, 1, 0, t0 + 6720, t0 + 6800, 80, false, read_metrics(1500));
  log += R"({"Event":"DataflowTaskEnd","Job ID":2,"Stage ID":2,"Task Info":{"Index":0,"Att)";  // cut by SIGKILL
  return log;
}

TEST(ReportHtml, OneBarPerAttemptAndARowPerStage) {
  const std::string html = render_html(fixture());
  EXPECT_EQ(count(html, "<rect class=\"task"), 10u);  // 4 + 5 + 1 TaskEnds; the cut one skipped
  EXPECT_EQ(count(html, "<rect class=\"task failed\""), 1u);
  EXPECT_EQ(count(html, "<tr class=\"stage-row"), 3u);
  EXPECT_EQ(count(html, "<tr class=\"skew-row"), 3u);
  EXPECT_EQ(count(html, "<tr class=\"skew-row flagged\""), 1u);  // stage 1: 6 s against a 500 ms median
  EXPECT_EQ(count(html, "<tr class=\"job-row"), 2u);
  EXPECT_EQ(count(html, "<rect class=\"exchange\""), 1u);
  EXPECT_EQ(count(html, "<svg class=\"dag\""), 2u);
  EXPECT_EQ(count(html, "<g class=\"stage\""), 3u);
  EXPECT_EQ(count(html, "<g class=\"stage skipped\""), 1u);  // job 2's reused shuffle
  EXPECT_EQ(count(html, "<path class=\"edge\""), 1u);
  EXPECT_EQ(count(html, "<svg class=\"spark\""), 12u);  // 3 ranks x 4 series
  EXPECT_EQ(count(html, "<pre class=\"plan\""), 2u);
}

TEST(ReportHtml, SectionsHaveIds) {
  const std::string html = render_html(fixture());
  for (const char* id : {"summary", "dags", "dag-job-1", "dag-job-2", "timeline", "stages", "skew", "ranks", "plans"}) {
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
}

TEST(ReportHtml, ToleratesACutLastLineAndAMissingEnd) {
  const std::string html = render_html(fixture());
  EXPECT_NE(html.find("still running or killed"), std::string::npos);
  const ReportModel m = read_event_log(fixture());
  EXPECT_EQ(m.skipped_lines, 1u);
  EXPECT_EQ(m.tasks.size(), 10u);
  EXPECT_FALSE(m.app.exit_code.has_value());
  EXPECT_EQ(m.app.executors.size(), 2u);
}

TEST(ReportHtml, EscapesEverythingFromTheLog) {
  const std::string html = render_html(fixture());
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<records>"), std::string::npos);
  EXPECT_EQ(html.find("<x>"), std::string::npos);
  EXPECT_GE(count(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), 3u);  // argv, the DAG, the stage table
  EXPECT_EQ(count(html, "<script>"), 1u);                               // the page's own sorting script
}

TEST(ReportHtml, NamesNoNetworkResource) {
  std::string log = fixture();
  log += "\n{\"Event\":\"DataflowApplicationEnd\",\"Timestamp\":1796595187000,\"ExitCode\":0}\n";
  const std::string html = render_html(log + R"({"Event":"DataflowJobStart","Job ID":9,"Action":"https://x.org/a"})");
  EXPECT_EQ(html.find("http:"), std::string::npos);
  EXPECT_EQ(html.find("https:"), std::string::npos);
  EXPECT_EQ(html.find("//www."), std::string::npos);
}

TEST(ReportHtml, RendersWhatALogWithoutStartHas) {
  for (const std::string& log :
       {std::string(), std::string("not json\n[1,2]\n{\"no event\":1}\n"), task(1, 0, 0, 0, 1, 0, 10, 20, 10, false)}) {
    const std::string html = render_html(log);
    EXPECT_NE(html.find("id=\"summary\""), std::string::npos);
    EXPECT_NE(html.find("</html>"), std::string::npos);
  }
}

TEST(ReportHtml, ExecutorsAsACount) {
  const ReportModel m = read_event_log(
      R"({"Event":"DataflowApplicationStart","App Name":"etl","Timestamp":5,"Argv":["etl"],"Ranks":3,"Executors":2})");
  EXPECT_EQ(m.app.executor_count, 2);
  EXPECT_TRUE(m.app.executors.empty());
  EXPECT_NE(render_html(R"({"Event":"DataflowApplicationStart","Executors":2})").find("id=\"ranks\""),
            std::string::npos);
}

}  // namespace
}  // namespace dataflow::report
