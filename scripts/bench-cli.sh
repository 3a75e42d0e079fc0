#!/usr/bin/env bash
# Measures `brine predict` on 10^6 CSV rows of 50 features with a StandardScaler +
# LogisticRegression pipeline, against reading the same CSV alone (`wc -l`), one run each: wall
# and CPU seconds, rows/s and MB/s from the CPU time, and the ratio to wc -l.
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

# run CMD...: "wall cpu" seconds of one run (cpu = user + system), stdout discarded. On a shared
# machine the CPU time is the steadier figure; both are printed.
run() {
    local TIMEFORMAT='%R %U %S' t
    t=$({ time "$@" >/dev/null; } 2>&1 | tail -n 1)
    awk '{ printf "%s %.3f\n", $1, $2 + $3 }' <<<"$t"
}
read -r w_read c_read < <(run wc -l "$csv")
read -r w_predict c_predict < <(run "$brine" predict "$work/model.json" "$csv")
read -r w_proba c_proba < <(run "$brine" predict --proba "$work/model.json" "$csv")
printf 'CSV: %d rows x %d features, %d bytes (%s)\n' "$rows" "$features" "$bytes" "$csv"
printf '%-30s %9s %9s %13s %13s %9s\n' "" "wall s" "cpu s" "rows/s (cpu)" "MB/s (cpu)" "x wc -l"
line() {  # line LABEL WALL CPU
    printf '%-30s %9.3f %9.3f %13.0f %13.1f %9.2f\n' "$1" "$2" "$3" "$(echo "$rows / $3" | bc -l)" \
        "$(echo "$bytes / $3 / 1000000" | bc -l)" "$(echo "$3 / $c_read" | bc -l)"
}
line "wc -l (reading the CSV alone)" "$w_read" "$c_read"
line "brine predict" "$w_predict" "$c_predict"
line "brine predict --proba" "$w_proba" "$c_proba"
