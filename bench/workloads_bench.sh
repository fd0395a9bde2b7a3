#!/usr/bin/env bash
# Benchmark terasort, etl, pagerank or kmeans against their one-thread baselines, in the
# same run.
#
# Usage: bench/workloads_bench.sh terasort|etl|pagerank|kmeans [--size S] [--rounds 3] [--np 3] [--keep]
#
# Needs ../shared (the baselines and the generators). --size: bytes of input (default 1G), for
# pagerank the edges of gen-graph (default 20M); pagerank runs 10 iterations, kmeans K = 8 and
# 10 iterations. Interleaved rounds: baseline, local mode, mpirun -n NP --oversubscribe
# --bind-to none, and the same mpirun run with the event log and the HTML report on (their
# cost), and with --resume-dir (its cost); every output is checked (valsort; byte-identical to etl_tuned; ranks to 1e-9
# and centres to 1e-8 relative). Prints median wall seconds, ratios to the baseline and the
# peak resident set of every rank.
set -euo pipefail

WORKLOAD="${1:-}"
case "$WORKLOAD" in terasort|etl|pagerank|kmeans) ;; *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;; esac
shift
SIZE=1G
[ "$WORKLOAD" = pagerank ] && SIZE=20M
ROUNDS=3
NP=3
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --np) NP="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "workloads_bench: error: unknown argument $1" >&2; exit 64 ;;
  esac
done
ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
SHARED="${BENCH_SHARED:-$ROOT/../shared}"
CACHE="${BENCH_CACHE:-$ROOT/bench/.cache}"
APP="$ROOT/build/bin/$WORKLOAD"
die() { echo "workloads_bench: error: $*" >&2; exit 1; }
[ -x "$APP" ] || die "$APP not built (cmake --build build)"
[ -d "$SHARED/baselines" ] || die "$SHARED/baselines not found: this benchmark compares with them"
[ "$(id -u)" != 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
unset DATAFLOW_FAULT

WORK="$(mktemp -d "${TMPDIR:-/tmp}/workloads_bench.XXXXXX")"
trap '[ "$KEEP" = 1 ] && echo "kept: $WORK" || rm -rf "$WORK"' EXIT
mkdir -p "$CACHE"
[ -f "$CACHE/.gitignore" ] || printf '*\n' > "$CACHE/.gitignore"

if [ "$WORKLOAD" = terasort ]; then
  BASE_SRC="$SHARED/baselines/sort_tuned.cpp"
  INPUT="$CACHE/records-$SIZE.bin"
  [ -s "$INPUT" ] || "$SHARED/tools/gen-records" "$INPUT" "$SIZE" > /dev/null
elif [ "$WORKLOAD" = etl ]; then
  BASE_SRC="$SHARED/baselines/etl_tuned.cpp"
  INPUT="$CACHE/orders-$SIZE"
  [ -s "$INPUT/orders.tsv" ] || "$SHARED/tools/gen-orders" "$INPUT" "$SIZE" > /dev/null
elif [ "$WORKLOAD" = pagerank ]; then
  BASE_SRC="$SHARED/baselines/pagerank_tuned.cpp"
  INPUT="$CACHE/graph-$SIZE.txt"
  EDGES=$(numfmt --from=si "$SIZE")
  [ -s "$INPUT" ] || "$SHARED/tools/gen-graph" "$INPUT" "$EDGES" > /dev/null
else
  BASE_SRC="$SHARED/baselines/kmeans_tuned.cpp"
  INPUT="$CACHE/points-$SIZE.txt"
  [ -s "$INPUT" ] || "$SHARED/tools/gen-points" "$INPUT" "$SIZE" > /dev/null
fi
g++ -O2 -std=c++17 -o "$WORK/baseline" "$BASE_SRC" || die "building $BASE_SRC failed"
cat "$INPUT" "$INPUT"/* > /dev/null 2>&1 || true  # warm the page cache

# run LABEL ROUND CMD...: times one run into times.tsv, its resource lines into res.tsv.
run() {
  local label="$1" round="$2"; shift 2
  local out="$WORK/$label.$round" t0 t1 rc=0
  rm -rf "$out.dir"
  t0=$(date +%s.%N)
  DATAFLOW_RESOURCE_REPORT=1 /usr/bin/time -f "maxrss_kib=%M" -o "$out.time" "$@" > "$out.stdout" 2> "$out.stderr" || rc=$?
  t1=$(date +%s.%N)
  [ "$rc" = 0 ] || { tail -n 20 "$out.stderr" >&2; die "$label failed with exit code $rc: $*"; }
  printf '%s\t%s\n' "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')" >> "$WORK/times.tsv"
  if grep -q '^dataflow-resources ' "$out.stderr"; then
    grep '^dataflow-resources ' "$out.stderr" | sed "s/^/$label /" >> "$WORK/res.tsv"
  else
    printf '%s dataflow-resources rank=0 role=baseline %s\n' "$label" "$(cat "$out.time")" >> "$WORK/res.tsv"
  fi
}

check() {  # check LABEL ROUND: the output is right
  local out="$WORK/$1.$2"
  if [ "$WORKLOAD" = terasort ]; then
    local file="$out.dir"
    [ -d "$file" ] && { cat "$file"/part-* > "$out.all"; file="$out.all"; }
    "$SHARED/tools/valsort" "$file" | tr -d '\n' > "$out.check" || die "$1: valsort says unsorted"
    rm -f "$out.all"
    [ "$(cat "$out.check")" = "$(cat "$WORK/want")" ] || die "$1: $(cat "$out.check"), expected $(cat "$WORK/want")"
  elif [ "$WORKLOAD" = etl ]; then
    cmp -s "$out.stdout" "$WORK/want" || die "$1: output differs from etl_tuned's"
  else  # numbers to a relative tolerance: the sums are added in another order
    python3 - "$out.stdout" "$WORK/want" "$([ "$WORKLOAD" = pagerank ] && echo 1e-9 || echo 1e-8)" <<'PY' || die "$1: output differs from the baseline's"
import sys
got, want, tol = open(sys.argv[1]).read().split(), open(sys.argv[2]).read().split(), float(sys.argv[3])
ok = len(got) == len(want) and all(
    g == w or abs(float(g) - float(w)) <= tol * abs(float(w)) for g, w in zip(got, want))
sys.exit(0 if ok else 1)
PY
  fi
  rm -rf "$out.dir"
}

MPI=(mpirun -n "$NP" --oversubscribe --bind-to none)
# The same mpirun run with the event log and the HTML report on, for their cost.
LOGGED=(env DATAFLOW_EVENT_LOG="$WORK/events" DATAFLOW_REPORT="$WORK/events/run.html" "${MPI[@]}"
        -x DATAFLOW_EVENT_LOG -x DATAFLOW_REPORT)
# And with --resume-dir (every shuffle stored, fsynced; removed at the end), for its cost.
RESUMED=(env DATAFLOW_RESUME_DIR="$WORK/resume" "${MPI[@]}" -x DATAFLOW_RESUME_DIR)
for round in $(seq 1 "$ROUNDS"); do
  rm -rf "$WORK/events" && mkdir "$WORK/events"
  if [ "$WORKLOAD" = terasort ]; then
    run baseline "$round" "$WORK/baseline" "$INPUT" "$WORK/baseline.$round.dir"
    [ -f "$WORK/want" ] || "$SHARED/tools/valsort" "$WORK/baseline.$round.dir" | tr -d '\n' > "$WORK/want"
    check baseline "$round"
    run local "$round" "$APP" "$INPUT" -o "$WORK/local.$round.dir"
    check local "$round"
    run "np$NP" "$round" "${MPI[@]}" "$APP" "$INPUT" -o "$WORK/np$NP.$round.dir"
    check "np$NP" "$round"
    run "np$NP+log" "$round" "${LOGGED[@]}" "$APP" "$INPUT" -o "$WORK/np$NP+log.$round.dir"
    check "np$NP+log" "$round"
    run "np$NP+resume" "$round" "${RESUMED[@]}" "$APP" "$INPUT" -o "$WORK/np$NP+resume.$round.dir"
    check "np$NP+resume" "$round"
  else
    case "$WORKLOAD" in
      etl) BASE_ARGS=(); APP_ARGS=() ;;
      pagerank) BASE_ARGS=(10); APP_ARGS=(--iterations 10) ;;
      kmeans) BASE_ARGS=(8 10); APP_ARGS=(--k 8 --iterations 10) ;;
    esac
    run baseline "$round" "$WORK/baseline" "$INPUT" "${BASE_ARGS[@]}"
    [ -f "$WORK/want" ] || cp "$WORK/baseline.$round.stdout" "$WORK/want"
    run local "$round" "$APP" "$INPUT" "${APP_ARGS[@]}"
    check local "$round"
    run "np$NP" "$round" "${MPI[@]}" "$APP" "$INPUT" "${APP_ARGS[@]}"
    check "np$NP" "$round"
    run "np$NP+log" "$round" "${LOGGED[@]}" "$APP" "$INPUT" "${APP_ARGS[@]}"
    check "np$NP+log" "$round"
    run "np$NP+resume" "$round" "${RESUMED[@]}" "$APP" "$INPUT" "${APP_ARGS[@]}"
    check "np$NP+resume" "$round"
  fi
  [ -s "$WORK/events/run.html" ] || die "the logged run wrote no report"
done

median() { awk -v l="$1" '$1 == l { print $2 }' "$WORK/times.tsv" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
BASE=$(median baseline)
echo "$WORKLOAD on $SIZE, $ROUNDS rounds (median wall seconds; ratio = libdataflow / baseline)"
for label in baseline local "np$NP" "np$NP+log" "np$NP+resume"; do
  m=$(median "$label")
  rss=$(awk -v l="$label" '$1 == l { for (i = 2; i <= NF; i++) if ($i ~ /^(rank|maxrss_kib)=/) { split($i, kv, "="); a[kv[1]] = kv[2] }
        r[a["rank"]] = (a["maxrss_kib"] > r[a["rank"]] ? a["maxrss_kib"] : r[a["rank"]]) }
        END { for (k in r) printf " rank%s=%.0fMiB", k, r[k] / 1024 }' "$WORK/res.tsv")
  printf '  %-10s %8.3f s  ratio %5.2f  peak RSS:%s\n' "$label" "$m" "$(awk -v a="$m" -v b="$BASE" 'BEGIN { print a / b }')" "$rss"
done
echo "event log + report cost at -n $NP: $(awk -v a="$(median "np$NP+log")" -v b="$(median "np$NP")" 'BEGIN { printf "%+.1f%%", 100 * (a / b - 1) }') (target < 2%); log $(stat -c %s "$WORK"/events/*.jsonl) bytes, report $(stat -c %s "$WORK/events/run.html") bytes"
echo "--resume-dir cost at -n $NP: $(awk -v a="$(median "np$NP+resume")" -v b="$(median "np$NP")" 'BEGIN { printf "%+.1f%%", 100 * (a / b - 1) }') (target < 15%); stored $(awk '$1 ~ /\+resume$/ { for (i = 2; i <= NF; i++) if ($i ~ /^resume_stored_kib=/) { split($i, kv, "="); k = kv[2] } } END { printf "%.0f MiB", k / 1024 }' "$WORK/res.tsv") per run"
[ ! -e "$WORK/resume" ] || die "the --resume-dir runs left their state behind"
echo "RESULT workload=$WORKLOAD size=$SIZE rounds=$ROUNDS baseline_s=$BASE local_ratio=$(awk -v a="$(median local)" -v b="$BASE" 'BEGIN { printf "%.2f", a / b }') np${NP}_ratio=$(awk -v a="$(median "np$NP")" -v b="$BASE" 'BEGIN { printf "%.2f", a / b }')"
