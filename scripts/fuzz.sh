#!/usr/bin/env bash
# Builds brine's libFuzzer targets (clang++, ASan+UBSan) in build/fuzz and runs each for a while
# over the committed corpus and regressions with the dictionary; fails on any finding.
#
# Usage: bash scripts/fuzz.sh [seconds per target, default 60]
# Environment: FUZZ_CXX (default clang++), FUZZ_PARALLEL (targets at once, default 2),
#              FUZZ_TARGETS (space-separated subset), FUZZ_MAX_LEN (largest input, default
#              16384; raise it to reach products of sizes at realistic scale). The harnesses also
#              read BRINE_FUZZ_NS_PER_BYTE (fail on loads slower than that per input byte) and
#              BRINE_FUZZ_DEFAULT_LIMITS=1 (load with the default limits); see tests/fuzz/README.md.
#              Findings are written to build/fuzz/artifacts/<target>/; see tests/fuzz/README.md for
#              what to do with them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz.sh: seconds must be a number, not '$seconds'" >&2; exit 2; }
cxx=${FUZZ_CXX:-clang++}
parallel=${FUZZ_PARALLEL:-2}
targets=(${FUZZ_TARGETS:-fuzz_load_binary fuzz_load_json fuzz_inspect fuzz_roundtrip fuzz_load_streamed fuzz_import_xgboost})
max_len=${FUZZ_MAX_LEN:-16384}
[[ $max_len =~ ^[0-9]+$ ]] || { echo "fuzz.sh: FUZZ_MAX_LEN must be a number, not '$max_len'" >&2; exit 2; }
build=build/fuzz
fuzz_dir=$PWD/tests/fuzz

command -v "$cxx" >/dev/null || { echo "fuzz.sh: $cxx not found (bash scripts/setup-debian.sh --ci)" >&2; exit 2; }
# No build type: the fuzz targets add -g -O1 themselves, and NDEBUG must stay off.
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE= -DBRINE_BUILD_TESTS=ON \
      -DBRINE_BUILD_FUZZERS=ON -DBRINE_BUILD_EXAMPLES=OFF -DBRINE_INSTALL=OFF >/dev/null
cmake --build "$build" --parallel 2 --target "${targets[@]}"

# One target: a scratch corpus (new inputs go there, never into the committed one), then the seeds
# and regressions. Plain mode stops at the first finding with a non-zero exit.
run_target() {
    local t=$1 out=$build/runs/$1
    mkdir -p "$out/corpus" "$out/artifacts"
    "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=128 \
        -max_len="$max_len" -dict="$fuzz_dir/brine.dict" -print_final_stats=1 -artifact_prefix="$out/artifacts/" \
        "$out/corpus" "$fuzz_dir/corpus/$t" "$fuzz_dir/regressions" >"$out/log" 2>&1
}

start=$SECONDS
failed=()
pids=() names=()
flush() {
    local i
    for i in "${!pids[@]}"; do
        if wait "${pids[$i]}"; then
            echo "fuzz.sh: ${names[$i]}: no finding; $(grep -E '^#[0-9]+.*DONE' "$build/runs/${names[$i]}/log" | tail -n 1)"
        else
            failed+=("${names[$i]}")
            echo "fuzz.sh: ${names[$i]}: FINDING (log: $build/runs/${names[$i]}/log)"
            grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$build/runs/${names[$i]}/log" | head -n 8 | sed 's/^/    /'
        fi
    done
    pids=() names=()
}
for t in "${targets[@]}"; do
    echo "fuzz.sh: running $t for ${seconds} s"
    run_target "$t" &
    pids+=($!) names+=("$t")
    (( ${#pids[@]} < parallel )) || flush
done
flush
echo "fuzz.sh: ${#targets[@]} targets, ${seconds} s each, $(( SECONDS - start )) s of fuzzing"
if (( ${#failed[@]} )); then
    echo "fuzz.sh: findings in: ${failed[*]}; minimise and commit them as described in tests/fuzz/README.md" >&2
    exit 1
fi
