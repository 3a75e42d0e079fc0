#!/usr/bin/env bash
# Tests of the brine command on real files: output and exit status, per group of cases.
#
# Usage: cli_test.sh BRINE DATA_DIR GROUP
#   BRINE     the brine executable
#   DATA_DIR  tests/data (golden files in golden/format-1.0, CSV files in cli/)
#   GROUP     usage | inspect | convert | reseal | predict | predict-errors | import-xgboost | diff |
#             signing
set -uo pipefail
brine=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
data=$(cd "$2" && pwd)
group=$3
golden=$data/golden/format-1.0
csv=$data/cli
work=$(mktemp -d "${TMPDIR:-/tmp}/brine-cli-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
out=$work/stdout
err=$work/stderr

fail() {
    echo "FAIL: $*" >&2
    echo "  stdout: $(head -c 2000 "$out")" >&2
    echo "  stderr: $(head -c 2000 "$err")" >&2
    failures=$((failures + 1))
}

# run STATUS ARGS...: runs brine with ARGS, stdout to $out and stderr to $err, and checks the
# exit status.
run() {
    local want=$1
    shift
    "$brine" "$@" >"$out" 2>"$err"
    local got=$?
    [[ $got == "$want" ]] || fail "brine $* exited with $got, expected $want"
}

# run_in STATUS INPUT ARGS...: as run, with INPUT on standard input.
run_in() {
    local want=$1 input=$2
    shift 2
    "$brine" "$@" <"$input" >"$out" 2>"$err"
    local got=$?
    [[ $got == "$want" ]] || fail "brine $* < $input exited with $got, expected $want"
}

has() {  # has FILE TEXT: FILE contains TEXT (fixed string)
    grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks: $2"
}
lacks() {
    ! grep -qF -- "$2" "$1" || fail "$(basename "$1") has: $2"
}
lines() {  # lines FILE N
    local n
    n=$(wc -l <"$1")
    [[ $n == "$2" ]] || fail "$(basename "$1") has $n lines, expected $2"
}

# same_numbers A B TOL: the CSV files A and B, without their header lines, hold the same numbers
# within TOL relative to max(1, |b|).
same_numbers() {
    awk -F, -v tol="$3" '
        FNR == 1 { next }
        NR == FNR { a[FNR] = $0; n = FNR; next }
        {
            if (!(FNR in a)) { print "extra line " FNR; bad = 1; next }
            split(a[FNR], x, ","); m = split($0, y, ",")
            for (i = 1; i <= m; i++) {
                d = x[i] - y[i]; if (d < 0) d = -d
                s = y[i] < 0 ? -y[i] : y[i]; if (s < 1) s = 1
                if (d > tol * s) { print "line " FNR " column " i ": " x[i] " vs " y[i]; bad = 1 }
            }
            seen = FNR
        }
        END { if (seen != n) { print seen " lines, expected " n; bad = 1 }; exit bad }
    ' "$1" "$2" >"$work/cmp" || fail "$1 vs $2: $(cat "$work/cmp")"
}

damaged_copy() {  # damaged_copy SRC DST: SRC with one payload byte flipped near its end
    cp "$1" "$2"
    local size
    size=$(stat -c %s "$2")
    local at=$((size - 12))
    local byte
    byte=$(od -An -tu1 -j "$at" -N1 "$2" | tr -d ' ')
    printf "$(printf '\\%03o' $(((byte + 1) % 256)))" |
        dd of="$2" bs=1 seek="$at" conv=notrunc status=none
}

case $group in
usage)
    run 2
    has "$err" "usage: brine <command>"
    run 0 --help
    has "$out" "Exit status:"
    run 0 --version
    has "$out" "brine "
    run 2 frobnicate
    has "$err" "unknown command 'frobnicate'"
    for c in inspect verify convert predict reseal diff; do
        run 0 "$c" --help
        has "$out" "usage: brine $c"
    done
    run 2 inspect --no-such-option "$golden/linear_regression.brine"
    has "$err" "brine inspect: unknown option --no-such-option (see brine inspect --help)"
    run 2 convert "$golden/linear_regression.brine"
    has "$err" "needs IN and OUT"
    run 2 predict
    run 2 predict --delimiter ab "$golden/linear_regression.brine"
    run 2 diff --tolerance -1 "$golden/linear_regression.brine" "$golden/linear_regression.json"
    ;;

inspect)
    run 0 inspect "$golden/pipeline_classifier.brine"
    has "$out" "format: binary 1.0"
    has "$out" "kind: pipeline (schema 1)"
    has "$out" "written by: brine 0.1.0"
    has "$out" "created: 2026-11-26T00:00:00Z"
    has "$out" "feature names: x0, x1"
    has "$out" "extra golden: pipeline_classifier"
    has "$out" "reference rows: 4 (tolerance 1e-09"
    has "$out" "features: 2"
    has "$out" "classes: 3"
    has "$out" "steps: standard_scaler, min_max_scaler"
    has "$out" "estimator: logistic_regression"
    has "$out" "(verified)"
    has "$out" "signature: none"
    has "$out" "status: ok"
    run 0 inspect "$golden/decision_tree_classifier.json"
    has "$out" "format: json 1.0"
    has "$out" "nodes: 5"
    run 0 inspect --json "$golden/linear_regression_multi.json" "$golden/standard_scaler.brine"
    has "$out" '"kind":"linear_regression"'
    has "$out" '"outputs":2'
    has "$out" '"kind":"standard_scaler"'
    has "$out" '"status":"ok"'
    has "$out" '"inputs":[['
    has "$out" '"feature_names":["x0","x1","x2"]'
    run 0 inspect --header-only "$golden/pipeline_tree.brine"
    lacks "$out" "status:"
    # missing file
    run 3 inspect "$work/no-such-file.brine"
    has "$err" "brine: I/O error:"
    has "$err" "no-such-file.brine"
    # not a brine file (a CSV), a pickle
    run 4 inspect "$csv/linear_regression_inputs.csv"
    has "$err" "brine: not a brine file:"
    printf '\x80\x04\x95\x00\x00' >"$work/model.pkl"
    run 4 inspect "$work/model.pkl"
    has "$err" "looks like a Python pickle"
    # truncated
    head -c 100 "$golden/pipeline_classifier.brine" >"$work/truncated.brine"
    run 5 inspect "$work/truncated.brine"
    has "$err" "brine: truncated file:"
    head -c 200 "$golden/pipeline_classifier.json" >"$work/truncated.json"
    run 5 inspect "$work/truncated.json"
    has "$err" "truncated.json"
    # damaged: the header is still shown, the checksum is reported
    damaged_copy "$golden/pipeline_classifier.brine" "$work/damaged.brine"
    run 5 inspect "$work/damaged.brine"
    has "$out" "kind: pipeline"
    has "$out" "checksum: mismatch"
    has "$out" "status: refused"
    has "$err" "brine: checksum mismatch:"
    # a kind this build does not know
    sed 's/"kind": "pipeline"/"kind": "neural_network"/' "$golden/pipeline_classifier.json" \
        >"$work/unknown_kind.json"
    run 4 inspect "$work/unknown_kind.json"
    has "$err" "unknown model kind 'neural_network'"
    # hostile JSON: deep nesting, duplicate keys, a JSON document that is not brine's
    { printf '{"format": "brine", "format_version": '; printf '%0.s[' $(seq 1 5000); } \
        >"$work/deep.json"
    run 5 inspect "$work/deep.json"
    has "$err" "deep.json"
    sed '0,/"format": "brine",/s//"format": "brine", "format": "brine",/' \
        "$golden/linear_regression.json" >"$work/duplicate.json"
    run 5 verify "$work/duplicate.json"
    has "$err" "duplicate"
    echo '{"name": "not a model"}' >"$work/other.json"
    run 4 inspect "$work/other.json"
    has "$err" "brine: not a brine file:"

    # verify
    run 0 verify "$golden"/*.brine "$golden"/*.json
    has "$out" "pipeline_tree.json: ok (pipeline, json)"
    lines "$out" "$(find "$golden" -maxdepth 1 \( -name '*.brine' -o -name '*.json' \) | wc -l)"
    run 5 verify "$golden/linear_regression.brine" "$work/damaged.brine" "$work/no-such"
    has "$out" "linear_regression.brine: ok"
    has "$err" "damaged.brine"
    has "$err" "brine: I/O error:"
    run 3 verify --json "$work/no-such" "$golden/linear_regression.json"
    has "$out" '"ok":false'
    has "$out" '"code":"I/O error"'
    has "$out" '"ok":true,"kind":"linear_regression"'
    # a model whose invariants fail (a tree child pointing back to the root)
    sed 's/"data": \[1, -1, 3, -1, -1\]/"data": [0, -1, 3, -1, -1]/' \
        "$golden/decision_tree_classifier.json" >"$work/cyclic.json"
    run 6 reseal -o "$work/cyclic_sealed.json" "$work/cyclic.json"
    has "$err" "brine: invalid model:"
    ;;

convert)
    # Golden files of an older schema of their kind: convert writes the current schema.
    upgraded=" tree_ensemble_forest tree_ensemble_boosted_binary tree_ensemble_regressor "
    for f in "$golden"/*.brine; do
        name=$(basename "$f" .brine)
        run 0 convert "$f" "$work/$name.json"
        run 0 convert "$golden/$name.json" "$work/$name.brine"
        if [[ $upgraded == *" $name "* ]]; then
            # the same model in the current schema: identical to the original, and converting the
            # new JSON gives the new binary file byte for byte
            run 0 diff "$f" "$work/$name.brine"
            has "$out" "identical"
            run 0 diff "$golden/$name.json" "$work/$name.json"
            has "$out" "identical"
            run 0 convert "$work/$name.json" "$work/$name.again.brine"
            cmp -s "$work/$name.again.brine" "$work/$name.brine" ||
                fail "convert of the upgraded $name.json differs from the upgraded $name.brine"
            cmp -s "$work/$name.brine" "$f" && fail "convert kept $name in its older schema"
            continue
        fi
        # binary -> JSON gives the golden JSON file, byte for byte, and back again
        cmp -s "$work/$name.json" "$golden/$name.json" || fail "convert $name.brine differs from $name.json"
        cmp -s "$work/$name.brine" "$f" || fail "convert $name.json differs from $name.brine"
    done
    run 0 convert --to json "$golden/standard_scaler.brine" "$work/scaler.model"
    head -c 1 "$work/scaler.model" | grep -q '{' || fail "--to json wrote no JSON"
    run 0 inspect "$work/scaler.model"
    has "$out" "extra golden: standard_scaler"
    has "$out" "reference rows: 4"
    run 2 convert --to yaml "$golden/standard_scaler.brine" "$work/x"
    # errors: nothing is written
    damaged_copy "$golden/linear_regression.brine" "$work/damaged.brine"
    run 5 convert "$work/damaged.brine" "$work/out.json"
    [[ ! -e $work/out.json ]] || fail "convert of a damaged file wrote its output"
    run 3 convert "$work/no-such.brine" "$work/out.json"
    run 3 convert "$golden/linear_regression.brine" "$work/no-such-dir/out.json"
    has "$err" "brine: I/O error:"
    ;;

reseal)
    cp "$golden/logistic_regression_binary.json" "$work/m.json"
    # an edit of the metadata: the checksum no longer matches until resealed
    sed -i 's/"target_name": "y"/"target_name": "churn"/' "$work/m.json"
    run 5 verify "$work/m.json"
    has "$err" "brine: checksum mismatch:"
    run 0 reseal "$work/m.json"
    has "$out" "resealed"
    run 0 verify "$work/m.json"
    run 0 inspect "$work/m.json"
    has "$out" "target: churn"
    run 1 diff "$golden/logistic_regression_binary.json" "$work/m.json"
    has "$out" 'header.metadata.target_name: "y" vs "churn"'
    # an edit that changes predictions: refused unless the reference is recomputed
    sed -i 's/"data": \[1.5, -0.75\]/"data": [1.5, -0.5]/' "$work/m.json"
    cp "$work/m.json" "$work/before.json"
    run 6 reseal "$work/m.json"
    has "$err" "brine: reference mismatch:"
    has "$err" "--recompute-reference"
    cmp -s "$work/m.json" "$work/before.json" || fail "a refused reseal changed the file"
    run 0 reseal --recompute-reference -o "$work/sealed.json" "$work/m.json"
    cmp -s "$work/m.json" "$work/before.json" || fail "reseal -o changed its input"
    run 0 verify "$work/sealed.json"
    run 1 diff "$golden/logistic_regression_binary.json" "$work/sealed.json"
    has "$out" "payload.coef.data: 1 of 2 values differ; largest at [1]: -0.75 vs -0.5, |A-B| = 0.25"
    has "$out" "header.reference.outputs.data: 8 of 8 values differ"
    # what a load refuses for another reason is refused
    sed 's/"data": \[1.5, -0.75\]/"data": [1.5, "NaN"]/' "$golden/logistic_regression_binary.json" \
        >"$work/nan.json"
    run 6 reseal "$work/nan.json"
    has "$err" "brine: invalid model:"
    sed 's/"schema_version": 1,/"schema_version": 99,/' "$golden/logistic_regression_binary.json" \
        >"$work/newer.json"
    run 4 reseal "$work/newer.json"
    has "$err" "brine: unsupported version:"
    head -c 300 "$golden/logistic_regression_binary.json" >"$work/cut.json"
    run 5 reseal "$work/cut.json"
    run 7 reseal "$golden/logistic_regression_binary.brine"
    has "$err" "reseal rewrites JSON documents"
    run 3 reseal "$work/no-such.json"
    ;;

predict)
    # regression: one target, several targets; from a file and from standard input
    run 0 predict "$golden/linear_regression.brine" "$csv/linear_regression_inputs.csv"
    has "$out" "y"
    same_numbers "$out" "$csv/linear_regression_expected.csv" 1e-15
    run_in 0 "$csv/linear_regression_inputs.csv" predict "$golden/linear_regression.json" -
    same_numbers "$out" "$csv/linear_regression_expected.csv" 1e-15
    run 0 predict "$golden/linear_regression_multi.brine" "$csv/linear_regression_multi_inputs.csv"
    has "$out" "y_0,y_1"
    same_numbers "$out" "$csv/linear_regression_multi_expected.csv" 1e-14
    # classification: labels and probabilities; columns in another order, with an unused one
    run 0 predict "$golden/logistic_regression_binary.brine" "$csv/logistic_regression_binary_inputs.csv"
    same_numbers "$out" "$csv/logistic_regression_binary_expected.csv" 0
    run 0 predict --proba "$golden/logistic_regression_binary.brine" "$csv/logistic_regression_binary_reordered.csv"
    has "$out" "proba_-1,proba_1"
    same_numbers "$out" "$csv/logistic_regression_binary_expected_proba.csv" 1e-14
    run 0 predict --proba -o "$work/p.csv" "$golden/pipeline_classifier.json" "$csv/pipeline_classifier_reordered.csv"
    same_numbers "$work/p.csv" "$csv/pipeline_classifier_expected_proba.csv" 1e-12
    # a scaler transforms; an empty cell stays missing (NaN) by the scaler's policy
    run 0 predict "$golden/standard_scaler.brine" "$csv/standard_scaler_reordered.csv"
    has "$out" "x0,x1"
    same_numbers "$out" "$csv/standard_scaler_expected.csv" 1e-15
    printf 'x0,x1\n3,\nNaN,1\n' >"$work/missing.csv"
    run 0 predict "$golden/standard_scaler.brine" "$work/missing.csv"
    has "$out" "4,NaN"
    has "$out" "NaN,1"
    # an imputer fills empty cells, drops the feature that was all missing at fit, and appends
    # its indicator columns, named as scikit-learn names them
    printf 'x0,x1,x2\n1,2,\n,,4\n' >"$work/impute.csv"
    run 0 predict "$golden/simple_imputer.brine" "$work/impute.csv"
    has "$out" "x0,x2,missingindicator_x1,missingindicator_x2"
    has "$out" "1,-3.5,0,1"
    has "$out" "0.25,4,1,0"
    # a one-hot encoder: one column per kept category, named <feature>_<category>; an empty cell
    # is NaN, a category of its own; an unknown value with handle_unknown error is refused
    printf 'x2,x1,x0\n-1.85,7,2.1499999999999996\n-0.45000000000000048,,0.05\n' >"$work/onehot.csv"
    run 0 predict "$golden/one_hot_encoder_drop.brine" "$work/onehot.csv"
    has "$out" "x0_2.1499999999999995,x1_-0.55,x1_7,x1_nan,x2_-1.85,x2_-0"
    has "$out" "1,0,1,0,1,0"
    has "$out" "0,0,0,1,0,0"
    printf 'x0,x1\n0.05,-1.25\n9,-1.25\n' >"$work/onehot_unknown.csv"
    run 7 predict "$golden/one_hot_encoder.brine" "$work/onehot_unknown.csv"
    has "$err" "line 3, column 1 ('x0'): OneHotEncoder: input row 1, column 0 is 9, not one of the 5 categories"
    lines "$out" 2
    # no header: columns in the model's order; quoted fields, CRLF line ends, blank lines
    tail -n +2 "$csv/logistic_regression_binary_inputs.csv" >"$work/noheader.csv"
    run 0 predict --no-header --proba "$golden/logistic_regression_binary.brine" "$work/noheader.csv"
    same_numbers "$out" "$csv/logistic_regression_binary_expected_proba.csv" 1e-14
    printf '"x1";"x0"\r\n\r\n"-0.75";"1.5"\r\n' >"$work/semicolon.csv"
    run 0 predict --delimiter ';' "$golden/standard_scaler.brine" "$work/semicolon.csv"
    has "$out" "x0;x1"
    has "$out" "1;0.4166666666666667"
    # class names stored in the file are written instead of class values
    sed 's/"class_labels": \[\]/"class_labels": ["no", "yes"]/' \
        "$golden/logistic_regression_binary.json" >"$work/named.json"
    run 0 reseal "$work/named.json"
    run 0 predict "$work/named.json" "$csv/logistic_regression_binary_inputs.csv"
    has "$out" "yes"
    run 0 predict --proba "$work/named.json" "$csv/logistic_regression_binary_inputs.csv"
    has "$out" "proba_no,proba_yes"
    # more rows than one block (4096): every row comes out, in order
    awk 'BEGIN { print "x1,x0"; for (i = 0; i < 10000; i++) printf "%d,%d\n", i % 7, i % 5 }' \
        >"$work/many.csv"
    run 0 predict "$golden/standard_scaler.brine" "$work/many.csv"
    lines "$out" 10001
    [[ $(sed -n 10001p "$out") == "6,1.6666666666666667" ]] ||
        fail "row 10000 of many.csv: $(sed -n 10001p "$out")"
    ;;

predict-errors)
    model=$golden/pipeline_classifier.brine
    # missing columns are named
    printf 'x0,x9\n1,2\n' >"$work/missing_col.csv"
    run 7 predict "$model" "$work/missing_col.csv"
    has "$err" "brine: shape mismatch:"
    has "$err" "line 1: the CSV header does not name the model's features: 1 of the model's 2 features is missing from the 2 input columns: 'x1' (feature 1)"
    # a repeated name is refused (which column is meant?), naming it and its columns
    printf 'x1,x0,x1\n1,2,3\n' >"$work/repeated_col.csv"
    run 7 predict "$model" "$work/repeated_col.csv"
    has "$err" "the input's column names repeat"
    tail -n +2 "$csv/pipeline_classifier_inputs.csv" >"$work/noheader.csv"
    run 7 predict "$model" "$work/noheader.csv"
    has "$err" "the first line looks like data"
    # a cell that is not a number: line and column; the rows before it are written
    printf 'x0,x1\n1,2\n3,abc\n5,6\n' >"$work/bad_cell.csv"
    run 7 predict "$model" "$work/bad_cell.csv"
    has "$err" "brine: invalid input: '$work/bad_cell.csv': line 3, column 2 ('x1'): 'abc' is not a number"
    lines "$out" 2
    # a NaN (empty cell) the estimator refuses, after a block boundary
    awk 'BEGIN { print "x1,x0"; for (i = 0; i < 5000; i++) print (i == 4500 ? "" : i % 3) "," i % 2 }' \
        >"$work/nan_late.csv"
    run 7 predict "$model" "$work/nan_late.csv"
    has "$err" "line 4502, column 1 ('x1'): Pipeline: input row"
    has "$err" "is NaN"
    lines "$out" 4501
    printf 'x0,x1\n1,inf\n' >"$work/inf.csv"
    run 7 predict "$golden/standard_scaler.brine" "$work/inf.csv"
    has "$err" "line 2, column 2 ('x1')"
    has "$err" "+infinity"
    # wrong number of fields, a broken quote
    printf 'x0,x1\n1,2,3\n' >"$work/fields.csv"
    run 7 predict "$model" "$work/fields.csv"
    has "$err" "line 2: 3 fields, expected 2"
    printf 'x0,x1\n1,"2\n' >"$work/quote.csv"
    run 7 predict "$model" "$work/quote.csv"
    has "$err" "line 2, column 2: a quoted field does not end on its line"
    # probabilities of a regressor; an empty input; missing files
    run 7 predict --proba "$golden/linear_regression.brine" "$csv/linear_regression_inputs.csv"
    has "$err" "brine: invalid argument: predict_proba needs a classifier"
    : >"$work/empty.csv"
    run 7 predict "$model" "$work/empty.csv"
    has "$err" "no header line"
    run 3 predict "$model" "$work/no-such.csv"
    run 3 predict "$work/no-such.brine" "$csv/pipeline_classifier_inputs.csv"
    run 4 predict "$csv/pipeline_classifier_inputs.csv" "$csv/pipeline_classifier_inputs.csv"
    ;;

import-xgboost)
    x=$data/xgboost_import/reg_logistic_diabetes
    cut -d, -f1-10 "$data/../../examples/data/diabetes.csv" >"$work/rows.csv"
    # JSON and UBJSON files of the same XGBoost model give the same predictions, XGBoost's own
    # (expected.csv's out_0 for the dataset's rows, written by XGBoost 1.7; XGBoost applies its
    # link in float32, hence 1e-6)
    run 0 import-xgboost "$x/model.json" "$work/a.brine"
    has "$out" "objective reg:logistic"
    run 0 import-xgboost --to json "$x/model.ubj" "$work/b.model"
    head -c 1 "$work/b.model" | grep -q '{' || fail "--to json wrote no JSON"
    run 0 verify "$work/a.brine" "$work/b.model"
    run 0 inspect "$work/a.brine"
    has "$out" "tree_ensemble"
    has "$out" "reg:logistic"
    run 0 predict "$work/a.brine" "$work/rows.csv"
    cp "$out" "$work/pa.csv"
    run 0 predict "$work/b.model" "$work/rows.csv"
    cmp -s "$out" "$work/pa.csv" || fail "the JSON and UBJSON imports predict differently"
    head -n "$(wc -l <"$work/rows.csv")" "$x/expected.csv" | cut -d, -f2 >"$work/xgb.csv"
    same_numbers "$work/pa.csv" "$work/xgb.csv" 1e-6
    # refusals: nothing is written
    sed 's/"reg:logistic"/"reg:gamma"/' "$x/model.json" >"$work/gamma.json"
    run 4 import-xgboost "$work/gamma.json" "$work/gamma.brine"
    has "$err" "reg:gamma"
    [[ ! -e $work/gamma.brine ]] || fail "a refused import wrote its output"
    head -c 2000 "$x/model.json" >"$work/cut.json"
    run 5 import-xgboost "$work/cut.json" "$work/cut.brine"
    [[ ! -e $work/cut.brine ]] || fail "a refused import wrote its output"
    run 3 import-xgboost "$work/no-such.json" "$work/x.brine"
    run 2 import-xgboost "$x/model.json"
    run 0 import-xgboost --help
    has "$out" "usage: brine import-xgboost"
    ;;

diff)
    run 0 diff "$golden/pipeline_tree.brine" "$golden/pipeline_tree.json"
    has "$out" "identical"
    run 1 diff "$golden/logistic_regression_binary.brine" "$golden/pipeline_classifier.brine"
    has "$out" 'header.kind: "logistic_regression" vs "pipeline"'
    run 1 diff --json "$golden/standard_scaler.brine" "$golden/min_max_scaler.json"
    has "$out" '"identical":false'
    has "$out" '"path":"header.kind"'
    # a parameter within --tolerance counts as equal
    sed 's/"data": \[1.5, -0.75\]/"data": [1.5, -0.7500001]/' \
        "$golden/logistic_regression_binary.json" >"$work/near.json"
    run 0 reseal --recompute-reference "$work/near.json"
    # the original, with its reference recomputed by this build too (the build is in the header)
    cp "$golden/logistic_regression_binary.json" "$work/base.json"
    run 0 reseal --recompute-reference "$work/base.json"
    run 1 diff "$work/base.json" "$work/near.json"
    has "$out" "payload.coef.data: 1 of 2 values differ"
    run 0 diff --tolerance 1e-6 "$work/base.json" "$work/near.json"
    run 3 diff "$golden/pipeline_tree.brine" "$work/no-such.brine"
    damaged_copy "$golden/pipeline_tree.brine" "$work/damaged.brine"
    run 5 diff "$golden/pipeline_tree.brine" "$work/damaged.brine"
    has "$err" "damaged.brine"
    ;;

signing)
    cd "$work" || exit 1
    run 0 keygen --public "$work/a.pub" --secret "$work/a.key"
    has "$out" "key id"
    run 3 keygen --public "$work/a.pub" --secret "$work/a.key"
    run 0 keygen --public "$work/b.pub" --secret "$work/b.key"
    cp "$golden/pipeline_tree.brine" "$work/m.brine"
    run 2 sign --secret "$work/a.key" "$work/m.brine"
    has "$err" "--name is required"
    run 0 sign --secret "$work/a.key" --name scorer --version 3 "$work/m.brine"
    [[ -f $work/m.brine.minisig ]] || fail "no signature written"
    run 0 inspect "$work/m.brine"
    has "$out" "m.brine.minisig (not verified here"
    run 0 verify --key "$work/a.pub" --name scorer --min-version 3 "$work/m.brine"
    has "$out" "scorer version 3"
    run 0 verify --key "$(tail -n 1 "$work/a.pub")" "$work/m.brine"
    run 8 verify --key "$work/b.pub" "$work/m.brine"
    has "$err" "brine: untrusted key:"
    run 8 verify --key "$work/a.pub" --name other "$work/m.brine"
    has "$err" "brine: name mismatch:"
    run 8 verify --key "$work/a.pub" --min-version 4 "$work/m.brine"
    has "$err" "brine: version rollback:"
    run 8 verify --key "$work/a.pub" "$golden/pipeline_tree.json"
    has "$err" "brine: missing signature:"
    damaged_copy "$golden/pipeline_tree.brine" "$work/m.brine"
    run 8 verify --key "$work/a.pub" "$work/m.brine"
    has "$err" "brine: bad signature:"
    run 2 verify --name scorer "$work/m.brine"
    ;;

*)
    echo "unknown group $group" >&2
    exit 2
    ;;
esac

if ((failures)); then
    echo "$failures failure(s) in group $group" >&2
    exit 1
fi
echo "group $group: ok"
