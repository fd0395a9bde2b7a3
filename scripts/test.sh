#!/usr/bin/env bash
# Builds libdataflow with warnings as errors and runs the whole test suite (unit tests,
# multi-rank tests at 1-4 ranks, end-to-end wordcount tests, the install test).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 GTEST_COLOR=no
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDATAFLOW_WERROR=ON -DDATAFLOW_BUILD_TESTS=ON
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 300
