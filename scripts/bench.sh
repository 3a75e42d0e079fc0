#!/usr/bin/env bash
# Runs brine's benchmark suite and prints one table: brine against the floors (memcpy, fwrite,
# fread), cereal, pickle / joblib / NumPy, scikit-learn and XGBoost, all measured in this run.
#
# Usage: bash scripts/bench.sh [--quick]
#   --quick  a smoke run: fewer repetitions, no 10^7-element cases (the figures are not the table's)
# Environment: BRINE_BENCH_DIR (work directory, default build/bench/work).
# Installs what it needs with scripts/setup-debian.sh --bench. Results: $BRINE_BENCH_DIR/results/
# (raw JSON of every tool, and table.md, the table printed at the end).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=0
for arg in "$@"; do
    case $arg in
        --quick) quick=1 ;;
        -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

bash scripts/setup-debian.sh --bench
py=/usr/bin/python3  # Debian's interpreter: the one with scikit-learn, joblib, NumPy and XGBoost
build=build/bench
work=${BRINE_BENCH_DIR:-$PWD/build/bench/work}
mkdir -p "$work/results"
work=$(cd "$work" && pwd)
export BRINE_BENCH_DIR=$work
results=$work/results

echo "bench.sh: building (Release) in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBRINE_BUILD_BENCHMARKS=ON \
      -DBRINE_BUILD_TESTS=OFF -DBRINE_BUILD_EXAMPLES=OFF -DBRINE_INSTALL=OFF >/dev/null
targets=(brine_bench_io brine_bench_predict brine_bench_export brine_cold_start brine_bench_layouts)
xgboost=0
if grep -q '^BRINE_XGBOOST_LIBRARY:FILEPATH=/' "$build/CMakeCache.txt"; then
    targets+=(brine_bench_xgboost)
    xgboost=1
fi
cmake --build "$build" --parallel 2 --target "${targets[@]}"

echo "bench.sh: training the scikit-learn and XGBoost models"
"$py" bench/python/bench_python.py prepare --dir "$work"
"$build/bench/brine_bench_export"

gbench_args=(--benchmark_out_format=json)
if [[ $quick == 1 ]]; then
    gbench_args+=('--benchmark_filter=-/(10000000|10000x1000)/')
fi
run_gbench() {  # name, then the program's arguments
    local name=$1
    shift
    echo "bench.sh: $name"
    if ! "$build/bench/$name" "${gbench_args[@]}" --benchmark_out="$results/$name.json" "$@" \
        >"$results/$name.log" 2>&1; then
        echo "bench.sh: $name failed; the end of $results/$name.log:" >&2
        tail -n 20 "$results/$name.log" >&2
        exit 1
    fi
}
run_gbench brine_bench_io
run_gbench brine_bench_predict
[[ $xgboost == 1 ]] && run_gbench brine_bench_xgboost
echo "bench.sh: input layouts (row-major, float, buffers against column-major)"
layout_args=(--markdown)
[[ $quick == 1 ]] && layout_args+=(--reps 3)
"$build/bench/brine_bench_layouts" "${layout_args[@]}" >"$results/layouts.md"

echo "bench.sh: Python (pickle, joblib, NumPy, scikit-learn, cold start)"
python_args=(--dir "$work" --out "$results/python.json" --cold-start-exe "$build/bench/brine_cold_start")
[[ $quick == 1 ]] && python_args+=(--quick)
"$py" bench/python/bench_python.py run "${python_args[@]}" >"$results/python.log"

# Compile time of what a program includes: g++ -O2 -c, median of 3 runs (scripts/bench-compile.sh).
echo "bench.sh: compile time"
BRINE_BENCH_DIR=$work/compile bash scripts/bench-compile.sh --json "$results/compile.json" \
    | tee "$results/compile.log" | sed -n '/^| /p' >"$results/compile.md"

"$py" bench/report.py "$results" | tee "$results/table.md"
echo
echo "Input layouts (ratio: column-major double time / form time, medians of one run):"
cat "$results/layouts.md"
