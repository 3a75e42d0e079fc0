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
#              FUZZ_CPU_SECONDS (stop each target once it has used that much CPU time, for long
#              runs on a shared machine, where the wall-clock seconds say little; the seconds
#              argument then only caps the wall time), FUZZ_NICE (niceness of the runs, default 0),
#              FUZZ_BUILD=0 (run the targets already built in build/fuzz, without building).
#              Each target's line reports its CPU time and executions.
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
cpu_budget=${FUZZ_CPU_SECONDS:-0}
niceness=${FUZZ_NICE:-0}
[[ $cpu_budget =~ ^[0-9]+$ ]] || { echo "fuzz.sh: FUZZ_CPU_SECONDS must be a number, not '$cpu_budget'" >&2; exit 2; }
[[ $max_len =~ ^[0-9]+$ ]] || { echo "fuzz.sh: FUZZ_MAX_LEN must be a number, not '$max_len'" >&2; exit 2; }
build=build/fuzz
fuzz_dir=$PWD/tests/fuzz

command -v "$cxx" >/dev/null || { echo "fuzz.sh: $cxx not found (bash scripts/setup-debian.sh --ci)" >&2; exit 2; }
# No build type: the fuzz targets add -O1 and line tables themselves, and NDEBUG must stay off.
if [[ ${FUZZ_BUILD:-1} != 0 ]]; then
    cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE= -DBRINE_BUILD_TESTS=ON \
          -DBRINE_BUILD_FUZZERS=ON -DBRINE_BUILD_EXAMPLES=OFF -DBRINE_INSTALL=OFF >/dev/null
    cmake --build "$build" --parallel 2 --target "${targets[@]}"
fi

# One target: a scratch corpus (new inputs go there, never into the committed one), then the seeds
# and regressions. Plain mode stops at the first finding with a non-zero exit.
# A watcher samples the target's user + system time every 5 s (/proc/PID/stat) and, with
# FUZZ_CPU_SECONDS, interrupts it (SIGINT: libFuzzer prints its final stats and exits) once the
# budget is reached; an interrupted run without a finding counts as clean. The last sample is
# appended to the log ("cpu seconds: N", at most 5 s of CPU time short).
run_target() {
    local t=$1 out=$build/runs/$1 pid rc=0 tick stat fields cpu=0
    mkdir -p "$out/corpus" "$out/artifacts"
    nice -n "$niceness" "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -malloc_limit_mb=128 -max_len="$max_len" -dict="$fuzz_dir/brine.dict" -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/" \
        "$out/corpus" "$fuzz_dir/corpus/$t" "$fuzz_dir/regressions" >"$out/log" 2>&1 &
    pid=$!
    tick=$(getconf CLK_TCK)
    while kill -0 "$pid" 2>/dev/null; do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || break
        read -r -a fields <<<"${stat##*) }"
        # utime and stime are fields 14 and 15 of stat; 12 and 13 after "pid (comm) ".
        cpu=$(( (fields[11] + fields[12]) / tick ))
        if (( cpu_budget > 0 && cpu >= cpu_budget )); then
            kill -INT "$pid" 2>/dev/null
            break
        fi
        sleep 5
    done
    wait "$pid" || rc=$?
    echo "cpu seconds: $cpu" >>"$out/log"
    if (( rc != 0 )) && grep -q 'libFuzzer: run interrupted' "$out/log" &&
        ! grep -qE '^==[0-9]+==ERROR|runtime error|Test unit written' "$out/log"; then
        rc=0
    fi
    return "$rc"
}

start=$SECONDS
failed=()
pids=() names=()
flush() {
    local i
    for i in "${!pids[@]}"; do
        if wait "${pids[$i]}"; then
            local log=$build/runs/${names[$i]}/log
            echo "fuzz.sh: ${names[$i]}: no finding; $(grep -E '^stat::number_of_executed_units' "$log" | sed 's/.*: */executions /'), $(grep -E '^stat::new_units_added' "$log" | sed 's/.*: */new units /'), $(tail -n 1 "$log")"
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
