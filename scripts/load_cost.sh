#!/usr/bin/env bash
# Load time and peak RSS of the worst file of each product class (reference rows x a model's cost
# per row) at about 1, 4 and 16 MiB, for two versions of brine in one run: BEFORE (a git
# revision) and this checkout. The files are written once (bench/load_cost.cpp, this checkout);
# each is loaded by path with the default LoadOptions in a process of its own
# (bench/load_cost_load.cpp) under /usr/bin/time, REPEAT times; the table gives the medians of CPU
# time (user + system) and peak RSS, and the ratios between sizes (time and memory should grow no
# faster than the file). A kind the BEFORE version does not have shows "n/a".
#
# Usage: bash scripts/load_cost.sh [before-revision, default main] [timeout s per load, 60]
# Environment: REPEAT (default 3), SIZES (MiB, default "1 4 16"), KEEP=dir (keep files and
# programs there), ONLY=regex (the classes whose name matches).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
before=${1:-main}
timeout=${2:-60}
repeat=${REPEAT:-3}
sizes=${SIZES:-1 4 16}
work=${KEEP:-$(mktemp -d)}
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/before" "$work/files"
git archive "$before" include | tar -x -C "$work/before"
flags=(-std=c++17 -O2 -DNDEBUG -I /usr/include/eigen3)
cxx=${CXX:-g++}
# With KEEP, programs already built there are reused (REBUILD=1 builds them again).
build() {  # output, include dir, source
    [[ -z ${KEEP:-} || ${REBUILD:-0} == 1 || ! -x $work/$1 ]] || return 0
    "$cxx" "${flags[@]}" -I "$2" -I tests/support "$3" -o "$work/$1"
}
build make_files include bench/load_cost.cpp
build load_before "$work/before/include" bench/load_cost_load.cpp
build load_after include bench/load_cost_load.cpp
# shellcheck disable=SC2086
"$work/make_files" "$work/files" $sizes >"$work/all.tsv"
grep -E "${ONLY:-.}" "$work/all.tsv" >"$work/manifest.tsv"

# One row per file and version: outcome, then per run: wall s, user s, system s, max RSS KiB.
measure() {  # version file
    local out="" t="$work/time.txt" i
    for ((i = 0; i < repeat; i++)); do
        local o
        o=$(/usr/bin/time -f '%e %U %S %M' -o "$t" timeout "$timeout" "$work/load_$1" "$2" || true)
        [[ -n $o ]] || o=timeout
        out="$o"
        printf ' %s' "$(tail -n 1 "$t" | sed 's/^Command.*//')" >>"$work/runs"
        [[ $o != timeout ]] || break
    done
    printf '\t%s\n' "$out" >>"$work/runs"
}
: >"$work/runs"
while IFS=$'\t' read -r name variant mib n rows bytes path; do
    for v in before after; do
        printf '%s\t%s\t%s\t%s' "$name" "$variant" "$mib" "$v" >>"$work/runs"
        measure "$v" "$path"
    done
done <"$work/manifest.tsv"

echo "== before: $before ($(git rev-parse --short "$before")); after: this checkout ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- include || echo ' + uncommitted'))"
echo "== $(uptime)"
/usr/bin/python3 - "$work/manifest.tsv" "$work/runs" <<'PY'
import statistics, sys
manifest = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
runs = {}
for l in open(sys.argv[2]):
    name, variant, mib, version_times, outcome = l.rstrip("\n").split("\t")
    version, _, times = version_times.partition(" ")
    vals = [float(x) for x in times.split()]
    quads = [vals[i:i + 4] for i in range(0, len(vals) - len(vals) % 4, 4)]
    cpu = statistics.median(q[1] + q[2] for q in quads) if quads else float("nan")
    rss = statistics.median(q[3] for q in quads) / 1024 if quads else float("nan")
    if outcome in ("not brine file", "unsupported", "unsupported version"):
        outcome = "n/a (no kind)"
    runs[(name, variant, mib, version)] = (outcome.strip(), cpu * 1000, rss)
print(f"{'product class':58} {'var':4} {'MiB':>3} {'bytes':>9} | {'before':>14} {'ms':>8} {'RSS MiB':>7} |"
      f" {'after':>14} {'ms':>8} {'RSS MiB':>7} | {'x bytes':>7} {'x ms':>6} {'x RSS':>6}")
first = {}
for name, variant, mib, n, rows, bytes_, path in manifest:
    b = runs[(name, variant, mib, "before")]
    a = runs[(name, variant, mib, "after")]
    key = (name, variant)
    if key not in first:
        first[key] = (int(bytes_), a[1], a[2])
    f = first[key]
    ratio = lambda x, y: f"{x / y:6.1f}" if y > 0 else "   inf"
    print(f"{name[:58]:58} {variant:4} {mib:>3} {int(bytes_):9d} | {b[0][:14]:>14} {b[1]:8.0f} {b[2]:7.1f} |"
          f" {a[0][:14]:>14} {a[1]:8.0f} {a[2]:7.1f} | {int(bytes_) / f[0]:7.1f} {ratio(a[1], f[1])} {ratio(a[2], f[2])}")
print("(n, rows per file: see the manifest; ms: median CPU time, user + system; x: after's ratio "
      "to the smallest size of the same class and variant)")
for name, variant, mib, n, rows, bytes_, path in manifest:
    print(f"  {name[:58]:58} {variant:4} {mib:>3} MiB: n = {n}, reference rows = {rows}")
PY
