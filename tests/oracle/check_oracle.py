#!/usr/bin/env python3
"""Runs oracle_queries over the oracle's tables and compares every answer with DuckDB's.

  check_oracle.py --bin build/tests/oracle/oracle_queries --data DIR [--np N] [--mpirun M]
                  [--memory 1M] [NAME...]

DIR holds the tables and DIR/answers (make_oracle.mjs). --np 0 (default) runs local mode.
Rows are compared as multisets, and in order where the manifest says the query orders;
integers and strings exactly, other numbers to a relative 1e-9 (sums add in another order).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import Counter


def parse_number(cell):
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        return float(cell)
    except ValueError:
        return None


def cells_equal(a, b):
    if a == b:
        return True
    x, y = parse_number(a), parse_number(b)
    if x is None or y is None or (isinstance(x, int) and isinstance(y, int)):
        return False
    return math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=1e-12)


def canonical(row):
    """A row with its numbers rounded to 9 significant digits, for pairing unordered rows."""
    out = []
    for cell in row:
        v = parse_number(cell)
        out.append(f"{float(v):.9g}" if isinstance(v, float) else cell)
    return tuple(out)


def compare(name, got_text, want_text, ordered):
    got = [line.split("\t") for line in got_text.splitlines()]
    want = [line.split("\t") for line in want_text.splitlines()]
    if len(got) != len(want):
        return f"{name}: {len(got)} rows, DuckDB has {len(want)}"
    if not ordered:
        got = sorted(got, key=canonical)
        want = sorted(want, key=canonical)
    for i, (g, w) in enumerate(zip(got, want)):
        if len(g) != len(w) or not all(cells_equal(a, b) for a, b in zip(g, w)):
            return f"{name}: row {i}: got {g}, DuckDB has {w}"
    if not ordered and Counter(map(canonical, got)) != Counter(map(canonical, want)):
        return f"{name}: the rows differ as multisets"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--memory", help="--executor-memory for the run (a tiny budget forces spills)")
    ap.add_argument("--timeout", type=int, default=240)
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()

    manifest_path = os.path.join(args.data, "answers", "manifest.json")
    if not os.path.exists(manifest_path):
        print(f"check_oracle: no {manifest_path}: run node tests/oracle/make_oracle.mjs first "
              "(after npm ci --prefix tests/oracle)", file=sys.stderr)
        return 2
    with open(manifest_path) as f:
        manifest = json.load(f)
    names = args.names or sorted(manifest)

    with tempfile.TemporaryDirectory(prefix="oracle-") as out:
        cmd = [os.path.abspath(args.bin), args.data, out, *names]
        if args.memory:
            cmd[1:1] = ["--executor-memory", args.memory]
        if args.np > 0:
            cmd = [args.mpirun, "-n", str(args.np), "--oversubscribe", "--bind-to", "none", *cmd]
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=args.timeout)
        if run.returncode != 0:
            print(f"check_oracle: {' '.join(cmd)} exited {run.returncode}\n{run.stdout[-3000:]}{run.stderr[-3000:]}",
                  file=sys.stderr)
            return 1
        failures = []
        # The run's optimizer setting is the one the environment asked for.
        want = "optimizer %s" % ("off" if os.environ.get("DATAFLOW_OPTIMIZER") == "off" else "on")
        with open(os.path.join(out, "_settings.txt")) as f:
            got = f.read().strip()
        if got != want:
            failures.append("the run's settings are '%s', not '%s'" % (got, want))
        for name in names:
            path = os.path.join(out, name + ".tsv")
            if not os.path.exists(path):
                failures.append(f"{name}: no answer written")
                continue
            with open(path) as f:
                got = f.read()
            with open(os.path.join(args.data, "answers", name + ".tsv")) as f:
                want = f.read()
            problem = compare(name, got, want, manifest[name]["ordered"])
            if problem:
                failures.append(problem)
    for problem in failures:
        print("FAIL " + problem, file=sys.stderr)
    print(f"check_oracle: {len(names) - len(failures)} of {len(names)} queries equal DuckDB's answers "
          f"(np {args.np}{', memory ' + args.memory if args.memory else ''})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
