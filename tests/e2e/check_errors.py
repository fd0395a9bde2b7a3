#!/usr/bin/env python3
"""End-to-end checks of wordcount's error paths: exit codes, messages, side effects.

Usage:
  check_errors.py --wordcount PATH [--np N] [--mpirun MPIRUN] [--data DIR]
                  [--timeout SECONDS] [--keep] [--list] [-v] [CASE ...]

Options as in check_wordcount.py (--quick: only the core cases; --np 0 = local mode, N >= 1 = mpirun -n N
--oversubscribe --bind-to none). For every case the exit code (under mpirun: mpirun's exit
code) must be exactly the documented one, the documented words must be on stderr, stderr
must hold exactly one "wordcount: error: ..." line (rank 0 only) when the code is not 0,
and the run must end within the timeout without a crash, a core file or a leftover process.

  78  bad DATAFLOW_* setting (one line, from rank 0), DATAFLOW_BROADCAST_JOIN_THRESHOLD and
      DATAFLOW_EXECUTOR_MEMORY, DATAFLOW_SPILL_COMPRESSION and DATAFLOW_OPTIMIZER included
  66  missing input path, glob matching nothing or only _/. files (nothing is created)
  64  unknown flag (usage on stderr), non-numeric --top, bad --split-size, bad --executor-memory,
      bad --spill-compression, bad --optimizer, no INPUT
  73  output directory exists (left untouched: same entries, contents and mtimes)
  70  DATAFLOW_FAULT=throw:stage=0,partition=P on every attempt: "failed 4 times",
      "partition P", "injected fault"; with -o: no _SUCCESS, no part file, no _temporary
   0  DATAFLOW_FAULT=...,attempt=0: the retry succeeds and the output is correct
  70  results at the driver over --max-result-size: "Total size of results", "--max-result-size"
   0  --max-result-size 0 (no limit): the output is correct
  74  standard output is /dev/full: "cannot write to standard output: No space left on
      device" (under mpirun too, where the kernel lets rank 0 write through mpirun's stdout)
   0  -o out after a job killed mid-stage (DATAFLOW_FAULT=exit): the killed run left no out/,
      the rerun removes its temporary directory, says so, and commits a complete out/

The last line printed is always "P passed, F failed".
"""
import argparse
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import check_wordcount as cw  # noqa: E402

ERROR_PREFIX = b"wordcount: error:"


def expect(res, code, words=(), words_ci=(), stdout_empty=True):
    """Common assertions for an error-path run; returns failure messages."""
    fails = cw.expect_exit(res, code, words, ERROR_PREFIX)
    err = res.stderr.decode("utf-8", "replace")
    for w in words_ci:
        if w.lower() not in err.lower():
            fails.append("stderr lacks %r (any case)" % w)
    if stdout_empty and res.stdout:
        fails.append("stdout is not empty (%d bytes: %s)"
                     % (len(res.stdout), cw.short(res.stdout[:80])))
    return fails


def snapshot(path):
    """Everything about a directory tree that wordcount must not change."""
    snap = {}
    for root, dirs, files in os.walk(path):
        for n in dirs + files + [""]:
            p = os.path.join(root, n)
            st = os.lstat(p)
            data = None
            if n and n in files:
                with open(p, "rb") as f:
                    data = f.read()
            snap[os.path.relpath(p, path)] = (st.st_mode, st.st_size, st.st_mtime_ns, data)
    return snap


def missing_case(rel, extra_inputs=(), with_output=False):
    def fn(ctx, name):
        wd = ctx.workdir(name)
        path = ctx.d(rel)
        args = [ctx.d(x) for x in extra_inputs] + [path]
        out = os.path.join(wd, "out")
        if with_output:
            args = ["-o", out] + args
        res = ctx.r.run(args, cwd=wd)
        fails = expect(res, 66, ["Input path does not exist", path])
        if with_output and os.path.exists(out):
            fails.append("output directory %s was created although the input is missing" % out)
        return res, fails
    return fn


def glob_case(pattern):
    def fn(ctx, name):
        wd = ctx.workdir(name)
        pat = ctx.d(pattern)
        res = ctx.r.run([pat], cwd=wd)
        return res, expect(res, 66, ["matches 0 files", pat])
    return fn


def usage_case(args, words=(), words_ci=()):
    def fn(ctx, name):
        wd = ctx.workdir(name)
        full = [a.replace("@DATA@", ctx.data) for a in args]
        res = ctx.r.run(full, cwd=wd)
        return res, expect(res, 64, words, words_ci)
    return fn


def output_exists_case(populate):
    def fn(ctx, name):
        wd = ctx.workdir(name)
        out = os.path.join(wd, "existing_out")
        os.makedirs(out)
        if populate:
            with open(os.path.join(out, "keep.txt"), "wb") as f:
                f.write(b"precious data\n")
            os.makedirs(os.path.join(out, "sub"))
            with open(os.path.join(out, "part-00000"), "wb") as f:
                f.write(b"old\t1\n")
        os.utime(out, ns=(1_500_000_000_000_000_000, 1_500_000_000_000_000_000))
        before = snapshot(out)
        res = ctx.r.run(["-o", out, ctx.d("crlf.txt")], cwd=wd)
        fails = expect(res, 73, ["already exists", out])
        after = snapshot(out)
        if after != before:
            changed = sorted(set(before) ^ set(after)) or \
                sorted(k for k in before if before[k] != after.get(k))
            fails.append("the existing output directory was modified: %s" % changed[:10])
        return res, fails
    return fn


def fault_fail_case(partition, with_output=False):
    def fn(ctx, name):
        wd = ctx.workdir(name)
        env = {"DATAFLOW_FAULT": "throw:stage=0,partition=%d" % partition}
        args = ["--split-size", "64K", ctx.d("mixed.txt")]
        out = os.path.join(wd, "out")
        if with_output:
            args = ["-o", out] + args
        res = ctx.r.run(args, cwd=wd, env=env)
        fails = expect(res, 70, ["failed 4 times", "injected fault"])
        if not re.search(r"partition %d\b" % partition, res.stderr.decode("utf-8", "replace")):
            fails.append("stderr lacks 'partition %d'" % partition)
        if with_output and os.path.exists(out):
            names = sorted(os.listdir(out))
            bad = [n for n in names if n in ("_SUCCESS", "_temporary") or n.startswith("part-")]
            if bad:
                fails.append("failed job left %s in the output directory" % bad)
        if with_output and leftovers(wd, "out"):
            fails.append("failed job left its temporary directory: %s" % leftovers(wd, "out"))
        return res, fails
    return fn


def fault_retry_case(with_output=False):
    def fn(ctx, name):
        wd = ctx.workdir(name)
        env = {"DATAFLOW_FAULT": "throw:stage=0,partition=0,attempt=0"}
        src = ctx.d("mixed.txt")
        expected = cw.reference_lines(cw.reference_counts([src]))
        args = ["--split-size", "64K", src]
        if with_output:
            out = os.path.join(wd, "out")
            res = ctx.r.run(["-o", out] + args, cwd=wd, env=env)
            fails = expect(res, 0)
            fails += cw.check_output_dir(out, expected)
        else:
            res = ctx.r.run(args, cwd=wd, env=env)
            fails = cw.check_stdout(res, expected)
        return res, fails
    return fn


def leftovers(parent, name):
    """The temporary directories a job writing PARENT/NAME made (hidden, beside it)."""
    return sorted(glob.glob(os.path.join(glob.escape(parent), "." + glob.escape(name) + ".dataflow-tmp-*")))


def run_stdout_to(ctx, args, cwd, path, env=None):
    """ctx.r.run with wordcount's (or mpirun's) standard output opened on `path`, not a pipe."""
    real = subprocess.Popen
    with open(path, "wb") as target:
        def popen(*a, **kw):
            kw["stdout"] = target
            return real(*a, **kw)
        subprocess.Popen = popen  # Runner.run's own checks (timeout, leftovers, crashes) still apply
        try:
            res = ctx.r.run(args, cwd=cwd, env=env)
        finally:
            subprocess.Popen = real
    res.stdout = b""
    return res


def can_take_parent_stdout():
    """Whether a process may take its parent's stdout (pidfd_getfd, Linux 5.6, no ptrace
    restriction): how wordcount under mpirun sees mpirun's own write errors."""
    probe = ("import ctypes, os, sys\n"
             "libc = ctypes.CDLL(None, use_errno=True)\n"
             "pidfd = libc.syscall(434, os.getppid(), 0)\n"
             "sys.exit(0 if pidfd >= 0 and libc.syscall(438, pidfd, 1, 0) >= 0 else 1)\n")
    return subprocess.run([sys.executable, "-c", probe]).returncode == 0


def stdout_full_case():
    def fn(ctx, name):
        wd = ctx.workdir(name)
        res = run_stdout_to(ctx, [ctx.d("mixed.txt")], wd, "/dev/full")
        if ctx.r.np > 0 and not can_take_parent_stdout():
            print("    note: this kernel does not let rank 0 take mpirun's stdout; mpirun 4.1 ignores "
                  "its own write errors, so exit code %s is not checked" % res.rc)
            return res, list(res.problems)
        fails = expect(res, 74, ["wordcount: error: cannot write to standard output: No space left on device\n"])
        return res, fails
    return fn


def killed_job_rerun_case():
    """A job killed while its tasks write (the process exits at once: no cleanup, as after
    SIGKILL) leaves no OUT; the rerun of the same command removes what it left and commits."""
    def fn(ctx, name):
        wd = ctx.workdir(name)
        src = ctx.d("mixed.txt")
        out = os.path.join(wd, "out")
        args = ["--split-size", "64K", "-o", out, src]
        killed = ctx.r.run(args, cwd=wd, env={"DATAFLOW_FAULT": "exit:stage=1,partition=1,code=9"})
        fails = [p for p in killed.problems if "signal" not in p]  # mpirun signals the other ranks
        if killed.rc == 0:
            fails.append("the killed run exited 0")
        if os.path.exists(out):
            fails.append("the killed run left %s: %s" % (out, sorted(os.listdir(out))[:10]))
        left = leftovers(wd, "out")
        if ctx.r.np <= 1 and not left:  # the process that ran the tasks was the driver: nothing cleaned up
            fails.append("the killed run left no temporary directory beside out (test setup?)")
        res = ctx.r.run(args, cwd=wd)
        fails += expect(res, 0)
        err = res.stderr.decode("utf-8", "replace")
        for path in left:
            line = "wordcount: removed the temporary output of a dead job: %s (pid " % path
            if line not in err:
                fails.append("stderr lacks %r" % line)
        if leftovers(wd, "out"):
            fails.append("temporary directories left after the rerun: %s" % leftovers(wd, "out"))
        fails += cw.check_output_dir(out, cw.reference_lines(cw.reference_counts([src])))
        return res, fails
    return fn


def trailing_slash_case():
    def fn(ctx, name):
        wd = ctx.workdir(name)
        src = ctx.d("crlf.txt")
        res = ctx.r.run(["-o", os.path.join(wd, "out") + "/", src], cwd=wd)
        fails = expect(res, 0)
        fails += cw.check_output_dir(os.path.join(wd, "out"), cw.reference_lines(cw.reference_counts([src])))
        return res, fails
    return fn


def help_case(flag, words):
    def fn(ctx, name):
        res = ctx.r.run([flag], cwd=ctx.workdir(name))
        fails = list(res.problems)
        if res.rc != 0:
            fails.append("exit code %s, expected 0" % res.rc)
        text = (res.stdout + res.stderr).decode("utf-8", "replace")
        if not text.strip():
            fails.append("%s printed nothing" % flag)
        for w in words:
            if w not in text:
                fails.append("%s output lacks %r" % (flag, w))
        return res, fails
    return fn


def bad_setting_case(var, value):
    def fn(ctx, name):
        wd = ctx.workdir(name)
        res = ctx.r.run([ctx.d("crlf.txt")], cwd=wd, env={var: value})
        return res, expect(res, 78, [var, value])
    return fn


def max_result_size_case(limit, code):
    """wordcount's collect of mixed.txt (far more than 1K of results) with --max-result-size."""
    def fn(ctx, name):
        wd = ctx.workdir(name)
        src = ctx.d("mixed.txt")
        res = ctx.r.run(["--max-result-size", limit, src], cwd=wd)
        if code == 0:
            return res, cw.check_stdout(res, cw.reference_lines(cw.reference_counts([src])))
        return res, expect(res, code, ["Total size of results of", "is bigger than --max-result-size (1024 bytes)",
                                       "DATAFLOW_MAX_RESULT_SIZE"])
    return fn


def build_cases():
    C = cw.Case
    g = ["errors"]
    return [
        C("missing_file", g, missing_case("does_not_exist.txt")),
        C("missing_file_among_existing", g, missing_case("missing.txt", ["crlf.txt"]), quick=False),
        C("missing_file_with_output", g, missing_case("nope/missing.txt", with_output=True), quick=False),
        C("glob_no_match", g, glob_case("nomatch_*.txt")),
        C("glob_only_underscore_files", g, glob_case("hidden_only/_*")),
        C("glob_only_dot_files", g, glob_case("hidden_only/.*"), quick=False),
        C("glob_only_hidden_star", g, glob_case("hidden_only/*"), quick=False),
        C("bad_flag", g, usage_case(["--no-such-flag", "@DATA@/crlf.txt"],
                                    words=["--no-such-flag"], words_ci=["usage"])),
        C("bad_top_value", g, usage_case(["--top", "abc", "@DATA@/crlf.txt"], words=["top"]), quick=False),
        C("bad_split_size", g, usage_case(["--split-size", "12Q", "@DATA@/crlf.txt"],
                                          words=["split-size"]), quick=False),
        C("bad_executor_memory", g, usage_case(["--executor-memory", "bogus", "@DATA@/crlf.txt"],
                                               words=["--executor-memory", "bogus"]), quick=False),
        C("bad_spill_compression", g, usage_case(["--spill-compression", "zip", "@DATA@/crlf.txt"],
                                                 words=["--spill-compression", "zip"]), quick=False),
        C("bad_optimizer", g, usage_case(["--optimizer", "maybe", "@DATA@/crlf.txt"],
                                         words=["--optimizer", "maybe"]), quick=False),
        C("bad_optimizer_env", g, bad_setting_case("DATAFLOW_OPTIMIZER", "maybe"), quick=False),
        C("bad_max_result_size", g, usage_case(["--max-result-size", "1T", "@DATA@/crlf.txt"],
                                               words=["--max-result-size"]), quick=False),
        C("max_result_size_exceeded", g, max_result_size_case("1K", 70), quick=False),
        C("max_result_size_unlimited", g, max_result_size_case("0", 0), quick=False),
        C("no_input", g, usage_case([], words_ci=["usage"]), quick=False),
        C("output_exists", g, output_exists_case(populate=True)),
        C("output_exists_empty", g, output_exists_case(populate=False), quick=False),
        C("fault_always_partition0", g, fault_fail_case(0)),
        C("fault_always_partition3", g, fault_fail_case(3), quick=False),
        C("fault_always_with_output", g, fault_fail_case(0, with_output=True)),
        C("fault_first_attempt_retried", g, fault_retry_case()),
        C("fault_first_attempt_with_output", g, fault_retry_case(with_output=True), quick=False),
        C("stdout_full", g, stdout_full_case()),
        C("killed_job_rerun", g, killed_job_rerun_case()),
        C("output_trailing_slash", g, trailing_slash_case(), quick=False),
        C("bad_setting", g, bad_setting_case("DATAFLOW_SPLIT_SIZE", "bad")),
        C("bad_fault_spec", g, bad_setting_case("DATAFLOW_FAULT", "explode:stage=x"), quick=False),
        C("bad_cores_setting", g, bad_setting_case("DATAFLOW_EXECUTOR_CORES", "1K"), quick=False),
        C("bad_broadcast_setting", g, bad_setting_case("DATAFLOW_BROADCAST_JOIN_THRESHOLD", "-1"), quick=False),
        C("bad_memory_setting", g, bad_setting_case("DATAFLOW_EXECUTOR_MEMORY", "bogus"), quick=False),
        C("zero_memory_setting", g, bad_setting_case("DATAFLOW_EXECUTOR_MEMORY", "0"), quick=False),
        C("bad_compression_setting", g, bad_setting_case("DATAFLOW_SPILL_COMPRESSION", "zstd"), quick=False),
        C("help", g, help_case("--help", ["--top", "--output", "--split-size"])),
        C("version", g, help_case("--version", []), quick=False),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cw.common_args(ap)
    a = ap.parse_args()
    cases = cw.select(build_cases(), a.cases)
    if a.quick:
        cases = cw.quick_filter(cases, a.np)
    if a.list:
        for c in cases:
            print(c.name)
        return 0
    runner, data, tmp = cw.setup(a, "check_errors")
    return cw.run_cases(cases, cw.Ctx(runner, data, tmp), "check_errors", a.keep)


if __name__ == "__main__":
    sys.exit(main())
