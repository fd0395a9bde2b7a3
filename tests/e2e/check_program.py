#!/usr/bin/env python3
"""End-to-end checks of a user program (programs/spmd_program.cpp) under dataflow::run.

Usage:
  check_program.py --program PATH [--np N] [--mpirun MPIRUN] [--timeout SECONDS] [-v] [CASE ...]

--np 0 runs the program alone (local mode), N >= 1 under mpirun -n N --oversubscribe
--bind-to none. Cases:

  SPMD contract (np >= 2; alone they succeed): an action called on some ranks only, a rank
  that leaves the program early, a rank that runs one action more: every rank ends within
  seconds with exit 70 and exactly one "spmd_program: error:" line from rank 0 that names the
  rank and the job and says how to fix it.
  parallelize with values that differ between ranks: the driver's values are used (exit 0).
  Session used directly, an exception escaping main: the error's exit code, one error line,
  no "terminate called" and no backtrace.
  Common flags: taken out of argv (the body sees only its own arguments) and applied;
  --help, --version, --explain, a bad flag (64), an unknown DATAFLOW_* variable (a warning
  naming the closest one); --checkpoint-dir gets checkpoint()'s files while the checkpoint
  lives and none after (an empty one is 64), in a private directory (0700, files 0600,
  an unpredictable name) that the next run removes if the program was killed.
  Integrity: a bit flipped in a checkpoint part is exit 74 naming it; one in a cached block
  on disk is one warning naming it, the partition computed again, the right answer.
  Progress: with --progress and no terminal, a plain line during a slow stage, not only at
  its end (DATAFLOW_PROGRESS_INTERVAL=1); a second action over a kept shuffle prints its map
  stage as skipped and runs one stage.

The last line printed is always "P passed, F failed".
"""
import argparse
import os
import re
import signal
import socket
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import check_wordcount as cw  # noqa: E402

PREFIX = b"spmd_program: error:"
HINT = "every rank must call the same actions in the same order: do not call actions inside if (is_driver())"
PROMPT = 20.0  # seconds: "ends promptly", with mpirun's start-up and kill time included


def common(res, code, words=(), error_lines=None, prompt=True):
    fails = list(res.problems)
    if res.rc != code:
        fails.append("exit code %s, expected %d" % (res.rc, code))
    err = res.stderr.decode("utf-8", "replace")
    for w in words:
        if w not in err:
            fails.append("stderr lacks %r" % w)
    n = sum(1 for l in res.stderr.splitlines() if l.startswith(PREFIX))
    want = (1 if code != 0 else 0) if error_lines is None else error_lines
    if n != want:
        fails.append("expected %d line(s) starting with %r on stderr, got %d" % (want, PREFIX.decode(), n))
    for bad in ("terminate called", "Backtrace", "backtrace"):
        if bad in err:
            fails.append("stderr holds %r" % bad)
    if prompt and res.elapsed > PROMPT:
        fails.append("took %.1f s, expected under %.0f s" % (res.elapsed, PROMPT))
    return fails


def contract_case(args, words_multi):
    """Fails with 70 at np >= 2 (the message holds words_multi), succeeds alone."""
    def fn(ctx):
        res = ctx.run(args)
        if ctx.np >= 2:
            return res, common(res, 70, list(words_multi(ctx.np)) + [HINT])
        return res, common(res, 0)
    return fn


def parallelize_differs(ctx):
    res = ctx.run(["parallelize-differs"])
    fails = common(res, 0)
    if b"sum=6 n=2" not in res.stdout:
        fails.append("stdout lacks the driver's result 'sum=6 n=2': %s" % cw.short(res.stdout[:200]))
    return res, fails


def direct_job_error(ctx):
    res = ctx.run(["direct-job-error"])
    return res, common(res, 70, ["bad record", "failed 4 times"])


def direct_error_one_rank(ctx):
    res = ctx.run(["direct-error-one-rank"])
    # The failing rank aborts the job (MPI_Abort); mpirun then sends SIGTERM to the others, and
    # the driver, waiting in a job, may say it was interrupted: a second line, after the first.
    fails = common(res, 66, ["no such table"], error_lines=None if ctx.np < 2 else
                   sum(1 for l in res.stderr.splitlines() if l.startswith(PREFIX)))
    first = next((l for l in res.stderr.splitlines() if l.startswith(PREFIX)), b"")
    if b"no such table" not in first:
        fails.append("the first error line is not the failing rank's: %r" % first)
    return res, fails


def flags_taken_out(ctx):
    res = ctx.run(["--executor-cores", "3", "flags", "a", "--split-size", "1K", "--top", "5", "--no-progress",
                   "--explain", "b", "--", "--explain"])
    fails = common(res, 0)
    want = b"args=[flags a --top 5 b -- --explain] cores=3 split=1024 explain=1 progress=2 count=4"
    if want not in res.stdout:
        fails.append("stdout lacks %r: %s" % (want.decode(), cw.short(res.stdout[:300])))
    err = res.stderr.decode("utf-8", "replace")
    for w in ("== Job 1 (count) ==", "Stage 0 (result): 2 tasks", "#0 parallelize, 2 partitions",
              "accumulator numbers seen: 10"):
        if w not in err:
            fails.append("--explain: stderr lacks %r" % w)
    return res, fails


def checkpoint_root_name(pid=None):
    return "dataflow-checkpoint-%d.%s.%s" % (os.getuid(), socket.gethostname(), pid if pid else r"\d+\.\w{6}")


def checkpoint_entries(res):
    """The (name, mode) pairs the program listed under --checkpoint-dir."""
    return [(m.group(1), int(m.group(2), 8)) for m in re.finditer(rb"^entry (\S+) ([0-7]{3})$", res.stdout, re.M)]


def checkpoint_dir(ctx):
    """checkpoint()'s files live in one private directory per program (mkdtemp: named
    dataflow-checkpoint-<uid>.<host>.<pid>.<6 random>, 0700; inside, directories 0700 and
    files 0600) while the checkpoint lives, and none after; the leftovers of a dead program
    (planted here: a dead pid's directory holding a part) go at the first checkpoint."""
    d = os.path.join(ctx.workdir, "checkpoints")
    os.makedirs(d, exist_ok=True)
    stale = os.path.join(d, checkpoint_root_name("%d.abcdef" % cw.dead_pid()))
    os.makedirs(os.path.join(stale, "1"))
    with open(os.path.join(stale, "1", "part-00000"), "w") as f:
        f.write("left by a killed driver")
    res = ctx.run(["--checkpoint-dir", d, "checkpoint"])
    fails = common(res, 0)
    want = b"checkpoint sum=20 during=1 after=0"
    if want not in res.stdout:
        fails.append("stdout lacks %r: %s" % (want.decode(), cw.short(res.stdout[:300])))
    if os.path.exists(stale):
        fails.append("the dead program's checkpoint directory is still there")
    entries = [(n.decode(), m) for n, m in checkpoint_entries(res)]
    roots = [(n, m) for n, m in entries if "/" not in n]
    if len(roots) != 1 or not re.fullmatch(checkpoint_root_name(), roots[0][0]) or roots[0][1] != 0o700:
        fails.append("expected one private directory named %s, mode 700, got %s" % (checkpoint_root_name(), roots))
    inner = [(n, m) for n, m in entries if "/" in n]
    if not any(n.endswith("/part-00000") for n, _ in inner):
        fails.append("no part-00000 listed: %s" % entries)
    for n, m in inner:
        want_mode = 0o600 if os.path.basename(n).startswith(("part-", "_SUCCESS")) else 0o700
        if m != want_mode:
            fails.append("%s has mode %03o, expected %03o" % (n, m, want_mode))
    left = os.listdir(d)
    if left:
        fails.append("left in --checkpoint-dir after the program: %s" % left)
    bad = ctx.run(["--checkpoint-dir", "", "checkpoint"])
    return res, fails + ["empty --checkpoint-dir: " + f for f in common(bad, 64, ["--checkpoint-dir"])]


def checkpoint_killed(ctx):
    """A driver killed (SIGKILL) while its checkpoint lives leaves the directory; the next
    run removes it. Local mode only: mpirun killed by SIGKILL leaves its ranks running."""
    if ctx.np != 0:
        return None, []
    d = os.path.join(ctx.workdir, "checkpoints-killed")
    os.makedirs(d, exist_ok=True)
    listed = lambda: any(os.listdir(os.path.join(d, n)) for n in os.listdir(d))  # noqa: E731
    res = ctx.r.run(["--checkpoint-dir", d, "checkpoint-killed"], cwd=ctx.workdir,
                    signal_after=(signal.SIGKILL, 0.5, listed))
    fails = [] if res.rc == -signal.SIGKILL else ["exit %s, expected SIGKILL" % res.rc]
    left = os.listdir(d)
    if len(left) != 1:
        fails.append("expected the killed driver's directory, found %s" % left)
    again = ctx.run(["--checkpoint-dir", d, "checkpoint"])
    fails += common(again, 0)
    if os.listdir(d):
        fails.append("the next run left %s" % os.listdir(d))
    return again, fails


def checkpoint_corrupt(ctx):
    """A bit flipped in a committed checkpoint part (DATAFLOW_FAULT=flip-checkpoint) is
    never a wrong answer: exit 74, one error line naming the part."""
    d = os.path.join(ctx.workdir, "checkpoints-corrupt")
    os.makedirs(d, exist_ok=True)
    res = ctx.run(["--checkpoint-dir", d, "checkpoint"], env={"DATAFLOW_FAULT": "flip-checkpoint"})
    fails = common(res, 74, ["checkpoint part " + d, "/part-0000", "is corrupt"])
    if b"checkpoint sum=" in res.stdout:
        fails.append("the program printed a sum: %s" % cw.short(res.stdout[:300]))
    if os.listdir(d):
        fails.append("left in --checkpoint-dir: %s" % os.listdir(d))
    return res, fails


def cache_corrupt(ctx):
    """A bit flipped in a cached block on disk (DATAFLOW_FAULT=flip-cache, in the first
    executor) is found by its checksum when the second action reads it: one warning naming
    the file, the partition computed again from its lineage, the right answer and exit 0."""
    want = b"cache-disk sums=599970000,599970000"
    clean = ctx.run(["cache-disk"])
    fails = ["without the fault: " + f for f in common(clean, 0)]
    if want not in clean.stdout:
        fails.append("without the fault, stdout lacks %r: %s" % (want.decode(), cw.short(clean.stdout[:300])))
    rank = 1 if ctx.np >= 2 else 0
    res = ctx.run(["cache-disk"], env={"DATAFLOW_FAULT": "flip-cache:rank=%d" % rank})
    fails += common(res, 0)
    if want not in res.stdout:
        fails.append("stdout lacks %r: %s" % (want.decode(), cw.short(res.stdout[:300])))
    warnings = [l for l in res.stderr.decode("utf-8", "replace").splitlines() if "spmd_program: warning:" in l]
    if len(warnings) != 1 or not re.search(r"cached block file /\S+ is corrupt.*computed again from its lineage",
                                           warnings[0]):
        fails.append("expected one warning naming the corrupt cached block file, got %s" % warnings)
    return res, fails


def help_case(ctx):
    res = ctx.run(["--help"])
    fails = common(res, 0)
    out = res.stdout.decode("utf-8", "replace")
    for w in ("Usage: spmd_program [OPTIONS] CASE [ARGS...]", "--executor-cores", "--split-size", "--progress",
              "--no-progress", "--explain", "--version", "Test cases for the SPMD contract"):
        if w not in out:
            fails.append("--help lacks %r" % w)
    if out.count("Usage:") != 1:
        fails.append("--help printed %d usage lines (rank 0 only, once)" % out.count("Usage:"))
    return res, fails


def version_case(ctx):
    res = ctx.run(["--version"])
    fails = common(res, 0)
    lines = res.stdout.decode().splitlines()
    if lines != ["spmd_program (libdataflow) 0.1.0"]:
        fails.append("--version printed %r" % lines)
    return res, fails


def bad_flag(ctx):
    res = ctx.run(["ok", "--split-size", "12Q"])
    return res, common(res, 64, ["--split-size", "12Q", "--help"])


def bad_cores(ctx):
    res = ctx.run(["ok", "--executor-cores", "0"])
    return res, common(res, 64, ["--executor-cores"])


def unknown_setting(ctx):
    res = ctx.run(["ok"], env={"DATAFLOW_PROGRES": "on"})
    fails = common(res, 0)
    warning = b"unknown setting DATAFLOW_PROGRES is ignored (did you mean DATAFLOW_PROGRESS?)"
    n = res.stderr.count(warning)
    if n != 1:
        fails.append("expected the warning %r once (rank 0), got %d" % (warning.decode(), n))
    return res, fails


def progress_lines(ctx):
    res = ctx.run(["--progress", "slow-stage"], env={"DATAFLOW_PROGRESS_INTERVAL": "1"})
    fails = common(res, 0, prompt=False)
    lines = res.stderr.decode("utf-8", "replace").splitlines()
    during = [i for i, l in enumerate(lines) if re.match(r"^Job 1 \(count\), stage 0: [0-3] of 4 tasks finished, [0-9]+ running, [0-9]+ s$", l)]
    end = [i for i, l in enumerate(lines) if re.match(r"^Job 1 \(count\), stage 0: 4 tasks finished in [0-9.]+ s$", l)]
    if not during:
        fails.append("no progress line during the stage")
    if len(end) != 1:
        fails.append("expected one end-of-stage line, got %d" % len(end))
    elif during and max(during) > end[0]:
        fails.append("a during-stage line came after the stage ended")
    if "\r" in res.stderr.decode("utf-8", "replace"):
        fails.append("a bar was drawn with no terminal")
    return res, fails


def skipped_stages(ctx):
    res = ctx.run(["--progress", "reuse"])
    fails = common(res, 0, prompt=False)
    if b"reuse counts=2,2" not in res.stdout:
        fails.append("stdout lacks 'reuse counts=2,2': %s" % cw.short(res.stdout[:300]))
    err = res.stderr.decode("utf-8", "replace")
    skipped = re.findall(r"^Skipped: the stages writing shuffle #[0-9]+ \(reduce_by_key\)", err, re.M)
    ended = re.findall(r"^Job ([12]) \(count\), stage [0-9]+: [0-9]+ tasks? finished in", err, re.M)
    if len(skipped) != 1:
        fails.append("expected one 'Skipped:' line, got %d: %s" % (len(skipped), cw.short(err.encode()[:600])))
    if ended != ["1", "1", "2"]:  # the first job's map and result stages, the second job's result stage
        fails.append("expected stages of jobs 1, 1, 2 to run, got %s" % ended)
    return res, fails


def broadcast_join(ctx):
    # 20,000 left records on 250 of the right side's keys (every even key below 500): 10,000.
    fails = []
    for env, broadcast in (({}, True), ({"DATAFLOW_BROADCAST_JOIN_THRESHOLD": "0"}, False)):
        res = ctx.run(["--explain", "join"], env=env)
        fails += common(res, 0)
        if b"joined=10000" not in res.stdout:
            fails.append("stdout lacks joined=10000: %s" % cw.short(res.stdout[:300]))
        err = res.stderr.decode("utf-8", "replace")
        line = re.search(r"broadcast join: the right side \(#\d+, \d+ bytes\) goes to every executor; "
                         r"the left side \(#\d+\) is read where its 6 map tasks ran", err)
        if broadcast and not line:
            fails.append("--explain: no broadcast join line in %s" % cw.short(res.stderr[-600:]))
        if not broadcast and "broadcast join" in err:
            fails.append("a broadcast join with DATAFLOW_BROADCAST_JOIN_THRESHOLD=0")
    return res, fails


def no_abort_banner(res):
    err = res.stderr.decode("utf-8", "replace")
    return ["Open MPI's abort banner on stderr"] if "MPI_ABORT" in err or "MPI_Abort" in err else []


def throw_every_rank(ctx):
    res = ctx.run(["throw-every-rank"])
    fails = common(res, 70, ["the table has no column 'mass'"]) + no_abort_banner(res)
    if b"(rank" in res.stderr:
        fails.append("the error names a rank, though every rank had it")
    return res, fails


def throw_one_rank(ctx):
    res = ctx.run(["throw-one-rank"])
    fails = common(res, 66, ["no such table on this node"]) + no_abort_banner(res)
    if ctx.np >= 2 and ("(rank %d)" % (ctx.np - 1)).encode() not in res.stderr:
        fails.append("the error does not name rank %d" % (ctx.np - 1))
    return res, fails


def declared_options(ctx):
    res = ctx.run(["options", "--iterations", "3", "-o", "out", "x", "-5", "--", "--free"])
    fails = common(res, 0)
    if b"options=[--iterations 3 -o out x -5 -- --free]" not in res.stdout:
        fails.append("stdout lacks the program's own arguments: %s" % cw.short(res.stdout[:300]))
    bad = ctx.run(["options", "--itertions", "3"])
    fails += ["typo: " + f for f in common(bad, 64, ["unknown option --itertions (did you mean --iterations?)"])]
    common_typo = ctx.run(["options", "--executor-core", "2"])
    fails += ["common flag typo: " + f for f in common(common_typo, 64, ["(did you mean --executor-cores?)"])]
    return res, fails


def big_collect(ctx):
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    res = ctx.run(["--max-result-size", "16M", "big-collect"])
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    fails = common(res, 70, ["bigger than --max-result-size (16777216 bytes)"], prompt=False)
    if res.elapsed > 15:
        fails.append("took %.1f s to fail: the limit is checked late" % res.elapsed)
    # Building the whole 220 MB result first would take 256 MB or more; checked as it grows,
    # a task stops at 16 MB. (The peak of every child so far: the earlier cases are small.)
    if before / 1024.0 > 150:
        fails.append("an earlier case peaked at %.0f MiB: the peak of this one cannot be told" % (before / 1024.0))
    elif peak_mib > 150:
        fails.append("peak RSS %.0f MiB: the result grew past the limit before it was checked" % peak_mib)
    return res, fails


SPMD_FIX = "a lambda reads data that differs between ranks: pass driver-only values with session.broadcast"


def check_spmd(ctx):
    """--check-spmd: the capture mistake ends with 70 in local mode (which runs itself as a
    driver and one executor) and at 2-4 ranks; at 1 rank it warns and runs."""
    fails = []
    plain = ctx.run(["capture"])
    want = b"labels=alpha,beta,gamma" if ctx.np < 2 else b"labels=?,?,?"  # the silent wrong answer
    fails += ["without the check: " + f for f in common(plain, 0)]
    if want not in plain.stdout:
        fails.append("without the check, stdout lacks %r: %s" % (want.decode(), cw.short(plain.stdout[:200])))
    for case, words in (("capture", ["stage 0 (map) of job 1 (collect), partition 0"]),
                        ("capture-before-shuffle", ["stage 0 (map) of job 1 (collect)"])):
        res = ctx.run(["--check-spmd", case])
        if ctx.np == 1:
            fails += ["%s at one rank: %s" % (case, f) for f in common(res, 0, ["warning: --check-spmd compares"])]
        else:
            fails += ["%s: %s" % (case, f) for f in common(res, 70, words + [SPMD_FIX]) + no_abort_banner(res)]
    env_run = ctx.run(["capture"], env={"DATAFLOW_CHECK_SPMD": "1"})
    if ctx.np != 1:
        fails += ["DATAFLOW_CHECK_SPMD=1: " + f for f in common(env_run, 70, [SPMD_FIX])]
    # An action inside if (is_driver()): the same 70 and message in local mode as on a cluster.
    res = ctx.run(["--check-spmd", "driver-only-action"])
    if ctx.np != 1:
        fails += ["driver-only action: " + f for f in common(
            res, 70, ["finished the program while the driver started job 1 (collect)", HINT])]
    return plain, fails


def check_spmd_passes_correct_programs(ctx):
    """A correct program's output is unchanged by --check-spmd."""
    fails = []
    res = None
    for args, want in ((["capture-broadcast"], b"labels=alpha,beta,gamma"), (["join"], b"joined=10000"),
                       (["reuse"], b"reuse counts=2,2"), (["checkpoint"], b"checkpoint sum=20")):
        for flags in ([], ["--check-spmd"]):
            if args == ["checkpoint"]:
                d = os.path.join(ctx.workdir, "cp-%d" % len(flags))
                os.makedirs(d, exist_ok=True)
                flags = flags + ["--checkpoint-dir", d]
            res = ctx.run(flags + args)
            fails += ["%s %s: %s" % (" ".join(flags), args[0], f) for f in common(res, 0, prompt=False)]
            if want not in res.stdout:
                fails.append("%s %s: stdout lacks %r: %s" % (" ".join(flags), args[0], want.decode(),
                                                          cw.short(res.stdout[:200])))
    return res, fails


def cache_explain(ctx):
    res = ctx.run(["--explain", "cache-statement"])
    fails = common(res, 0)
    if b"count=4 total=100" not in res.stdout:
        fails.append("stdout lacks count=4 total=100: %s" % cw.short(res.stdout[:200]))
    err = res.stderr.decode("utf-8", "replace")
    for want in (r"== Job 1 \(count\) ==(.|\n)*cached #\d+ map \(memory only\), stage 0: reads no partition from "
                 r"the cache, computes 2 partitions \(0-1\)",
                 r"== Job 2 \(aggregate\) ==(.|\n)*cached #\d+ map \(memory only\), stage 0: reads 2 partitions "
                 r"\(0-1\) from the cache, computes no partition"):
        if not re.search(want, err):
            fails.append("--explain lacks %r in %s" % (want, cw.short(res.stderr[-900:])))
    return res, fails


CASES = [
    ("driver-only-action", contract_case(
        ["driver-only-action"], lambda np: ["finished the program while the driver started job 1 (collect)"])),
    ("executor-only-action", contract_case(
        ["executor-only-action"], lambda np: ["started job 1 (count) after the driver finished the program"])),
    ("rank-leaves-early", contract_case(
        ["rank-leaves-early"],
        lambda np: ["rank %d finished the program while the driver started job 1 (count)" % (np - 1)])),
    ("extra-action-on-one-rank", contract_case(["extra-action-on-one-rank"], lambda np: ["rank 1"])),
    ("parallelize-differs", parallelize_differs),
    ("direct-job-error", direct_job_error),
    ("direct-error-one-rank", direct_error_one_rank),
    ("flags", flags_taken_out),
    ("checkpoint-dir", checkpoint_dir),
    ("checkpoint-killed", checkpoint_killed),
    ("checkpoint-corrupt", checkpoint_corrupt),
    ("cache-corrupt", cache_corrupt),
    ("help", help_case),
    ("version", version_case),
    ("bad-flag", bad_flag),
    ("bad-cores", bad_cores),
    ("unknown-setting", unknown_setting),
    ("progress-lines", progress_lines),
    ("broadcast-join", broadcast_join),
    ("skipped-stages", skipped_stages),
    ("throw-every-rank", throw_every_rank),
    ("throw-one-rank", throw_one_rank),
    ("declared-options", declared_options),
    ("big-collect", big_collect),
    ("cache-explain", cache_explain),
    ("check-spmd", check_spmd),
    ("check-spmd-correct", check_spmd_passes_correct_programs),
]


class Ctx:
    def __init__(self, runner, np, workdir):
        self.r = runner
        self.np = np
        self.workdir = workdir

    def run(self, args, env=None):
        return self.r.run(args, cwd=self.workdir, env=env)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--program", required=True)
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    runner = cw.Runner(os.path.abspath(a.program), a.np, a.mpirun, a.timeout, a.verbose)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="dataflow-program-") as wd:
        ctx = Ctx(runner, a.np, wd)
        for name, fn in CASES:
            if a.cases and name not in a.cases:
                continue
            res, fails = fn(ctx)
            if res is None and not fails:
                print("n/a  %s (np %d): local mode only" % (name, a.np))
                continue
            if cw.print_case(name, a.np, res, fails):
                passed += 1
            else:
                failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
