#!/usr/bin/env bash
# Compile time of what a program pays for using brine: one small translation unit per use
# (bench/compile/*.cpp), each compiled with g++ -O2 -c, median of N runs; the compiler's CPU time
# (user + sys) and peak memory (/usr/bin/time), and the ratio to a TU that uses Eigen alone.
# The optional compiled mode is measured where the tree has it (src/*.cpp): its library is compiled
# once (its one-off cost is printed), and the client TUs are compiled with BRINE_COMPILED=1 and
# linked against it.
#
# Usage: bash scripts/bench-compile.sh [--runs N] [--before REV] [--json FILE] [--only A,B]
#   --runs N      runs per TU (default 3); the table shows medians
#   --before REV  also measure the same TUs against brine at git revision REV (checked out in a
#                 temporary git worktree), interleaved with this tree's runs: one run, one table
#   --json FILE   also write {"<tu>": median CPU ms, "<tu>_peak_mb": median peak memory} of this
#                 tree (what scripts/bench.sh reads)
#   --only A,B    measure only these rows (eigen_only, the baseline, always runs)
# Environment: CXX (default g++), BRINE_BENCH_DIR (work directory, default build/bench/compile).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=3
before=""
json=""
only=""
usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while (($#)); do
    case $1 in
        --runs) runs=${2:-}; shift 2 || true ;;
        --before) before=${2:-}; shift 2 || true ;;
        --json) json=${2:-}; shift 2 || true ;;
        --only) only=${2:-}; shift 2 || true ;;
        -h | --help) usage; exit 0 ;;
        *) echo "bench-compile.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench-compile.sh: --runs needs a positive number" >&2; exit 2; }
cxx=${CXX:-g++}
command -v "$cxx" >/dev/null || { echo "bench-compile.sh: $cxx not found" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench-compile.sh: /usr/bin/time not found (apt-get install time)" >&2; exit 2; }

work=${BRINE_BENCH_DIR:-$PWD/build/bench/compile}
rm -rf "$work/out"
mkdir -p "$work/out"
work=$(cd "$work" && pwd)
src=$PWD/bench/compile  # the same TU sources for every tree measured
eigen_flags=$(pkg-config --cflags-only-I eigen3 2>/dev/null | sed 's/-I/-isystem /g' || true)
[[ -n $eigen_flags ]] || eigen_flags="-isystem /usr/include/eigen3"
read -r -a eigen_flags <<<"$eigen_flags"

# The trees: this checkout ("after"), and with --before a worktree of REV ("before").
trees=(after)
declare -A root
root[after]=$PWD
if [[ -n $before ]]; then
    rev=$(git rev-parse --verify --quiet "$before^{commit}") ||
        { echo "bench-compile.sh: '$before' is not a git revision here" >&2; exit 2; }
    root[before]=$work/before-tree
    git worktree remove --force "${root[before]}" >/dev/null 2>&1 || rm -rf "${root[before]}"
    git worktree add --detach --quiet "${root[before]}" "$rev"
    trap 'git worktree remove --force "${root[before]}" >/dev/null 2>&1 || true' EXIT
    trees=(before after)
fi

# name|source|mode|label; mode "compiled" rows need the tree's src/*.cpp.
rows=(
    "eigen_only|eigen_only.cpp|header|Eigen only: a small product (baseline)"
    "models_only|models_only.cpp|header|brine/models.hpp: predict with a model in memory"
    "load_binary|load_binary.cpp|header|load<LogisticRegression> (a binary file) + predict"
    "load_binary_only|load_binary_only.cpp|header|brine/binary.hpp: binary::load<LogisticRegression> + predict"
    "load_any|load_any.cpp|header|load_any (binary or JSON, any kind) + predict"
    "load_binary_compiled|load_binary.cpp|compiled|load<LogisticRegression> + predict, compiled mode"
    "load_any_compiled|load_any.cpp|compiled|load_any + predict, compiled mode"
    "load_pipeline_compiled|load_pipeline.cpp|compiled|load<Pipeline> + predict, compiled mode"
    "train_save|train_save.cpp|header|train::pipeline + save (.brine and .json)"
    "train_save_compiled|train_save.cpp|compiled|train::pipeline + save, compiled mode"
)
if [[ -n $only ]]; then
    kept=()
    for row in "${rows[@]}"; do
        [[ $row == eigen_only\|* || ,$only, == *,"${row%%|*}",* ]] && kept+=("$row")
    done
    rows=("${kept[@]}")
fi

# Runs the compiler under /usr/bin/time; appends "cpu_s wall_s rss_kb" to $1 on success.
# The compiler's messages go to $1.log.
measure() {
    local out=$1
    shift
    if /usr/bin/time -f '%U %S %e %M' -o "$out.time" "$cxx" "$@" >"$out.log" 2>&1; then
        awk '{ printf "%.2f %.2f %d\n", $1 + $2, $3, $4 }' "$out.time" >>"$out"
    else
        return 1
    fi
}
flags() { echo -std=c++17 -O2 -I"${root[$1]}/include" "${eigen_flags[@]}"; }

# The compiled mode's library, once per tree that has it (and only if a compiled-mode row is
# measured): its cost, and its objects for linking.
declare -A lib_status lib_objs lib_results
want_lib=false
for row in "${rows[@]}"; do [[ $row == *"|compiled|"* ]] && want_lib=true; done
for tree in "${trees[@]}"; do
    if ! $want_lib; then
        lib_status[$tree]="n/a: no compiled-mode row measured"
        continue
    fi
    mapfile -t lib_sources < <(compgen -G "${root[$tree]}/src/*.cpp" | sort || true)
    if ((${#lib_sources[@]} == 0)); then
        lib_status[$tree]="n/a: not available in this tree (no src/*.cpp)"
        continue
    fi
    mkdir -p "$work/out/$tree/lib"
    objs=()
    lib_status[$tree]=ok
    for s in "${lib_sources[@]}"; do
        o=$work/out/$tree/lib/$(basename "$s" .cpp)
        echo "bench-compile.sh: $tree: compiling the compiled-mode library: $(basename "$s")"
        # shellcheck disable=SC2046
        if ! measure "$o" $(flags "$tree") -DBRINE_COMPILED=1 -c "$s" -o "$o.o"; then
            lib_status[$tree]="n/a: $(basename "$s") failed to compile (see $o.log)"
            break
        fi
        objs+=("$o.o")
        lib_results[$tree]+=" $o"
    done
    lib_objs[$tree]=${objs[*]}
done

# Interleaved: run r measures every TU in every tree, alternating which tree goes first.
declare -A status
for ((r = 1; r <= runs; r++)); do
    order=("${trees[@]}")
    ((r % 2 == 0)) && ((${#trees[@]} == 2)) && order=(after before)
    for row in "${rows[@]}"; do
        IFS='|' read -r name source mode _ <<<"$row"
        for tree in "${order[@]}"; do
            key=$tree/$name
            [[ ${status[$key]:-ok} == ok ]] || continue
            if [[ $mode == compiled && ${lib_status[$tree]} != ok ]]; then
                status[$key]=${lib_status[$tree]}
                continue
            fi
            mkdir -p "$work/out/$tree"
            out=$work/out/$tree/$name
            extra=()
            [[ $mode == compiled ]] && extra=(-DBRINE_COMPILED=1)
            echo "bench-compile.sh: run $r/$runs: $tree: $name"
            # shellcheck disable=SC2046
            if ! measure "$out" $(flags "$tree") "${extra[@]}" -c "$src/$source" -o "$out.o"; then
                status[$key]="n/a: does not compile in this tree ($(grep -m1 -E 'error' "$out.log" | cut -c1-120))"
                continue
            fi
            # A compiled-mode client must link against the library alone (nothing left undefined).
            if [[ $mode == compiled && $r == 1 ]]; then
                # shellcheck disable=SC2086
                if ! "$cxx" "$out.o" ${lib_objs[$tree]} -o "$out.exe" >"$out.link.log" 2>&1; then
                    status[$key]="n/a: does not link against the compiled library (see $out.link.log)"
                fi
            fi
        done
    done
done

# Median of one column of a results file.
median() {
    awk -v c="$2" '{ print $c }' "$1" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
cell() {  # tree name -> "cpu ratio rss" or the n/a reason
    local tree=$1 name=$2 out=$work/out/$1/$2
    if [[ ${status[$tree/$name]:-ok} != ok ]]; then
        echo "${status[$tree/$name]}"
        return
    fi
    local cpu base rss
    cpu=$(median "$out" 1)
    base=$(median "$work/out/$tree/eigen_only" 1)
    rss=$(median "$out" 3)
    awk -v c="$cpu" -v b="$base" -v m="$rss" 'BEGIN { printf "%.2f s (%.1f×, %d MB)\n", c, c / b, m / 1024 }'
}

# The targets of brine's compile-time work (issue #14), judged on this tree's medians: a verdict, or
# nothing for a row without a target.
verdict() {  # name -> "≤ …: met|missed (figure)"
    local name=$1 out=$work/out/after/$1 cpu base models rss
    [[ ${status[after/$name]:-ok} == ok ]] || return 0
    cpu=$(median "$out" 1)
    base=$(median "$work/out/after/eigen_only" 1)
    rss=$(median "$out" 3)
    models=""
    [[ -f $work/out/after/models_only && ${status[after/models_only]:-ok} == ok ]] &&
        models=$(median "$work/out/after/models_only" 1)
    case $name in
        load_binary) awk -v c="$cpu" -v b="$base" 'BEGIN { printf "≤ 4.5× Eigen only: **%s**\n", (c / b <= 4.5 ? "met" : "missed") }' ;;
        load_any) awk -v c="$cpu" -v b="$base" 'BEGIN { printf "≤ 6.5× Eigen only: **%s**\n", (c / b <= 6.5 ? "met" : "missed") }' ;;
        load_*_compiled)
            [[ -n $models ]] || return 0
            awk -v c="$cpu" -v m="$models" 'BEGIN { printf "≤ 1.5× models.hpp + predict (%.2f×): **%s**\n", c / m, (c / m <= 1.5 ? "met" : "missed") }' ;;
        train_save) awk -v c="$cpu" -v m="$rss" 'BEGIN { printf "≤ 12 s and ≤ 800 MB: **%s**\n", (c <= 12 && m / 1024 <= 800 ? "met" : "missed") }' ;;
    esac
}

echo
echo "Compile time: $cxx -O2 -c, one TU each, median of $runs run(s); CPU time (user + sys) of the"
echo "compiler, its ratio to the Eigen-only TU of the same tree, and peak compiler memory."
[[ -n $before ]] && echo "before: $before ($(git rev-parse --short "$rev")); after: this checkout ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- include src 2>/dev/null || echo ', with local changes'))"
echo
if [[ -n $before ]]; then
    echo "| program | before | after | target (after) |"
    echo "|---|---|---|---|"
else
    echo "| program | CPU s (× Eigen-only, peak memory) | target |"
    echo "|---|---|---|"
fi
for row in "${rows[@]}"; do
    IFS='|' read -r name _ _ label <<<"$row"
    line="| $label"
    for tree in "${trees[@]}"; do line+=" | $(cell "$tree" "$name")"; done
    echo "$line | $(verdict "$name") |"
done
line="| compiled-mode library, once (src/*.cpp)"
for tree in "${trees[@]}"; do
    if [[ ${lib_status[$tree]} == ok ]]; then
        # shellcheck disable=SC2086
        line+=" | $(cat ${lib_results[$tree]} | awk '{ c += $1; if ($3 > m) m = $3 } END { printf "%.2f s (peak %d MB)", c, m / 1024 }')"
    else
        line+=" | ${lib_status[$tree]}"
    fi
done
echo "$line |  |"

if [[ -n $json ]]; then
    {
        echo "{"
        sep=""
        for row in "${rows[@]}"; do
            IFS='|' read -r name _ _ _ <<<"$row"
            [[ ${status[after/$name]:-ok} == ok ]] || continue
            printf '%s  "%s": %.0f' "$sep" "$name" "$(awk -v c="$(median "$work/out/after/$name" 1)" 'BEGIN { print c * 1000 }')"
            sep=$',\n'
            # Peak compiler memory, for the report's verdicts: "<tu>_peak_mb".
            printf '%s  "%s_peak_mb": %.0f' "$sep" "$name" "$(awk -v m="$(median "$work/out/after/$name" 3)" 'BEGIN { print m / 1024 }')"
        done
        printf '\n}\n'
    } >"$json"
fi
