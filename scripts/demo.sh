#!/usr/bin/env bash
# Installs what is missing, builds the examples (Release), then in a temporary directory trains and
# saves models with train_and_save and loads each saved file with load_and_predict, a separate
# program, predicting the rows train_and_save wrote for it (<name>_rows.csv for <name>.brine and
# <name>.json, or one rows.csv shared by all). Then the brine command inspects pipeline.brine and
# predicts pipeline_rows.csv with it.
#
# Usage: bash scripts/demo.sh     (BRINE_DEMO_KEEP=1 keeps the temporary directory)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/setup-debian.sh
echo "== Building the examples (preset release)"
cmake --preset release >/dev/null
if ! cmake --build --preset release --target train_and_save load_and_predict brine_cli; then
    echo "demo.sh: could not build the examples train_and_save, load_and_predict and brine" >&2
    exit 1
fi
bin="$root/build/release/examples"
brine="$root/build/release/tools/brine/brine"

work=$(mktemp -d "${TMPDIR:-/tmp}/brine-demo.XXXXXX")
if [[ ${BRINE_DEMO_KEEP:-0} == 1 ]]; then
    echo "demo.sh: keeping $work"
else
    trap 'rm -rf "$work"' EXIT
fi
cd "$work"

echo
echo "== train_and_save (in $work)"
"$bin/train_and_save"

shopt -s nullglob
models=(*.brine *.json)
if [[ ${#models[@]} -eq 0 ]]; then
    echo "demo.sh: train_and_save wrote no model files" >&2
    exit 1
fi
ls -l

for model in "${models[@]}"; do
    rows=${model%.*}_rows.csv
    [[ -f $rows ]] || rows=rows.csv
    if [[ ! -f $rows ]]; then
        echo "demo.sh: no ${model%.*}_rows.csv or rows.csv to predict with $model" >&2
        exit 1
    fi
    echo
    echo "== load_and_predict $model $rows"
    "$bin/load_and_predict" "$model" "$rows"
done
echo
echo "== brine inspect pipeline.brine"
"$brine" inspect pipeline.brine
echo
echo "== brine predict pipeline.brine pipeline_rows.csv"
"$brine" predict pipeline.brine pipeline_rows.csv
echo
echo "demo.sh: ${#models[@]} model files saved, then loaded and used for predictions"
