#!/usr/bin/env bash
# Benchmark build/bin/wordcount against the tuned single-thread baseline, in the same run.
#
# Usage: bench/wordcount_bench.sh [--size 1G] [--rounds 5] [--np 3] [--keep]
#                                 [--wordcount PATH] [--cache DIR]
#
# See bench/README.md for what it runs and what it prints.
set -euo pipefail

SIZE=1G
ROUNDS=5
NP=3
KEEP=0
ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
if [ -z "${WORDCOUNT:-}" ]; then
  WORDCOUNT="$ROOT/build/bin/wordcount"  # the target's RUNTIME_OUTPUT_DIRECTORY
  [ -f "$WORDCOUNT" ] || [ ! -f "$ROOT/build/apps/wordcount" ] || WORDCOUNT="$ROOT/build/apps/wordcount"
fi
CACHE="${WORDCOUNT_BENCH_CACHE:-$ROOT/bench/.cache}"
SHARED="${WORDCOUNT_BENCH_SHARED:-$ROOT/../shared}"
SEED=42

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "wordcount_bench: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="${2:?--size needs a value}"; shift 2 ;;
    --size=*) SIZE="${1#*=}"; shift ;;
    --rounds) ROUNDS="${2:?--rounds needs a value}"; shift 2 ;;
    --rounds=*) ROUNDS="${1#*=}"; shift ;;
    --np) NP="${2:?--np needs a value}"; shift 2 ;;
    --np=*) NP="${1#*=}"; shift ;;
    --wordcount) WORDCOUNT="${2:?--wordcount needs a value}"; shift 2 ;;
    --cache) CACHE="${2:?--cache needs a value}"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ "$SIZE" =~ ^[0-9]+[KMG]?$ ]] || die "--size must look like 20M or 1G, got '$SIZE'"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer, got '$ROUNDS'"
[[ "$NP" =~ ^[1-9][0-9]*$ ]] || die "--np must be a positive integer, got '$NP'"
if [ ! -f "$WORDCOUNT" ] || [ ! -x "$WORDCOUNT" ]; then
  die "wordcount binary not found or not executable: $WORDCOUNT (build it: cmake -S . -B build -G Ninja && cmake --build build)"
fi
command -v mpirun >/dev/null || die "mpirun not found in PATH"

if [ "$(id -u)" = 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
unset DATAFLOW_FAULT

WORK="$(mktemp -d "${TMPDIR:-/tmp}/wordcount_bench.XXXXXX")"
cleanup() {
  if [ "$KEEP" = 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- baseline ---------------------------------------------------------------------------
TUNED=""
if [ -f "$SHARED/baselines/wordcount_tuned.cpp" ]; then
  TUNED="$WORK/wordcount_tuned"
  g++ -O2 -std=c++17 -o "$TUNED" "$SHARED/baselines/wordcount_tuned.cpp" \
    || die "building $SHARED/baselines/wordcount_tuned.cpp failed"
else
  echo "wordcount_bench: $SHARED/baselines not found: skipping the baseline (no ratios, no output check)" >&2
fi

# --- corpus (cached; gen-corpus output is deterministic for a given size and seed) ------
mkdir -p "$CACHE"
# keep the cache out of git without touching the repository's .gitignore
[ -f "$CACHE/.gitignore" ] || printf '*\n' > "$CACHE/.gitignore"
CORPUS="$CACHE/corpus-$SIZE-seed$SEED.txt"
if [ ! -s "$CORPUS" ]; then
  GEN="$SHARED/tools/gen-corpus"
  [ -f "$GEN" ] || die "no cached corpus $CORPUS and no generator $GEN"
  echo "wordcount_bench: generating $CORPUS (once; reused later) ..." >&2
  python3 "$GEN" "$CORPUS.tmp.$$" "$SIZE" --seed "$SEED" || { rm -f "$CORPUS.tmp.$$"; die "gen-corpus failed"; }
  mv "$CORPUS.tmp.$$" "$CORPUS"
fi
CORPUS_BYTES=$(stat -L -c %s "$CORPUS")
cat "$CORPUS" > /dev/null  # warm the page cache so round 1 is not a disk benchmark

# --- one timed run ----------------------------------------------------------------------
# run_one LABEL ROUND OUTFILE CMD...: appends "LABEL wall" to times.tsv, resource lines to
# res.tsv; fails loudly on a non-zero exit code.
HAVE_TIME=0
[ -x /usr/bin/time ] && HAVE_TIME=1
run_one() {
  local label="$1" round="$2" out="$3"; shift 3
  local log="$WORK/$label.$round.stderr" t0 t1 rc=0
  t0=$(date +%s.%N)
  if [ "$label" = tuned ] && [ "$HAVE_TIME" = 1 ]; then
    DATAFLOW_RESOURCE_REPORT=1 /usr/bin/time -f "baseline-maxrss_kib=%M" -o "$WORK/$label.$round.time" \
      "$@" > "$out" 2> "$log" || rc=$?
  else
    DATAFLOW_RESOURCE_REPORT=1 "$@" > "$out" 2> "$log" || rc=$?
  fi
  t1=$(date +%s.%N)
  if [ "$rc" != 0 ]; then
    echo "wordcount_bench: FAILED (exit code $rc): $*" >&2
    tail -n 20 "$log" | sed 's/^/    | /' >&2
    exit 1
  fi
  local wall
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
  printf '%s\t%s\n' "$label" "$wall" >> "$WORK/times.tsv"
  if [ "$label" = tuned ]; then
    if [ -f "$WORK/$label.$round.time" ]; then
      sed -n 's/^baseline-maxrss_kib=\([0-9]*\)$/\1/p' "$WORK/$label.$round.time" |
        awk -v l="$label" '{ printf "%s\t0\tbaseline\t-1\t%s\t-1\n", l, $1 }' >> "$WORK/res.tsv"
    fi
  else
    local n
    n=$(grep -c '^dataflow-resources ' "$log" || true)
    if [ "$n" = 0 ]; then
      echo "wordcount_bench: WARNING: no dataflow-resources lines on stderr of: $*" >&2
    fi
    # label rank role cpu_s maxrss_kib wall_s(measured here)
    grep '^dataflow-resources ' "$log" | awk -v l="$label" -v w="$wall" '{
      r = ""; role = ""; cpu = ""; rss = "";
      for (i = 2; i <= NF; i++) { split($i, kv, "=");
        if (kv[1] == "rank") r = kv[2]; else if (kv[1] == "role") role = kv[2];
        else if (kv[1] == "cpu_s") cpu = kv[2]; else if (kv[1] == "maxrss_kib") rss = kv[2]; }
      printf "%s\t%s\t%s\t%s\t%s\t%s\n", l, r, role, cpu, rss, w }' >> "$WORK/res.tsv"
  fi
}

check_same() {  # check_same LABEL WORDCOUNT_STDOUT: compare with the baseline dump as sets
  local label="$1" got="$2"
  if [ ! -s "$got" ]; then
    echo "wordcount_bench: CHECK FAILED: $label printed nothing" >&2; exit 1
  fi
  tr '\t' ' ' < "$got" | LC_ALL=C sort > "$WORK/$label.sorted"
  if cmp -s "$WORK/$label.sorted" "$WORK/tuned.sorted"; then
    CHECKS="$CHECKS $label=OK"
  else
    echo "wordcount_bench: CHECK FAILED: $label output differs from wordcount_tuned -o dump" >&2
    echo "    lines: wordcount $(wc -l < "$WORK/$label.sorted"), baseline $(wc -l < "$WORK/tuned.sorted")" >&2
    LC_ALL=C comm -3 "$WORK/tuned.sorted" "$WORK/$label.sorted" | head -n 10 |
      sed 's/^\t/    wordcount only: /; t; s/^/    baseline only:  /' >&2
    exit 1
  fi
}

MPI=(mpirun -n "$NP" --oversubscribe --bind-to none)
CHECKS=""
if [ -n "$TUNED" ]; then
  "$TUNED" -o "$WORK/tuned.dump" "$CORPUS" > /dev/null || die "wordcount_tuned -o failed"
  LC_ALL=C sort "$WORK/tuned.dump" > "$WORK/tuned.sorted"
  rm -f "$WORK/tuned.dump"
fi

echo "wordcount_bench: $ROUNDS round(s) on $CORPUS ($CORPUS_BYTES bytes)" >&2
for round in $(seq 1 "$ROUNDS"); do
  if [ "$round" = 1 ]; then out_local="$WORK/local.out"; out_np="$WORK/np.out"
  else out_local=/dev/null; out_np=/dev/null; fi
  if [ -n "$TUNED" ]; then run_one tuned "$round" /dev/null "$TUNED" "$CORPUS"; fi
  run_one local "$round" "$out_local" "$WORDCOUNT" "$CORPUS"
  run_one np "$round" "$out_np" "${MPI[@]}" "$WORDCOUNT" "$CORPUS"
  # The same runs with the event log and the HTML report on (their cost; README: Event log).
  for l in local_ev np_ev; do rm -rf "$WORK/$l"; mkdir "$WORK/$l"; done
  run_one local_ev "$round" /dev/null "$WORDCOUNT" --event-log "$WORK/local_ev" --report "$WORK/local_ev/run.html" "$CORPUS"
  run_one np_ev "$round" /dev/null "${MPI[@]}" "$WORDCOUNT" --event-log "$WORK/np_ev" --report "$WORK/np_ev/run.html" "$CORPUS"
  if [ "$round" = 1 ]; then  # the log's size per task attempt, and the page's size
    for l in local_ev np_ev; do
      log=$(ls "$WORK/$l"/*.jsonl)
      printf '%s\t%s\t%s\t%s\n' "$l" "$(stat -c %s "$log")" "$(grep -c '"DataflowTaskEnd"' "$log")" \
        "$(stat -c %s "$WORK/$l/run.html")" >> "$WORK/logsize.tsv"
    done
  fi
  if [ "$round" = 1 ]; then
    if [ -n "$TUNED" ]; then
      check_same local "$WORK/local.out"
      check_same np "$WORK/np.out"
    else
      [ -s "$WORK/local.out" ] || { echo "wordcount_bench: local run printed nothing" >&2; exit 1; }
      cmp -s "$WORK/local.out" "$WORK/np.out" ||
        { echo "wordcount_bench: local and mpirun outputs differ" >&2; exit 1; }
      CHECKS=" local==np (no baseline to compare with)"
    fi
    rm -f "$WORK/local.out" "$WORK/np.out"
  fi
  echo "wordcount_bench: round $round/$ROUNDS done" >&2
done

# --- report -----------------------------------------------------------------------------
awk -F'\t' -v size="$CORPUS_BYTES" -v np="$NP" -v rounds="$ROUNDS" -v corpus="$CORPUS" \
    -v checks="$CHECKS" -v cores="$(nproc)" -v res="$WORK/res.tsv" -v logsize="$WORK/logsize.tsv" '
function median(arr, n,   i, j, t, b) {
  for (i = 1; i <= n; i++) b[i] = arr[i]
  for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
  return (n % 2) ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
}
{ n[$1]++; t[$1, n[$1]] = $2 + 0 }
END {
  name["tuned"] = "baseline tuned (1 thread)"; name["local"] = "wordcount local mode"
  name["np"] = "wordcount mpirun -n " np
  name["local_ev"] = "local + --event-log --report"; name["np_ev"] = "-n " np " + --event-log --report"
  printf "\nwordcount benchmark: %s (%d bytes, %.0f MiB), %d round(s), %d cores\n", corpus, size, size / 1048576, rounds, cores
  printf "output check:%s\n\n", checks
  printf "%-28s %9s %9s %9s %9s %16s\n", "run", "median_s", "min_s", "max_s", "MiB/s", "ratio_vs_tuned"
  split("tuned local np local_ev np_ev", order, " ")
  for (k = 1; k <= 5; k++) {
    l = order[k]; if (!(l in n)) continue
    mn = 1e99; mx = 0
    for (i = 1; i <= n[l]; i++) { a[i] = t[l, i]; if (a[i] < mn) mn = a[i]; if (a[i] > mx) mx = a[i] }
    med[l] = median(a, n[l])
    ratio = "-"
    if (l != "tuned" && ("tuned" in med) && med["tuned"] > 0) {
      r = med[l] / med["tuned"]; ratio = sprintf("%.2f%s", r, r <= 0.5 ? " (goal)" : r <= 1.0 ? " (ok)" : " (OVER)")
      result = result sprintf(" %s_ratio=%.3f", l, r)
    }
    printf "%-28s %9.3f %9.3f %9.3f %9.1f %16s\n", name[l], med[l], mn, mx, size / 1048576 / med[l], ratio
    result = result sprintf(" %s_median_s=%.3f", l, med[l])
  }
  printf "ratio = wordcount median / baseline median; target <= 1.0, goal 0.5\n"
  if (("local_ev" in med) && med["local"] > 0 && med["np"] > 0) {
    printf "event log + report cost (median vs without, target < 2%%): local %+.1f%%, -n %d %+.1f%%\n",
      100 * (med["local_ev"] / med["local"] - 1), np, 100 * (med["np_ev"] / med["np"] - 1)
    result = result sprintf(" eventlog_cost_local=%.3f eventlog_cost_np=%.3f", med["local_ev"] / med["local"] - 1,
      med["np_ev"] / med["np"] - 1)
  }
  while ((getline line < logsize) > 0) {
    split(line, f, "\t")
    printf "%s: log %d bytes, %d task attempts, %.0f bytes per attempt; report %d bytes\n", name[f[1]], f[2], f[3],
      (f[3] > 0 ? f[2] / f[3] : 0), f[4]
  }
  printf "\n"
  # resources: label rank role cpu_s maxrss_kib wall_s
  while ((getline line < res) > 0) {
    split(line, f, "\t"); l = f[1]; rk = f[2]
    if (f[3] == "driver") { nd[l]++; dc[l, nd[l]] = (f[6] > 0) ? 100 * f[4] / f[6] : 0 }
    key = l SUBSEP rk
    if (!(key in rss) || f[5] + 0 > rss[key]) rss[key] = f[5] + 0
    if (!((l, "max") in rmax) || rk + 0 > rmax[l, "max"]) rmax[l, "max"] = rk + 0
    seen[l] = 1
  }
  printf "driver cpu_s as %% of wall (median):"
  for (k = 2; k <= 3; k++) {
    l = order[k]
    if (nd[l] > 0) { for (i = 1; i <= nd[l]; i++) b2[i] = dc[l, i]; printf "  %s %.1f%%", name[l], median(b2, nd[l]) }
    else printf "  %s n/a (no dataflow-resources driver line)", name[l]
  }
  printf "\nmax maxrss per rank (MiB):\n"
  for (k = 1; k <= 3; k++) {
    l = order[k]; if (!(l in seen)) continue
    printf "  %-28s", name[l]
    for (rk = 0; rk <= rmax[l, "max"]; rk++) if ((l, rk) in rss) printf " rank%d=%.1f", rk, rss[l, rk] / 1024
    printf "\n"
  }
  printf "\nRESULT size_bytes=%d rounds=%d np=%d%s\n", size, rounds, np, result
}' "$WORK/times.tsv"
