#!/usr/bin/env python3
"""Runs seed_program (issue 23's program) over the oracle's tables and checks what it prints
and writes: the seed's two tables byte for byte as Spark prints them, Q3's table (truncate 0)
and its CSV output equal to DuckDB's answer, the top revenue line, and explain(true)'s sections.

  check_seed.py --bin build/tests/oracle/seed_program --data DIR [--np N] [--mpirun M]
"""
import argparse
import csv
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_oracle import compare  # noqa: E402

SEED = ("+-----+---+\n"
        "| name|age|\n"
        "+-----+---+\n"
        "|Alice| 25|\n"
        "|  Bob| 30|\n"
        "+-----+---+\n"
        "\n"
        "+-----+--------+\n"
        "| name|sum(age)|\n"
        "+-----+--------+\n"
        "|Alice|      25|\n"
        "|  Bob|      30|\n"
        "+-----+--------+\n"
        "\n")
Q3_HEADER = ["l_orderkey", "revenue", "o_orderdate", "o_shippriority"]


def fail(msg, output=""):
    print(f"check_seed: {msg}\n{output[-4000:]}", file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    args = ap.parse_args()
    with open(os.path.join(args.data, "answers", "q3.tsv")) as f:
        want = f.read()

    with tempfile.TemporaryDirectory(prefix="seed-") as work:
        out_dir = os.path.join(work, "q3")
        cmd = [os.path.abspath(args.bin), args.data, out_dir]
        if args.np > 0:
            cmd = [args.mpirun, "-n", str(args.np), "--oversubscribe", "--bind-to", "none", *cmd]
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240)
        out = run.stdout
        if run.returncode != 0:
            fail(f"exit {run.returncode}", out + run.stderr)
        if not out.startswith(SEED):
            fail("the seed's two tables differ from Spark's", out)
        rest = out[len(SEED):].splitlines()

        # Q3's table: +---+ border, header, border, 10 rows, border, blank line.
        if len(rest) < 15 or [c.strip() for c in rest[1].strip("|").split("|")] != Q3_HEADER:
            fail("no Q3 table with Spark's header after the seed's tables", out)
        if rest[3 + 10] != rest[0] or rest[0] != rest[2]:
            fail("Q3's table is not 10 rows between borders", out)
        shown = "".join("\t".join(c.strip() for c in line.strip("|").split("|")) + "\n" for line in rest[3:13])
        problem = compare("q3 (show)", shown, want, True)
        if problem:
            fail(problem, out)
        # truncate=0 pads on the right, as Spark: a cell starts at the bar.
        if not rest[3].startswith("|" + want.split("\t")[0]):
            fail("Q3's cells are not left-aligned under truncate 0", out)

        top = [line for line in rest if line.startswith("top revenue ")]
        expected_top = f"top revenue {float(want.splitlines()[0].split(chr(9))[1]):.2f}"
        if top != [expected_top]:
            fail(f"expected one line '{expected_top}', got {top}", out)
        for section in ("== Parsed Logical Plan ==", "== Optimized Logical Plan ==", "== Physical Plan =="):
            if section not in out:
                fail(f"explain(true) printed no '{section}'", out)

        parts = sorted(glob.glob(os.path.join(out_dir, "part-*")))
        if not os.path.exists(os.path.join(out_dir, "_SUCCESS")) or not parts:
            fail(f"no _SUCCESS and part files in {out_dir}: {os.listdir(out_dir) if os.path.isdir(out_dir) else []}")
        rows = []
        for part in parts:
            with open(part, newline="") as f:
                lines = list(csv.reader(f))
            if lines and lines[0] != Q3_HEADER:
                fail(f"{part} does not start with the header: {lines[:1]}")
            rows += lines[1:]
        problem = compare("q3 (csv)", "".join("\t".join(r) + "\n" for r in rows), want, True)
        if problem:
            fail(problem)
    print(f"check_seed: issue 23's program ran at np {args.np}: the seed's tables, Q3 shown, written, "
          "counted and explained as expected")


if __name__ == "__main__":
    main()
