#!/usr/bin/env python3
"""End-to-end checks of the terasort, etl, kmeans and pagerank apps against references computed here.

Usage:
  check_workloads.py --terasort PATH --etl PATH --kmeans PATH --pagerank PATH [--np N] [--mpirun MPIRUN]
                     [--timeout S] [--records N] [--orders N] [-v] [CASE ...]

--np 0 runs the app alone (local mode), N >= 1 under mpirun -n N --oversubscribe --bind-to
none. The inputs are generated here (seeded): records as gensort lays them out (10-byte key,
then 90 bytes) and orders/customers as ../shared/tools/gen-orders writes them. Cases:

  terasort           uniform random keys, two input files, --partitions 3: the part files
                     concatenated in name order equal Python's stable sort by key.
  terasort-skewed    40% of keys from 4 hot prefixes, 10% one hot key, --partitions 6: the
                     same check, and every part holds under 2x the mean records.
  terasort-partial   a file of 250 bytes: exit 65 naming it; no output directory.
  terasort-exists    an existing output directory: exit 73, left untouched.
  etl                inner join, group by country: byte-identical to the reference query.
  etl-left           --left: orders of missing customers under (unknown).
  etl-malformed      an orders line with three fields: exit 65 naming DIR/orders.tsv:OFFSET.
  etl-missing        a directory without the files: exit 66.
  kmeans             3,000 points of 3 numbers in two files (blank lines, tabs), K = 5,
                     6 iterations: the centres equal Lloyd's algorithm run here in file
                     order to a relative 1e-8 (the partial sums are added in another order).
  kmeans-few         fewer points than K: exit 65 naming K.
  kmeans-malformed   a line with a word in it: exit 65 naming FILE:OFFSET, quoting the line.
  kmeans-dimensions  a point of 2 numbers among points of 3: exit 65 naming FILE:OFFSET.
  kmeans-bad-k       --k 0: exit 64 naming --k.
  pagerank           2,000 edges (duplicates, self-loops, blank lines, extra fields) in two
                     files, 5 iterations: Spark's pagerank.py in Python, ranks to 1e-9.
  pagerank-malformed a line with one id: exit 65 naming FILE:OFFSET, quoting the line.
  help               --help of the apps: exit 0, usage on stdout.

Every failing run prints exactly one "PROG: error:" line. The last line printed is always
"P passed, F failed".
"""
import argparse
import os
import random
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import check_wordcount as cw  # noqa: E402


def expect_failure(res, code, prog, words=()):
    return cw.expect_exit(res, code, words, prog + b": error:")


# ----- terasort -------------------------------------------------------------------------

def make_records(n, rng, skewed):
    hot_prefixes = [bytes(rng.getrandbits(8) for _ in range(6)) for _ in range(4)]
    hot_key = bytes(rng.getrandbits(8) for _ in range(10))
    out = []
    for i in range(n):
        roll = rng.random()
        if skewed and roll < 0.1:
            key = hot_key
        elif skewed and roll < 0.5:
            key = rng.choice(hot_prefixes) + bytes(rng.getrandbits(8) for _ in range(4))
        else:
            key = bytes(rng.getrandbits(8) for _ in range(10))
        body = b"\x00\x11" + ("%032X" % i).encode() + b"\x88\x99\xaa\xbb" + b"\x55" * 48 + b"\xcc\xdd\xee\xff"
        out.append(key + body)
    return out


def read_parts(outdir):
    names = sorted(n for n in os.listdir(outdir) if n.startswith("part-"))
    parts = []
    for n in names:
        with open(os.path.join(outdir, n), "rb") as f:
            parts.append(f.read())
    return names, parts


def terasort_case(skewed):
    def run(ctx):
        rng = random.Random(7 if skewed else 5)
        records = make_records(ctx.records, rng, skewed)
        half = len(records) // 2
        for name, chunk in (("a.bin", records[:half]), ("b.bin", records[half:])):
            with open(os.path.join(ctx.tmp, name), "wb") as f:
                f.write(b"".join(chunk))
        args = [os.path.join(ctx.tmp, "a.bin"), os.path.join(ctx.tmp, "b.bin"), "-o", "out"]
        args += ["--partitions", "3" if not skewed else "6"]
        res = ctx.terasort.run(args, cwd=ctx.tmp)
        fails = list(res.problems)
        if res.rc != 0:
            return res, fails + ["exit code %s, expected 0" % res.rc]
        outdir = os.path.join(ctx.tmp, "out")
        if not os.path.exists(os.path.join(outdir, "_SUCCESS")):
            fails.append("no _SUCCESS in the output directory")
        names, parts = read_parts(outdir)
        if len(names) != (6 if skewed else 3):
            fails.append("%d part files, expected %d" % (len(names), 6 if skewed else 3))
        want = b"".join(sorted(records, key=lambda r: r[:10]))  # stable: equal keys in input order
        got = b"".join(parts)
        if got != want:
            at = next((i for i in range(0, min(len(got), len(want)), 100) if got[i:i + 100] != want[i:i + 100]),
                      min(len(got), len(want)))
            fails.append("output differs from the stable sort by key (%d bytes, expected %d; first "
                         "difference in record %d)" % (len(got), len(want), at // 100))
        if skewed and parts:
            mean = len(got) / 100 / len(parts)
            for n, p in zip(names, parts):
                if len(p) / 100 > 2 * mean:
                    fails.append("%s holds %d records, over twice the mean %.0f" % (n, len(p) // 100, mean))
        return res, fails
    return run


def terasort_partial(ctx):
    path = os.path.join(ctx.tmp, "partial.bin")
    with open(path, "wb") as f:
        f.write(b"x" * 250)
    res = ctx.terasort.run([path, "-o", "out"], cwd=ctx.tmp)
    fails = expect_failure(res, 65, b"terasort", ["partial.bin", "250 bytes", "record length 100"])
    if os.path.exists(os.path.join(ctx.tmp, "out")):
        fails.append("the output directory exists after a failed job")
    return res, fails


def terasort_exists(ctx):
    path = os.path.join(ctx.tmp, "r.bin")
    with open(path, "wb") as f:
        f.write(b"".join(make_records(50, random.Random(1), False)))
    os.makedirs(os.path.join(ctx.tmp, "out"))
    with open(os.path.join(ctx.tmp, "out", "keep"), "w") as f:
        f.write("mine\n")
    res = ctx.terasort.run([path, "-o", "out"], cwd=ctx.tmp)
    fails = expect_failure(res, 73, b"terasort", ["out"])
    if sorted(os.listdir(os.path.join(ctx.tmp, "out"))) != ["keep"]:
        fails.append("the existing output directory was changed")
    return res, fails


# ----- etl ------------------------------------------------------------------------------

COUNTRIES = ["United States", "China", "India", "Brazil", "Germany", "France", "Japan", "Kenya", "Peru",
             "Chile", "Spain", "Italy", "Egypt", "Nepal", "Fiji"]


def make_orders(d, n_orders, rng):
    os.makedirs(d, exist_ok=True)
    ids = rng.sample(range(1, 10 * max(1, n_orders // 20)), max(1, n_orders // 20))
    customers = {}
    with open(os.path.join(d, "customers.tsv"), "w") as f:
        for cid in ids:
            country = COUNTRIES[min(int(rng.paretovariate(1.2)) - 1, len(COUNTRIES) - 1)]
            customers[cid] = country
            f.write("%d\tname %d\t%s\n" % (cid, cid, country))
    hot = ids[: max(1, len(ids) // 100)]
    with open(os.path.join(d, "orders.tsv"), "w") as f:
        for oid in range(n_orders):
            roll = rng.random()
            cid = -rng.randint(1, 1000) if roll < 0.01 else rng.choice(hot) if roll < 0.2 else rng.choice(ids)
            f.write("%d\t%d\t%d\t2026-%02d-%02d\n" % (oid, cid, rng.randint(100, 100000), rng.randint(1, 12),
                                                     rng.randint(1, 28)))
    return customers


def etl_reference(d, left):
    country = {}
    with open(os.path.join(d, "customers.tsv")) as f:
        for line in f:
            cid, _name, where = line.rstrip("\n").split("\t", 2)
            country[int(cid)] = where
    groups = {}
    with open(os.path.join(d, "orders.tsv")) as f:
        for line in f:
            _oid, cid, amount, _date = line.split("\t", 3)
            where = country.get(int(cid), "(unknown)" if left else None)
            if where is not None:
                g = groups.setdefault(where, [0, 0])
                g[0] += 1
                g[1] += int(amount)
    return "".join("%s\t%d\t%d\t%.2f\n" % (w, n, t, t / n)
                   for w, (n, t) in sorted(groups.items(), key=lambda kv: (-kv[1][1], kv[0]))).encode()


def etl_case(left):
    def run(ctx):
        d = os.path.join(ctx.tmp, "data")
        make_orders(d, ctx.orders, random.Random(11))
        res = ctx.etl.run([d] + (["--left"] if left else []), cwd=ctx.tmp)
        fails = list(res.problems)
        if res.rc != 0:
            return res, fails + ["exit code %s, expected 0" % res.rc]
        want = etl_reference(d, left)
        if res.stdout != want:
            fails.append("stdout differs from the reference query")
            fails += cw.diff_lines(want.splitlines(), res.stdout.splitlines())[:5]
        if left and b"(unknown)" not in res.stdout:
            fails.append("no (unknown) line with --left")
        return res, fails
    return run


def etl_malformed(ctx):
    d = os.path.join(ctx.tmp, "data")
    make_orders(d, 200, random.Random(3))
    orders = os.path.join(d, "orders.tsv")
    at = os.path.getsize(orders)
    with open(orders, "a") as f:
        f.write("1\t2\t3\n")
    res = ctx.etl.run([d], cwd=ctx.tmp)
    return res, expect_failure(res, 65, b"etl", ["%s:%d: malformed CSV record: expected 4 fields, found 3" % (orders, at)])


def etl_missing(ctx):
    d = os.path.join(ctx.tmp, "empty")
    os.makedirs(d)
    res = ctx.etl.run([d], cwd=ctx.tmp)
    return res, expect_failure(res, 66, b"etl", ["orders.tsv"])


def help_case(ctx):
    fails = []
    res = None
    for runner, usage in ((ctx.terasort, b"INPUT... -o DIR"), (ctx.etl, b"DIR [--left]"),
                          (ctx.kmeans, b"POINTS... --k K --iterations N"),
                          (ctx.pagerank, b"EDGES... --iterations N")):
        res = runner.run(["--help"], cwd=ctx.tmp)
        fails += res.problems
        if res.rc != 0:
            fails.append("--help exit code %s, expected 0" % res.rc)
        if usage not in res.stdout:
            fails.append("--help lacks %r" % usage.decode())
    return res, fails


# ----- kmeans ---------------------------------------------------------------------------

def write_points(d, n, rng):
    os.makedirs(d)
    pts = [[rng.uniform(-100, 100) + 40 * (i % 4), rng.gauss(0, 30), rng.uniform(0, 1)] for i in range(n)]
    half = n // 2
    with open(os.path.join(d, "a.txt"), "w") as f:
        for i, p in enumerate(pts[:half]):
            f.write(("%r\t%r %r\n" if i % 7 else "\n%r %r\t%r\n") % tuple(p))
    with open(os.path.join(d, "b.txt"), "w") as f:
        for p in pts[half:]:
            f.write("%r %r %r\n" % tuple(p))
    return pts


def kmeans_reference(pts, k, iterations):
    centres = [p[:] for p in pts[:k]]
    for _ in range(iterations):
        sums, counts = [[0.0] * len(pts[0]) for _ in range(k)], [0] * k
        for p in pts:
            best, best_d = 0, None
            for j, c in enumerate(centres):
                d = 0.0
                for x, y in zip(p, c):
                    d += (x - y) * (x - y)
                if best_d is None or d < best_d:
                    best, best_d = j, d
            for t, x in enumerate(p):
                sums[best][t] += x
            counts[best] += 1
        for j in range(k):
            if counts[j]:
                centres[j] = [s / counts[j] for s in sums[j]]
    return centres


def kmeans_case(ctx):
    d = os.path.join(ctx.tmp, "points")
    pts = write_points(d, 3000, random.Random(5))
    res = ctx.kmeans.run([d, "--k", "5", "--iterations", "6"], cwd=ctx.tmp)
    fails = list(res.problems)
    if res.rc != 0:
        return res, fails + ["exit code %s, expected 0" % res.rc]
    return res, fails + compare_centres(res.stdout, kmeans_reference(pts, 5, 6))


def compare_centres(stdout, want):
    """kmeans' printed centres against `want`, to a relative 1e-8: failure messages."""
    got = [[float(x) for x in line.split()] for line in stdout.decode().splitlines()]
    if len(got) != len(want) or any(len(c) != len(want[0]) for c in got):
        return ["expected %d lines of %d numbers, got %r" % (len(want), len(want[0]), stdout[:300])]
    fails = []
    for j, (wc, gc) in enumerate(zip(want, got)):
        for t, (w, g) in enumerate(zip(wc, gc)):
            if abs(g - w) > 1e-8 * max(abs(w), 1e-300) + 1e-12:
                fails.append("centre %d, coordinate %d: %r, expected %r" % (j, t, g, w))
    return fails


def kmeans_few(ctx):
    d = os.path.join(ctx.tmp, "points")
    write_points(d, 3, random.Random(6))
    res = ctx.kmeans.run([d, "--k", "4", "--iterations", "2"], cwd=ctx.tmp)
    return res, expect_failure(res, 65, b"kmeans", ["fewer than K = 4"])


def kmeans_bad_line(line, error):
    """A bad line appended to b.txt: exit 65 naming its FILE:OFFSET and `error`."""
    def run(ctx):
        d = os.path.join(ctx.tmp, "points")
        write_points(d, 100, random.Random(7))
        path = os.path.join(d, "b.txt")
        at = os.path.getsize(path)
        with open(path, "a") as f:
            f.write(line + "\n")
        res = ctx.kmeans.run([d, "--k", "2", "--iterations", "1"], cwd=ctx.tmp)
        return res, expect_failure(res, 65, b"kmeans", ["%s:%d: %s" % (path, at, error)])
    return run


def kmeans_bad_k(ctx):
    d = os.path.join(ctx.tmp, "points")
    write_points(d, 10, random.Random(8))
    res = ctx.kmeans.run([d, "--k", "0", "--iterations", "1"], cwd=ctx.tmp)
    return res, expect_failure(res, 64, b"kmeans", ["--k"])


# ----- pagerank -------------------------------------------------------------------------

def write_edges(d, n, rng):
    os.makedirs(d)
    edges = []
    for _ in range(n):
        src = rng.randrange(300)
        dst = src if rng.random() < 0.02 else rng.randrange(300) // (1 + rng.randrange(3))
        edges.append((src, dst))
    edges += edges[:50]  # duplicates
    half = len(edges) // 2
    with open(os.path.join(d, "a.txt"), "w") as f:
        for i, (s, t) in enumerate(edges[:half]):
            f.write(("%d %d\n" if i % 9 else "\n%d\t%d extra\n") % (s, t))
    with open(os.path.join(d, "b.txt"), "w") as f:
        for s, t in edges[half:]:
            f.write("%d %d\n" % (s, t))
    return edges


def pagerank_reference(edges, iterations):
    links = {}
    for s, t in set(edges):
        links.setdefault(s, []).append(t)
    ranks = {s: 1.0 for s in links}
    for _ in range(iterations):
        sums = {}
        for s in sorted(links):
            if s not in ranks:
                continue
            share = ranks[s] / len(links[s])
            for t in links[s]:
                sums[t] = sums.get(t, 0.0) + share
        ranks = {t: x * 0.85 + 0.15 for t, x in sums.items()}
    return ranks


def pagerank_case(ctx):
    d = os.path.join(ctx.tmp, "edges")
    edges = write_edges(d, 2000, random.Random(9))
    res = ctx.pagerank.run([d, "--iterations", "5"], cwd=ctx.tmp)
    fails = list(res.problems)
    if res.rc != 0:
        return res, fails + ["exit code %s, expected 0" % res.rc]
    want = pagerank_reference(edges, 5)
    lines = res.stdout.decode().splitlines()
    got = [(int(n), float(r)) for n, r in (line.split("\t") for line in lines)]
    if [n for n, _ in got] != sorted(want):
        return res, fails + ["nodes %r..., expected %r..." % ([n for n, _ in got][:10], sorted(want)[:10])]
    for n, r in got:
        if abs(r - want[n]) > 1e-9 * abs(want[n]):
            fails.append("node %d: rank %r, expected %r" % (n, r, want[n]))
    return res, fails[:10]


def pagerank_malformed(ctx):
    d = os.path.join(ctx.tmp, "edges")
    write_edges(d, 100, random.Random(10))
    path = os.path.join(d, "b.txt")
    at = os.path.getsize(path)
    with open(path, "a") as f:
        f.write("17\n")
    res = ctx.pagerank.run([d, "--iterations", "2"], cwd=ctx.tmp)
    return res, expect_failure(res, 65, b"pagerank", ["%s:%d: expected \"src dst\" in the line \"17\"" % (path, at)])


def rewrite_endings(d, style):
    """Rewrites every file of directory d, whose lines end in '\\n', with lone '\\r' endings
    (style "cr", an old Mac file) or with "\\r\\n", "\\r" and "\\n" in turn ("mixed")."""
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
        last = lines.pop()  # b"" after a final newline
        ends = [b"\r"] if style == "cr" else [b"\r\n", b"\r", b"\n"]
        with open(path, "wb") as f:
            f.write(b"".join(line + ends[i % len(ends)] for i, line in enumerate(lines)) + last)


def line_endings(ctx):
    """Lone-CR and mixed line endings give the LF answer (universal newlines), for etl and
    pagerank."""
    fails, res = [], None
    for app, make, args in (("etl", lambda d: make_orders(d, ctx.orders, random.Random(11)), []),
                            ("pagerank", lambda d: write_edges(d, 2000, random.Random(9)), ["--iterations", "5"])):
        outputs = {}
        for style in ("lf", "cr", "mixed"):
            d = os.path.join(ctx.tmp, "%s-%s" % (app, style))
            make(d)
            if style != "lf":
                rewrite_endings(d, style)
            res = getattr(ctx, app).run([d] + args, cwd=ctx.tmp)
            fails += ["%s %s: %s" % (app, style, p) for p in res.problems]
            if res.rc != 0:
                fails.append("%s %s: exit code %s, expected 0" % (app, style, res.rc))
            outputs[style] = res.stdout
        if not outputs["lf"]:
            fails.append("%s printed nothing with LF endings" % app)
        for style in ("cr", "mixed"):
            if outputs[style] != outputs["lf"]:
                fails.append("%s: %s endings give another answer than LF (%d bytes against %d)"
                             % (app, style, len(outputs[style]), len(outputs["lf"])))
    return res, fails


CASES = [
    ("terasort", terasort_case(False)),
    ("terasort-skewed", terasort_case(True)),
    ("terasort-partial", terasort_partial),
    ("terasort-exists", terasort_exists),
    ("etl", etl_case(False)),
    ("etl-left", etl_case(True)),
    ("etl-malformed", etl_malformed),
    ("etl-missing", etl_missing),
    ("kmeans", kmeans_case),
    ("kmeans-few", kmeans_few),
    ("kmeans-malformed", kmeans_bad_line("1.5 two 3", 'not a number in the line "1.5 two 3"')),
    ("kmeans-dimensions", kmeans_bad_line("4.5 6.25", "a point of 2 numbers, the first had 3")),
    ("kmeans-bad-k", kmeans_bad_k),
    ("pagerank", pagerank_case),
    ("pagerank-malformed", pagerank_malformed),
    ("help", help_case),
    ("line-endings", line_endings),
]


class Ctx:
    def __init__(self, terasort, etl, kmeans, pagerank, tmp, records, orders):
        self.terasort, self.etl, self.kmeans, self.pagerank = terasort, etl, kmeans, pagerank
        self.tmp, self.records, self.orders = tmp, records, orders


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--terasort", required=True)
    ap.add_argument("--etl", required=True)
    ap.add_argument("--kmeans", required=True)
    ap.add_argument("--pagerank", required=True)
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--orders", type=int, default=20000)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    terasort, etl, kmeans, pagerank = (cw.Runner(p, a.np, a.mpirun, a.timeout, a.verbose)
                                       for p in (a.terasort, a.etl, a.kmeans, a.pagerank))
    return run_cases(CASES, a.cases, a.np, "dataflow-workloads-",
                     lambda tmp: Ctx(terasort, etl, kmeans, pagerank, tmp, a.records, a.orders))


def run_cases(cases, selected, np, prefix, make_ctx):
    """Runs each (name, fn) of `cases` named in `selected` (all if empty) in a fresh temporary
    directory, fn(make_ctx(tmp)) returning (result, failures); prints each verdict and the
    "P passed, F failed" line. Returns the exit code."""
    passed = failed = 0
    for name, fn in cases:
        if selected and name not in selected:
            continue
        tmp = tempfile.mkdtemp(prefix=prefix)
        try:
            res, fails = fn(make_ctx(tmp))
        except Exception as e:  # a checker bug is a failure too
            res, fails = None, ["checker raised %r" % e]
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if cw.print_case(name, np, res, fails):
            passed += 1
        else:
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
