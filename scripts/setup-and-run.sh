#!/usr/bin/env bash
# Installs the dependencies (Debian 12, as root or with sudo), builds libdataflow and runs
# wordcount on the bundled sample in local mode.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(cat .ci/packages) >/dev/null
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDATAFLOW_BUILD_TESTS=OFF
cmake --build build -j"$(nproc)" --target wordcount
build/bin/wordcount apps/wordcount/sample.txt --top 20
