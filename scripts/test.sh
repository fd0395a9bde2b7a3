#!/usr/bin/env bash
# Builds libdataflow with warnings as errors and runs the whole test suite (unit tests,
# multi-rank tests at 1-4 ranks, end-to-end wordcount tests, the install and Slurm tests),
# then rebuilds with AddressSanitizer + UndefinedBehaviorSanitizer and reruns the unit tests
# and the multi-rank tests at 1 and 3 ranks.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 GTEST_COLOR=no
jobs=$(nproc)

# DuckDB, the DataFrame tests' oracle: its npm package, pinned by tests/oracle/package-lock.json.
if [ ! -d tests/oracle/node_modules/@duckdb/node-api ]; then
  npm ci --prefix tests/oracle --no-audit --no-fund --loglevel=error
fi

# For CI time on two cores: a unity build (source files compiled in batches, which shares their
# headers' parsing and template instantiations: about half the compile time) and line tables
# only (-g1: file:line in backtraces and sanitizer reports, without full debug information).
unity=(-DCMAKE_UNITY_BUILD=ON)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${unity[@]}" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DDATAFLOW_WERROR=ON -DDATAFLOW_BUILD_TESTS=ON
cmake --build build -j"$jobs"

# The sanitizer build compiles while the tests run, on the CPU time they leave idle: SCHED_IDLE
# (chrt --idle) never takes a core from a runnable test, and the multi-rank tests spend much
# of their time waiting. Its output goes to build-sanitize/build.log, printed if it fails.
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug "${unity[@]}" -DCMAKE_CXX_FLAGS_DEBUG="-g1" \
  -DDATAFLOW_SANITIZE=ON -DDATAFLOW_WERROR=ON >/dev/null
idle=(chrt --idle 0)
"${idle[@]}" true 2>/dev/null || idle=(nice -n 19)
"${idle[@]}" cmake --build build-sanitize -j"$jobs" --target sanitize_tests >build-sanitize/build.log 2>&1 &
sanitize_build=$!
trap 'kill "$sanitize_build" 2>/dev/null || true' EXIT
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 300

# Only what the next two runs use is built there.
if ! wait "$sanitize_build"; then
  cat build-sanitize/build.log
  echo "test.sh: the sanitizer build failed (build-sanitize/build.log)" >&2
  exit 1
fi
trap - EXIT
# (the compile-error tests, label "diagnostics", check compiler messages: not again here)
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-sanitize --output-on-failure -j"$jobs" -L unit -LE diagnostics
# Open MPI's own allocations outlive MPI_Finalize, so leak checks stay off under mpirun.
# (the install test, label "package", ran in the plain build: not again here, for CI time)
ASAN_OPTIONS=detect_leaks=0 ctest --test-dir build-sanitize --output-on-failure -j"$jobs" -L mpi
