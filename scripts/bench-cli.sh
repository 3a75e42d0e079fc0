#!/usr/bin/env bash
# Measures `brine predict` on 10^6 CSV rows of 50 features with a StandardScaler +
# LogisticRegression pipeline, against reading the same CSV alone (`wc -l`), in one run.
#
# Usage: bash scripts/bench-cli.sh [ROWS]    (default 1000000)
# Environment: BRINE_BENCH_DIR (work directory, default build/bench/cli). Builds the brine
# command with the release preset; the model file is written as a JSON document and sealed with
# `brine reseal --recompute-reference`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rows=${1:-1000000}
features=50
work=${BRINE_BENCH_DIR:-$PWD/build/bench/cli}
mkdir -p "$work"

cmake --preset release >/dev/null
cmake --build --preset release --target brine_cli >/dev/null
brine=$PWD/build/release/tools/brine/brine

/usr/bin/python3 - "$work/model.json" "$features" <<'PY'
import json, random, sys
path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
names = ["f%d" % i for i in range(n)]
def mat(rows, cols, data):
    return {"rows": rows, "cols": cols, "data": data}
mean = [rng.uniform(-1, 1) for _ in range(n)]
scale = [rng.uniform(0.5, 2) for _ in range(n)]
coef = [rng.gauss(0, 0.3) for _ in range(n)]
ref = [[rng.uniform(-1, 1) for _ in range(n)] for _ in range(3)]
doc = {
    "format": "brine", "format_version": {"major": 1, "minor": 0},
    "header": {
        "kind": "pipeline", "schema_version": 1, "library_version": "0.1.0",
        "created": "2026-12-01T00:00:00Z",
        "metadata": {"feature_names": names, "target_name": "label", "class_labels": [],
                     "extra": [], "provenance": {"library_version": "", "trainer": "",
                     "options": [], "data_hash": "", "n_samples": 0, "metrics": []}},
        "reference": {"inputs": mat(3, n, [v for r in ref for v in r]),
                      "outputs": mat(3, 2, [0.0] * 6), "tolerance": 1e-9, "build": ""}},
    "payload": {"schema_version": 1,
        "steps": [{"kind": "standard_scaler", "model": {"schema_version": 1,
                   "mean": mat(n, 1, mean), "scale": mat(n, 1, scale)}}],
        "estimator": {"kind": "logistic_regression", "model": {"schema_version": 1,
                      "classes": mat(2, 1, [0.0, 1.0]), "coef": mat(1, n, coef),
                      "intercept": mat(1, 1, [0.1])}}},
    "checksum": "xxh64:0000000000000000"}
with open(path, "w") as f:
    json.dump(doc, f)
PY
"$brine" reseal --recompute-reference "$work/model.json" >/dev/null

csv=$work/rows.csv
if [[ ! -f $csv || $(wc -l <"$csv") != $((rows + 1)) ]]; then
    awk -v rows="$rows" -v n="$features" 'BEGIN {
        srand(7)
        for (j = 0; j < n; j++) printf "%sf%d", (j ? "," : ""), j
        printf "\n"
        for (i = 0; i < rows; i++) {
            for (j = 0; j < n; j++) printf "%s%.6f", (j ? "," : ""), 2 * rand() - 1
            printf "\n"
        }
    }' >"$csv"
fi
bytes=$(stat -c %s "$csv")
cat "$csv" >/dev/null  # into the page cache, as for both timed runs

seconds() {  # seconds CMD...: wall time of one run, stdout discarded
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}
t_read=$(seconds wc -l "$csv")
t_predict=$(seconds "$brine" predict "$work/model.json" "$csv")
t_proba=$(seconds "$brine" predict --proba "$work/model.json" "$csv")
printf 'CSV: %d rows x %d features, %d bytes (%s)\n' "$rows" "$features" "$bytes" "$csv"
printf '%-34s %8.3f s %12.0f rows/s %8.1f MB/s\n' \
    "wc -l (reading the CSV alone)" "$t_read" "$(echo "$rows / $t_read" | bc -l)" \
    "$(echo "$bytes / $t_read / 1000000" | bc -l)"
for what in predict proba; do
    t=$([[ $what == predict ]] && echo "$t_predict" || echo "$t_proba")
    label="brine predict$([[ $what == proba ]] && echo ' --proba')"
    printf '%-34s %8.3f s %12.0f rows/s %8.1f MB/s  (%.1fx the time of wc -l)\n' "$label" "$t" \
        "$(echo "$rows / $t" | bc -l)" "$(echo "$bytes / $t / 1000000" | bc -l)" \
        "$(echo "$t / $t_read" | bc -l)"
done
