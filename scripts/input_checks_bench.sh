#!/usr/bin/env bash
# Batch throughput of every model kind and of pipelines, for two versions of brine in one run:
# BEFORE (a git revision, default 88a9b3a, the last one without the NaN/infinity input checks)
# and this checkout. Both programs are built from bench/input_checks.cpp (g++ -O3); they run in
# alternation, ROUNDS times each (the order swapped every round, so drift from other load on the
# machine falls on both), and each case prints the median of its repetitions, in thread CPU time
# (time spent waiting for a core on a shared machine is left out). The table gives
# per case the median over the rounds of each version and after / before, both as the ratio of
# those medians and as the median of the rounds' paired ratios.
#
# Usage: bash scripts/input_checks_bench.sh [before-revision] [rounds, default 9] [rows, 100000]
#                                            [filter: only the cases whose name contains it]
# Environment: CXX (default g++), CXXFLAGS (default -O3).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
before=${1:-88a9b3a}
rounds=${2:-9}
rows=${3:-100000}
filter=${4:-}
cxx=${CXX:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/before"
git archive "$before" include | tar -x -C "$work/before"
read -r -a opt <<<"${CXXFLAGS:--O3}"
flags=(-std=c++17 "${opt[@]}" -DNDEBUG -I /usr/include/eigen3)
"$cxx" "${flags[@]}" -I "$work/before/include" bench/input_checks.cpp -o "$work/before.exe"
"$cxx" "${flags[@]}" -I include bench/input_checks.cpp -o "$work/after.exe"
after_rev="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- include || echo '+uncommitted')"
echo "input_checks_bench: before $before ($(git rev-parse --short "$before")), after $after_rev;" \
     "$cxx ${opt[*]}; $rows x 50 inputs; $rounds rounds; load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= rounds; ++r)); do
    if ((r % 2)); then order=(before after); else order=(after before); fi
    for side in "${order[@]}"; do
        "$work/$side.exe" "$rows" 5 "$filter" | sed "s/^/$r\t$side\t/" >>"$work/results.tsv"
    done
done
/usr/bin/python3 - "$work/results.tsv" <<'PY'
import statistics, sys
t, checks = {}, {}
for line in open(sys.argv[1]):
    r, side, name, sec, chk = line.rstrip("\n").split("\t")
    t.setdefault(name, {}).setdefault(side, {})[int(r)] = float(sec)
    checks.setdefault(name, {}).setdefault(side, set()).add(chk)
print(f"| case | before (ms, median) | after (ms, median) | after / before | median of paired ratios |")
print("|---|---:|---:|---:|---:|")
for name, s in t.items():
    b, a = s["before"], s["after"]
    mb, ma = statistics.median(b.values()), statistics.median(a.values())
    paired = statistics.median(a[r] / b[r] for r in b if r in a)
    same = "" if checks[name]["before"] == checks[name]["after"] else " (outputs differ!)"
    print(f"| {name}{same} | {mb*1e3:.2f} | {ma*1e3:.2f} | {ma/mb:.3f} | {paired:.3f} |")
PY
echo "input_checks_bench: load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
