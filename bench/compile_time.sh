#!/usr/bin/env bash
# Compile time and compiler memory of a user's translation unit: the README's
# quickstart (create + stream), compiled by g++ 12 as a user would compile it,
# at -O0 and -O2, header-only and separately compiled (then also the one
# translation unit of <anthropic/src.hpp>, which a build compiles once).
#
#   bench/compile_time.sh [--runs N] [--ref GITREF]
#
# --ref adds the header-only figures of another commit (e.g. the one before
# separate compilation), measured in the same run. Each figure is the best wall
# time of N runs (default 3) and the largest peak RSS; nothing else should run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
ref=
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --ref) ref=$2; shift 2 ;;
    *) echo "usage: bench/compile_time.sh [--runs N] [--ref GITREF]" >&2; exit 2 ;;
  esac
done
cxx=${CXX:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The quickstart, cut out of README.md exactly as a reader would copy it.
awk '/^## Quickstart from C\+\+/{f=1} f&&/^```cpp/{g=1;next} g&&/^```/{exit} g{print}' README.md >"$work/quickstart.cpp"
printf '#include <anthropic/src.hpp>\n' >"$work/src.cpp"

# measure LABEL FILE FLAGS...: prints "LABEL | seconds | MB"
measure() {
  local label=$1 file=$2; shift 2
  local best= peak=0
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%e %M' -o "$work/time" "$cxx" -std=c++20 "$@" -c "$file" -o "$work/out.o"
    read -r secs kb <"$work/time"
    if [[ -z $best ]] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
    ((kb > peak)) && peak=$kb
  done
  printf '| %s | %s s | %d MB |\n' "$label" "$best" $((peak / 1024))
}

echo "| translation unit | wall time (best of $runs) | compiler peak RSS |"
echo "|---|---|---|"
if [[ -n $ref ]]; then
  mkdir -p "$work/ref"
  git archive "$ref" include | tar -x -C "$work/ref"
  for opt in -O0 -O2; do
    measure "quickstart, header-only, $opt, at $(git rev-parse --short "$ref")" "$work/quickstart.cpp" $opt -I"$work/ref/include"
  done
fi
for opt in -O0 -O2; do
  measure "quickstart, header-only, $opt" "$work/quickstart.cpp" $opt -Iinclude
  measure "quickstart, separately compiled, $opt" "$work/quickstart.cpp" $opt -DANTHROPIC_SEPARATE_COMPILATION -Iinclude
  measure "src.hpp (once per build), $opt" "$work/src.cpp" $opt -DANTHROPIC_SEPARATE_COMPILATION -Iinclude
done
# A program may compile Asio separately too (its own choice, see README): what
# is left of the quickstart is then mostly its own coroutine.
measure "quickstart, separately compiled, Asio too, -O2" "$work/quickstart.cpp" -O2 \
  -DANTHROPIC_SEPARATE_COMPILATION -DBOOST_ASIO_SEPARATE_COMPILATION -Iinclude
