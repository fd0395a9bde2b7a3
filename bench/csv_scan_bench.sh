#!/usr/bin/env bash
# DataFrame CSV scan timings: csv_scan_bench (bench/csv_scan) over one file, in local mode (one
# process, DATAFLOW_EXECUTOR_CORES task threads) and under mpirun -n 3 (driver + 2
# executors), each mode REPEAT times; prints every run and the median seconds and MB/s.
#   bench/csv_scan_bench.sh FILE [BINARY...]   (default binary: build/bin/csv_scan_bench)
# Env: MODES (default "schema infer inferonly filter"), REPEAT (3), DATAFLOW_EXECUTOR_CORES (2).
# Build: cmake -DDATAFLOW_BUILD_BENCH=ON ...; ninja csv_scan_bench. DuckDB's scan of the same
# file: node /work/data/kit/csv-scan-count.mjs FILE --threads 2.
set -euo pipefail
file=${1:?usage: csv_scan_bench.sh FILE [BINARY...]}
shift
binaries=("$@")
[ ${#binaries[@]} -gt 0 ] || binaries=(build/bin/csv_scan_bench)
export DATAFLOW_EXECUTOR_CORES=${DATAFLOW_EXECUTOR_CORES:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
repeat=${REPEAT:-3}
for mode in ${MODES:-schema infer inferonly filter}; do
  for launch in local np3; do
    for bin in "${binaries[@]}"; do
      times=()
      for ((i = 0; i < repeat; ++i)); do
        if [ "$launch" = local ]; then
          line=$("$bin" "$file" "$mode")
        else
          line=$(mpirun -n 3 --oversubscribe --bind-to none "$bin" "$file" "$mode")
        fi
        times+=("$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$line")")
      done
      median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((repeat + 1) / 2))p")
      mb=$(awk -v b="$(stat -c %s "$file")" -v s="$median" 'BEGIN { printf "%.1f", b / 1e6 / s }')
      echo "$mode $launch $bin runs=${times[*]} median=${median}s MB/s=$mb"
    done
  done
done
