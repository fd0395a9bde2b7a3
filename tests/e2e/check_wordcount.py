#!/usr/bin/env python3
"""End-to-end correctness checks for the wordcount app against a Python reference.

Usage:
  check_wordcount.py --wordcount PATH [--np N] [--mpirun MPIRUN] [--data DIR]
                     [--timeout SECONDS] [--keep] [--list] [-v] [CASE_OR_GROUP ...]

  --np 0        run `wordcount ARGS` directly (local mode, the default)
  --np N>=1     run `MPIRUN -n N --oversubscribe --bind-to none wordcount ARGS`
  --quick       a subset: one split size per file (rotated with --np), all other cases
  --data DIR    the corpus from make_corpus.py; created (atomically) when missing or stale.
                Without --data a private corpus is made in this run's temporary directory.
  CASE_OR_GROUP case names, group names (split, split-small, split-large, multi, output,
                all) or fnmatch patterns such as 'utf8.*'. Default: all.

The reference for input files F1..Fk is collections.Counter(open(F, 'rb').read().split())
summed over the files; stdout must be, byte for byte, one "word\\tcount\\n" line per distinct
word ordered by count descending, then word ascending bytewise (--top N: the first N lines).
Every run has a timeout; a hang, a crash (signal or core file), a non-zero exit code, a
leftover process or any difference fails the case. The last line printed is always
"P passed, F failed"; the exit status is 0 only when F is 0 and P > 0.
"""
import argparse
import collections
import fnmatch
import glob
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import make_corpus  # noqa: E402

DEFAULT_TIMEOUT = 120.0


# ----------------------------------------------------------------------------------------
# Running wordcount
# ----------------------------------------------------------------------------------------

def _session_members(sid):
    """PIDs of live processes whose session id is sid (processes this script started)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as f:
                data = f.read()
        except OSError:
            continue
        # pid (comm) state ppid pgrp session ...; comm may contain spaces or parentheses
        fields = data[data.rfind(b")") + 2:].split()
        if len(fields) >= 4 and fields[0] != b"Z" and int(fields[3]) == sid:
            pids.append(int(entry))
    return pids


def _kill_session(sid, leader):
    """SIGTERM mpirun (it forwards to its ranks), then SIGKILL everything in the session."""
    try:
        os.kill(leader, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.time() + 3
    while time.time() < deadline and _session_members(sid):
        time.sleep(0.1)
    for pid in _session_members(sid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Result:
    def __init__(self):
        self.rc = None
        self.stdout = b""
        self.stderr = b""
        self.elapsed = 0.0
        self.cmd = []
        self.env_extra = {}
        self.problems = []  # crash, hang, leftovers: always failures

    def describe(self):
        env = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in sorted(self.env_extra.items()))
        return (env + " " if env else "") + " ".join(shlex.quote(c) for c in self.cmd)

    def stderr_tail(self, n=15):
        lines = self.stderr.decode("utf-8", "replace").rstrip("\n").splitlines()
        if not lines:
            return "    (stderr is empty)"
        cut = lines[-n:]
        head = ["    ... (%d earlier stderr lines)" % (len(lines) - n)] if len(lines) > n else []
        return "\n".join(head + ["    | " + l[:300] for l in cut])


class Runner:
    def __init__(self, wordcount, np, mpirun="mpirun", timeout=DEFAULT_TIMEOUT, verbose=False):
        self.wordcount = wordcount
        self.np = np
        self.mpirun = mpirun
        self.timeout = timeout
        self.verbose = verbose
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATAFLOW_")}
        if os.geteuid() == 0:
            env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
            env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        self.base_env = env

    def command(self, args, env_extra=()):
        if self.np == 0:
            return [self.wordcount] + list(args)
        cmd = [self.mpirun, "-n", str(self.np), "--oversubscribe", "--bind-to", "none"]
        for k in sorted(env_extra):
            cmd += ["-x", k]
        return cmd + [self.wordcount] + list(args)

    def run(self, args, cwd, env=None, timeout=None, signal_after=None):
        """signal_after=(SIGNAL, SECONDS[, STARTED[, RANKS]]): send SIGNAL to the command
        (mpirun, or the program alone) SECONDS after it starts, as Ctrl-C would; with STARTED
        (a function, or None), SECONDS after STARTED() first returns true; with RANKS true, to
        every process the command started instead of mpirun, at once, as srun and scancel
        deliver it (mpirun forwards a signal a second late, and then exits 1 whatever the
        ranks did)."""
        res = Result()
        res.env_extra = dict(env or {})
        res.cmd = self.command(args, res.env_extra)
        full_env = dict(self.base_env)
        full_env.update(res.env_extra)
        timeout = timeout or self.timeout
        before = set(os.listdir(cwd))
        t0 = time.time()
        try:
            proc = subprocess.Popen(res.cmd, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True)
        except OSError as e:
            res.problems.append("cannot start %s: %s" % (res.cmd[0], e))
            res.rc = -1
            return res
        try:
            if signal_after:
                started = signal_after[2] if len(signal_after) > 2 else None
                while started and proc.poll() is None and not started() and time.time() < t0 + timeout:
                    time.sleep(0.01)
                try:
                    res.stdout, res.stderr = proc.communicate(timeout=signal_after[1])
                except subprocess.TimeoutExpired:
                    if len(signal_after) > 3 and signal_after[3]:
                        for pid in _session_members(proc.pid):
                            if pid != proc.pid or self.np == 0:
                                try:
                                    os.kill(pid, signal_after[0])
                                except ProcessLookupError:
                                    pass
                    else:
                        proc.send_signal(signal_after[0])
            if proc.returncode is None:
                res.stdout, res.stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_session(proc.pid, proc.pid)
            try:
                res.stdout, res.stderr = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:  # a process outside the session holds the pipes
                proc.kill()
                proc.wait()
            res.problems.append("TIMEOUT: still running after %.0f s (killed)" % timeout)
        res.elapsed = time.time() - t0
        res.rc = proc.returncode
        # anything that outlived the command (orphaned ranks, helpers) is a failure
        deadline = time.time() + 2
        left = _session_members(proc.pid)
        while left and time.time() < deadline:
            time.sleep(0.1)
            left = _session_members(proc.pid)
        if left:
            res.problems.append("%d process(es) still running after the command exited: %s"
                                % (len(left), left))
            _kill_session(proc.pid, proc.pid)
        if res.rc is not None and res.rc < 0:
            res.problems.append("killed by signal %d (%s)" % (-res.rc, _signame(-res.rc)))
        err = res.stderr.decode("utf-8", "replace")
        for pat in ("core dumped", "Segmentation fault", "exited on signal",
                    "terminate called", "AddressSanitizer", "runtime error:"):
            if pat in err:
                res.problems.append("stderr mentions %r (crash?)" % pat)
        cores = [f for f in set(os.listdir(cwd)) - before if re.match(r"core(\.\d+)?$", f)]
        if cores:
            res.problems.append("core file(s) left in %s: %s" % (cwd, cores))
        if self.verbose:
            print("    ran (%.2fs, rc=%s): %s" % (res.elapsed, res.rc, res.describe()))
        return res


def dead_pid():
    """A pid that no process has now (a child that exited and was reaped)."""
    for _ in range(10):
        p = subprocess.Popen(["true"])
        p.wait(timeout=10)
        try:
            os.kill(p.pid, 0)
        except ProcessLookupError:
            return p.pid
    raise RuntimeError("no dead pid found")


def print_case(name, np, res, fails):
    """One case's verdict line (with its failures, command and stderr tail); True if it passed.
    res may be None when the checker itself failed."""
    took = ", %.1f s" % res.elapsed if res is not None else ""
    if not fails:
        print("ok   %s (np %d%s)" % (name, np, took))
    else:
        print("FAIL %s (np %d%s)" % (name, np, took))
        for f in fails:
            print("    " + f)
        if res is not None:
            print("    command: " + res.describe())
            print(res.stderr_tail())
    sys.stdout.flush()
    return not fails


def _signame(n):
    try:
        return signal.Signals(n).name
    except ValueError:
        return "?"


# ----------------------------------------------------------------------------------------
# Reference
# ----------------------------------------------------------------------------------------

def is_hidden(name):
    return name.startswith("_") or name.startswith(".")


def expand_inputs(inputs):
    """The files wordcount must read for these INPUT arguments (documented semantics)."""
    files = []
    for item in inputs:
        if os.path.isdir(item):
            names = sorted(n for n in os.listdir(item) if not is_hidden(n))
            files += [os.path.join(item, n) for n in names
                      if stat.S_ISREG(os.stat(os.path.join(item, n)).st_mode)]
        elif os.path.exists(item):
            files.append(item)
        else:
            matches = sorted(glob.glob(item))
            files += [m for m in matches
                      if not is_hidden(os.path.basename(m)) and os.path.isfile(m)]
    return files


_count_cache = {}


def reference_counts(files):
    total = collections.Counter()
    for f in files:
        key = os.path.realpath(f)
        if key not in _count_cache:
            with open(f, "rb") as fh:
                _count_cache[key] = collections.Counter(fh.read().split())
        total.update(_count_cache[key])
    return total


def reference_lines(counts, top=None):
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if top is not None:
        items = items[:top]
    return [w + b"\t" + str(c).encode() + b"\n" for w, c in items]


def expect_exit(res, code, words=(), prefix=b"wordcount: error:"):
    """The common checks of a run expected to exit with `code`: no harness problem, the code,
    each of `words` on stderr and, for an error, exactly one line starting with `prefix`
    (rank 0 only). Returns failure messages."""
    fails = list(res.problems)
    if res.rc != code:
        fails.append("exit code %s, expected %d" % (res.rc, code))
    err = res.stderr.decode("utf-8", "replace")
    for w in words:
        if w not in err:
            fails.append("stderr lacks %r" % w)
    if code != 0:
        n = sum(1 for l in res.stderr.splitlines() if l.startswith(prefix))
        if n != 1:
            fails.append("expected exactly 1 line starting with %r on stderr (rank 0 only), got %d"
                         % (prefix.decode(), n))
    return fails


def short(b, n=100):
    r = repr(b)
    return r if len(r) <= n else r[:n] + "...(%d bytes)" % len(b)


def diff_lines(expected, got, label="stdout", ordered=True):
    """Human-readable description of how got differs from expected (lists of lines)."""
    out = []
    if not got and expected:
        return ["%s is EMPTY but the reference has %d lines" % (label, len(expected))]
    out.append("%s has %d lines, the reference %d" % (label, len(got), len(expected)))
    if ordered:
        out += _first_difference(expected, got)
    exp_set, got_set = collections.Counter(expected), collections.Counter(got)
    missing = list((exp_set - got_set).elements())
    extra = list((got_set - exp_set).elements())
    if not missing and not extra:
        out.append("same lines, different ORDER (expected count desc, then word asc bytewise)")
    else:
        out.append("%d reference lines missing, %d unexpected lines" % (len(missing), len(extra)))
        for m in missing[:4]:
            out.append("    missing:    " + short(m))
        for x in extra[:4]:
            out.append("    unexpected: " + short(x))
    return out


def _first_difference(expected, got):
    out = []
    first = next((i for i, (e, g) in enumerate(zip(expected, got)) if e != g),
                 min(len(expected), len(got)))
    out.append("first difference at line %d:" % (first + 1))
    lo = max(0, first - 1)
    for i in range(lo, min(first + 3, max(len(expected), len(got)))):
        e = expected[i] if i < len(expected) else None
        g = got[i] if i < len(got) else None
        mark = "  " if e == g else "!!"
        out.append("  %s line %d: expected %s" % (mark, i + 1, short(e) if e is not None else "<none>"))
        if e != g:
            out.append("  %s          got      %s" % (mark, short(g) if g is not None else "<none>"))
    return out


def _split_nl(data):
    parts = data.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def check_stdout(res, expected_lines):
    """Failure messages (empty list = pass) for a run that should print expected_lines."""
    fails = list(res.problems)
    if res.rc != 0:
        fails.append("exit code %s, expected 0" % res.rc)
    got = _split_nl(res.stdout)
    if res.stdout and not res.stdout.endswith(b"\n"):
        fails.append("stdout does not end with a newline")
    if got != expected_lines:
        fails += diff_lines(expected_lines, got)
    return fails


def check_output_dir(outdir, expected_lines):
    fails = []
    if not os.path.isdir(outdir):
        return ["output directory %s was not created" % outdir]
    names = sorted(os.listdir(outdir))
    parts = [n for n in names if re.fullmatch(r"part-\d{5}", n)]
    others = [n for n in names if n not in parts and n != "_SUCCESS"]
    if "_SUCCESS" not in names:
        fails.append("no _SUCCESS in %s (entries: %s)" % (outdir, names[:20]))
    else:
        p = os.path.join(outdir, "_SUCCESS")
        if not os.path.isfile(p) or os.path.getsize(p) != 0:
            fails.append("_SUCCESS is not an empty regular file")
    if "_temporary" in names:
        fails.append("_temporary left behind in %s" % outdir)
    if others:
        fails.append("unexpected entries in %s: %s" % (outdir, others[:20]))
    want = ["part-%05d" % i for i in range(len(parts))]
    if parts != want:
        fails.append("part files are not numbered part-00000..part-%05d: %s"
                     % (len(parts) - 1, parts[:20]))
    got = []
    for n in parts:
        p = os.path.join(outdir, n)
        if not os.path.isfile(p):
            fails.append("%s is not a regular file" % n)
            continue
        with open(p, "rb") as f:
            data = f.read()
        if data and not data.endswith(b"\n"):
            fails.append("%s does not end with a newline" % n)
        got += _split_nl(data)
    if collections.Counter(got) != collections.Counter(expected_lines):
        fails += diff_lines(expected_lines, got, label="union of part files", ordered=False)
    return fails


RESOURCE_RE = re.compile(rb"^dataflow-resources rank=(\d+) role=(driver|executor) "
                         rb"cpu_s=(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?) maxrss_kib=(\d+) "
                         rb"wall_s=(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?) memory_budget_kib=(\d+) "
                         rb"spills=(\d+) spilled_kib=(\d+) spilled_disk_kib=(\d+)$")


def check_resource_report(res, np):
    fails = []
    lines = [l for l in res.stderr.splitlines() if l.startswith(b"dataflow-resources")]
    nranks = max(np, 1)
    if len(lines) != nranks:
        fails.append("expected %d dataflow-resources lines on stderr, got %d"
                     % (nranks, len(lines)))
    seen = {}
    for l in lines:
        m = RESOURCE_RE.match(l)
        if not m:
            fails.append("malformed resource line: %s" % short(l, 200))
            continue
        rank, role = int(m.group(1)), m.group(2).decode()
        cpu, rss, wall = float(m.group(3)), int(m.group(4)), float(m.group(5))
        if rank in seen:
            fails.append("rank %d reported twice" % rank)
        seen[rank] = role
        if rank == 0 and role != "driver":
            fails.append("rank 0 has role=%s, expected driver" % role)
        if rank != 0 and role != "executor":
            fails.append("rank %d has role=%s, expected executor" % (rank, role))
        if rss <= 0 or wall <= 0 or cpu < 0:
            fails.append("implausible values: %s" % short(l, 200))
        if wall > res.elapsed + 5:
            fails.append("wall_s=%.2f exceeds the measured %.2f s" % (wall, res.elapsed))
    if lines and sorted(seen) != list(range(nranks)):
        fails.append("ranks reported %s, expected 0..%d" % (sorted(seen), nranks - 1))
    return fails


# ----------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------

SPLIT_FILES = [
    "crlf.txt", "spaces_tabs.txt", "utf8.txt", "nul.txt", "invalid_utf8.txt",
    "no_newline.txt", "empty_lines.txt", "empty.txt", "whitespace_only.txt", "huge_line.txt",
    "long_lines.txt", "boundaries.txt", "ties.txt", "mixed.txt",
]
SPLIT_SIZES = ["1K", "7K", "64K", None]  # None: the default split size
HIDDEN_WORDS = [b"HIDDEN_UNDERSCORE_WORD", b"HIDDEN_DOT_WORD", b"HIDDEN_SUCCESS_WORD",
                b"HIDDEN_ONLY_UNDERSCORE", b"HIDDEN_ONLY_DOT"]


class Ctx:
    def __init__(self, runner, data, tmp):
        self.r = runner
        self.data = data
        self.tmp = tmp
        self._n = 0

    def d(self, *p):
        return os.path.join(self.data, *p)

    def workdir(self, name):
        self._n += 1
        p = os.path.join(self.tmp, "%03d-%s" % (self._n, re.sub(r"[^A-Za-z0-9_.-]", "_", name)))
        os.makedirs(p)
        return p


class Case:
    def __init__(self, name, groups, fn, quick=True):
        self.name, self.groups, self.fn = name, groups, fn
        self.quick = quick      # part of the --quick subset
        self.rotation = None    # (file index, split index) for the split matrix


def quick_filter(cases, np):
    """The --quick subset: cases marked quick; of the split matrix (each file at every split
    size) only one split size per file, rotated with np so that different rank counts cover
    different (file, split size) pairs."""
    out = []
    for c in cases:
        if c.rotation is not None:
            i, j = c.rotation
            if (i + np) % len(SPLIT_SIZES) == j:
                out.append(c)
        elif c.quick:
            out.append(c)
    return out


def stdout_case(inputs, opts=(), top=None, env=None, extra=None):
    """A case: run wordcount OPTS INPUTS and compare stdout to the reference."""
    def fn(ctx, name):
        ins = [ctx.d(i) for i in inputs]
        expected = reference_lines(reference_counts(expand_inputs(ins)), top)
        res = ctx.r.run(list(opts) + ins, cwd=ctx.workdir(name), env=env)
        fails = check_stdout(res, expected)
        if not fails:
            for w in HIDDEN_WORDS:
                if w in res.stdout:
                    fails.append("output contains %s from a _ or . file" % w.decode())
        if extra:
            fails += extra(ctx, res)
        return res, fails
    return fn


def output_case(inputs, opts=(), subdir="out"):
    """A case: run wordcount -o DIR and compare the part files to the reference. DIR is
    WORKDIR/subdir, whose missing parents wordcount must create."""
    def fn(ctx, name):
        ins = [ctx.d(i) for i in inputs]
        expected = reference_lines(reference_counts(expand_inputs(ins)))
        wd = ctx.workdir(name)
        outdir = os.path.join(wd, subdir)
        res = ctx.r.run(list(opts) + ["-o", outdir] + ins, cwd=wd)
        fails = list(res.problems)
        if res.rc != 0:
            fails.append("exit code %s, expected 0" % res.rc)
        if res.stdout:
            fails.append("stdout is not empty with -o (%d bytes: %s)"
                         % (len(res.stdout), short(res.stdout[:80])))
        fails += check_output_dir(outdir, expected)
        return res, fails
    return fn


def relative_path_case(ctx, name):
    wd = ctx.workdir(name)
    rel = os.path.relpath(ctx.d("utf8.txt"), wd)
    expected = reference_lines(reference_counts([ctx.d("utf8.txt")]))
    res = ctx.r.run(["--split-size", "7K", rel], cwd=wd)
    return res, check_stdout(res, expected)


def stderr_nonempty(ctx, res):
    return [] if res.stderr.strip() else ["--explain printed nothing on stderr"]


def resource_extra(ctx, res):
    return check_resource_report(res, ctx.r.np)


def build_cases():
    cases = []
    for i, f in enumerate(SPLIT_FILES):
        stem = f.rsplit(".", 1)[0]
        for j, s in enumerate(SPLIT_SIZES):
            opts = ["--split-size", s] if s else []
            name = "%s.%s" % (stem, "split" + s if s else "default")
            sub = "split-small" if s in ("1K", "7K") else "split-large"
            # --quick keeps one split size per file, rotated with np (see select())
            cases.append(Case(name, ["split", sub], stdout_case([f], opts)))
            cases[-1].rotation = (i, j)
    m = ["multi"]
    several = ["crlf.txt", "utf8.txt", "nul.txt", "invalid_utf8.txt", "empty.txt",
               "no_newline.txt", "whitespace_only.txt"]
    cases += [
        Case("several_files", m, stdout_case(several)),
        Case("several_files.split7K", m, stdout_case(several, ["--split-size", "7K"]), quick=False),
        Case("big_files.split64K", m,
             stdout_case(["mixed.txt", "huge_line.txt", "long_lines.txt"], ["--split-size", "64K"])),
        Case("same_file_twice", m, stdout_case(["ties.txt", "ties.txt"]), quick=False),
        Case("directory", m, stdout_case(["dir"])),
        Case("directory.split1K", m, stdout_case(["dir"], ["--split-size", "1K"]), quick=False),
        Case("directory_trailing_slash", m, stdout_case(["dir/"]), quick=False),
        Case("directory_and_file", m, stdout_case(["dir", "no_newline.txt"])),
        Case("glob_star", m, stdout_case(["dir/*"])),
        Case("glob_bracket", m, stdout_case(["[cn]*.txt"], ["--split-size", "7K"])),
        Case("glob_question", m, stdout_case(["dir/?.txt"]), quick=False),
        Case("relative_path", m, relative_path_case),
        Case("top10", m, stdout_case(["mixed.txt"], ["--top", "10"], top=10), quick=False),
        Case("top10.split7K", m, stdout_case(["mixed.txt"], ["--top", "10", "--split-size", "7K"], top=10), quick=False),
        Case("top_ties", m, stdout_case(["ties.txt"], ["--top", "7"], top=7)),
        Case("top_ties.split1K", m, stdout_case(["ties.txt"], ["--top", "30", "--split-size", "1K"], top=30), quick=False),
        Case("top_more_than_words", m, stdout_case(["ties.txt"], ["--top", "100000"], top=100000), quick=False),
        Case("explain", m, stdout_case(["utf8.txt"], ["--explain", "--split-size", "64K"],
                                       extra=stderr_nonempty)),
        Case("progress", m, stdout_case(["utf8.txt"], ["--progress", "--split-size", "7K"]), quick=False),
        Case("no_progress", m, stdout_case(["utf8.txt"], ["--no-progress"]), quick=False),
        Case("executor_cores2", m, stdout_case(["mixed.txt"], ["--executor-cores", "2", "--split-size", "64K"])),
        Case("resource_report", m, stdout_case(["utf8.txt"], ["--split-size", "64K"],
                                               env={"DATAFLOW_RESOURCE_REPORT": "1"},
                                               extra=resource_extra)),
    ]
    o = ["multi", "output"]
    cases += [
        Case("output.mixed", o, output_case(["mixed.txt"], ["--split-size", "64K"])),
        Case("output.directory", o, output_case(["dir"], ["--split-size", "7K"])),
        Case("output.several_files", o, output_case(several, ["--split-size", "1K"]), quick=False),
        Case("output.empty_file", o, output_case(["empty.txt"])),
        Case("output.missing_parents", o, output_case(["mixed.txt"], subdir="a/b/out")),
    ]
    return cases


def select(cases, patterns):
    if not patterns:
        return cases
    chosen, seen = [], set()
    for p in patterns:
        hit = [c for c in cases if p == "all" or p in c.groups or c.name == p
               or fnmatch.fnmatchcase(c.name, p)]
        if not hit:
            raise SystemExit("check_wordcount: no case or group matches %r (try --list)" % p)
        for c in hit:
            if c.name not in seen:
                seen.add(c.name)
                chosen.append(c)
    return chosen


# ----------------------------------------------------------------------------------------
# Driver shared with check_errors.py
# ----------------------------------------------------------------------------------------

def common_args(ap):
    ap.add_argument("--wordcount", help="path to the wordcount binary (required)")
    ap.add_argument("--np", type=int, default=0, help="0: local mode; N: mpirun -n N")
    ap.add_argument("--mpirun", default="mpirun", help="mpirun executable (MPIEXEC_EXECUTABLE)")
    ap.add_argument("--data", help="corpus directory (made by make_corpus.py if missing)")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per run")
    ap.add_argument("--tmp", help="parent for the temporary directory (default: $TMPDIR)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--quick", action="store_true",
                    help="run a smaller subset (used by ctest for some rank counts)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every command")
    ap.add_argument("cases", nargs="*", help="case names, group names or fnmatch patterns")


def setup(a, prog):
    """Validate the binary and tools; returns (runner, data_dir, tmp_dir) or exits 2."""
    wc = os.path.abspath(a.wordcount or "")
    problems = []
    if not a.wordcount:
        problems.append("--wordcount PATH is required")
    elif not os.path.isfile(wc):
        problems.append("wordcount binary not found: %s" % wc)
    elif not os.access(wc, os.X_OK):
        problems.append("wordcount binary is not executable: %s" % wc)
    if a.np < 0:
        problems.append("--np must be >= 0")
    if a.np > 0 and not shutil.which(a.mpirun):
        problems.append("mpirun not found: %s" % a.mpirun)
    if problems:
        for p in problems:
            print("%s: SETUP ERROR: %s" % (prog, p), file=sys.stderr)
        print("0 passed, 1 failed")
        sys.exit(2)
    tmp = tempfile.mkdtemp(prefix="%s-np%d-" % (prog, a.np), dir=a.tmp)
    data = os.path.abspath(a.data) if a.data else os.path.join(tmp, "corpus")
    make_corpus.ensure_corpus(data, quiet=not a.verbose)
    runner = Runner(wc, a.np, a.mpirun, a.timeout, a.verbose)
    return runner, data, tmp


def run_cases(cases, ctx, prog, keep):
    passed = failed = 0
    failures = []
    t0 = time.time()
    mode = "local mode" if ctx.r.np == 0 else "mpirun -n %d" % ctx.r.np
    print("%s: %d case(s), %s, corpus %s" % (prog, len(cases), mode, ctx.data))
    sys.stdout.flush()
    for c in cases:
        try:
            res, fails = c.fn(ctx, c.name)
        except Exception as e:  # a bug in the checker or unreadable output: still a failure
            res, fails = None, ["checker exception: %s: %s" % (type(e).__name__, e)]
        if fails:
            failed += 1
            failures.append(c.name)
            print("FAIL %s%s" % (c.name, " (%.2fs)" % res.elapsed if res else ""))
            for f in fails:
                print("    " + f)
            if res is not None:
                print("    command: " + res.describe())
                print("    exit code: %s; stderr (last lines):" % res.rc)
                print(res.stderr_tail())
        else:
            passed += 1
            print("ok   %s (%.2fs)" % (c.name, res.elapsed if res else 0))
        sys.stdout.flush()
    if failures:
        print("failed cases: " + " ".join(failures))
    print("%s: total %.1fs" % (prog, time.time() - t0))
    if keep:
        print("temporary files kept in " + ctx.tmp)
    else:
        if failures:
            print("(temporary files removed; rerun with --keep and -v to inspect them)")
        shutil.rmtree(ctx.tmp, ignore_errors=True)
    if passed == 0 and failed == 0:
        failed = 1
        print("no case was run")
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(ap)
    a = ap.parse_args()
    cases = select(build_cases(), a.cases)
    if a.quick:
        cases = quick_filter(cases, a.np)
    if a.list:
        for c in cases:
            print("%-36s %s" % (c.name, ",".join(c.groups)))
        return 0
    runner, data, tmp = setup(a, "check_wordcount")
    return run_cases(cases, Ctx(runner, data, tmp), "check_wordcount", a.keep)


if __name__ == "__main__":
    sys.exit(main())
