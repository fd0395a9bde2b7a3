#!/usr/bin/env python3
"""Runs build/bin/tpch over the oracle's tables and compares its answer with DuckDB's.

  check_tpch_app.py --bin TPCH --data DIR --query q3 [--np N] [--mpirun M] [-- TPCH-ARGS...]

With --repeat K among the arguments, stderr must hold K timed runs ("q3 0.123 s").
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_oracle import compare  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--query", required=True)
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("rest", nargs="*")
    args = ap.parse_args()
    cmd = [os.path.abspath(args.bin), args.data, "--query", args.query, *args.rest]
    if args.np > 0:
        cmd = [args.mpirun, "-n", str(args.np), "--oversubscribe", "--bind-to", "none", *cmd]
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240)
    if run.returncode != 0:
        print(f"{' '.join(cmd)} exited {run.returncode}\n{run.stdout[-3000:]}{run.stderr[-3000:]}", file=sys.stderr)
        return 1
    with open(os.path.join(args.data, "answers", "manifest.json")) as f:
        ordered = json.load(f)[args.query]["ordered"]
    with open(os.path.join(args.data, "answers", args.query + ".tsv")) as f:
        problem = compare(args.query, run.stdout, f.read(), ordered)
    if problem:
        print("FAIL " + problem, file=sys.stderr)
        return 1
    if "--repeat" in args.rest:
        want = int(args.rest[args.rest.index("--repeat") + 1])
        timed = re.findall(r"^%s [0-9.]+ s$" % args.query, run.stderr, re.M)
        if len(timed) != want:
            print(f"FAIL {want} timed runs expected on stderr, found {len(timed)}:\n{run.stderr}", file=sys.stderr)
            return 1
    print(f"check_tpch_app: {args.query} equals DuckDB's answer ({' '.join(args.rest) or 'from CSV'}, np {args.np})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
