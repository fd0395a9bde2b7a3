#!/usr/bin/env python3
"""End-to-end checks of wordcount's text inputs: many small files, inputs changed while the
job runs, lines over the size limit.

Usage:
  check_inputs.py --wordcount PATH [--np N] [--mpirun MPIRUN] [--timeout SECONDS]
                  [--tiny-files N] [--keep] [-v] [CASE ...]

--np 0 runs wordcount alone (local mode), N >= 1 under mpirun -n N --oversubscribe
--bind-to none (check_wordcount.py's Runner). --data is accepted and ignored (the inputs are
made here). Cases:

  tiny-files        20,000 files of about 300 bytes in one directory (--tiny-files N): the
                    counts equal the Python reference, the run ends within 60 s and, with
                    DATAFLOW_RESOURCE_REPORT=1, every rank reports maxrss_kib under 100 MiB,
                    one executor or many (a map task's empty buckets cost nothing, and the
                    blocks an executor owns itself never leave it). Small files are
                    packed into splits: 625 map tasks and reduce partitions, not 20,000.
  replaced          a file replaced (renamed over) by another of the same size after planning,
                    while the task that reads it is held back (DATAFLOW_FAULT=hang): exit 65,
                    "input FILE changed while the job ran", never a silently different count.
  rewritten         the same file rewritten in place with the same size: exit 65 likewise.
  line-too-long     DATAFLOW_MAX_LINE_SIZE=1K and a line of 2,000 bytes: exit 65 at once,
                    naming the file and the line's byte offset.

Every failing run must print exactly one "wordcount: error:" line (rank 0 only). The last
line printed is always "P passed, F failed".
"""
import argparse
import collections
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import check_wordcount as cw  # noqa: E402

ERROR_PREFIX = b"wordcount: error:"
TINY_TIMEOUT = 60.0        # seconds for the 20,000-file run, mpirun's start-up included
TINY_RSS_KIB = 100 * 1024  # peak resident set of every rank
HOLD_SECONDS = 3           # how long the reading task is held back while the file changes


def expect(res, code, words=()):
    return cw.expect_exit(res, code, words, ERROR_PREFIX)


def run_with_action(runner, args, cwd, env, trigger, action, timeout):
    """Runs wordcount like Runner.run, calling action() once `trigger` appears on stderr."""
    res = cw.Result()
    res.env_extra = dict(env)
    res.cmd = runner.command(args, res.env_extra)
    full_env = dict(runner.base_env)
    full_env.update(res.env_extra)
    t0 = time.time()
    proc = subprocess.Popen(res.cmd, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    out, err = [], []
    seen = threading.Event()

    def pump(stream, sink, watch):
        for line in iter(stream.readline, b""):
            sink.append(line)
            if watch and trigger in line:
                seen.set()
        stream.close()

    threads = [threading.Thread(target=pump, args=(proc.stdout, out, False)),
               threading.Thread(target=pump, args=(proc.stderr, err, True))]
    for t in threads:
        t.start()
    while not seen.wait(0.05) and proc.poll() is None and time.time() - t0 < timeout:
        pass
    if seen.is_set():
        action()
    else:
        res.problems.append("%r never appeared on stderr" % trigger.decode())
    try:
        proc.wait(timeout=max(1.0, timeout - (time.time() - t0)))
    except subprocess.TimeoutExpired:
        cw._kill_session(proc.pid, proc.pid)
        proc.wait()
        res.problems.append("TIMEOUT: still running after %.0f s (killed)" % timeout)
    for t in threads:
        t.join(10)
    res.elapsed = time.time() - t0
    res.rc = proc.returncode
    res.stdout, res.stderr = b"".join(out), b"".join(err)
    left = cw._session_members(proc.pid)
    if left:
        res.problems.append("%d process(es) still running after the command exited" % len(left))
        cw._kill_session(proc.pid, proc.pid)
    if res.rc is not None and res.rc < 0:
        res.problems.append("killed by signal %d" % -res.rc)
    return res


# ----------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------

def tiny_files(ctx):
    rng = random.Random(20000)
    vocab = [("w%d" % i).encode() for i in range(3000)]
    d = os.path.join(ctx.tmp, "tiny")
    os.makedirs(d)
    counts = collections.Counter()
    for i in range(ctx.tiny_files):
        words = [rng.choice(vocab) for _ in range(rng.randint(40, 60))]
        counts.update(words)
        with open(os.path.join(d, "f%06d.txt" % i), "wb") as f:
            f.write(b" ".join(words[:20]) + b"\n" + b" ".join(words[20:]) + b"\n")
    res = ctx.r.run([d], cwd=ctx.tmp, env={"DATAFLOW_RESOURCE_REPORT": "1"},
                    timeout=max(ctx.r.timeout, TINY_TIMEOUT + 30))
    fails = cw.check_stdout(res, cw.reference_lines(counts))
    if res.elapsed > TINY_TIMEOUT:
        fails.append("took %.1f s, expected under %.0f s" % (res.elapsed, TINY_TIMEOUT))
    fails += cw.check_resource_report(res, ctx.r.np)
    limit = TINY_RSS_KIB
    for line in res.stderr.splitlines():
        m = cw.RESOURCE_RE.match(line)
        if m and int(m.group(4)) >= limit:
            fails.append("rank %s (%s) peaked at %d MiB, expected under %d MiB"
                         % (m.group(1).decode(), m.group(2).decode(), int(m.group(4)) // 1024,
                            limit // 1024))
    return res, fails


def changed_case(how):
    """b.txt changes after planning, before its task reads it: exit 65 naming it."""
    def fn(ctx):
        d = os.path.join(ctx.tmp, "changed-" + how)
        os.makedirs(d)
        a = os.path.join(d, "a.txt")
        b = os.path.join(d, "b.txt")
        with open(a, "wb") as f:
            f.write(b"apple banana\n" * 200)   # 2,600 bytes: partitions 0-2 at 1K splits
        with open(b, "wb") as f:
            f.write(b"cherry date\n" * 100)    # 1,200 bytes: partitions 3-4
        new = b"grape melon\n" * 100           # the same size, other words

        def change():
            if how == "replaced":
                tmp = os.path.join(d, ".b.txt.new")
                with open(tmp, "wb") as f:
                    f.write(new)
                os.rename(tmp, b)
            else:
                with open(b, "r+b") as f:
                    f.write(new)

        # --explain prints the plan after the inputs were listed and before any task runs;
        # the task of partition 3 (b.txt's first) waits HOLD_SECONDS before it reads.
        env = {"DATAFLOW_FAULT": "hang:stage=0,partition=3,seconds=%d" % HOLD_SECONDS}
        res = run_with_action(ctx.r, ["--explain", "--split-size", "1K", d], ctx.tmp, env,
                              b"== Job", change, ctx.r.timeout)
        fails = expect(res, 65, ["input " + b + " changed while the job ran"])
        if res.stdout:
            fails.append("stdout is not empty: %s" % cw.short(res.stdout))
        return res, fails
    return fn


def line_too_long(ctx):
    d = os.path.join(ctx.tmp, "long-line")
    os.makedirs(d)
    path = os.path.join(d, "in.txt")
    with open(path, "wb") as f:
        f.write(b"short line\n" + b"x" * 1024 + b"\n" + b"y" * 2000 + b"\nend\n")
    res = ctx.r.run([path], cwd=ctx.tmp, env={"DATAFLOW_MAX_LINE_SIZE": "1K"})
    # The 1,024-byte line is within the limit; the next one, at byte 11 + 1025, is not.
    fails = expect(res, 65, ["input " + path + ": the line at byte offset 1036 is longer than the "
                             "maximum line size of 1024 bytes"])
    return res, fails


CASES = [
    ("tiny-files", tiny_files),
    ("replaced", changed_case("replaced")),
    ("rewritten", changed_case("rewritten")),
    ("line-too-long", line_too_long),
]


class Ctx:
    def __init__(self, runner, tmp, tiny):
        self.r = runner
        self.tmp = tmp
        self.tiny_files = tiny


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordcount", required=True)
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--data", help="ignored (accepted as e2e_add passes it)")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--tiny-files", type=int, default=20000)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    runner = cw.Runner(os.path.abspath(a.wordcount), a.np, a.mpirun, a.timeout, a.verbose)
    tmp = tempfile.mkdtemp(prefix="check_inputs-np%d-" % a.np)
    passed = failed = 0
    for name, fn in CASES:
        if a.cases and name not in a.cases:
            continue
        case_tmp = os.path.join(tmp, name)
        os.makedirs(case_tmp)
        try:
            res, fails = fn(Ctx(runner, case_tmp, a.tiny_files))
        except Exception as e:  # a bug in the checker: still a failure
            res, fails = None, ["checker exception: %s: %s" % (type(e).__name__, e)]
        if cw.print_case(name, a.np, res, fails):
            passed += 1
        else:
            failed += 1
    if a.keep:
        print("temporary files kept in " + tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    if passed == 0 and failed == 0:
        failed = 1
        print("no case was run")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
