#!/usr/bin/env bash
# Benchmark the README's first program, built as a user would build it, against the bundled
# wordcount, in the same run and interleaved (both in local mode).
#
# Usage: bench/readme_program_bench.sh [--size 200M] [--rounds 5] [--build DIR]
#                                      [--wordcount PATH] [--cache DIR] [--keep]
#
# See bench/README.md for what it runs and what it prints.
set -euo pipefail

SIZE=200M
ROUNDS=5
KEEP=0
SEED=42
GOAL=1.5
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build"
WORDCOUNT=""
CACHE="${README_BENCH_CACHE:-$ROOT/bench/.cache}"
SHARED="${README_BENCH_SHARED:-$ROOT/../shared}"

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "readme_program_bench: error: $*" >&2; exit 1; }
say() { echo "readme_program_bench: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="${2:?--size needs a value}"; shift 2 ;;
    --size=*) SIZE="${1#*=}"; shift ;;
    --rounds) ROUNDS="${2:?--rounds needs a value}"; shift 2 ;;
    --rounds=*) ROUNDS="${1#*=}"; shift ;;
    --build) BUILD="${2:?--build needs a value}"; shift 2 ;;
    --build=*) BUILD="${1#*=}"; shift ;;
    --wordcount) WORDCOUNT="${2:?--wordcount needs a value}"; shift 2 ;;
    --wordcount=*) WORDCOUNT="${1#*=}"; shift ;;
    --cache) CACHE="${2:?--cache needs a value}"; shift 2 ;;
    --cache=*) CACHE="${1#*=}"; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ "$SIZE" =~ ^[0-9]+[KMG]?$ ]] || die "--size must look like 20M or 1G, got '$SIZE'"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer, got '$ROUNDS'"
BUILD="$(cd "$BUILD" 2>/dev/null && pwd)" || die "build directory not found (build it: cmake -S . -B build -G Ninja && cmake --build build)"
WORDCOUNT="${WORDCOUNT:-$BUILD/bin/wordcount}"
if [ ! -f "$WORDCOUNT" ] || [ ! -x "$WORDCOUNT" ]; then die "wordcount binary not found or not executable: $WORDCOUNT"; fi
[ -f "$BUILD/CMakeCache.txt" ] || die "$BUILD is not a CMake build directory"
unset DATAFLOW_FAULT DATAFLOW_EXECUTOR_CORES DATAFLOW_SPLIT_SIZE DATAFLOW_PROGRESS

WORK="$(mktemp -d "${TMPDIR:-/tmp}/readme_program_bench.XXXXXX")"
cleanup() { if [ "$KEEP" = 1 ]; then say "kept: $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

# --- the README program, built from README.md with README.md's CMakeLists.txt --------------
# As tests/package/check_install.sh does: the first ```cpp and the first ```cmake block.
first_block() { awk -v open="^\`\`\`$1\$" '$0 ~ open { inside = 1; next } /^```/ { if (inside) exit } inside' "$ROOT/README.md"; }
say "installing $BUILD into $WORK/prefix"
cmake --install "$BUILD" --prefix "$WORK/prefix" > "$WORK/install.log" 2>&1 ||
  { tail -n 20 "$WORK/install.log" >&2; die "cmake --install $BUILD failed"; }
mkdir "$WORK/readme"
first_block cmake > "$WORK/readme/CMakeLists.txt"
read -r EXE SRC < <(sed -nE 's/^add_executable\(([^ )]+) ([^ )]+)\).*/\1 \2/p' "$WORK/readme/CMakeLists.txt") ||
  die "README.md's first cmake block has no add_executable(NAME SOURCE)"
first_block cpp > "$WORK/readme/$SRC"
grep -q 'dataflow::run' "$WORK/readme/$SRC" || die "README.md's first cpp block is not a dataflow program"
GENERATOR=()
command -v ninja > /dev/null && GENERATOR=(-G Ninja)
say "building the README program ($SRC, with README.md's CMakeLists.txt, no build type given)"
cmake -S "$WORK/readme" -B "$WORK/readme-build" "${GENERATOR[@]}" -DCMAKE_PREFIX_PATH="$WORK/prefix" \
  > "$WORK/configure.log" 2>&1 || { tail -n 30 "$WORK/configure.log" >&2; die "configuring the README program failed"; }
if grep -q 'dataflow: CMAKE_BUILD_TYPE is' "$WORK/configure.log"; then
  say "WARNING: the package warned about an unoptimized build:"
  grep -A3 'dataflow: CMAKE_BUILD_TYPE is' "$WORK/configure.log" >&2
fi
BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$WORK/readme-build/CMakeCache.txt")
cmake --build "$WORK/readme-build" > "$WORK/build.log" 2>&1 ||
  { tail -n 30 "$WORK/build.log" >&2; die "building the README program failed"; }
README_PROG="$WORK/readme-build/$EXE"
[ -x "$README_PROG" ] || die "the README program was not built: $README_PROG"

# --- corpus (cached; the same options give the same bytes) --------------------------------
mkdir -p "$CACHE"
[ -f "$CACHE/.gitignore" ] || printf '*\n' > "$CACHE/.gitignore"  # keep the cache out of git
GEN="$SHARED/tools/gen-corpus"
if [ -f "$GEN" ]; then
  CORPUS="$CACHE/corpus-$SIZE-seed$SEED.txt"  # the same file as bench/wordcount_bench.sh's
else
  CORPUS="$CACHE/corpus-$SIZE-seed$SEED-fallback.txt"
fi
if [ ! -s "$CORPUS" ]; then
  say "generating $CORPUS (once; reused later) ..."
  if [ -f "$GEN" ]; then
    python3 "$GEN" "$CORPUS.tmp.$$" "$SIZE" --seed "$SEED" || { rm -f "$CORPUS.tmp.$$"; die "gen-corpus failed"; }
  else
    say "$GEN not found: using the built-in generator"
    python3 - "$CORPUS.tmp.$$" "$SIZE" "$SEED" <<'EOF' || { rm -f "$CORPUS.tmp.$$"; die "the built-in generator failed"; }
# Zipf-distributed lowercase words (100,000 of them, shorter ones more frequent), 5 to 20 a
# line, stopping at the last whole line that fits SIZE.
import itertools, random, sys
out, size, seed = sys.argv[1], sys.argv[2].upper(), int(sys.argv[3])
scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
limit = int(size[:-1]) * scale[size[-1]] if size[-1] in scale else int(size)
rng = random.Random(seed)
vocab = set()
while len(vocab) < 100000:
    n = min(2 + int(rng.expovariate(0.35)), 16)
    vocab.add("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n)))
vocab = sorted(vocab, key=lambda w: (len(w), w))
cum = list(itertools.accumulate(1.0 / r for r in range(1, len(vocab) + 1)))
written = 0
with open(out, "w") as f:
    while written < limit:
        words = rng.choices(vocab, cum_weights=cum, k=200000)
        lines, i = [], 0
        while i < len(words):
            n = rng.randint(5, 20)
            lines.append(" ".join(words[i:i + n]) + "\n")
            i += n
        for line in lines:
            if written + len(line) > limit:
                written = limit
                break
            f.write(line)
            written += len(line)
EOF
  fi
  mv "$CORPUS.tmp.$$" "$CORPUS"
fi
CORPUS_BYTES=$(stat -L -c %s "$CORPUS")
cat "$CORPUS" > /dev/null  # warm the page cache so round 1 is not a disk benchmark

# --- timed runs ---------------------------------------------------------------------------
# run_one LABEL ROUND OUTFILE CMD...: appends "LABEL wall cpu" to times.tsv (cpu = user + sys
# of the process and its threads, from /usr/bin/time when present); fails on a non-zero exit.
HAVE_TIME=0
[ -x /usr/bin/time ] && HAVE_TIME=1
run_one() {
  local label="$1" round="$2" out="$3"; shift 3
  local log="$WORK/$label.$round.stderr" tf="$WORK/$label.$round.time" t0 t1 rc=0 cpu=nan
  t0=$(date +%s.%N)
  if [ "$HAVE_TIME" = 1 ]; then
    /usr/bin/time -f "cpu_s=%U %S" -o "$tf" "$@" > "$out" 2> "$log" || rc=$?
  else
    "$@" > "$out" 2> "$log" || rc=$?
  fi
  t1=$(date +%s.%N)
  if [ "$rc" != 0 ]; then
    say "FAILED (exit code $rc): $*"
    tail -n 20 "$log" | sed 's/^/    | /' >&2
    exit 1
  fi
  [ -f "$tf" ] && cpu=$(awk '/^cpu_s=/ { sub("cpu_s=", ""); printf "%.3f", $1 + $2 }' "$tf")
  printf '%s\t%s\t%s\n' "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')" "$cpu" >> "$WORK/times.tsv"
}

say "$ROUNDS round(s) on $CORPUS ($CORPUS_BYTES bytes), local mode, order alternating"
for round in $(seq 1 "$ROUNDS"); do
  if [ "$round" = 1 ]; then out_readme="$WORK/readme.out"; out_wc="$WORK/wordcount.out"
  else out_readme=/dev/null; out_wc=/dev/null; fi
  if [ $((round % 2)) = 1 ]; then
    run_one readme "$round" "$out_readme" "$README_PROG" "$CORPUS"
    run_one wordcount "$round" "$out_wc" "$WORDCOUNT" "$CORPUS"
  else
    run_one wordcount "$round" "$out_wc" "$WORDCOUNT" "$CORPUS"
    run_one readme "$round" "$out_readme" "$README_PROG" "$CORPUS"
  fi
  if [ "$round" = 1 ]; then
    # Both print "word<TAB>count" lines; the README program in no particular order.
    for l in readme wordcount; do
      [ -s "$WORK/$l.out" ] || die "CHECK FAILED: $l printed nothing"
      LC_ALL=C sort "$WORK/$l.out" > "$WORK/$l.sorted"
    done
    if ! cmp -s "$WORK/readme.sorted" "$WORK/wordcount.sorted"; then
      say "CHECK FAILED: the README program and wordcount disagree"
      say "    lines: readme $(wc -l < "$WORK/readme.sorted"), wordcount $(wc -l < "$WORK/wordcount.sorted")"
      LC_ALL=C comm -3 "$WORK/wordcount.sorted" "$WORK/readme.sorted" | head -n 10 |
        sed 's/^\t/    readme only:    /; t; s/^/    wordcount only: /' >&2
      exit 1
    fi
    CHECK="OK ($(wc -l < "$WORK/readme.sorted") distinct words, same counts)"
    rm -f "$WORK"/*.out "$WORK"/*.sorted
  fi
  say "round $round/$ROUNDS done"
done

# --- report -------------------------------------------------------------------------------
awk -F'\t' -v size="$CORPUS_BYTES" -v rounds="$ROUNDS" -v corpus="$CORPUS" -v check="$CHECK" \
    -v cores="$(nproc)" -v goal="$GOAL" -v build_type="${BUILD_TYPE:-(empty)}" '
function median(arr, n,   i, j, t, b) {
  for (i = 1; i <= n; i++) b[i] = arr[i]
  for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
  return (n % 2) ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
}
{ n[$1]++; wall[$1, n[$1]] = $2 + 0; cpu[$1, n[$1]] = $3; if ($3 == "nan") nocpu[$1] = 1 }
END {
  name["readme"] = "README program"; name["wordcount"] = "bundled wordcount"
  printf "\nREADME program benchmark: %s (%d bytes, %.0f MiB), %d round(s), %d cores, local mode\n", corpus, size, size / 1048576, rounds, cores
  printf "README program built with the README CMakeLists.txt: CMAKE_BUILD_TYPE=%s\n", build_type
  printf "output check: %s\n\n", check
  printf "%-20s %9s %9s %9s %9s %10s\n", "run", "median_s", "min_s", "max_s", "MiB/s", "cpu_s(med)"
  split("readme wordcount", order, " ")
  for (k = 1; k <= 2; k++) {
    l = order[k]; mn = 1e99; mx = 0
    for (i = 1; i <= n[l]; i++) { a[i] = wall[l, i]; c[i] = cpu[l, i] + 0; if (a[i] < mn) mn = a[i]; if (a[i] > mx) mx = a[i] }
    med[l] = median(a, n[l]); mc[l] = (l in nocpu) ? -1 : median(c, n[l])
    printf "%-20s %9.3f %9.3f %9.3f %9.1f %10s\n", name[l], med[l], mn, mx, size / 1048576 / med[l], mc[l] < 0 ? "n/a" : sprintf("%.3f", mc[l])
  }
  r = med["readme"] / med["wordcount"]
  printf "\nratio (README program / wordcount, median wall): %.2f  goal <= %.1f: %s\n", r, goal, r <= goal ? "ok" : "OVER"
  if (mc["readme"] > 0 && mc["wordcount"] > 0) printf "cpu ratio (median cpu_s): %.2f\n", mc["readme"] / mc["wordcount"]
  printf "\nRESULT size_bytes=%d rounds=%d readme_median_s=%.3f wordcount_median_s=%.3f ratio=%.3f goal=%.1f\n", size, rounds, med["readme"], med["wordcount"], r, goal
}' "$WORK/times.tsv"
