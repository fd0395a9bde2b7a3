#!/usr/bin/env python3
"""End-to-end checks of bad records: the apps' parse errors name the line's FILE:OFFSET, and --bad-records.

Usage:
  check_bad_records.py --etl PATH --kmeans PATH --pagerank PATH [--np N] [--mpirun MPIRUN] [--timeout S]
                       [-v] [CASE ...]

--np 0 runs the app alone (local mode), N >= 1 under mpirun -n N --oversubscribe --bind-to
none. Inputs are generated here (seeded), as check_workloads.py makes them, with bad lines
added at known byte offsets. Cases:

  etl-fail      two bad orders lines, default --bad-records fail: exit 65, one error line
                naming DIR/orders.tsv:OFFSET of one of them and what is wrong with it.
  etl-skip      --bad-records skip: the reference query's answer over the good lines, and
                one warning line counting 2, naming the first bad line's FILE:OFFSET.
  etl-file      --bad-records FILE: the same answer; FILE holds each bad line once, in file
                order, as FILE:OFFSET<TAB>error<TAB>line; a second run with the same FILE
                is exit 73 and leaves FILE as it was.
  kmeans-skip   DATAFLOW_BAD_RECORDS=skip: a line that is not numbers among the first K
                points and a point of 2 numbers among points of 3 are skipped, each counted
                once although three jobs read them; the centres are Lloyd's over the rest.
  pagerank-skip --bad-records skip: a line with one id is skipped; ranks as Spark's
                pagerank.py over the other edges.

The last line printed is always "P passed, F failed".
"""
import argparse
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import check_wordcount as cw  # noqa: E402
import check_workloads as cwl  # noqa: E402


def insert_lines(path, inserts):
    """Inserts each (line number, text) of `inserts` (ascending) into the file at `path`;
    returns the byte offset at which each inserted line starts."""
    with open(path, "rb") as f:
        lines = f.read().splitlines(keepends=True)
    offsets = []
    for shift, (at, text) in enumerate(inserts):
        lines.insert(at + shift, text.encode() + b"\n")
        offsets.append(sum(len(x) for x in lines[:at + shift]))
    with open(path, "wb") as f:
        f.write(b"".join(lines))
    return offsets


def warning_line(res, prog):
    return [l for l in res.stderr.decode("utf-8", "replace").splitlines() if l.startswith(prog + ": warning: skipped")]


# The two bad orders lines: one field short, and an amount that is not a number.
ETL_BAD = [(40, "7\t12\t995"), (150, "8\t12\tlots\t2026-01-02")]
# etl reads them as CSV with a schema, in FAILFAST mode (its DataFrame reader's messages).
ETL_ERRORS = ["malformed CSV record: expected 4 fields, found 3",
              "malformed CSV record: field 3 (amount_cents): 'lots' is not a valid long"]


def etl_data(ctx):
    d = os.path.join(ctx.tmp, "data")
    cwl.make_orders(d, 2000, random.Random(11))
    want = cwl.etl_reference(d, False)  # before the bad lines go in
    orders = os.path.join(d, "orders.tsv")
    offsets = insert_lines(orders, ETL_BAD)
    return d, orders, offsets, want


def etl_fail(ctx):
    d, orders, offsets, _ = etl_data(ctx)
    res = ctx.etl.run([d], cwd=ctx.tmp)
    fails = cwl.expect_failure(res, 65, b"etl")
    err = res.stderr.decode("utf-8", "replace")
    named = ["%s:%d: %s" % (orders, o, e) for o, e in zip(offsets, ETL_ERRORS)]
    if not any(n in err for n in named):
        fails.append("stderr names neither bad line as %r" % named)
    return res, fails


def etl_skip(ctx):
    d, orders, offsets, want = etl_data(ctx)
    res = ctx.etl.run([d, "--bad-records", "skip"], cwd=ctx.tmp)
    fails = cw.expect_exit(res, 0)
    if res.stdout != want:
        fails.append("stdout differs from the reference over the good lines")
        fails += cw.diff_lines(want.splitlines(), res.stdout.splitlines())[:5]
    warn = warning_line(res, "etl")
    expected = ("etl: warning: skipped 2 bad records (--bad-records skip); the first: %s:%d: %s"
                % (orders, offsets[0], ETL_ERRORS[0]))
    if warn != [expected]:
        fails.append("warning lines %r, expected [%r]" % (warn, expected))
    return res, fails


def etl_file(ctx):
    d, orders, offsets, want = etl_data(ctx)
    bad = os.path.join(ctx.tmp, "bad.tsv")
    res = ctx.etl.run([d, "--bad-records", bad], cwd=ctx.tmp)
    fails = cw.expect_exit(res, 0)
    if res.stdout != want:
        fails.append("stdout differs from the reference over the good lines")
    expected = "".join("%s:%d\t%s\t%s\n" % (orders, o, e.replace("\t", " "), line)
                       for o, e, (_, line) in zip(offsets, ETL_ERRORS, ETL_BAD)).encode()
    got = open(bad, "rb").read() if os.path.exists(bad) else None
    if got != expected:
        fails.append("%s holds %s, expected %s" % (bad, cw.short(got, 400), cw.short(expected, 400)))
    if len(warning_line(res, "etl")) != 1:
        fails.append("expected one warning line")
    again = ctx.etl.run([d, "--bad-records", bad], cwd=ctx.tmp)
    fails += ["second run: " + f for f in cwl.expect_failure(again, 73, b"etl", [bad + " already exists"])]
    if (open(bad, "rb").read() if os.path.exists(bad) else None) != expected:
        fails.append("the second run changed %s" % bad)
    return res, fails


def kmeans_skip(ctx):
    d = os.path.join(ctx.tmp, "points")
    pts = cwl.write_points(d, 600, random.Random(5))
    # Among the first K = 4 points (a.txt starts with a blank line, then points), and in b.txt.
    insert_lines(os.path.join(d, "a.txt"), [(2, "1.5 two 3")])
    insert_lines(os.path.join(d, "b.txt"), [(100, "4.5 6.25")])
    res = ctx.kmeans.run([d, "--k", "4", "--iterations", "3"], cwd=ctx.tmp, env={"DATAFLOW_BAD_RECORDS": "skip"})
    fails = cw.expect_exit(res, 0)
    fails += cwl.compare_centres(res.stdout, cwl.kmeans_reference(pts, 4, 3))
    warn = warning_line(res, "kmeans")
    if len(warn) != 1 or "skipped 2 bad records" not in warn[0] or "a.txt:" not in warn[0]:
        fails.append("warning lines %r, expected one counting 2, the first in a.txt" % warn)
    return res, fails


def pagerank_skip(ctx):
    d = os.path.join(ctx.tmp, "edges")
    edges = cwl.write_edges(d, 500, random.Random(9))
    offsets = insert_lines(os.path.join(d, "b.txt"), [(30, "17")])
    res = ctx.pagerank.run([d, "--iterations", "3", "--bad-records", "skip"], cwd=ctx.tmp)
    fails = cw.expect_exit(res, 0)
    want = cwl.pagerank_reference(edges, 3)
    got = {}
    for line in res.stdout.decode().splitlines():
        n, r = line.split("\t")
        got[int(n)] = float(r)
    if sorted(got) != sorted(want):
        return res, fails + ["nodes %r..., expected %r..." % (sorted(got)[:10], sorted(want)[:10])]
    for n, r in got.items():
        if abs(r - want[n]) > 1e-9 * abs(want[n]):
            fails.append("node %d: rank %r, expected %r" % (n, r, want[n]))
    expected = ('pagerank: warning: skipped 1 bad record (--bad-records skip); the first: %s:%d: expected "src dst" '
                'in the line "17"' % (os.path.join(d, "b.txt"), offsets[0]))
    if warning_line(res, "pagerank") != [expected]:
        fails.append("warning lines %r, expected [%r]" % (warning_line(res, "pagerank"), expected))
    return res, fails[:10]


CASES = [
    ("etl-fail", etl_fail),
    ("etl-skip", etl_skip),
    ("etl-file", etl_file),
    ("kmeans-skip", kmeans_skip),
    ("pagerank-skip", pagerank_skip),
]


class Ctx:
    def __init__(self, etl, kmeans, pagerank, tmp):
        self.etl, self.kmeans, self.pagerank, self.tmp = etl, kmeans, pagerank, tmp


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--etl", required=True)
    ap.add_argument("--kmeans", required=True)
    ap.add_argument("--pagerank", required=True)
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    runners = [cw.Runner(p, a.np, a.mpirun, a.timeout, a.verbose) for p in (a.etl, a.kmeans, a.pagerank)]
    return cwl.run_cases(CASES, a.cases, a.np, "dataflow-bad-records-", lambda tmp: Ctx(*runners, tmp))


if __name__ == "__main__":
    sys.exit(main())
