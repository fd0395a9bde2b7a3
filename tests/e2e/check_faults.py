#!/usr/bin/env python3
"""End-to-end checks of wordcount under faults that no retry can fix: timeouts, signals,
running out of memory; and the warning line of a retried task.

Usage:
  check_faults.py --wordcount PATH --input FILE [--np N] [--mpirun MPIRUN] [--timeout S] [-v] [CASE ...]

  task-timeout      a task that hangs, DATAFLOW_TASK_TIMEOUT=2: exit 70 within seconds, naming
                    the stage, partition and rank
  network-timeout   (np >= 2) an executor stopped with SIGSTOP, DATAFLOW_NETWORK_TIMEOUT=3:
                    exit 70 within seconds naming the rank; nothing left running
  oom, oom-report   std::bad_alloc in a task, or while encoding its report: exit 70, "out of
                    memory" and the hint, not retried, no abort
  retry-logged      a task that fails once: exit 0 and a "lost task ... retrying" line
  signal-moments    SIGINT at five moments of a real job: one line, 130 (mpirun: 1), nothing left
  commit-moments    SIGTERM to every rank at the publication of the output -50 to +10 ms,
                    with spill files: published is exit 0 and no error line, else 75 and
                    one line; nothing left either way
  sigterm, sigint, sigusr1
                    the signal 1.5 s into a job that hangs, with -o DIR: exit 75, 130, 75
                    (under mpirun, which forwards SIGINT as SIGTERM and exits 1 itself when
                    signalled: 1, 1, 75), one "interrupted by" line within 5 s, DIR absent
                    and no temporary left beside it

The last line printed is always "P passed, F failed".
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import check_wordcount as cw  # noqa: E402

PREFIX = b"wordcount: error:"


def common(res, code, words=(), absent=(), within=20.0):
    fails = cw.expect_exit(res, code, words, PREFIX)
    err = res.stderr.decode("utf-8", "replace")
    for w in absent:
        if w in err:
            fails.append("stderr holds %r" % w)
    if res.elapsed > within:
        fails.append("took %.1f s, expected under %.0f s" % (res.elapsed, within))
    return fails


def task_timeout(ctx):
    res = ctx.run(["--split-size", "1K", ctx.input],
                  {"DATAFLOW_FAULT": "hang:stage=0,partition=1", "DATAFLOW_TASK_TIMEOUT": "2"})
    return res, common(res, 70, ["task of stage 0, partition 1 on rank", "has run longer than --task-timeout 2 s"])


def network_timeout(ctx):
    if ctx.np < 2:
        return None, []
    env = {"DATAFLOW_FAULT": "stop:stage=0,partition=0", "DATAFLOW_NETWORK_TIMEOUT": "3"}
    # Open MPI 4.1's mpiexec itself sometimes crashes in PMIx_server_finalize while it tears
    # down a job whose rank is stopped (SIGSTOP), after the ranks have ended (seen once in ~30
    # CI runs): its own SIGSEGV, not a rank's. Or it never ends after the driver has printed
    # its line and called MPI_Abort(70): Open MPI's abort hangs on the stopped rank (CI at
    # 566e937; 1 run in 3 at np 4 on a loaded machine at 5c8681c), until the checker kills it.
    # Either is reported and the case runs again, up to twice more, each run given 25 s (a
    # run that meets the contract takes about 5); a run that does not hit them must meet it.
    for _ in range(3):
        res = ctx.r.run(["--split-size", "1K", ctx.input], cwd=ctx.workdir, env=env, timeout=25)
        if res.rc == -11 and b"PMIx_server_finalize" in res.stderr:
            print("note: mpiexec crashed in PMIx_server_finalize (Open MPI's teardown); running the case again")
        elif (any(p.startswith("TIMEOUT") for p in res.problems) and b"has sent nothing for 3 s" in res.stderr
              and b"MPI_ABORT was invoked" in res.stderr):
            print("note: mpiexec hung in MPI_Abort with a stopped rank (Open MPI's teardown); running the case again")
        else:
            break
    return res, common(res, 70, ["has sent nothing for 3 s (--network-timeout) while running stage 0"], within=30)


def oom(action):
    def fn(ctx):
        res = ctx.run(["--split-size", "1K", ctx.input], {"DATAFLOW_FAULT": action + ":stage=0,partition=2"})
        words = ["out of memory", "partition 2", "more partitions"]
        if action == "oom-report":
            words.append("while encoding the task's report")
        return res, common(res, 70, words, absent=["failed 4 times", "lost task", "Backtrace"])
    return fn


def retry_logged(ctx):
    res = ctx.run(["--split-size", "1K", ctx.input], {"DATAFLOW_FAULT": "throw:stage=0,partition=1,attempt=0"})
    fails = common(res, 0, ["wordcount: warning: lost task 1 of stage 0 on rank",
                            "(attempt 1 of 4): injected fault; retrying"])
    if not res.stdout:
        fails.append("no output after the retry")
    return res, fails


def interrupted(sig, code, name):
    def fn(ctx):
        out = os.path.join(ctx.workdir, "out-" + name)
        res = ctx.run(["--split-size", "1K", "-o", out, ctx.input], {"DATAFLOW_FAULT": "hang:stage=0,partition=0"},
                      signal_after=(sig, 1.5))
        if ctx.np >= 1 and sig != signal.SIGUSR1:
            # mpirun turns SIGINT and SIGTERM into SIGTERM for the ranks, and itself exits 1
            # after it was signalled, whatever the ranks' codes (75).
            fails = common(res, 1, ["interrupted by SIGTERM"], within=5)
        else:
            fails = common(res, code, ["interrupted by " + name], within=5)
        if os.path.exists(out):
            fails.append("the output directory exists after the signal")
        left = [f for f in os.listdir(ctx.workdir) if f.startswith(".out-" + name) or f.startswith("out-" + name)]
        if left:
            fails.append("temporary output left behind: %s" % left)
        return res, fails
    return fn


def signal_moments(ctx):
    """SIGINT to mpirun (or the program alone) as `kill -INT` sends it, not through a
    terminal, at five moments of a job, counted from when the ranks have started (their spill
    directories appear; before that mpirun has no rank to forward it to): while the map stage
    reads, during the exchange, in the reduce stage, whose first task takes 3 s so that the
    job outlasts mpirun's forwarding (it sends the ranks SIGTERM 1 s after its own signal,
    and SIGKILL a second later). Each try ends with one "interrupted by" line and the
    documented code (130 alone; 1 from mpirun, which exits 1 whenever it was signalled), and
    leaves no output, no temporary output and no spill directory behind."""
    big = os.path.join(ctx.workdir, "moments.txt")
    if not os.path.exists(big):
        words = " ".join("w%d" % (i % 5000) for i in range(20000)) + "\n"
        with open(big, "w") as f:
            for _ in range(100):  # 58 MB: about half a second of map stage
                f.write(words * 5)
    tmp = os.path.join(ctx.workdir, "moments-tmp")
    os.makedirs(tmp, exist_ok=True)
    fails, interrupted, res = [], 0, None
    code = 130 if ctx.np == 0 else 1
    started = lambda: any(f.startswith("dataflow-") for f in os.listdir(tmp))  # noqa: E731
    for i, delay in enumerate((0.0, 0.3, 0.6, 1.0, 1.5)):
        out = os.path.join(ctx.workdir, "moment%d" % i)
        res = ctx.run(["--executor-cores", "1", "--split-size", "1M", "-o", out, big],
                      {"TMPDIR": tmp, "DATAFLOW_FAULT": "hang:stage=1,partition=0,seconds=3"},
                      signal_after=(signal.SIGINT, delay, started))
        tag = "SIGINT at %.2f s: " % delay
        lines = [l for l in res.stderr.splitlines() if l.startswith(PREFIX)]
        if os.path.exists(os.path.join(out, "_SUCCESS")) and not lines and res.rc in (0, 1):
            continue  # the job ended before the signal reached it (mpirun still exits 1): not a try
        interrupted += 1
        fails += [tag + p for p in res.problems]
        if res.rc != code:
            fails.append(tag + "exit code %s, expected %d" % (res.rc, code))
        if len(lines) != 1 or b"interrupted by" not in lines[0]:
            fails.append(tag + "expected one 'interrupted by' error line, got %r" % lines)
        if os.path.exists(out):
            fails.append(tag + "the output directory exists")
        left = [f for f in os.listdir(ctx.workdir) if f.startswith(".moment%d" % i)] + os.listdir(tmp)
        if left:
            inside = {f: sorted(os.listdir(os.path.join(tmp, f))) for f in os.listdir(tmp)
                      if os.path.isdir(os.path.join(tmp, f))}
            fails.append(tag + "left behind: %s (holding %s)" % (left, inside))
            for f in os.listdir(tmp):
                shutil.rmtree(os.path.join(tmp, f), ignore_errors=True)
    if interrupted < 3:
        fails.append("only %d of 5 runs were still running at their signal: the input is too small" % interrupted)
    os.remove(big)
    return res, fails


def commit_moments(ctx):
    """SIGTERM around the moment the job publishes its output (the moment measured by a run
    without a signal, then the signal at it -250, -50, -20, -5, 0, +2 and +10 ms; the first is
    before publication unless the machine's load moves it; a last run holds its first task
    for 3 s and is signalled 1 s in, so one run surely stops), to every rank at
    once as srun and scancel deliver it, with spill files (--executor-memory 4M) and kept
    shuffle blocks on disk: output published means the work is done, so exit 0 and no error
    line; output not published means exit 75 and one "interrupted by" line; either way no
    spill file, temporary output or process is left."""
    big = os.path.join(ctx.workdir, "commit.txt")
    with open(big, "w") as f:
        for i in range(120000):  # 3.3 MB, 60000 distinct words: spills at 4M
            f.write("w%d v%d u%d\n" % (i % 60000, (i * 7) % 60000, i % 977))
    tmp = os.path.join(ctx.workdir, "commit-tmp")
    os.makedirs(tmp, exist_ok=True)
    args = lambda out: ["--executor-memory", "4M", "-o", out, big]  # noqa: E731
    out = os.path.join(ctx.workdir, "commit-clean")
    published_at = []
    for _ in range(2):  # the moment of publication, seen from here
        shutil.rmtree(out, ignore_errors=True)
        proc = subprocess.Popen(ctx.r.command(args(out), {"TMPDIR": tmp}), cwd=ctx.workdir, env=dict(ctx.r.base_env, TMPDIR=tmp),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        t0 = time.time()
        while proc.poll() is None and not os.path.exists(out):
            time.sleep(0.001)
        published_at.append(time.time() - t0)
        proc.wait(timeout=ctx.r.timeout)
    with open(os.path.join(out, "part-00000"), "rb") as f:
        want = f.read()
    at = sorted(published_at)[0]
    fails, stopped, published, res = [], 0, 0, None
    # The moments race the machine's load, so one more run is stopped for certain: its
    # first task sleeps 3 s (DATAFLOW_FAULT) and SIGTERM comes 1 s in.
    hold = {"DATAFLOW_FAULT": "hang:stage=0,partition=0,seconds=3"}
    for i, delta in enumerate((-0.25, -0.05, -0.02, -0.005, 0.0, 0.002, 0.01, None)):
        out = os.path.join(ctx.workdir, "commit%d" % i)
        # Not before 150 ms: no program has its signal handlers before its libraries are
        # loaded and main() has begun (check_hdf5.py's write-moments met that once in CI).
        when = 1.0 if delta is None else max(0.15, at + delta)
        env = dict(hold if delta is None else {}, TMPDIR=tmp)
        res = ctx.run(args(out), env, signal_after=(signal.SIGTERM, when, None, True))
        tag = "SIGTERM 1 s into a held task: " if delta is None else "SIGTERM at publication %+d ms: " % round(
            delta * 1000)
        lines = [l for l in res.stderr.splitlines() if l.startswith(PREFIX)]
        fails += [tag + p for p in res.problems]
        if delta is None and os.path.exists(out):
            fails.append(tag + "published: the hold did not hold")
        elif os.path.exists(out):
            published += 1
            if res.rc != 0 or lines:
                fails.append(tag + "published, yet exit %s and error lines %s" % (res.rc, lines))
            part = os.path.join(out, "part-00000")
            if not os.path.exists(os.path.join(out, "_SUCCESS")) or not os.path.exists(part):
                fails.append(tag + "published without _SUCCESS or its part")
            else:
                with open(part, "rb") as f:
                    if f.read() != want:
                        fails.append(tag + "the published output differs from a run without a signal")
        else:
            stopped += 1
            if res.rc != 75:
                fails.append(tag + "not published, yet exit %s" % res.rc)
            if len(lines) != 1 or b"interrupted by SIGTERM" not in lines[0]:
                fails.append(tag + "expected one 'interrupted by SIGTERM' line, got %r" % lines)
        left = [f for f in os.listdir(ctx.workdir) if f.startswith(".commit")] + os.listdir(tmp)
        if left:
            fails.append(tag + "left behind: %s" % left)
            for f in os.listdir(tmp):
                shutil.rmtree(os.path.join(tmp, f), ignore_errors=True)
    if ctx.r.verbose:
        print("    commit-moments: publication at %.3f s, %d stopped, %d published" % (at, stopped, published))
    os.remove(big)
    return res, fails


CASES = [
    ("task-timeout", task_timeout),
    ("network-timeout", network_timeout),
    ("oom", oom("oom")),
    ("oom-report", oom("oom-report")),
    ("retry-logged", retry_logged),
    ("sigterm", interrupted(signal.SIGTERM, 75, "SIGTERM")),
    ("sigint", interrupted(signal.SIGINT, 130, "SIGINT")),
    ("sigusr1", interrupted(signal.SIGUSR1, 75, "SIGUSR1")),
    ("signal-moments", signal_moments),
    ("commit-moments", commit_moments),
]


class Ctx:
    def __init__(self, runner, np, workdir, input_path):
        self.r = runner
        self.np = np
        self.workdir = workdir
        self.input = input_path

    def run(self, args, env, signal_after=None):
        return self.r.run(args, cwd=self.workdir, env=env, signal_after=signal_after)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordcount", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    runner = cw.Runner(os.path.abspath(a.wordcount), a.np, a.mpirun, a.timeout, a.verbose)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="dataflow-faults-") as wd:
        ctx = Ctx(runner, a.np, wd, os.path.abspath(a.input))
        for name, fn in CASES:
            if a.cases and name not in a.cases:
                continue
            res, fails = fn(ctx)
            if res is None:
                print("skip %s (np %d)" % (name, a.np))
                continue
            if cw.print_case(name, a.np, res, fails):
                passed += 1
            else:
                failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
