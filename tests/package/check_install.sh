#!/usr/bin/env bash
# Installs the built libdataflow into a temporary prefix, then uses it as a user would:
# 1. tests/package/consumer, a C++-only project (no C language: the package config must not
#    need it), configured with no build type and with Debug (the config must warn that the
#    templates compile unoptimized), with -O2 in CMAKE_CXX_FLAGS and with Release (no
#    warning), then built and run;
# 2. the README's first program built with the README's first CMake block as its
#    CMakeLists.txt (both extracted from README.md, so the README's example is what is
#    tested): configured with no build type it must build Release without a warning; then run
#    on a small file, locally and under mpirun -n 2, and with no argument (usage, exit 64).
# Usage: check_install.sh BUILD_DIR
set -euo pipefail
build_dir=$1
source_dir=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$source_dir/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check_install: FAILED: $*" >&2; exit 1; }
[ "$(id -u)" != 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
prefix=$work/prefix
warning='dataflow: CMAKE_BUILD_TYPE is'

# configure NAME SRC BUILD [ARGS...]: configures, keeps cmake's stdout and stderr in NAME.log.
configure() {
  local name=$1 src=$2 build=$3; shift 3
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" "$@" > "$work/$name.log" 2>&1 ||
    { cat "$work/$name.log" >&2; fail "configuring $name"; }
}
expect_warning() {  # expect_warning NAME WHAT: the configure log holds the warning about WHAT
  grep -q "$warning $2" "$work/$1.log" || { cat "$work/$1.log" >&2; fail "$1: no warning '$warning $2'"; }
  echo "$1: warns ($warning $2)"
}
expect_no_warning() {
  ! grep -q "$warning" "$work/$1.log" || { cat "$work/$1.log" >&2; fail "$1: unexpected warning"; }
  echo "$1: no warning"
}

# --- 1. the consumer project, C++ only -------------------------------------------------------
cp -r "$source_dir/consumer" "$work/consumer"
grep -q 'LANGUAGES CXX)' "$work/consumer/CMakeLists.txt" || fail "the consumer project must be C++-only"
configure consumer-no-build-type "$work/consumer" "$work/build"
expect_warning consumer-no-build-type empty
configure consumer-cxx-flags "$work/consumer" "$work/build" -DCMAKE_CXX_FLAGS=-O2
expect_no_warning consumer-cxx-flags
configure consumer-debug "$work/consumer" "$work/build" -DCMAKE_CXX_FLAGS= -DCMAKE_BUILD_TYPE=Debug
expect_warning consumer-debug Debug
configure consumer-release "$work/consumer" "$work/build" -DCMAKE_BUILD_TYPE=Release
expect_no_warning consumer-release
cmake --build "$work/build" >/dev/null
out=$("$work/build/consumer")
echo "consumer: $out"
[ "$out" = "even=2550 odd=2500" ] || fail "consumer printed '$out'"

# --- 2. the README's first program with the README's CMake snippet ---------------------------
# first_block LANG: the first ```LANG block of README.md
first_block() { awk -v open="^\`\`\`$1\$" '$0 ~ open { inside = 1; next } /^```/ { if (inside) exit } inside' "$root/README.md"; }
mkdir "$work/readme"
first_block cmake > "$work/readme/CMakeLists.txt"
grep -q 'find_package(dataflow' "$work/readme/CMakeLists.txt" || fail "no CMake example found in README.md"
read -r exe src < <(sed -nE 's/^add_executable\(([^ )]+) ([^ )]+)\).*/\1 \2/p' "$work/readme/CMakeLists.txt") ||
  fail "the README's CMake example has no add_executable(NAME SOURCE)"
first_block cpp > "$work/readme/$src"
grep -q 'dataflow::run' "$work/readme/$src" || fail "no C++ example found in README.md"
configure readme "$work/readme" "$work/readme-build"
expect_no_warning readme
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$work/readme-build/CMakeCache.txt" ||
  fail "the README's CMake example does not default to a Release build"
cmake --build "$work/readme-build" >/dev/null
prog=$work/readme-build/$exe

printf 'b a b\nc b\n' > "$work/words.txt"
want=$(printf 'a\t1\nb\t3\nc\t1')
readme_out=$("$prog" "$work/words.txt" | sort)
echo "$readme_out"
[ "$readme_out" = "$want" ] || fail "the README program printed the wrong counts"
readme_out=$(mpirun -n 2 --oversubscribe --bind-to none "$prog" "$work/words.txt" | sort)
[ "$readme_out" = "$want" ] || fail "the README program under mpirun -n 2 printed '$readme_out'"
echo "readme program under mpirun -n 2: same counts"
rc=0
"$prog" > "$work/usage.out" 2> "$work/usage.err" || rc=$?
[ "$rc" = 64 ] || fail "the README program without an input exited $rc, not 64"
grep -q '^usage: ' "$work/usage.err" || fail "the README program without an input printed no usage on stderr"
[ ! -s "$work/usage.out" ] || fail "the README program without an input printed on stdout"
echo "readme program without an input: exit 64, $(cat "$work/usage.err")"
