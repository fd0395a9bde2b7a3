#!/usr/bin/env bash
# The console progress bar: drawn in Spark's format on a terminal and cleared at the end,
# absent with --no-progress, absent by default when stderr is not a terminal, plain stage
# lines with --progress when it is not. `script` gives wordcount a pseudo-terminal. With
# MPIRUN, the bar also under mpirun on a terminal (mpirun forwards rank 0's stderr, a pipe).
# Usage: check_progress.sh WORDCOUNT INPUT [MPIRUN]
set -euo pipefail
wc=$(realpath "$1")
input=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

script -qec "$wc --split-size 1K $input" "$work/tty.log" > /dev/null
grep -aqE '\[Stage 0:[=> ]+\([0-9]+ \+ [0-9]+\) / [0-9]+\]' "$work/tty.log" || fail "no progress bar on a terminal"
# Cleared: after the last bar comes a carriage return, blanks, and another carriage return.
tr '\r' '\n' < "$work/tty.log" | grep -aqE '^ {40,}$' || fail "the bar was not cleared"

script -qec "$wc --no-progress --split-size 1K $input" "$work/off.log" > /dev/null
! grep -aq '\[Stage' "$work/off.log" || fail "--no-progress drew a bar"

"$wc" --split-size 1K "$input" > /dev/null 2> "$work/pipe.err"
[ ! -s "$work/pipe.err" ] || fail "stderr not a terminal, no flag: expected nothing, got: $(head -c 200 "$work/pipe.err")"

"$wc" --progress --split-size 1K "$input" > /dev/null 2> "$work/lines.err"
grep -qE '^Job 1 \(collect\), stage 0: [0-9]+ tasks finished in [0-9.]+ s$' "$work/lines.err" || fail "--progress off a terminal: no stage lines"
! grep -q $'\r' "$work/lines.err" || fail "--progress off a terminal drew a bar"
passed=4
if [ -n "${3:-}" ]; then
  mpirun="$3 -n 2 --oversubscribe --bind-to none"
  script -qec "$mpirun $wc --split-size 1K $input" "$work/mpi-tty.log" > /dev/null
  grep -aqE '\[Stage 0:[=> ]+\([0-9]+ \+ [0-9]+\) / [0-9]+\]' "$work/mpi-tty.log" ||
    fail "no progress bar under mpirun on a terminal"
  $mpirun "$wc" --split-size 1K "$input" > /dev/null 2> "$work/mpi-pipe.err"
  ! grep -aq '\[Stage' "$work/mpi-pipe.err" || fail "a bar under mpirun with no terminal"
  passed=6
fi
echo "$passed passed, 0 failed"
