#!/usr/bin/env bash
# HDF5 in and out (issue 10): count, sum and h5hist over a float64 dataset against a
# one-thread C reader (bench/h5_sum_baseline.c), and save_as_hdf5 of as many values against
# h5py writing the array in one call; local mode and mpirun -n NP, in the same run.
#
# Usage: bench/hdf5_bench.sh [--size GIB] [--rounds 3] [--np 3] [--bins 100] [--baseline-mib 16]
#                            [--build DIR] [--keep]
#
# --size: GiB of float64 data (default 2; 0.0625 = 64 MiB), generated once with h5py as a
# contiguous 1-D dataset /x into bench/.cache. Needs DIR/bin/h5_stats (bench/h5_stats) and
# DIR/bin/h5hist (DIR: build), h5pcc, and a Python with h5py (env PYTHON, default
# /usr/bin/python3). Interleaved rounds; every output is checked in every round (sums to
# 1e-9 relative of the baseline's, counts exact, histograms equal numpy's, written files
# equal double(i) * 0.5). Prints median wall seconds, GiB/s and ratios. --baseline-mib: the C
# reader's hyperslab (it also runs with 1 MiB slabs, for reference).
set -euo pipefail

SIZE=2
ROUNDS=3
NP=3
BINS=100
BASE_MIB=16
KEEP=0
ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
BUILD="$ROOT/build"
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --np) NP="$2"; shift 2 ;;
    --bins) BINS="$2"; shift 2 ;;
    --build) BUILD="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --baseline-mib) BASE_MIB="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "hdf5_bench: error: unknown argument $1" >&2; exit 64 ;;
  esac
done
CACHE="${BENCH_CACHE:-$ROOT/bench/.cache}"
PYTHON="${PYTHON:-/usr/bin/python3}"
H5STATS="$BUILD/bin/h5_stats"
H5HIST="$BUILD/bin/h5hist"
die() { echo "hdf5_bench: error: $*" >&2; exit 1; }
[ -x "$H5STATS" ] || die "$H5STATS not built (configure with bench/h5_stats, then cmake --build $BUILD --target h5_stats)"
[ -x "$H5HIST" ] || die "$H5HIST not built (cmake --build $BUILD --target h5hist)"
command -v h5pcc > /dev/null || die "h5pcc not found (the HDF5 compiler wrapper builds the baseline)"
"$PYTHON" -c 'import h5py, numpy' 2> /dev/null || die "$PYTHON has no h5py/numpy (set PYTHON)"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds: expected a positive number, got $ROUNDS"
[[ "$SIZE" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--size: expected GiB such as 2 or 0.0625, got $SIZE"
[[ "$BASE_MIB" =~ ^[1-9][0-9]*$ ]] || die "--baseline-mib: expected a positive number, got $BASE_MIB"
N=$(awk -v g="$SIZE" 'BEGIN { printf "%d", g * 1073741824 / 8 }')
[ "$N" -gt 0 ] || die "--size: $SIZE GiB is less than one value"
BYTES=$((N * 8))
[ "$(id -u)" != 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
unset DATAFLOW_FAULT

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hdf5_bench.XXXXXX")"
trap '[ "$KEEP" = 1 ] && echo "kept: $WORK" >&2 || rm -rf "$WORK"' EXIT
mkdir -p "$CACHE"
[ -f "$CACHE/.gitignore" ] || printf '*\n' > "$CACHE/.gitignore"
(cd "$WORK" && h5pcc -O2 -o h5_sum_baseline "$ROOT/bench/h5_sum_baseline.c") || die "building bench/h5_sum_baseline.c failed"

# The input: N values of normal(1, 1), seed 42, one contiguous float64 dataset /x, written
# in 16 MiB slices; and numpy.histogram's counts of it (bins over its min and max).
INPUT="$CACHE/f64-${SIZE}GiB-seed42.h5"
HIST_WANT="$INPUT.hist$BINS"
if [ ! -s "$INPUT" ]; then
  echo "generating $INPUT ($N values) ..." >&2
  "$PYTHON" - "$INPUT.tmp" "$N" <<'PY' || die "generating $INPUT failed"
import sys, h5py, numpy as np
path, n = sys.argv[1], int(sys.argv[2])
rng, step = np.random.default_rng(42), 1 << 21
with h5py.File(path, "w") as f:
    d = f.create_dataset("x", shape=(n,), dtype="<f8")  # contiguous: no chunks, no filters
    for at in range(0, n, step):
        d[at:min(at + step, n)] = rng.normal(1.0, 1.0, min(step, n - at))
PY
  mv "$INPUT.tmp" "$INPUT"
  rm -f "$INPUT".hist*
fi
if [ ! -s "$HIST_WANT" ]; then
  "$PYTHON" - "$INPUT" "$BINS" > "$HIST_WANT.tmp" <<'PY' || die "numpy.histogram of $INPUT failed"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    d, step, bins = f["x"], 1 << 21, int(sys.argv[2])
    lo, hi = np.inf, -np.inf
    for at in range(0, d.shape[0], step):
        c = d[at:at + step]
        lo, hi = min(lo, c.min()), max(hi, c.max())
    counts = np.zeros(bins, dtype=np.int64)
    for at in range(0, d.shape[0], step):  # the edges depend on the range only: same as one call
        counts += np.histogram(d[at:at + step], bins=bins, range=(lo, hi))[0]
print(" ".join(map(str, counts)))
PY
  mv "$HIST_WANT.tmp" "$HIST_WANT"
fi

# The checks, in Python: close SUM (relative 1e-9) and exact counts; h5hist's table against
# numpy; a written file against double(i) * 0.5.
cat > "$WORK/check.py" <<'PY'
import sys
def kv(path):
    return dict(line.split(None, 1) for line in open(path) if line.strip())
mode = sys.argv[1]
if mode == "sum":  # check.py sum GOT WANT [count-only]
    got, want = kv(sys.argv[2]), kv(sys.argv[3])
    if got.get("count", "").strip() != want["count"].strip():
        sys.exit("count %s, expected %s" % (got.get("count", "?").strip(), want["count"].strip()))
    if len(sys.argv) < 5:
        g, w = float(got.get("sum", "nan")), float(want["sum"])
        if not abs(g - w) <= 1e-9 * abs(w):
            sys.exit("sum %r, expected %r (relative 1e-9)" % (g, w))
elif mode == "hist":  # check.py hist STDOUT WANT_COUNTS
    got = [int(f[3]) for f in (l.split() for l in open(sys.argv[2])) if len(f) == 4 and f[0].isdigit()]
    want = [int(x) for x in open(sys.argv[3]).read().split()]
    if got != want:
        bad = [i for i in range(min(len(got), len(want))) if got[i] != want[i]][:5]
        sys.exit("%d bins, expected %d; first differing bins %s" % (len(got), len(want), bad))
elif mode == "written":  # check.py written FILE N
    import h5py, numpy as np
    n, step = int(sys.argv[3]), 1 << 21
    with h5py.File(sys.argv[2], "r") as f:
        d = f["x"]
        if d.shape != (n,) or d.dtype != np.float64:
            sys.exit("/x is %s %s, expected (%d,) float64" % (d.shape, d.dtype, n))
        for at in range(0, n, step):
            if not np.array_equal(d[at:at + step], np.arange(at, min(at + step, n), dtype=np.float64) * 0.5):
                sys.exit("values differ from double(i) * 0.5 in rows [%d, %d)" % (at, at + step))
PY
# h5py's side of the write: the array is made before the clock starts; timed: File(), one
# create_dataset(data=arr) (contiguous), close(); then, timed apart, an fsync of the file
# (save_as_hdf5 fsyncs what it writes before it publishes it).
cat > "$WORK/h5py_write.py" <<'PY'
import os, sys, time, h5py, numpy as np
path, n = sys.argv[1], int(sys.argv[2])
arr = np.arange(n, dtype=np.float64) * 0.5
t0 = time.perf_counter()
f = h5py.File(path, "w")
f.create_dataset("x", data=arr)
f.close()
t1 = time.perf_counter()
fd = os.open(path, os.O_RDONLY)
os.fsync(fd)
os.close(fd)
t2 = time.perf_counter()
print("write_close_s %.4f\nfsync_s %.4f" % (t1 - t0, t2 - t1))
PY

"$WORK/h5_sum_baseline" "$INPUT" /x "$BASE_MIB" > "$WORK/want" || die "the baseline failed on $INPUT"  # warms the page cache too
"$WORK/h5_sum_baseline" "$INPUT" /x > /dev/null

# run LABEL ROUND CMD...: times one run into times.tsv, its resource lines into res.tsv.
run() {
  local label="$1" round="$2"; shift 2
  local out="$WORK/$label.$round" t0 t1 rc=0
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
check() {  # check LABEL ROUND KIND ARGS...: stops the benchmark on a wrong output
  local label="$1" round="$2" kind="$3"; shift 3
  local why
  why=$("$PYTHON" "$WORK/check.py" "$kind" "$@" 2>&1) || die "$label (round $round): wrong output: $why"
}

MPI=(mpirun -n "$NP" --oversubscribe --bind-to none)
LOCAL=()
NPL="np$NP"
OUT="$WORK/out.h5"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS ..." >&2
  run baseline "$round" "$WORK/h5_sum_baseline" "$INPUT" /x "$BASE_MIB"
  check baseline "$round" sum "$WORK/baseline.$round.stdout" "$WORK/want"
  run baseline_1m "$round" "$WORK/h5_sum_baseline" "$INPUT" /x 1
  check baseline_1m "$round" sum "$WORK/baseline_1m.$round.stdout" "$WORK/want"
  for mode in local "$NPL"; do
    if [ "$mode" = local ]; then launch=("${LOCAL[@]}"); else launch=("${MPI[@]}"); fi
    run "sum_$mode" "$round" "${launch[@]}" "$H5STATS" "$INPUT:/x" sum
    check "sum_$mode" "$round" sum "$WORK/sum_$mode.$round.stdout" "$WORK/want"
    run "count_$mode" "$round" "${launch[@]}" "$H5STATS" "$INPUT:/x" count
    check "count_$mode" "$round" sum "$WORK/count_$mode.$round.stdout" "$WORK/want" count-only
    rm -f "$OUT"
    run "h5hist_$mode" "$round" "${launch[@]}" "$H5HIST" "$INPUT:/x" --bins "$BINS" -o "$OUT"
    check "h5hist_$mode" "$round" hist "$WORK/h5hist_$mode.$round.stdout" "$HIST_WANT"
  done
  rm -f "$OUT"
  run h5py_write "$round" "$PYTHON" "$WORK/h5py_write.py" "$OUT" "$N"
  check h5py_write "$round" written "$OUT" "$N"
  awk '{ print $2 }' "$WORK/h5py_write.$round.stdout" | paste -sd' ' | awk '{ printf "h5py_write_close\t%s\nh5py_write_fsync\t%.4f\n", $1, $1 + $2 }' >> "$WORK/times.tsv"
  for mode in local "$NPL"; do
    if [ "$mode" = local ]; then launch=("${LOCAL[@]}"); else launch=("${MPI[@]}"); fi
    rm -f "$OUT"
    run "write_$mode" "$round" "${launch[@]}" "$H5STATS" write "$OUT" "$N"
    check "write_$mode" "$round" written "$OUT" "$N"
  done
  rm -f "$OUT"
done

median() { awk -v l="$1" '$1 == l { print $2 }' "$WORK/times.tsv" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minmax() { awk -v l="$1" '$1 == l { print $2 }' "$WORK/times.tsv" | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo, hi }'; }
peak() {
  awk -v l="$1" '$1 == l { for (i = 2; i <= NF; i++) if ($i ~ /^(rank|maxrss_kib)=/) { split($i, kv, "="); a[kv[1]] = kv[2] }
        r[a["rank"]] = (a["maxrss_kib"] > r[a["rank"]] ? a["maxrss_kib"] : r[a["rank"]]) }
        END { for (k in r) printf "%s %.0f\n", k, r[k] / 1024 }' "$WORK/res.tsv" | sort -n | awk '{ printf " rank%s=%s", $1, $2 }'
}
BASE=$(median baseline)
WBASE=$(median h5py_write_fsync)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() {  # row LABEL TEXT REFERENCE TARGET
  local m r mark=""
  m=$(median "$1")
  if [ -n "$3" ]; then
    r=$(ratio "$m" "$3")
    [ -n "$4" ] && mark=$(awk -v r="$r" -v t="$4" 'BEGIN { print (r <= t) ? "(ok)" : "(OVER)" }')
  else r="-"; fi
  printf '%-34s %8.3f %8.3f %8.3f %7.2f %7s %-6s%s\n' "$2" "$m" $(minmax "$1") "$(awk -v b="$BYTES" -v s="$m" 'BEGIN { print b / 1073741824 / s }')" "$r" "$mark" \
    "$( [ -s "$WORK/res.tsv" ] && p=$(peak "$1") && [ -n "$p" ] && echo "  peak RSS MiB:$p")"
}
echo "HDF5 benchmark: $INPUT ($N float64 values, $((BYTES >> 20)) MiB, contiguous /x), $ROUNDS round(s), $(nproc) cores"
echo "input read warm from the page cache (read twice before round 1); every output checked in every round: OK"
echo
printf '%-34s %8s %8s %8s %7s %7s\n' run median_s min_s max_s GiB/s ratio
row baseline "C reader, 1 thread, $BASE_MIB MiB slabs" "" ""
row baseline_1m "C reader, 1 thread, 1 MiB slabs" "" ""
for mode in local "$NPL"; do
  name=$([ "$mode" = local ] && echo "local mode" || echo "mpirun -n $NP")
  row "sum_$mode" "h5_stats sum, $name" "$BASE" 0.6
  row "count_$mode" "h5_stats count, $name" "$BASE" 0.6
  row "h5hist_$mode" "h5hist --bins $BINS, $name" "$BASE" 0.6
done
row h5py_write_fsync "h5py write+close+fsync" "" ""
row h5py_write_close "h5py write+close (no fsync)" "" ""
row h5py_write "h5py whole process" "" ""
for mode in local "$NPL"; do
  row "write_$mode" "h5_stats write, $([ "$mode" = local ] && echo "local mode" || echo "mpirun -n $NP")" "$WBASE" ""
done
echo "read ratios: median / the median of the C reader with $BASE_MIB MiB slabs, target <= 0.6; h5hist reads the data twice (min/max, then"
echo "the counts). write ratios: median / h5py write+close+fsync. dataflow and the C reader: wall time of the whole"
echo "process (start, MPI, planning included); h5py: in-process, the array made before the clock starts."
RESULT="RESULT size_gib=$SIZE values=$N rounds=$ROUNDS np=$NP baseline_mib=$BASE_MIB baseline_s=$BASE baseline_1mib_s=$(median baseline_1m) h5py_write_s=$WBASE"
for l in sum count h5hist write; do
  for m in local "$NPL"; do
    RESULT+=" ${l}_${m}_s=$(median "${l}_$m") ${l}_${m}_ratio=$(ratio "$(median "${l}_$m")" "$([ $l = write ] && echo "$WBASE" || echo "$BASE")")"
  done
done
echo "$RESULT"
