#!/usr/bin/env bash
# Bounded memory: terasort at growing sizes within a fixed executor budget, and the price of
# spilling for wordcount and etl.
#
# Usage: bench/spill_bench.sh terasort [--sizes "1G 2G 4G 8G"] [--memory 512M] [--np 3]
#        bench/spill_bench.sh price [--size 1G] [--memory 64M] [--rounds 3] [--np 3]
#        bench/spill_bench.sh compression [--size 2G] [--memory 512M] [--rounds 3] [--np 3]
#
# terasort: mpirun -n NP --oversubscribe --bind-to none with --executor-memory MEMORY at each
# size, against sort_tuned (../shared/baselines) in the same run; prints seconds per GiB,
# the ratio to the baseline, and every executor's peak RSS next to its budget; each output
# is checked with valsort. price: wordcount and etl on SIZE, in memory and with MEMORY,
# interleaved rounds, outputs compared byte for byte; prints the ratio and the spilled bytes.
# compression: terasort on SIZE with MEMORY, spill files as written and in LZ4 frames,
# interleaved rounds, outputs compared; prints the ratio and the bytes stored.
set -euo pipefail

MODE="${1:-}"
case "$MODE" in terasort | price | compression) ;; *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;; esac
shift
SIZES="1G 2G 4G 8G"
SIZE=""
MEMORY=""
ROUNDS=3
NP=3
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --size) SIZE="$2"; shift 2 ;;
    --memory) MEMORY="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --np) NP="$2"; shift 2 ;;
    *) echo "spill_bench: error: unknown argument $1" >&2; exit 64 ;;
  esac
done
ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
SHARED="${BENCH_SHARED:-$ROOT/../shared}"
CACHE="${BENCH_CACHE:-$ROOT/bench/.cache}"
die() { echo "spill_bench: error: $*" >&2; exit 1; }
[ -d "$SHARED/tools" ] || die "$SHARED/tools not found: this benchmark uses its generators and baselines"
[ "$(id -u)" != 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
unset DATAFLOW_FAULT
WORK="$(mktemp -d "${TMPDIR:-/tmp}/spill_bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$CACHE"
[ -f "$CACHE/.gitignore" ] || printf '*\n' > "$CACHE/.gitignore"
MPI=(mpirun -n "$NP" --oversubscribe --bind-to none)

# timed OUT CMD...: runs CMD with the resource report, prints its wall seconds.
timed() {
  local out="$1" t0 t1 rc=0
  shift
  t0=$(date +%s.%N)
  DATAFLOW_RESOURCE_REPORT=1 "$@" > "$out.stdout" 2> "$out.stderr" || rc=$?
  t1=$(date +%s.%N)
  [ "$rc" = 0 ] || { tail -n 20 "$out.stderr" >&2; die "failed with exit code $rc: $*"; }
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
# settle PATH...: writes back what earlier runs left dirty and reads the inputs into the page
# cache, so that neither side pays for the other's writes or finds its input evicted by the
# previous run's spill files (sort_tuned reads its mapped input at random).
settle() {
  sync
  local f
  for f in "$@"; do
    if [ -d "$f" ]; then cat "$f"/*; else cat "$f"; fi
  done > /dev/null
}
# The largest executor RSS and the spilled KiB summed over ranks, from a run's report.
executors() {
  awk '/^dataflow-resources/ && /role=executor/ {
         for (i = 1; i <= NF; i++) { split($i, kv, "="); a[kv[1]] = kv[2] }
         if (a["maxrss_kib"] > rss) rss = a["maxrss_kib"]; spilled += a["spilled_kib"]; budget = a["memory_budget_kib"] }
       END { printf "executor peak RSS %.0f MiB (budget %.0f MiB), spilled %.0f MiB", rss / 1024, budget / 1024, spilled / 1024 }' "$1.stderr"
}
# The spilled MiB as stored on disk, summed over the executors.
stored() {
  awk '/^dataflow-resources/ && /role=executor/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "spilled_disk_kib") s += kv[2] } }
       END { printf "%.0f", s / 1024 }' "$1.stderr"
}
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if [ "$MODE" = compression ]; then
  SIZE="${SIZE:-2G}"
  MEMORY="${MEMORY:-512M}"
  input="$CACHE/records-$SIZE.bin"
  [ -s "$input" ] || "$SHARED/tools/gen-records" "$input" "$SIZE" > /dev/null
  echo "terasort $SIZE, mpirun -n $NP, --executor-memory $MEMORY, $ROUNDS rounds (median seconds; ratio = lz4 / none)"
  for codec in none lz4; do : > "$WORK/$codec.t"; done
  for round in $(seq 1 "$ROUNDS"); do
    for codec in none lz4; do
      settle "$input"
      timed "$WORK/$codec" "${MPI[@]}" "$ROOT/build/bin/terasort" --executor-memory "$MEMORY" \
        --spill-compression "$codec" "$input" -o "$WORK/$codec.out" >> "$WORK/$codec.t"
      echo >> "$WORK/$codec.t"
      cat "$WORK/$codec.out"/part-* | md5sum > "$WORK/$codec.md5" && rm -rf "$WORK/$codec.out"
    done
    cmp -s "$WORK/none.md5" "$WORK/lz4.md5" || die "terasort: the output with lz4 differs"
  done
  none=$(median "$WORK/none.t"); lz4=$(median "$WORK/lz4.t")
  printf '  none %7.2f s, %s MiB stored   lz4 %7.2f s, %s MiB stored   ratio %5.2f\n' "$none" "$(stored "$WORK/none")" \
    "$lz4" "$(stored "$WORK/lz4")" "$(awk -v a="$lz4" -v b="$none" 'BEGIN { print a / b }')"
  exit 0
fi

if [ "$MODE" = terasort ]; then
  MEMORY="${MEMORY:-512M}"
  g++ -O2 -std=c++17 -o "$WORK/sort_tuned" "$SHARED/baselines/sort_tuned.cpp" || die "building sort_tuned failed"
  echo "terasort, mpirun -n $NP, --executor-memory $MEMORY (seconds per GiB; ratio = terasort / sort_tuned)"
  for size in $SIZES; do
    input="$CACHE/records-$size.bin"
    [ -s "$input" ] || "$SHARED/tools/gen-records" "$input" "$size" > /dev/null
    gib=$(awk -v b="$(stat -c %s "$input")" 'BEGIN { print b / 1073741824 }')
    settle "$input"
    base=$(timed "$WORK/base" "$WORK/sort_tuned" "$input" "$WORK/base.out")
    want=$("$SHARED/tools/valsort" "$WORK/base.out")
    rm -f "$WORK/base.out"
    settle "$input"
    ours=$(timed "$WORK/ours" "${MPI[@]}" "$ROOT/build/bin/terasort" --executor-memory "$MEMORY" "$input" -o "$WORK/ours.out")
    cat "$WORK/ours.out"/part-* > "$WORK/ours.all" && rm -rf "$WORK/ours.out"
    [ "$("$SHARED/tools/valsort" "$WORK/ours.all")" = "$want" ] || die "terasort $size: valsort differs from the baseline's"
    rm -f "$WORK/ours.all"
    printf '  %-4s %6.2f s/GiB (baseline %6.2f s/GiB)  ratio %5.2f  %s\n' "$size" \
      "$(awk -v t="$ours" -v g="$gib" 'BEGIN { print t / g }')" "$(awk -v t="$base" -v g="$gib" 'BEGIN { print t / g }')" \
      "$(awk -v a="$ours" -v b="$base" 'BEGIN { print a / b }')" "$(executors "$WORK/ours")"
  done
  exit 0
fi

MEMORY="${MEMORY:-64M}"
SIZE="${SIZE:-1G}"
corpus="$CACHE/corpus-$SIZE.txt"
orders="$CACHE/orders-$SIZE"
[ -s "$corpus" ] || "$SHARED/tools/gen-corpus" "$corpus" "$SIZE" > /dev/null
[ -s "$orders/orders.tsv" ] || "$SHARED/tools/gen-orders" "$orders" "$SIZE" > /dev/null
echo "the price of spilling on $SIZE, mpirun -n $NP, $ROUNDS rounds (median seconds; ratio = --executor-memory $MEMORY / default)"
for app in wordcount etl; do
  input="$corpus"
  [ "$app" = etl ] && input="$orders"
  : > "$WORK/free.t"; : > "$WORK/tight.t"
  for round in $(seq 1 "$ROUNDS"); do
    settle "$input"
    timed "$WORK/free" "${MPI[@]}" "$ROOT/build/bin/$app" "$input" >> "$WORK/free.t"; echo >> "$WORK/free.t"
    settle "$input"
    timed "$WORK/tight" "${MPI[@]}" "$ROOT/build/bin/$app" --executor-memory "$MEMORY" "$input" >> "$WORK/tight.t"
    echo >> "$WORK/tight.t"
    cmp -s "$WORK/free.stdout" "$WORK/tight.stdout" || die "$app: the output with $MEMORY differs"
  done
  free=$(median "$WORK/free.t"); tight=$(median "$WORK/tight.t")
  printf '  %-9s in memory %7.3f s   %s %7.3f s   ratio %5.2f   %s\n' "$app" "$free" "$MEMORY" "$tight" \
    "$(awk -v a="$tight" -v b="$free" 'BEGIN { print a / b }')" "$(executors "$WORK/tight")"
done
