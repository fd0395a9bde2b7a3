#!/usr/bin/env python3
"""End-to-end checks of bounded executor memory and spill files (RELIABILITY.md F13, F14,
S1, S3) with the wordcount and terasort apps.

Usage:
  check_spill.py --wordcount PATH --terasort PATH [--np N] [--mpirun MPIRUN] [--timeout S]
                 [--rss-slack MIB] [--keep] [--list] [-v] [CASE_OR_GROUP ...]

--np 0 runs the app alone (local mode), N >= 1 under mpirun -n N --oversubscribe --bind-to
none. CASE_OR_GROUP: case names, groups (limits, disk_full, security) or fnmatch patterns.
Inputs are generated here (seeded): text with ~3 million distinct words, and records as
gensort lays them out (random 10-byte key, then 90 bytes). Every run gets a fresh --local-dir
(the "base"), has a timeout, and must leave nothing running. Where the base must be empty
afterwards, a stale directory (of a dead pid, this uid and host) is planted in it first: its
removal shows that the run used --local-dir. Cases:

limits (F13): one input partition of ~100 MB (--split-size 1G), --executor-memory 32M,
--executor-cores 2, -o DIR:
  limits.wordcount, limits.terasort
      local mode: under `prlimit --as=256MiB` the bounded run exits 0, while the same run
      without --executor-memory (the default budget: the node's memory) fails under the same
      limit (else the limit proves nothing). Under mpirun no prlimit (it would limit mpirun
      too). Both: DATAFLOW_RESOURCE_REPORT shows memory_budget_kib=32768, spills > 0 and
      every executor's maxrss_kib <= budget + --rss-slack (default 96 MiB); the part files
      are byte-identical to those of a run without a limit; the base is empty afterwards.
      Measured (2 cores): a run of a tiny input needs ~32 MiB of address space; bounded runs
      pass from 192 MiB on; unbounded ones need over 320 (terasort) and 384 MiB (wordcount).
      Peak RSS with 32M: wordcount budget + 74 MiB (local) / + 83 MiB (executor under
      mpirun), terasort + 66 / + 72 MiB. --executor-cores 2 fixes the thread count, since
      --as also counts the 64 MiB that glibc reserves per malloc arena. The inputs are
      written by a child process, and outputs compared by digest: a child forked from a big
      Python process would report its size as maxrss_kib (Linux keeps it across exec).
disk_full (F14): --local-dir on a 2 MiB tmpfs (mounted here: root needed; no skipping),
--executor-memory 1M, an input that spills far more than 2 MiB:
  disk_full.wordcount, disk_full.terasort
      exit 74, one "PROG: error:" line naming "local directory <the tmpfs>" and "No space
      left on device"; the tmpfs is empty afterwards; no _SUCCESS and no part file.
security (S1, S3), terasort and wordcount with --executor-memory 1M on a few MB:
  private_dirs       (S1) twice, under umask 000: while the job hangs after spilling, the
                     base holds exactly one dataflow-<uid>.<host>.<pid>.<6 chars> directory
                     per executor process (pid: a live process of the app), mode 0700, owned
                     by this uid, holding only spill-<24 hex> regular files, mode 0600, owned
                     by this uid; no name is shared by the two runs. Both end by SIGTERM.
  symlink_planted    (S1) symlinks named like stale directories of a dead pid, to a victim
                     directory and to a file in it: a spilling run exits 0, and the victim
                     directory and its file are unchanged (existence, mode, content).
  cleanup_success    (S3) a spilling run exits 0 (spills > 0) and leaves the base empty.
  cleanup_failure    (S3) DATAFLOW_FAULT=throw:stage=1 after spilling: exit 70, base empty.
  cleanup_sigterm, cleanup_sigint
                     (S3) the signal while the job hangs after spilling: exit 75 and 130
                     (under mpirun, which forwards both as SIGTERM and exits 1 itself: 1, 1),
                     an "interrupted by" line; the base is empty.
  sigkill_stale      (S3, local mode only) SIGKILL mid-job leaves the process's directory
                     with its spill files; the next run removes it, but not a directory named
                     for a live pid, one of a dead pid owned by uid 65534, nor one of a dead
                     pid on another host.
  local_dir_unusable --local-dir naming a missing directory, or a file: exit 78 naming it.

integrity, every byte the engine reads back is checked:
  corrupt_spill.wordcount, corrupt_spill.terasort.lz4
                     DATAFLOW_FAULT=flip-spill with --executor-memory 1M, plain and LZ4
                     spill files: exit 74 naming the spill file; no output; base empty.
  corrupt_shuffle    DATAFLOW_FAULT=flip-shuffle: exit 74 naming the sender (np >= 3);
                     with one executor nothing is sent, and the run succeeds.

The last line printed is always "P passed, F failed".
"""
import argparse
import fnmatch
import hashlib
import os
import random
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import check_wordcount as cw  # noqa: E402

MIB = 1 << 20
LIMIT_BUDGET = "32M"           # F13: the executors' budget ...
LIMIT_BUDGET_KIB = 32 * 1024
LIMIT_AS = 256 * MIB           # ... and the address-space limit of the local-mode run
SPILL_RE = re.compile(r"spill-[0-9a-f]{24}$")
HANG = "hang:stage=1,partition=0,seconds=60"
SPILL_WAIT = 20  # seconds for a hanging run's first spill file to appear


def host():
    return socket.gethostname().replace("/", "_")


def dir_re():
    """dataflow-<uid>.<host>.<pid>.<mkdtemp's 6 characters>"""
    return re.compile(r"dataflow-%d\.%s\.(\d+)\.([A-Za-z0-9]{6})$" % (os.getuid(), re.escape(host())))


# ----- inputs (seeded, generated once per process) ----------------------------------------

def write_text(path, distinct, steps, seed):
    """Lines of 12 random 8-hex-digit words: all `distinct` words once per entry of `steps`
    (step s: every s-th line), each pass rotated, so counts differ between words."""
    rng = random.Random(seed)
    hexs = rng.randbytes(4 * distinct).hex()
    words = [hexs[i:i + 8] for i in range(0, 8 * distinct, 8)]
    lines = [" ".join(words[i:i + 12]) for i in range(0, distinct, 12)]
    with open(path, "w") as f:
        for k, step in enumerate(steps):
            sel = lines[k % step::step]
            at = (k * 7919) % len(sel)
            f.write("\n".join(sel[at:] + sel[:at]) + "\n")


def write_records(path, n, seed):
    rng = random.Random(seed)
    keys = rng.randbytes(10 * n)
    tail = b"\x88\x99\xaa\xbb" + b"\x55" * 48 + b"\xcc\xdd\xee\xff"
    with open(path, "wb") as f:
        for start in range(0, n, 100000):
            f.write(b"".join(keys[10 * i:10 * i + 10] + b"\x00\x11" + b"%032X" % i + tail
                             for i in range(start, min(n, start + 100000))))


INPUTS = {  # name: (file name, writer) -- big: F13, small: F14, S1 and S3
    ("wordcount", "big"): ("words-100M.txt", lambda p: write_text(p, 3_000_000, (1, 1, 1, 2, 3), 13)),
    ("terasort", "big"): ("records-100M.bin", lambda p: write_records(p, 1_000_000, 5)),
    ("wordcount", "small"): ("words-8M.txt", lambda p: write_text(p, 300_000, (1, 1, 2), 17)),
    ("terasort", "small"): ("records-8M.bin", lambda p: write_records(p, 80_000, 7)),
}


# ----- helpers ----------------------------------------------------------------------------

def entries(path):
    return sorted(os.listdir(path)) if os.path.isdir(path) else []


def resources(res):
    """rank -> (role, maxrss_kib, memory_budget_kib, spills, spilled_kib) from the report."""
    out = {}
    for line in res.stderr.splitlines():
        m = cw.RESOURCE_RE.match(line)
        if m:
            out[int(m.group(1))] = (m.group(2).decode(), int(m.group(4)), int(m.group(6)),
                                    int(m.group(7)), int(m.group(8)))
    return out


def check_spilled(res, ctx, want_budget_kib=None):
    rep = resources(res)
    fails = []
    if len(rep) != max(ctx.np, 1):
        return ["expected %d dataflow-resources lines on stderr, got %d" % (max(ctx.np, 1), len(rep))]
    if sum(r[3] for r in rep.values()) == 0:
        fails.append("no rank spilled (spills=0 everywhere): the case tests nothing")
    if want_budget_kib is not None:
        for rank, r in sorted(rep.items()):
            if r[0] == "executor" or ctx.np == 0:
                if r[2] != want_budget_kib:
                    fails.append("rank %d: memory_budget_kib=%d, expected %d" % (rank, r[2], want_budget_kib))
    return fails


def expect_code(res, code, prog, words=()):
    return cw.expect_exit(res, code, words, prog.encode() + b": error:")


def empty_base(base, what="the local directory"):
    left = entries(base)
    return [] if not left else ["%s %s is not empty afterwards: %s" % (what, base, left[:10])]


def read_tree(path):
    """Names, types, modes and contents under path (lstat: links are not followed)."""
    snap = {}
    for root, dirs, files in os.walk(path):
        for n in dirs + files + [""]:
            p = os.path.join(root, n)
            st = os.lstat(p)
            data = None
            if n in files and stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    data = f.read()
            snap[os.path.relpath(p, path)] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, data)
    return snap


def plant_stale(base):
    """A directory as a SIGKILLed executor of this uid on this host leaves, with a spill file:
    the run must remove it, which shows that it used `base` as its local directory."""
    name = "dataflow-%d.%s.%d.Stale1" % (os.getuid(), host(), cw.dead_pid())
    os.makedirs(os.path.join(base, name), mode=0o700)
    with open(os.path.join(base, name, "spill-00000000000000000000dead"), "wb") as f:
        f.write(b"stale")
    return name


class Background:
    """runner.run(args, ...) in a thread; .proc is its Popen (mpirun, or the app itself)."""

    def __init__(self, runner, args, cwd, env=None):
        self.proc = None
        self.res = None
        started = threading.Event()
        real = subprocess.Popen

        def popen(*a, **kw):
            p = real(*a, **kw)
            self.proc = p
            started.set()
            return p

        def body():
            try:
                self.res = runner.run(args, cwd=cwd, env=env)
            finally:
                started.set()

        subprocess.Popen = popen  # restored as soon as the command has started
        try:
            self.thread = threading.Thread(target=body, daemon=True)
            self.thread.start()
            started.wait(30)
        finally:
            subprocess.Popen = real

    def signal(self, sig):
        if self.proc is not None and self.proc.returncode is None:
            try:
                os.kill(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def wait(self):
        self.thread.join()
        return self.res


def wait_spilled(base, n_dirs, timeout):
    """Waits until base holds n_dirs dataflow-* directories, at least one spill file, and
    the spill files' sizes have not changed for 0.5 s (stage 0 done: the job hangs in stage 1).
    Returns {dir name: {file name: size}} or None on timeout."""
    deadline = time.time() + timeout
    last, since = None, time.time()
    while time.time() < deadline:
        snap = {}
        try:
            for d in entries(base):
                p = os.path.join(base, d)
                snap[d] = {f: os.lstat(os.path.join(p, f)).st_size for f in entries(p)} \
                    if os.path.isdir(p) and not os.path.islink(p) else {}
        except OSError:  # a file went away between listdir and lstat: not stable yet
            snap = None
        if snap is not None and snap != last:
            last, since = snap, time.time()
        elif snap is not None and len(snap) >= n_dirs and any(snap.values()) and time.time() - since >= 0.5:
            return snap
        time.sleep(0.05)
    return None


def inspect_dirs(ctx, base, binary):
    """S1's checks of a running job's local directories. Returns (names, failures)."""
    fails, names = [], set()
    pattern = dir_re()
    dirs = entries(base)
    if len(dirs) != ctx.executors:
        fails.append("%d entries in the local directory %s, expected %d (one per executor process): %s"
                     % (len(dirs), base, ctx.executors, dirs))
    pids = set()
    n_files = 0
    for d in dirs:
        names.add(d)
        p = os.path.join(base, d)
        m = pattern.match(d)
        if not m:
            fails.append("%s does not match dataflow-<uid %d>.<host %s>.<pid>.<6 characters>"
                         % (d, os.getuid(), host()))
        else:
            pid = int(m.group(1))
            pids.add(pid)
            names.add("random part " + m.group(2))  # the pid differs anyway
            try:
                exe = os.path.realpath("/proc/%d/exe" % pid)
            except OSError:
                exe = None
            if exe != os.path.realpath(binary):
                fails.append("%s: pid %d is not a running %s (its executable: %s)" % (d, pid, binary, exe))
        st = os.lstat(p)
        if not stat.S_ISDIR(st.st_mode):
            fails.append("%s is not a directory (mode %o)" % (d, st.st_mode))
            continue
        if stat.S_IMODE(st.st_mode) != 0o700:
            fails.append("%s has mode %04o, expected 0700" % (d, stat.S_IMODE(st.st_mode)))
        if st.st_uid != os.getuid():
            fails.append("%s is owned by uid %d, expected %d" % (d, st.st_uid, os.getuid()))
        for f in entries(p):
            names.add(f)
            fst = os.lstat(os.path.join(p, f))
            if not SPILL_RE.match(f):
                fails.append("%s/%s does not match spill-<24 hex digits>" % (d, f))
            if not stat.S_ISREG(fst.st_mode):
                fails.append("%s/%s is not a regular file (mode %o)" % (d, f, fst.st_mode))
            elif stat.S_IMODE(fst.st_mode) != 0o600:
                fails.append("%s/%s has mode %04o, expected 0600" % (d, f, stat.S_IMODE(fst.st_mode)))
            if fst.st_uid != os.getuid():
                fails.append("%s/%s is owned by uid %d" % (d, f, fst.st_uid))
            n_files += 1
    if len(pids) != len([d for d in dirs if pattern.match(d)]):
        fails.append("two directories name the same pid: %s" % dirs)
    if n_files == 0:
        fails.append("no spill file in %s while the job runs (test setup?)" % base)
    return names, fails


# ----- the apps ----------------------------------------------------------------------------

class App:
    def __init__(self, name, binary, runner):
        self.name, self.binary, self.r = name, binary, runner

    def args(self, inp, out, opts):
        if self.name == "wordcount":
            return list(opts) + ["-o", out, inp]
        return [inp, "-o", out] + list(opts)


class Ctx:
    def __init__(self, a, tmp):
        self.np = a.np
        self.executors = max(a.np - 1, 1)
        self.tmp = tmp
        self.timeout = a.timeout
        self.rss_slack = a.rss_slack
        self.verbose = a.verbose
        self.apps = {
            "wordcount": App("wordcount", a.wordcount, cw.Runner(a.wordcount, a.np, a.mpirun, a.timeout, a.verbose)),
            "terasort": App("terasort", a.terasort, cw.Runner(a.terasort, a.np, a.mpirun, a.timeout, a.verbose)),
        }
        self.prlimit = cw.Runner(shutil.which("prlimit") or "prlimit", 0, a.mpirun, a.timeout, a.verbose)
        self._n = 0
        self._inputs = {}

    def workdir(self, name):
        self._n += 1
        p = os.path.join(self.tmp, "%02d-%s" % (self._n, name))
        os.makedirs(os.path.join(p, "local"))
        return p

    def input(self, app, size):
        """The input file, written by a child process: this one stays small, since a child
        forked from it starts with its resident size, which getrusage's maxrss keeps across
        exec (the reports' maxrss_kib would show this process's size)."""
        name = INPUTS[(app, size)][0]
        path = os.path.join(self.tmp, name)
        if path not in self._inputs:
            code = ("import sys; sys.dont_write_bytecode = True; sys.path.insert(0, %r); import check_spill as m; "
                    "m.INPUTS[(%r, %r)][1](%r)" % (HERE, app, size, path))
            subprocess.run([sys.executable, "-c", code], check=True, timeout=self.timeout)
            self._inputs[path] = True
        return path


def part_files(outdir):
    """{name: (size, sha256)} of the part files; None when there is no complete output."""
    if not os.path.exists(os.path.join(outdir, "_SUCCESS")):
        return None
    out = {}
    for n in entries(outdir):
        if n.startswith("part-"):
            h = hashlib.sha256()
            with open(os.path.join(outdir, n), "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            out[n] = (os.path.getsize(os.path.join(outdir, n)), h.hexdigest())
    return out


def no_output(outdir):
    bad = [n for n in entries(outdir) if n == "_SUCCESS" or n.startswith("part-")]
    return ["the failed job left %s in %s" % (bad, outdir)] if bad else []


# ----- F13 ----------------------------------------------------------------------------------

def limits_case(app_name):
    def fn(ctx):
        app = ctx.apps[app_name]
        wd = ctx.workdir("limits-" + app_name)
        base = os.path.join(wd, "local")
        inp = ctx.input(app_name, "big")
        opts = ["--split-size", "1G", "--executor-cores", "2", "--local-dir", base]
        fails = []
        # The reference: no limit, the default budget.
        ref = app.r.run(app.args(inp, os.path.join(wd, "ref"), opts), cwd=wd)
        if ref.rc != 0 or ref.problems:
            return ref, ["the reference run without a limit failed: exit code %s %s" % (ref.rc, ref.problems)]
        fails += empty_base(base)
        want = part_files(os.path.join(wd, "ref"))
        bounded = ["--executor-memory", LIMIT_BUDGET] + opts
        env = {"DATAFLOW_RESOURCE_REPORT": "1"}
        if ctx.np == 0:
            # Without --executor-memory the same run must not fit in the limit.
            unbounded = app.args(inp, os.path.join(wd, "unbounded"), opts)
            unb = ctx.prlimit.run(["--as=%d" % LIMIT_AS, app.binary] + unbounded, cwd=wd)
            if unb.rc == 0:
                fails.append("the run without --executor-memory also completes under prlimit --as=%d MiB: the "
                             "limit proves nothing (command: %s)" % (LIMIT_AS // MIB, unb.describe()))
            fails += ["run without --executor-memory under the limit: " + p for p in unb.problems]
            fails += empty_base(base, "after the failed unbounded run, the local directory")
            plant_stale(base)  # removed at startup: empty_base also shows that the run used base
            res = ctx.prlimit.run(["--as=%d" % LIMIT_AS, app.binary] + app.args(inp, os.path.join(wd, "out"), bounded),
                                  cwd=wd, env=env)
        else:
            plant_stale(base)
            res = app.r.run(app.args(inp, os.path.join(wd, "out"), bounded), cwd=wd, env=env)
        fails += expect_code(res, 0, app_name)
        fails += check_spilled(res, ctx, LIMIT_BUDGET_KIB)
        limit_kib = LIMIT_BUDGET_KIB + ctx.rss_slack * 1024
        for rank, r in sorted(resources(res).items()):
            if ctx.verbose:
                print("    rank %d (%s): maxrss_kib=%d (budget + %.1f MiB) spills=%d spilled_kib=%d"
                      % (rank, r[0], r[1], (r[1] - LIMIT_BUDGET_KIB) / 1024, r[3], r[4]))
            if (r[0] == "executor" or ctx.np == 0) and r[1] > limit_kib:
                fails.append("rank %d: maxrss_kib=%d over the budget + %d MiB (%d KiB)"
                             % (rank, r[1], ctx.rss_slack, limit_kib))
        got = part_files(os.path.join(wd, "out"))
        if got is None:
            fails.append("no _SUCCESS in the output directory")
        elif got != want:
            diff = sorted(n for n in set(got) | set(want) if got.get(n) != want.get(n))
            fails.append("the part files differ from those of the run without a limit: %s" % diff[:10])
        fails += empty_base(base)
        return res, fails
    return fn


# ----- F14 ----------------------------------------------------------------------------------

def disk_full_case(app_name):
    def fn(ctx):
        app = ctx.apps[app_name]
        wd = ctx.workdir("disk-full-" + app_name)
        mnt = os.path.join(wd, "tmpfs")
        os.makedirs(mnt)
        inp = ctx.input(app_name, "small")
        m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        if m.returncode != 0:
            return None, ["cannot mount a 2 MiB tmpfs on %s (this check needs root, or CAP_SYS_ADMIN): mount "
                          "exited %d: %s" % (mnt, m.returncode, m.stdout.decode("utf-8", "replace").strip())]
        try:
            out = os.path.join(wd, "out")
            res = app.r.run(app.args(inp, out, ["--executor-memory", "1M", "--local-dir", mnt]), cwd=wd)
            fails = expect_code(res, 74, app_name, ["local directory " + mnt, "No space left on device"])
            fails += empty_base(mnt, "the full local directory")
            fails += no_output(out)
            return res, fails
        finally:
            for _ in range(50):
                if subprocess.run(["umount", mnt], stderr=subprocess.DEVNULL, timeout=30).returncode == 0:
                    break
                time.sleep(0.1)
            else:
                subprocess.run(["umount", "-l", mnt], timeout=30)
    return fn


# ----- S1 -----------------------------------------------------------------------------------

def interrupted_code(ctx, sig):
    """mpirun forwards SIGINT and SIGTERM as SIGTERM and exits 1 itself (check_faults.py)."""
    if ctx.np >= 1:
        return 1, "SIGTERM"
    return (75, "SIGTERM") if sig == signal.SIGTERM else (130, "SIGINT")


def hung_run(ctx, app, wd, env=None, umask=None):
    """Starts a spilling run that hangs in stage 1 and waits until it has spilled. Returns
    (the Background run, wait_spilled's snapshot or None)."""
    base = os.path.join(wd, "local")
    inp = ctx.input(app.name, "small")
    e = {"DATAFLOW_FAULT": HANG}
    e.update(env or {})
    old = os.umask(umask) if umask is not None else None
    try:
        bg = Background(app.r, app.args(inp, os.path.join(wd, "out"), ["--executor-memory", "1M", "--local-dir", base]),
                        wd, e)
    finally:
        if old is not None:
            os.umask(old)
    snap = wait_spilled(base, ctx.executors, SPILL_WAIT)
    return bg, snap


def no_spill(base):
    return "no spill file appeared in %s within %d s (entries: %s)" % (base, SPILL_WAIT, entries(base))


def private_dirs(ctx):
    app = ctx.apps["terasort"]
    fails, names, res = [], [], None
    for i in range(2):
        wd = ctx.workdir("private-dirs-%d" % i)
        base = os.path.join(wd, "local")
        bg, snap = hung_run(ctx, app, wd, umask=0)
        if snap is None:
            fails.append("run %d: %s" % (i + 1, no_spill(base)))
            seen = set()
        else:
            seen, f = inspect_dirs(ctx, base, app.binary)
            fails += ["run %d: %s" % (i + 1, x) for x in f]
        names.append(seen)
        bg.signal(signal.SIGTERM)
        res = bg.wait()
        code, signame = interrupted_code(ctx, signal.SIGTERM)
        fails += ["run %d: %s" % (i + 1, x) for x in expect_code(res, code, app.name, ["interrupted by " + signame])]
        fails += ["run %d: %s" % (i + 1, x) for x in empty_base(base)]
    shared = names[0] & names[1]
    if shared:
        fails.append("names used by both runs (predictable): %s" % sorted(shared)[:10])
    return res, fails


def symlink_planted(ctx):
    app = ctx.apps["terasort"]
    wd = ctx.workdir("symlink")
    base = os.path.join(wd, "local")
    victim = os.path.join(wd, "victim")
    os.makedirs(os.path.join(victim, "sub"))
    with open(os.path.join(victim, "precious.txt"), "wb") as f:
        f.write(b"do not delete\n")
    with open(os.path.join(victim, "sub", "nested.txt"), "wb") as f:
        f.write(b"nor this\n")
    pid = cw.dead_pid()
    prefix = "dataflow-%d.%s.%d." % (os.getuid(), host(), pid)
    links = {prefix + "abcdef": victim, prefix + "ghijkl": os.path.join(victim, "precious.txt")}
    for name, target in links.items():
        os.symlink(target, os.path.join(base, name))
    stale = plant_stale(base)
    before = read_tree(victim)
    inp = ctx.input("terasort", "small")
    res = app.r.run(app.args(inp, os.path.join(wd, "out"), ["--executor-memory", "1M", "--local-dir", base]),
                    cwd=wd, env={"DATAFLOW_RESOURCE_REPORT": "1"})
    fails = expect_code(res, 0, app.name)
    fails += check_spilled(res, ctx)
    after = read_tree(victim) if os.path.isdir(victim) else {}
    if after != before:
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        fails.append("the victim directory behind the planted symlinks changed: %s" % changed)
    left = [n for n in entries(base) if n not in links]
    if stale in left:
        fails.append("the run did not remove %s (a stale directory of this uid and host, of a dead pid, beside the "
                     "symlinks): did it use --local-dir %s?" % (stale, base))
    if left:
        fails.append("left in the local directory: %s" % left)
    for name, target in links.items():
        p = os.path.join(base, name)
        if os.path.lexists(p) and (not os.path.islink(p) or os.readlink(p) != target):
            fails.append("the planted symlink %s was replaced" % name)
    return res, fails


# ----- S3 -----------------------------------------------------------------------------------

def cleanup_success(ctx):
    res, fails = None, []
    for app in ctx.apps.values():
        wd = ctx.workdir("success-" + app.name)
        base = os.path.join(wd, "local")
        inp = ctx.input(app.name, "small")
        plant_stale(base)  # removed at startup: empty_base also shows that the run used base
        res = app.r.run(app.args(inp, os.path.join(wd, "out"), ["--executor-memory", "1M", "--local-dir", base]),
                        cwd=wd, env={"DATAFLOW_RESOURCE_REPORT": "1"})
        f = expect_code(res, 0, app.name) + check_spilled(res, ctx) + empty_base(base)
        if part_files(os.path.join(wd, "out")) is None:
            f.append("no _SUCCESS in the output directory")
        fails += ["%s: %s" % (app.name, x) for x in f]
        if f:
            break
    return res, fails


def cleanup_failure(ctx):
    app = ctx.apps["wordcount"]
    wd = ctx.workdir("failure")
    base = os.path.join(wd, "local")
    inp = ctx.input(app.name, "small")
    plant_stale(base)
    res = app.r.run(app.args(inp, os.path.join(wd, "out"), ["--executor-memory", "1M", "--local-dir", base]),
                    cwd=wd, env={"DATAFLOW_FAULT": "throw:stage=1", "DATAFLOW_RESOURCE_REPORT": "1"})
    fails = expect_code(res, 70, app.name, ["failed 4 times", "injected fault"])
    fails += check_spilled(res, ctx) + empty_base(base) + no_output(os.path.join(wd, "out"))
    return res, fails


def cleanup_signal(sig):
    def fn(ctx):
        app = ctx.apps["wordcount" if sig == signal.SIGTERM else "terasort"]
        wd = ctx.workdir("signal-%d" % sig)
        base = os.path.join(wd, "local")
        bg, snap = hung_run(ctx, app, wd)
        fails = [] if snap else [no_spill(base)]
        bg.signal(sig)
        res = bg.wait()
        code, signame = interrupted_code(ctx, sig)
        fails += expect_code(res, code, app.name, ["interrupted by " + signame])
        fails += empty_base(base) + no_output(os.path.join(wd, "out"))
        return res, fails
    return fn


def sigkill_stale(ctx):
    if ctx.np != 0:
        return None, []  # SIGKILL of mpirun orphans its ranks: local mode only
    if os.geteuid() != 0:
        return None, ["sigkill_stale needs root (it chowns a directory to uid 65534)"]
    app = ctx.apps["terasort"]
    wd = ctx.workdir("sigkill")
    base = os.path.join(wd, "local")
    sleeper = subprocess.Popen(["sleep", "120"])
    try:
        # Directories that the next run must NOT remove, each with a file inside.
        dead = cw.dead_pid()
        keep = {
            "live pid": "dataflow-%d.%s.%d.Live01" % (os.getuid(), host(), sleeper.pid),
            "another uid": "dataflow-%d.%s.%d.Other1" % (os.getuid(), host(), dead),
            "another host": "dataflow-%d.%s.%d.Host01" % (os.getuid(), "not-" + host(), dead),
        }
        for why, name in keep.items():
            os.makedirs(os.path.join(base, name), mode=0o700)
            with open(os.path.join(base, name, "spill-0123456789abcdef01234567"), "wb") as f:
                f.write(why.encode())
        os.chown(os.path.join(base, keep["another uid"]), 65534, 65534)
        planted = read_tree(base)

        bg, snap = hung_run(ctx, app, wd)
        fails = []
        if snap is None:
            fails.append(no_spill(base))
        bg.signal(signal.SIGKILL)
        killed = bg.wait()
        fails += [p for p in killed.problems if "signal 9" not in p]
        if killed.rc != -signal.SIGKILL:
            fails.append("the killed run's exit status is %s, expected -9 (SIGKILL)" % killed.rc)
        stale = [n for n in entries(base) if n not in keep.values()]
        want = "dataflow-%d.%s.%d." % (os.getuid(), host(), bg.proc.pid)
        if len(stale) != 1 or not stale[0].startswith(want):
            fails.append("after SIGKILL, expected the killed process's directory %s* left, found %s" % (want, stale))
        elif not entries(os.path.join(base, stale[0])):
            fails.append("the killed process's directory %s holds no spill file (test setup?)" % stale[0])
        if fails:
            return killed, fails

        # The next run (no spilling needed) removes the dead process's directory only.
        res = app.r.run(app.args(ctx.input(app.name, "small"), os.path.join(wd, "out"), ["--local-dir", base]), cwd=wd)
        fails += expect_code(res, 0, app.name)
        left = entries(base)
        if stale[0] in left:
            fails.append("the next run did not remove %s, left by the killed process (pid %d, dead)"
                         % (stale[0], bg.proc.pid))
        now = read_tree(base)
        for why, name in keep.items():
            mine = {k: v for k, v in planted.items() if k == name or k.startswith(name + "/")}
            if any(now.get(k) != v for k, v in mine.items()):
                fails.append("the next run removed or changed %s (a directory of %s)" % (name, why))
        extra = [n for n in left if n not in keep.values()]
        if extra:
            fails.append("left in the local directory after the next run: %s" % extra)
        return res, fails
    finally:
        sleeper.kill()
        sleeper.wait(timeout=10)


def local_dir_unusable(ctx):
    """--local-dir naming nothing, or a file: exit 78 naming it, before any task runs."""
    app = ctx.apps["wordcount"]
    wd = ctx.workdir("unusable")
    fails, res = [], None
    afile = os.path.join(wd, "a-file")
    with open(afile, "wb") as f:
        f.write(b"not a directory\n")
    for i, bad in enumerate((os.path.join(wd, "missing"), afile)):
        out = os.path.join(wd, "out%d" % i)
        res = app.r.run(app.args(ctx.input(app.name, "small"), out, ["--local-dir", bad]), cwd=wd)
        fails += ["--local-dir %s: %s" % (bad, x) for x in expect_code(res, 78, app.name, [bad])]
        if os.path.exists(os.path.join(wd, "missing")):
            fails.append("--local-dir %s: the missing directory was created" % bad)
        fails += no_output(out)
    return res, fails


# ----- driver ---------------------------------------------------------------------------------

# ----- integrity: no byte read back unchecked -------------------------------------------------

def corrupt_spill_case(app_name, compression):
    """A bit flipped in the first spill file each executor flushes (DATAFLOW_FAULT=flip-spill,
    after its checksums were taken) is never a wrong answer: exit 74, one error line naming
    the file under the local directory, no output, the base empty afterwards."""
    def fn(ctx):
        app = ctx.apps[app_name]
        wd = ctx.workdir("corrupt-%s-%s" % (app_name, compression))
        base = os.path.join(wd, "local")
        os.makedirs(base, exist_ok=True)
        out = os.path.join(wd, "out")
        res = app.r.run(app.args(ctx.input(app_name, "small"), out,
                                 ["--executor-memory", "1M", "--local-dir", base, "--spill-compression", compression]),
                        cwd=wd, env={"DATAFLOW_FAULT": "flip-spill"})
        fails = expect_code(res, 74, app_name, ["spill file " + base + "/", "is corrupt", "checksum"])
        if b"MPI_ABORT" in res.stderr:
            fails.append("the job was ended by MPI_ABORT, not by the driver")
        return res, fails + empty_base(base) + no_output(out)
    return fn


def corrupt_shuffle(ctx):
    """A bit flipped in a shuffle frame as an executor sends it (DATAFLOW_FAULT=flip-shuffle,
    after its checksum was taken; 1 MB splits), through the hash shuffle of wordcount and the
    range shuffle of terasort: exit 74 and one line naming the rank it came from, the job
    ended by the driver (no MPI_ABORT), no output and no temporary output. With one executor
    nothing crosses the network: the same setting changes nothing, and the run is right."""
    res, fails = None, []
    for app in ctx.apps.values():
        wd = ctx.workdir("corrupt-shuffle-" + app.name)
        out = os.path.join(wd, "out")
        res = app.r.run(app.args(ctx.input(app.name, "small"), out, ["--split-size", "1M"]), cwd=wd,
                        env={"DATAFLOW_FAULT": "flip-shuffle"})
        if ctx.np < 3:
            f = expect_code(res, 0, app.name)
            if part_files(out) is None:
                f.append("no _SUCCESS in the output directory")
        else:
            f = expect_code(res, 74, app.name, ["shuffle data received from rank ", "is corrupt"])
            f += no_output(out)
            if b"MPI_ABORT" in res.stderr:
                f.append("the job was ended by MPI_ABORT, not by the driver")
            left = [n for n in os.listdir(wd) if n.startswith(".out")]
            if left:
                f.append("temporary output left: %s" % left)
        fails += ["%s: %s" % (app.name, x) for x in f]
    return res, fails


CASES = [
    ("limits.wordcount", "limits", limits_case("wordcount")),
    ("limits.terasort", "limits", limits_case("terasort")),
    ("disk_full.wordcount", "disk_full", disk_full_case("wordcount")),
    ("disk_full.terasort", "disk_full", disk_full_case("terasort")),
    ("private_dirs", "security", private_dirs),
    ("symlink_planted", "security", symlink_planted),
    ("cleanup_success", "security", cleanup_success),
    ("cleanup_failure", "security", cleanup_failure),
    ("cleanup_sigterm", "security", cleanup_signal(signal.SIGTERM)),
    ("cleanup_sigint", "security", cleanup_signal(signal.SIGINT)),
    ("sigkill_stale", "security", sigkill_stale),
    ("local_dir_unusable", "security", local_dir_unusable),
    ("corrupt_spill.wordcount", "integrity", corrupt_spill_case("wordcount", "none")),
    ("corrupt_spill.terasort.lz4", "integrity", corrupt_spill_case("terasort", "lz4")),
    ("corrupt_shuffle", "integrity", corrupt_shuffle),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordcount", required=True)
    ap.add_argument("--terasort", required=True)
    ap.add_argument("--np", type=int, default=0, help="0: local mode; N: mpirun -n N")
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per run")
    ap.add_argument("--rss-slack", type=int, default=96,
                    help="MiB an executor's peak RSS may exceed its budget by (F13)")
    ap.add_argument("--tmp", help="parent for the temporary directory (default: $TMPDIR)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every command")
    ap.add_argument("cases", nargs="*", help="case names, groups or fnmatch patterns")
    a = ap.parse_args()
    chosen = [c for c in CASES if not a.cases or any(p in ("all", c[1]) or fnmatch.fnmatchcase(c[0], p)
                                                     for p in a.cases)]
    if not chosen:
        raise SystemExit("check_spill: no case or group matches %s (try --list)" % a.cases)
    if a.list:
        for name, group, _ in chosen:
            print("%-24s %s" % (name, group))
        return 0
    problems = [p for p in (a.wordcount, a.terasort) if not os.access(p, os.X_OK)]
    if problems or (a.np > 0 and not shutil.which(a.mpirun)) or (a.np == 0 and not shutil.which("prlimit")):
        print("check_spill: SETUP ERROR: missing %s" % (problems or [a.mpirun if a.np else "prlimit"]),
              file=sys.stderr)
        print("0 passed, 1 failed")
        return 2
    a.wordcount, a.terasort = os.path.abspath(a.wordcount), os.path.abspath(a.terasort)
    tmp = tempfile.mkdtemp(prefix="check_spill-np%d-" % a.np, dir=a.tmp)
    ctx = Ctx(a, tmp)
    passed = failed = 0
    t0 = time.time()
    try:
        for name, _, fn in chosen:
            t1 = time.time()
            try:
                res, fails = fn(ctx)
            except Exception as e:  # a checker bug is a failure too
                res, fails = None, ["checker raised %s: %s" % (type(e).__name__, e)]
            if res is None and not fails:
                print("skip %s (np %d)" % (name, a.np))
                continue
            if cw.print_case(name, a.np, res, fails):
                passed += 1
            else:
                failed += 1
            if a.verbose:
                print("    (case took %.1f s)" % (time.time() - t1))
    finally:
        if a.keep:
            print("temporary files kept in " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("check_spill: total %.1f s" % (time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
