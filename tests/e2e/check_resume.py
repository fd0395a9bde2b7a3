#!/usr/bin/env python3
"""End-to-end checks of --resume-dir with pagerank (20 iterations): a run stopped by a signal
or killed, then the same command again, must print the bytes of an uninterrupted run.

Usage:
  check_resume.py --pagerank PATH [--np N] [--mpirun MPIRUN] [--timeout S] [-v] [CASE ...]

  sigusr1-early, sigusr1-late
                 SIGUSR1 to every rank at once (as Slurm delivers a signal before the time
                 limit) while stage 3 or stage 16 hangs: exit 75 within 10 s and one line
                 naming the resume directory; the rerun prints the uninterrupted run's bytes,
                 runs fewer tasks than it (counted in the event log), and removes the state
  sigterm-mpirun (np >= 1) SIGTERM to mpirun, as Ctrl-C or a plain kill sends it: mpirun's
                 own exit 1, the same line; the rerun as above
  sigkill        SIGKILL of every process of the run (mpirun and every rank) while stage 10
                 hangs: the rerun as above
  sigkill-rank   (np >= 2) SIGKILL of one rank while stage 10 hangs: the run fails; the rerun
                 as above
  changed-input  a finished run's state kept (--keep-resume-state), then one edge added to
                 the input: the rerun uses nothing stored (as many tasks as a run without
                 state) and prints the new input's answer
  damaged-part   a finished run's state kept, then a byte of the last stored shuffle flipped:
                 one warning naming the file, that shuffle computed again, the right bytes

The last line printed is always "P passed, F failed".
"""
import argparse
import glob
import os
import random
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

PREFIX = b"pagerank: error:"
ITERATIONS = "20"


def make_edges(path, seed, edges=30000, nodes=3000):
    rng = random.Random(seed)
    with open(path, "w") as f:
        for _ in range(edges):
            f.write("%d %d\n" % (rng.randrange(nodes), rng.randrange(nodes)))


def stored(state):
    return len(glob.glob(os.path.join(state, "shuffle-*", "_COMPLETE")))


def tasks_in(log_dir):
    n = 0
    for name in glob.glob(os.path.join(log_dir, "*.jsonl")):
        with open(name, "rb") as f:
            n += sum(1 for line in f if b'"Event":"DataflowTaskEnd"' in line)
    return n


class Ctx:
    def __init__(self, runner, workdir):
        self.r = runner
        self.np = runner.np
        self.workdir = workdir
        # A killed rank's spill directory stays until the next run: here, removed with the rest.
        runner.base_env["TMPDIR"] = workdir
        self.edges = os.path.join(workdir, "edges.txt")
        make_edges(self.edges, 1)
        self.reference, self.reference_tasks = self.answer("reference")

    def args(self, state=None, log=None, extra=()):
        a = [self.edges, "--iterations", ITERATIONS]
        if state:
            a += ["--resume-dir", state]
        if log:
            os.makedirs(log, exist_ok=True)
            a += ["--event-log", log]
        return a + list(extra)

    def answer(self, tag):
        """An uninterrupted run without state: its stdout and its tasks."""
        log = os.path.join(self.workdir, "log-" + tag)
        res = self.r.run(self.args(log=log), self.workdir)
        if res.rc != 0 or res.problems:
            raise SystemExit("the run without state failed (%s): %s\n%s" % (res.rc, res.problems, res.stderr_tail()))
        return res.stdout, tasks_in(log)

    def rerun(self, state, tag, want=None, fewer=True):
        """The same command again, without the fault: the uninterrupted run's bytes."""
        want_out, want_tasks = want or (self.reference, self.reference_tasks)
        log = os.path.join(self.workdir, "log-" + tag)
        res = self.r.run(self.args(state, log), self.workdir)
        fails = ["rerun: " + p for p in res.problems]
        if res.rc != 0:
            fails.append("rerun: exit %s\n%s" % (res.rc, res.stderr_tail()))
        elif res.stdout != want_out:
            fails.append("rerun: its output differs from a run without interruption")
        tasks = tasks_in(log)
        if fewer and not tasks < want_tasks:
            fails.append("rerun: %d tasks, not fewer than the %d of a run from scratch" % (tasks, want_tasks))
        if not fewer and tasks != want_tasks:
            fails.append("rerun: %d tasks, where a run from scratch has %d" % (tasks, want_tasks))
        if os.path.exists(state):
            fails.append("rerun: the state %s is still there after a successful end" % state)
        if self.r.verbose:
            print("    rerun: %d tasks (from scratch: %d)" % (tasks, want_tasks))
        return fails


def hang(stage):
    return {"DATAFLOW_FAULT": "hang:stage=%d,partition=0,seconds=60" % stage}


def signalled(sig, stage, to_ranks, tag):
    def fn(ctx):
        if not to_ranks and ctx.np == 0:
            return None, []
        state = os.path.join(ctx.workdir, "state-" + tag)
        seen = []

        def started():
            if stored(state) >= stage:
                seen.append(time.time())
                return True
            return False

        before = time.time()
        res = ctx.r.run(ctx.args(state), ctx.workdir, hang(stage), signal_after=(sig, 0.3, started, to_ranks))
        fails = list(res.problems)
        code = 75 if to_ranks or ctx.np == 0 else 1  # mpirun exits 1 once it was signalled
        if res.rc != code:
            fails.append("exit %s, expected %d\n%s" % (res.rc, code, res.stderr_tail()))
        lines = [l for l in res.stderr.splitlines() if l.startswith(PREFIX)]
        if len(lines) != 1 or b"interrupted by" not in lines[0] or state.encode() not in lines[0]:
            fails.append("expected one 'interrupted by' line naming %s, got %r" % (state, lines))
        if not seen:
            fails.append("the run never stored %d stages" % stage)
        elif before + res.elapsed - (seen[0] + 0.3) > 10:
            fails.append("the run ended %.1f s after the signal, not within 10 s"
                         % (before + res.elapsed - seen[0] - 0.3))
        if fails:
            return res, fails
        return res, ctx.rerun(state, tag)
    return fn


def killed(one_rank, tag):
    def fn(ctx):
        if one_rank and ctx.np < 2:
            return None, []
        state = os.path.join(ctx.workdir, "state-" + tag)
        env = dict(ctx.r.base_env)
        env.update(hang(10))
        cmd = ctx.r.command(ctx.args(state), hang(10))
        proc = subprocess.Popen(cmd, cwd=ctx.workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.time() + ctx.r.timeout
        while proc.poll() is None and stored(state) < 10 and time.time() < deadline:
            time.sleep(0.02)
        fails = []
        if stored(state) < 10:
            fails.append("the run never stored 10 stages")
        members = [p for p in cw._session_members(proc.pid) if p != proc.pid]
        victims = cw._session_members(proc.pid) if not one_rank else sorted(members)[-1:]
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            proc.communicate(timeout=ctx.r.timeout)
        except subprocess.TimeoutExpired:
            fails.append("the run did not end within %.0f s of the SIGKILL" % ctx.r.timeout)
        cw._kill_session(proc.pid, proc.pid)
        if proc.returncode == 0:
            fails.append("the run succeeded after a SIGKILL")
        if fails:
            return None, fails
        return None, ctx.rerun(state, tag)
    return fn


def changed_input(ctx):
    state = os.path.join(ctx.workdir, "state-changed")
    res = ctx.r.run(ctx.args(state, extra=["--keep-resume-state"]), ctx.workdir)
    fails = list(res.problems)
    if res.rc != 0 or res.stdout != ctx.reference:
        fails.append("the first run: exit %s, or another answer" % res.rc)
    if stored(state) < 20:
        fails.append("--keep-resume-state kept %d stages" % stored(state))
    with open(ctx.edges, "a") as f:
        f.write("1 2\n")
    try:
        new = ctx.answer("new-input")
        if new[0] == ctx.reference:
            fails.append("the changed input has the old answer: the check cannot tell")
        fails += ctx.rerun(state, "changed", want=new, fewer=False)
    finally:
        make_edges(ctx.edges, 1)
    return res, fails


def damaged_part(ctx):
    """A finished run's state kept, then one byte of the last stored shuffle flipped: the
    rerun warns once naming the file, computes that shuffle again from the one before it, and
    prints the uninterrupted bytes."""
    state = os.path.join(ctx.workdir, "state-damaged")
    res = ctx.r.run(ctx.args(state, extra=["--keep-resume-state"]), ctx.workdir)
    fails = list(res.problems)
    if res.rc != 0 or res.stdout != ctx.reference:
        fails.append("the first run: exit %s, or another answer" % res.rc)
        return res, fails
    def node_of(complete):  # _COMPLETE: "partitions N", then "node ID LABEL"
        with open(complete) as f:
            return int(f.read().split()[3])
    last = max(glob.glob(os.path.join(state, "shuffle-*", "_COMPLETE")), key=node_of)
    part = os.path.join(os.path.dirname(last), "part-00000")
    with open(part, "r+b") as f:
        f.seek(20)
        byte = f.read(1)
        f.seek(20)
        f.write(bytes([byte[0] ^ 0x10]))
    log = os.path.join(ctx.workdir, "log-damaged")
    res = ctx.r.run(ctx.args(state, log), ctx.workdir)
    fails += ["rerun: " + p for p in res.problems]
    warnings = [l for l in res.stderr.splitlines() if b"warning: --resume-dir" in l]
    if res.rc != 0 or res.stdout != ctx.reference:
        fails.append("rerun: exit %s, or another answer\n%s" % (res.rc, res.stderr_tail()))
    if len(warnings) != 1 or part.encode() not in warnings[0] or b"checksum" not in warnings[0]:
        fails.append("rerun: expected one warning naming %s and its checksum, got %r" % (part, warnings))
    if not tasks_in(log) < ctx.reference_tasks:
        fails.append("rerun: %d tasks: the shuffles before the damaged one were not used" % tasks_in(log))
    if os.path.exists(state):
        fails.append("rerun: the state is still there after a successful end")
    return res, fails


CASES = [
    ("sigusr1-early", signalled(signal.SIGUSR1, 3, True, "early")),
    ("sigusr1-late", signalled(signal.SIGUSR1, 16, True, "late")),
    ("sigterm-mpirun", signalled(signal.SIGTERM, 8, False, "mpirun")),
    ("sigkill", killed(False, "kill")),
    ("sigkill-rank", killed(True, "kill-rank")),
    ("changed-input", changed_input),
    ("damaged-part", damaged_part),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pagerank", required=True)
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    names = [n for n, _ in CASES]
    unknown = [c for c in a.cases if c not in names]
    if unknown:
        print("check_resume: unknown case(s) %s; known: %s" % (unknown, names))
        print("0 passed, 1 failed")
        return 1
    workdir = tempfile.mkdtemp(prefix="dataflow-resume-")
    passed = failed = 0
    try:
        ctx = Ctx(cw.Runner(os.path.abspath(a.pagerank), a.np, a.mpirun, a.timeout, a.verbose), workdir)
        for name, fn in CASES:
            if a.cases and name not in a.cases:
                continue
            t0 = time.time()
            res, fails = fn(ctx)
            if res is None and not fails and name in ("sigkill-rank", "sigterm-mpirun") and a.np < 2:
                print("skip %s (np %d)" % (name, a.np))
                continue
            if fails:
                failed += 1
                print("FAIL %s (np %d, %.1f s)" % (name, a.np, time.time() - t0))
                for f in fails:
                    print("    " + f)
                if res is not None:
                    print("    command: " + res.describe())
            else:
                passed += 1
                print("ok   %s (np %d, %.1f s)" % (name, a.np, time.time() - t0))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
