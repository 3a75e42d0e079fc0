#!/usr/bin/env bash
# Load time and peak RSS of the worst file of each product class at three sizes, for two versions
# of brine in one run: BEFORE (a git revision, default main) and this checkout.
#
# Usage: bash scripts/load_cost.sh [before-revision, default main] [timeout seconds per load, 120]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
before=${1:-main}
timeout=${2:-120}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/before"
git archive "$before" include | tar -x -C "$work/before"
flags=(-std=c++17 -O2 -DNDEBUG -I tests/support -I /usr/include/eigen3)
g++ "${flags[@]}" -I "$work/before/include" bench/load_cost.cpp -o "$work/load_cost_before"
g++ "${flags[@]}" -I include bench/load_cost.cpp -o "$work/load_cost_after"
echo "== before ($before, $(git rev-parse --short "$before"))"
"$work/load_cost_before" "$work" "$timeout"
echo "== after (this checkout, $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- include || echo ' + uncommitted'))"
"$work/load_cost_after" "$work" "$timeout"
