#!/usr/bin/env bash
# Installs the built libdataflow into a temporary prefix, then builds two programs against
# it with find_package(dataflow): tests/package/consumer, and the first program of the
# README (extracted from it, so the README's example keeps compiling), and runs both.
set -euo pipefail
build_dir=$1
source_dir=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$source_dir/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cp -r "$source_dir/consumer" "$work/consumer"
awk '/^```cpp/ { inside = 1; next } /^```/ { if (inside) exit } inside' "$root/README.md" > "$work/consumer/readme_example.cpp"
grep -q 'dataflow::run' "$work/consumer/readme_example.cpp" || { echo "no C++ example found in README.md" >&2; exit 1; }
cmake -S "$work/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
out=$("$work/build/consumer")
echo "$out"
[ "$out" = "even=2550 odd=2500" ]
printf 'b a b\nc b\n' > "$work/words.txt"
readme_out=$("$work/build/readme_example" "$work/words.txt" | sort)
echo "$readme_out"
[ "$readme_out" = "$(printf 'a\t1\nb\t3\nc\t1')" ]
