#!/usr/bin/env bash
# Batch prediction from every input form (row-major, float, into a caller's buffer) against the
# column-major double form, measured in one run, one thread: prints a Markdown table of medians
# and per-repetition ratios (column-major time / form time; above 1 is faster than column-major).
#
# Usage: bash scripts/bench-layouts.sh [--rows N] [--cols N] [--reps N]   (default 100000 x 50, 15)
# Builds brine_bench_layouts (Release) in build/bench. The load average is printed with the table:
# on a shared machine, compare ratios from one run, not times from different runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
case ${1:-} in -h | --help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

build=build/bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBRINE_BUILD_BENCHMARKS=ON \
      -DBRINE_BUILD_TESTS=OFF -DBRINE_BUILD_EXAMPLES=OFF -DBRINE_INSTALL=OFF >/dev/null
cmake --build "$build" --target brine_bench_layouts >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/brine_bench_layouts" --markdown "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
