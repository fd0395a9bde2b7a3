#!/usr/bin/env python3
"""End-to-end checks of the event log (--event-log DIR, DATAFLOW_EVENT_LOG).

Usage:
  check_event_log.py --wordcount PATH [--etl PATH] [--pagerank PATH] [--np N] [--mpirun MPIRUN] [--timeout S] [-v] [CASE ...]

--np 0 runs the app alone (local mode), N >= 1 under mpirun. Inputs are generated here
(seeded). Every case that writes a log checks the log itself: DIR holds exactly one
APP-ID.jsonl and no .inprogress file; every line is a JSON object with an "Event"; the
first two events are DataflowLogStart and DataflowApplicationStart, the last
DataflowApplicationEnd with the exit code; each job's JobStart comes before its stages'
events and its JobEnd after them; each stage's DataflowTaskEnd events number its
"Number of Tasks" plus its failed attempts. Cases:

  wordcount   a 4 MB input, --split-size 1M: exit 0; "Records Read" summed over stage 0 is
              the input's line count, "Bytes Read" at least its size; shuffle bytes written
              by stage 0 > 0; no task failed; no bytes spilled (the default memory).
  spill       the same input with --executor-memory 1M: "Memory Bytes Spilled" and "Disk
              Bytes Spilled" summed over the job are > 0.
              Besides: ApplicationStart lists max(1, N-1) executors with host and pid;
              every DataflowExchange received the bytes it sent (> 0 at N >= 3); shuffle
              bytes written by stage 0 = "Total Bytes Read" by stage 1; records written > 0;
              stage 0's "Shuffle Partition Bytes" counts stage 1's tasks; no stage flagged
              skewed; a DataflowRankSample of every rank with RSS <= Peak RSS; every task
              has a Thread; every JobEnd has Accumulables.
  skew        DATAFLOW_FAULT=hang:stage=0,partition=1,seconds=5: stage 0 (one task 5 s
              longer than the others) is flagged skewed, stage 1 is not.
  fault       DATAFLOW_FAULT=throw:stage=0,partition=0,attempt=0: exit 0; exactly one
              TaskEnd with "Failed": true (stage 0, partition 0, attempt 0, an
              ExceptionFailure), so stage 0 has its tasks + 1 TaskEnd events.
  failed      DATAFLOW_FAULT=throw:stage=0,partition=0 (every attempt): exit 70; the log
              ends with the job failed (exit code 70), stage 0 completed with its failure
              reason, and its 4 failed attempts of partition 0 logged.
  env         DATAFLOW_EVENT_LOG=DIR instead of the flag writes the log alike.
  missing     --event-log naming a directory that does not exist: exit 78, one error line
              naming it, and nothing created; --report FILE in a directory that does not
              exist: exit 73, naming it, nothing created.
  etl         (with --etl) etl's join: the log checks above, and "Records Read" summed
              over the whole run is at least the two inputs' line count.
  pagerank    (with --pagerank) 3 iterations over 2,000 edges in two files: the log
              checks above over its jobs, every job succeeded, an exchange was logged, and
              "Records Read" over the run is at least the files' line count.

The last line printed is always "P passed, F failed".
"""
import argparse
import atexit
import json
import os
import random
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import check_wordcount as cw  # noqa: E402
import check_workloads as cwl  # noqa: E402


def make_words(path, lines, rng):
    """`lines` lines of words from a large vocabulary (so that counting them needs memory)."""
    with open(path, "w") as f:
        for _ in range(lines):
            f.write(" ".join("w%06d" % rng.randrange(200000) for _ in range(3)) + "\n")
    return path


def read_log(d, fails):
    """The events of the one log in `d`, checking the file's name and each line."""
    names = sorted(os.listdir(d))
    logs = [n for n in names if n.endswith(".jsonl")]
    if len(logs) != 1 or len(names) != 1:
        fails.append("%s holds %r, expected exactly one .jsonl file" % (d, names))
        return []
    events = []
    with open(os.path.join(d, logs[0]), "rb") as f:
        for i, line in enumerate(f, 1):
            try:
                e = json.loads(line.decode("utf-8"))
            except ValueError as x:
                fails.append("line %d is not JSON (%s): %s" % (i, x, cw.short(line, 200)))
                continue
            if not isinstance(e, dict) or "Event" not in e:
                fails.append("line %d has no \"Event\": %s" % (i, cw.short(line, 200)))
                continue
            events.append(e)
    return events


def check_order(events, code, fails):
    """Events in order; TaskEnds per stage = its tasks + failed attempts (but for a stage
    that failed). Returns the task ends by (job, stage)."""
    kinds = [e["Event"] for e in events]
    if kinds[:2] != ["DataflowLogStart", "DataflowApplicationStart"]:
        fails.append("first events %r" % kinds[:2])
    if not kinds or kinds[-1] != "DataflowApplicationEnd" or kinds.count("DataflowApplicationEnd") != 1:
        fails.append("last event %r, expected the one DataflowApplicationEnd" % kinds[-1:])
    elif events[-1].get("ExitCode") != code:
        fails.append("ExitCode %r, expected %d" % (events[-1].get("ExitCode"), code))
    job = None
    tasks = {}  # (job, stage) -> submitted task count
    ends = {}   # (job, stage) -> TaskEnd events
    failed_stages = set()  # (job, stage) that ended the job: not every task ran
    for e in events[2:-1]:
        k = e["Event"]
        if k == "DataflowJobStart":
            if job is not None:
                fails.append("job %r starts inside job %r" % (e.get("Job ID"), job))
            job = e["Job ID"]
        elif k == "DataflowJobEnd":
            if e.get("Job ID") != job:
                fails.append("JobEnd of job %r while job %r runs" % (e.get("Job ID"), job))
            job = None
        elif k == "DataflowRankSample":
            if job is None:
                fails.append("a rank sample outside a job")
        elif k in ("DataflowStageSubmitted", "DataflowStageCompleted", "DataflowTaskEnd", "DataflowExchange"):
            if job is None or e.get("Job ID") != job:
                fails.append("%s of job %r outside it" % (k, e.get("Job ID")))
                continue
            if k == "DataflowExchange":
                continue
            stage = e["Stage Info"]["Stage ID"] if "Stage Info" in e else e["Stage ID"]
            if k == "DataflowStageSubmitted":
                tasks[(job, stage)] = e["Stage Info"]["Number of Tasks"]
            elif (job, stage) not in tasks:
                fails.append("%s of stage %d before its submission" % (k, stage))
            elif k == "DataflowTaskEnd":
                ends.setdefault((job, stage), []).append(e)
            elif e["Stage Info"].get("Failure Reason") is not None:
                failed_stages.add((job, stage))
        else:
            fails.append("unexpected event %r" % k)
    if job is not None:
        fails.append("job %r never ends" % job)
    if not tasks:
        fails.append("no stage was submitted")
    for key, n in tasks.items():
        if key in failed_stages:
            continue
        got = ends.get(key, [])
        failed = sum(1 for t in got if t["Task Info"]["Failed"])
        if len(got) != n + failed:
            fails.append("job %d stage %d: %d TaskEnd events, expected %d tasks + %d failed attempts"
                         % (key[0], key[1], len(got), n, failed))
        done = sorted(t["Task Info"]["Partition ID"] for t in got if not t["Task Info"]["Failed"])
        if done != list(range(n)):
            fails.append("job %d stage %d: successful partitions %r" % (key[0], key[1], done[:20]))
    return ends


def total(ends, *path, stage=None):
    n = 0
    for (_, s), tasks in ends.items():
        if stage is not None and s != stage:
            continue
        for t in tasks:
            v = t
            for p in path:
                v = v[p]
            n += v
    return n


def of_kind(events, kind):
    return [e for e in events if e["Event"] == kind]


def check_metrics(events, ends, np, fails):
    """What wordcount's log must hold besides its tasks: the executors with their hosts, the
    exchange (bytes sent = bytes received), shuffle bytes written = read, partition bytes,
    no skew, rank samples, threads and accumulables."""
    start = of_kind(events, "DataflowApplicationStart")[0]
    executors = start.get("Executors")
    if not isinstance(executors, list) or len(executors) != max(1, np - 1) or \
            not all(x.get("Host") and x.get("Pid", 0) > 0 for x in executors):
        fails.append("Executors %r, expected %d with a host and pid" % (executors, max(1, np - 1)))
    exchanges = of_kind(events, "DataflowExchange")
    if not exchanges:
        fails.append("no DataflowExchange")
    for x in exchanges:
        sent, got = sum(x["Bytes Sent By Rank"]), sum(x["Bytes Received By Rank"])
        if sent != got or (np >= 3 and sent == 0):
            fails.append("exchange sent %d bytes and received %d at np %d" % (sent, got, np))
    written = total(ends, "Task Metrics", "Shuffle Write Metrics", "Shuffle Bytes Written", stage=0)
    read = total(ends, "Task Metrics", "Shuffle Read Metrics", "Total Bytes Read", stage=1)
    if written != read or written == 0:
        fails.append("shuffle bytes written by stage 0: %d, read by stage 1: %d" % (written, read))
    if total(ends, "Task Metrics", "Shuffle Write Metrics", "Shuffle Records Written", stage=0) <= 0:
        fails.append("no shuffle records written by stage 0")
    reduce_tasks = [e["Stage Info"]["Number of Tasks"] for e in of_kind(events, "DataflowStageSubmitted")
                    if e["Stage Info"]["Stage ID"] == 1]
    for c in of_kind(events, "DataflowStageCompleted"):
        info = c["Stage Info"]
        if info.get("Skew", {}).get("Flagged") is not False:
            fails.append("stage %d: Skew %r, expected not flagged" % (info["Stage ID"], info.get("Skew")))
        if info["Stage ID"] == 0:
            parts = info.get("Shuffle Partition Bytes", {})
            if [parts.get("count")] != reduce_tasks or not parts.get("top"):
                fails.append("stage 0: Shuffle Partition Bytes %r, expected %r partitions" % (parts, reduce_tasks))
    samples = of_kind(events, "DataflowRankSample")
    sampled = sorted({int(x["Executor ID"]) for x in samples if x["RSS"] > 0 and x["Peak RSS"] >= x["RSS"]})
    if sampled != list(range(max(1, np))):
        fails.append("rank samples with RSS <= Peak RSS from ranks %r, expected every rank" % sampled)
    threads = {t["Task Info"].get("Thread") for ts in ends.values() for t in ts}
    if not threads or not all(isinstance(n, int) and n >= 0 for n in threads):
        fails.append("task threads %r" % threads)
    if not all(isinstance(j.get("Accumulables"), list) for j in of_kind(events, "DataflowJobEnd")):
        fails.append("a JobEnd without Accumulables")


def logged_run(ctx, args, env=None, code=0, flag=True, events_out=None):
    """Runs wordcount (or `ctx.app`) with a fresh log directory; returns (res, ends, fails)."""
    d = os.path.join(ctx.tmp, "events")
    os.mkdir(d)
    env = dict(env or {})
    if flag:
        args = ["--event-log", d] + args
    else:
        env["DATAFLOW_EVENT_LOG"] = d
    res = ctx.app.run(args, cwd=ctx.tmp, env=env)
    fails = cw.expect_exit(res, code, prefix=os.path.basename(ctx.app.wordcount).encode() + b": error:")
    events = read_log(d, fails)
    ends = check_order(events, code, fails) if events else {}
    if events_out is not None:
        events_out.extend(events)
    return res, ends, fails


_WORDS = []  # the 4 MB input, made once for the cases that read it


def words_input(ctx):
    if not _WORDS:
        d = tempfile.mkdtemp(prefix="dataflow-event-log-input-")
        atexit.register(shutil.rmtree, d, True)
        path = make_words(os.path.join(d, "words.txt"), 200000, random.Random(7))
        _WORDS.append((path, 200000, os.path.getsize(path)))
    return _WORDS[0]


def wordcount(ctx):
    path, lines, size = words_input(ctx)
    events = []
    res, ends, fails = logged_run(ctx, ["--split-size", "1M", path], events_out=events)
    if not ends:
        return res, fails
    check_metrics(events, ends, ctx.np, fails)
    read = total(ends, "Task Metrics", "Input Metrics", "Records Read", stage=0)
    if read != lines:
        fails.append("Records Read over stage 0: %d, expected %d lines" % (read, lines))
    if total(ends, "Task Metrics", "Input Metrics", "Bytes Read", stage=0) < size:
        fails.append("Bytes Read over stage 0 below the input's %d bytes" % size)
    if total(ends, "Task Metrics", "Shuffle Write Metrics", "Shuffle Bytes Written", stage=0) <= 0:
        fails.append("no shuffle bytes written by stage 0")
    if any(t["Task Info"]["Failed"] for ts in ends.values() for t in ts):
        fails.append("a task failed")
    spilled = (total(ends, "Task Metrics", "Memory Bytes Spilled"), total(ends, "Task Metrics", "Disk Bytes Spilled"))
    if spilled != (0, 0):
        fails.append("spilled %r bytes (memory, disk) without a memory limit" % (spilled,))
    return res, fails


def spill(ctx):
    path, _, _ = words_input(ctx)
    res, ends, fails = logged_run(ctx, ["--split-size", "1M", "--executor-memory", "1M", path])
    for what in ("Memory Bytes Spilled", "Disk Bytes Spilled"):
        if ends and total(ends, "Task Metrics", what) <= 0:
            fails.append("%s is 0 under --executor-memory 1M" % what)
    return res, fails


def fault(ctx):
    path = make_words(os.path.join(ctx.tmp, "small.txt"), 2000, random.Random(3))
    res, ends, fails = logged_run(ctx, ["--split-size", "8K", path],
                                  env={"DATAFLOW_FAULT": "throw:stage=0,partition=0,attempt=0"})
    failed = [t for ts in ends.values() for t in ts if t["Task Info"]["Failed"]]
    if ends and len(failed) != 1:
        fails.append("%d failed attempts logged, expected 1" % len(failed))
    elif ends:
        t = failed[0]
        where = (t["Stage ID"], t["Task Info"]["Partition ID"], t["Task Info"]["Attempt"],
                 t["Task End Reason"]["Reason"])
        if where != (0, 0, 0, "ExceptionFailure"):
            fails.append("the failed attempt is %r, expected stage 0, partition 0, attempt 0" % (where,))
        if total(ends, "Task Metrics", "Input Metrics", "Records Read", stage=0) < 2000:
            fails.append("Records Read over stage 0 below the 2000 lines")
    return res, fails


def skew(ctx):
    path, _, _ = words_input(ctx)
    events = []
    res, ends, fails = logged_run(ctx, ["--split-size", "1M", path], events_out=events,
                                  env={"DATAFLOW_FAULT": "hang:stage=0,partition=1,seconds=5"})
    flagged = {c["Stage Info"]["Stage ID"]: c["Stage Info"].get("Skew", {}).get("Flagged")
               for c in of_kind(events, "DataflowStageCompleted")}
    if events and flagged != {0: True, 1: False}:
        fails.append("skew flags by stage %r, expected stage 0 flagged (one task 5 s longer) and not stage 1"
                     % flagged)
    return res, fails


def failed(ctx):
    path = make_words(os.path.join(ctx.tmp, "small.txt"), 2000, random.Random(3))
    events = []
    res, ends, fails = logged_run(ctx, ["--split-size", "8K", path], env={"DATAFLOW_FAULT": "throw:stage=0,partition=0"},
                                  code=70, events_out=events)
    stages = [c["Stage Info"] for c in of_kind(events, "DataflowStageCompleted")]
    if events and [(x["Stage ID"], "injected fault" in (x.get("Failure Reason") or "")) for x in stages] != [(0, True)]:
        fails.append("stages completed %r, expected stage 0 with its failure reason" % stages)
    jobs = [j["Job Result"] for j in of_kind(events, "DataflowJobEnd")]
    if events and (len(jobs) != 1 or jobs[0].get("Result") != "JobFailed" or jobs[0].get("Exit Code") != 70):
        fails.append("job results %r, expected one JobFailed with exit code 70" % jobs)
    if ends and len([t for t in ends.get((1, 0), []) if t["Task Info"]["Failed"]]) != 4:
        fails.append("failed attempts of stage 0: expected 4 (the default attempts)")
    return res, fails


def env_case(ctx):
    path = make_words(os.path.join(ctx.tmp, "small.txt"), 500, random.Random(5))
    res, ends, fails = logged_run(ctx, [path], flag=False)
    if ends and total(ends, "Task Metrics", "Input Metrics", "Records Read", stage=0) != 500:
        fails.append("Records Read over stage 0 is not the 500 lines")
    return res, fails


def missing(ctx):
    path = make_words(os.path.join(ctx.tmp, "small.txt"), 10, random.Random(5))
    d = os.path.join(ctx.tmp, "no", "such")
    before = sorted(os.listdir(ctx.tmp))
    res = ctx.app.run(["--event-log", d, path], cwd=ctx.tmp)
    fails = cw.expect_exit(res, 78, ["event log directory " + d])
    if sorted(os.listdir(ctx.tmp)) != before:
        fails.append("the run created %r" % sorted(set(os.listdir(ctx.tmp)) - set(before)))
    if res.stdout:
        fails.append("output on stdout: %s" % cw.short(res.stdout, 200))
    # --report FILE in a directory that does not exist: 73 at start, naming it.
    report = os.path.join(ctx.tmp, "no", "such", "run.html")
    res2 = ctx.app.run(["--report", report, path], cwd=ctx.tmp)
    fails += cw.expect_exit(res2, 73, ["report " + report])
    if sorted(os.listdir(ctx.tmp)) != before or res2.stdout:
        fails.append("--report in a missing directory created files or printed counts")
    return res, fails


def etl(ctx):
    d = os.path.join(ctx.tmp, "data")
    cwl.make_orders(d, 2000, random.Random(11))
    lines = sum(sum(1 for _ in open(os.path.join(d, f))) for f in ("orders.tsv", "customers.tsv"))
    saved = ctx.app
    ctx.app = ctx.etl
    try:
        res, ends, fails = logged_run(ctx, [d])
    finally:
        ctx.app = saved
    if ends and total(ends, "Task Metrics", "Input Metrics", "Records Read") < lines:
        fails.append("Records Read over the run below the inputs' %d lines" % lines)
    return res, fails


def pagerank(ctx):
    d = os.path.join(ctx.tmp, "edges")
    cwl.write_edges(d, 2000, random.Random(9))
    lines = sum(sum(1 for _ in open(os.path.join(d, f))) for f in ("a.txt", "b.txt"))
    saved = ctx.app
    ctx.app = ctx.pagerank
    try:
        events = []
        res, ends, fails = logged_run(ctx, [d, "--iterations", "3"], events_out=events)
    finally:
        ctx.app = saved
    if ends and total(ends, "Task Metrics", "Input Metrics", "Records Read") < lines:
        fails.append("Records Read over the run below the edges' %d lines" % lines)
    jobs = of_kind(events, "DataflowJobEnd")
    if events and (not jobs or any(j["Job Result"]["Result"] != "JobSucceeded" for j in jobs)):
        fails.append("job results %r" % [j["Job Result"] for j in jobs])
    if events and not of_kind(events, "DataflowExchange"):
        fails.append("no DataflowExchange in pagerank's run")
    return res, fails


CASES = [
    ("wordcount", wordcount),
    ("spill", spill),
    ("fault", fault),
    ("skew", skew),
    ("failed", failed),
    ("env", env_case),
    ("missing", missing),
    ("etl", etl),
    ("pagerank", pagerank),
]


class Ctx:
    def __init__(self, app, etl_app, pagerank_app, tmp, np):
        self.app, self.etl, self.pagerank, self.tmp, self.np = app, etl_app, pagerank_app, tmp, np


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wordcount", required=True)
    ap.add_argument("--etl")
    ap.add_argument("--pagerank")
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    wc = cw.Runner(a.wordcount, a.np, a.mpirun, a.timeout, a.verbose)
    et = cw.Runner(a.etl, a.np, a.mpirun, a.timeout, a.verbose) if a.etl else None
    pr = cw.Runner(a.pagerank, a.np, a.mpirun, a.timeout, a.verbose) if a.pagerank else None
    cases = [c for c in CASES if (c[0] != "etl" or et) and (c[0] != "pagerank" or pr)]
    return cwl.run_cases(cases, a.cases, a.np, "dataflow-event-log-", lambda tmp: Ctx(wc, et, pr, tmp, a.np))


if __name__ == "__main__":
    sys.exit(main())
