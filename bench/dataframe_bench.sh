#!/usr/bin/env bash
# Benchmark TPC-H Q1, Q3 and Q18 with DataFrames against DuckDB (2 threads), in the same run.
#
# Usage: bench/dataframe_bench.sh [--sf 1] [--rounds 3] [--np 3] [--queries "q1 q3 q18"]
#                                 [--modes "csv cache"] [--executor-memory SIZE] [--keep]
#
# Needs ../shared/tools/tpch (the table generator and DuckDB's runner) and
# `npm ci --prefix tests/oracle` (DuckDB's npm package). Tables are made once into bench/.cache.
# Interleaved rounds per query: DuckDB from the CSVs (threads=2), build/bin/tpch in local mode,
# and under mpirun -n NP --oversubscribe --bind-to none; then (mode cache) DuckDB over tables
# loaded in memory and tpch --cache over cached tables, 3 timed runs each after the untimed
# load (their median counts). Every answer is compared with DuckDB's (doubles to a relative
# 1e-9). Prints median seconds and ratios to DuckDB. With --executor-memory, tpch runs within
# that budget and the peak memory of each rank in the last round is printed (issue 24 asks
# for SF 10 within 512M: --sf 10 --rounds 1 --modes csv --executor-memory 512M).
set -euo pipefail

SF=1
ROUNDS=3
NP=3
QUERIES="q1 q3 q18"
MODES="csv cache"
MEMORY=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sf) SF="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --np) NP="$2"; shift 2 ;;
    --queries) QUERIES="$2"; shift 2 ;;
    --modes) MODES="$2"; shift 2 ;;
    --executor-memory) MEMORY="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "dataframe_bench: error: unknown argument $1" >&2; exit 64 ;;
  esac
done
ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
SHARED="${BENCH_SHARED:-$ROOT/../shared}"
CACHE="${BENCH_CACHE:-$ROOT/bench/.cache}"
APP="$ROOT/build/bin/tpch"
die() { echo "dataframe_bench: error: $*" >&2; exit 1; }
[ -x "$APP" ] || die "$APP not built (cmake --build build)"
[ -d "$SHARED/tools/tpch" ] || die "$SHARED/tools/tpch not found: this benchmark runs DuckDB through it"
[ -d "$ROOT/tests/oracle/node_modules/@duckdb" ] || die "run npm ci --prefix tests/oracle first"
[ "$(id -u)" != 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dataframe_bench.XXXXXX")"
trap '[ "$KEEP" = 1 ] && echo "kept: $WORK" || rm -rf "$WORK"' EXIT
mkdir -p "$CACHE"
[ -f "$CACHE/.gitignore" ] || printf '*\n' > "$CACHE/.gitignore"
# The shared kit is read-only: a copy beside our node_modules runs it.
KIT="$CACHE/tpch-kit"
mkdir -p "$KIT"
cp "$SHARED"/tools/tpch/*.mjs "$KIT/"
ln -sfn "$ROOT/tests/oracle/node_modules" "$KIT/node_modules"
DATA="$CACHE/tpch-sf$SF"
[ -s "$DATA/lineitem.csv" ] || { mkdir -p "$DATA" && node "$KIT/gen-tpch.mjs" "$SF" "$DATA" > /dev/null; }
cat "$DATA"/*.csv > /dev/null  # warm the page cache

run() {  # run LABEL CMD...: times one run into times.tsv, its answer into LABEL.tsv
  local label="$1" t0 t1 rc=0; shift
  t0=$(date +%s.%N)
  "$@" > "$WORK/$label.tsv" 2> "$WORK/$label.err" || rc=$?
  t1=$(date +%s.%N)
  [ "$rc" = 0 ] || { tail -n 20 "$WORK/$label.err" >&2; die "$label failed with exit code $rc: $*"; }
  printf '%s\t%s\n' "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')" >> "$WORK/times.tsv"
}

run_repeated() {  # run_repeated LABEL CMD...: as run, but the median of the runs the command timed on stderr
  local label="$1" rc=0; shift
  "$@" > "$WORK/$label.tsv" 2> "$WORK/$label.err" || rc=$?
  [ "$rc" = 0 ] || { tail -n 20 "$WORK/$label.err" >&2; die "$label failed with exit code $rc: $*"; }
  local m
  m=$(awk '$NF == "s" && $(NF-1) ~ /^[0-9.]+$/ { print $(NF-1) }' "$WORK/$label.err" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')
  [ -n "$m" ] || die "$label printed no timed runs"
  printf '%s\t%s\n' "$label" "$m" >> "$WORK/times.tsv"
}

check() {  # check LABEL Q [DUCKDB-LABEL]: the answer equals DuckDB's
  python3 - "$WORK/$1.tsv" "$WORK/${3:-duckdb}.$2.tsv" "$ROOT/tests/oracle" <<'PY' || die "$1: answer differs from DuckDB's"
import sys
sys.path.insert(0, sys.argv[3])
from check_oracle import compare
problem = compare(sys.argv[1], open(sys.argv[1]).read(), open(sys.argv[2]).read(), True)
if problem:
    print(problem, file=sys.stderr)
sys.exit(1 if problem else 0)
PY
}

MPI=(mpirun -n "$NP" --oversubscribe --bind-to none)
ARGS=()  # tpch's own
if [ -n "$MEMORY" ]; then
  ARGS=(--executor-memory "$MEMORY")
  export DATAFLOW_RESOURCE_REPORT=1  # each rank's peak memory, on stderr at exit
  MPI+=(-x DATAFLOW_RESOURCE_REPORT)
fi
has_mode() { case " $MODES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
for round in $(seq 1 "$ROUNDS"); do
  for q in $QUERIES; do
    if has_mode csv; then
      run "duckdb.$q" node "$KIT/duckdb-run.mjs" "$DATA" "$q" --threads 2
      run "local.$q" "$APP" "$DATA" --query "$q" "${ARGS[@]}"
      check "local.$q" "$q"
      run "np$NP.$q" "${MPI[@]}" "$APP" "$DATA" --query "$q" "${ARGS[@]}"
      check "np$NP.$q" "$q"
    fi
    if has_mode cache; then
      run_repeated "duckdb.cache.$q" node "$KIT/duckdb-run.mjs" "$DATA" "$q" --threads 2 --in-memory --repeat 3
      run_repeated "local.cache.$q" "$APP" "$DATA" --query "$q" --cache --repeat 3 "${ARGS[@]}"
      check "local.cache.$q" "$q" "duckdb.cache"
      run_repeated "np$NP.cache.$q" "${MPI[@]}" "$APP" "$DATA" --query "$q" --cache --repeat 3 "${ARGS[@]}"
      check "np$NP.cache.$q" "$q" "duckdb.cache"
    fi
  done
done

median() { awk -v l="$1" '$1 == l { print $2 }' "$WORK/times.tsv" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
report() {  # report MODE-PREFIX TITLE
  local p="$1"
  echo "$2"
  for q in $QUERIES; do
    d=$(median "duckdb$p.$q"); l=$(median "local$p.$q"); m=$(median "np$NP$p.$q")
    printf '  %-4s duckdb %7.3f s  local %7.3f s (%5.2fx)  -n %s %7.3f s (%5.2fx)\n' "$q" "$d" "$l" "$(ratio "$l" "$d")" \
      "$NP" "$m" "$(ratio "$m" "$d")"
    echo "RESULT mode=${p:-.csv} query=$q sf=$SF rounds=$ROUNDS duckdb_s=$d local_ratio=$(ratio "$l" "$d") np${NP}_ratio=$(ratio "$m" "$d")"
  done
}
if has_mode csv; then
  report "" "TPC-H SF $SF from CSV, $ROUNDS rounds (median wall seconds; ratio = libdataflow / DuckDB with 2 threads)"
fi
if has_mode cache; then
  report ".cache" "TPC-H SF $SF over tables in memory (DuckDB: loaded tables; libdataflow: cache()), $ROUNDS rounds of 3 runs (median seconds of a query; ratio as above)"
fi
if [ -n "$MEMORY" ]; then
  echo "Peak memory per rank within --executor-memory $MEMORY (the last round; MiB)"
  for q in $QUERIES; do
    for label in local.$q np$NP.$q local.cache.$q np$NP.cache.$q; do
      [ -f "$WORK/$label.err" ] || continue
      printf '  %-16s' "$label"
      awk '/^dataflow-resources / { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
             printf " rank %s (%s) %.0f", f["rank"], f["role"], f["maxrss_kib"] / 1024 }' "$WORK/$label.err"
      echo
    done
  done
fi
