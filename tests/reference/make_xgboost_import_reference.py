#!/usr/bin/python3
# Writes the XGBoost model files and predictions that tests/import/xgboost_import_test.cpp imports
# with brine::import_xgboost and compares.
# SPDX-License-Identifier: MIT
"""Train small XGBoost models, save them as JSON and UBJSON, and record XGBoost's own predictions.

Run with Debian's Python (XGBoost 1.7.4):

    /usr/bin/python3 tests/reference/make_xgboost_import_reference.py

For every case, tests/data/xgboost_import/<case>/ receives:
  model.json, model.ubj   Booster.save_model's two encodings of the same model
  inputs.csv              the rows predicted: `row, feature, value` = dataset row `row` (of
                          examples/data/<dataset>.csv, with the NaN pattern below when the case
                          uses it) with feature `feature` set to `value` (feature -1: unchanged).
                          First every dataset row, then for every split node of the trees XGBoost
                          predicts with, a row reaching it with the node's feature set to the
                          threshold, to the float32 values one ulp either side, and to NaN
  expected.csv            XGBoost's output_margin (one column per class or 1), then its predict()
                          (a probability for binary:logistic and reg:logistic, the class for
                          multi:softmax, one column per class for multi:softprob), as float32
                          values written exactly; with the iteration range the sklearn wrapper
                          uses (best_iteration + 1 iterations when the model has one)
  expected_all.csv        (early-stopping cases) the same with every tree
  leaves.csv              XGBoost's pred_leaf (node ids) for the first 20 rows, same trees
The NaN pattern (cases named *_nan): cell (i, j) of the dataset is NaN when (7 i + 3 j) % 11 == 0.
"""

import os

import numpy as np
import xgboost

from reference_common import ROOT, load_example, write_csv

OUT = os.path.join(ROOT, "tests", "data", "xgboost_import")


def load_dataset(name, nan):
    X, y = load_example(name)
    if nan:
        i, j = np.indices(X.shape)
        X[(7 * i + 3 * j) % 11 == 0] = np.nan
    return X, y


def split_nodes(bst, n_trees):
    """(feature, threshold) of every split node of the first n_trees trees, from the JSON dump."""
    import json
    out = []
    for text in bst.get_dump(dump_format="json")[:n_trees]:
        stack = [json.loads(text)]
        while stack:
            node = stack.pop()
            if "children" in node:
                out.append((int(node["split"][1:]), np.float32(node["split_condition"])))
                stack.extend(node["children"])
    return out


def reaching_row(X, feature):
    """A dataset row whose `feature` is not missing (any row will do: only the edited value counts
    for the node; the rest of the row takes the row's own path)."""
    rows = np.nonzero(~np.isnan(X[:, feature]))[0]
    return int(rows[0]) if len(rows) else 0


def case(name, dataset, params, rounds, nan=False, early_stopping=None):
    X, y = load_dataset(dataset, nan)
    if params.get("objective") == "reg:logistic":
        y = (y - y.min()) / (y.max() - y.min())
    if params.get("objective") == "reg:squaredlogerror":
        # On the raw targets (25 to 346) the log-error gains are too small to split at all.
        y = y / 100.0
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    if early_stopping:
        order = np.random.default_rng(1).permutation(len(X))
        train, valid = order[: len(X) // 2], order[len(X) // 2:]
        dtrain = xgboost.DMatrix(X[train], label=y[train], missing=np.nan)
        dvalid = xgboost.DMatrix(X[valid], label=y[valid], missing=np.nan)
        bst = xgboost.train(params, dtrain, num_boost_round=rounds, evals=[(dvalid, "valid")],
                            early_stopping_rounds=early_stopping, verbose_eval=False)
        best = int(bst.attr("best_iteration"))
        assert best + 1 < bst.num_boosted_rounds(), "early stopping did not leave extra rounds"
        used = (0, best + 1)
    else:
        bst = xgboost.train(params, xgboost.DMatrix(X, label=y, missing=np.nan),
                            num_boost_round=rounds)
        used = (0, 0)  # every tree
    bst.save_model(os.path.join(folder, "model.json"))
    bst.save_model(os.path.join(folder, "model.ubj"))
    groups = max(int(params.get("num_class", 1)), 1) * int(params.get("num_parallel_tree", 1))
    n_used = (used[1] if used[1] else bst.num_boosted_rounds()) * groups
    edits = [[r, -1, 0.0] for r in range(len(X))]
    for feature, thr in split_nodes(bst, n_used):
        r = reaching_row(X, feature)
        for v in [thr, np.nextafter(thr, np.float32(-np.inf)), np.nextafter(thr, np.float32(np.inf)),
                  np.nan]:
            edits.append([r, feature, float(v)])
    A = np.array([X[int(r)] for r, _, _ in edits])
    for k, (r, f, v) in enumerate(edits):
        if f >= 0:
            A[k, int(f)] = v
    write_csv(os.path.join(folder, "inputs.csv"), ["row", "feature", "value"], edits)
    dm = xgboost.DMatrix(A, missing=np.nan)

    def expected(file, iteration_range):
        margin = bst.predict(dm, output_margin=True, iteration_range=iteration_range)
        out = bst.predict(dm, iteration_range=iteration_range)
        margin = margin.reshape(len(A), -1)
        out = out.reshape(len(A), -1)
        header = (["margin_%d" % k for k in range(margin.shape[1])]
                  + ["out_%d" % k for k in range(out.shape[1])])
        write_csv(os.path.join(folder, file), header, np.column_stack([margin, out]))

    expected("expected.csv", used)
    # XGBoost's node ids of the leaves the first 20 rows reach in every tree used.
    leaves = bst.predict(xgboost.DMatrix(A[:20], missing=np.nan), pred_leaf=True,
                         iteration_range=used)
    write_csv(os.path.join(folder, "leaves.csv"),
              ["tree_%d" % t for t in range(leaves.reshape(20, -1).shape[1])], leaves.reshape(20, -1))
    if early_stopping:
        expected("expected_all.csv", (0, 0))
    with open(os.path.join(folder, "DATASET"), "w") as f:
        f.write(dataset + "\n")


def fuzz_seeds():
    """Tiny models, both encodings, as seeds of tests/fuzz/corpus/fuzz_import_xgboost."""
    folder = os.path.join(ROOT, "tests", "fuzz", "corpus", "fuzz_import_xgboost")
    os.makedirs(folder, exist_ok=True)
    X, y = load_dataset("iris", True)
    small = dict(max_depth=2, eta=0.5, seed=0, nthread=1)
    models = {
        "binary": (dict(small, objective="binary:logistic"), (y > 0).astype(float), 2),
        "multi": (dict(small, objective="multi:softprob", num_class=3, num_parallel_tree=2,
                       max_depth=1), y, 1),
        "regression": (dict(small, objective="reg:squarederror"), y, 2),
    }
    for name, (params, label, rounds) in models.items():
        bst = xgboost.train(params, xgboost.DMatrix(X[:, :2], label=label, missing=np.nan),
                            num_boost_round=rounds)
        for ext in ("json", "ubj"):
            bst.save_model(os.path.join(folder, "%s.%s" % (name, ext)))


def main():
    assert xgboost.__version__.startswith("1.7"), xgboost.__version__
    base = dict(max_depth=3, eta=0.3, seed=0, nthread=1)
    case("reg_squarederror_diabetes_nan", "diabetes",
         dict(base, objective="reg:squarederror", base_score=150.0), 4, nan=True)
    case("reg_logistic_diabetes", "diabetes", dict(base, objective="reg:logistic", base_score=0.3),
         4)
    case("binary_logistic_breast_cancer_nan", "breast_cancer",
         dict(base, objective="binary:logistic", base_score=0.625), 4, nan=True)
    case("binary_logistic_early_stopping", "breast_cancer",
         dict(base, objective="binary:logistic", eta=0.9, max_depth=2), 40, early_stopping=2)
    case("multi_softprob_iris_parallel", "iris",
         dict(base, objective="multi:softprob", num_class=3, num_parallel_tree=2, subsample=0.8,
              colsample_bynode=0.8, max_depth=2), 3)
    case("multi_softmax_wine_lossguide", "wine",
         dict(base, objective="multi:softmax", num_class=3, tree_method="hist",
              grow_policy="lossguide", max_leaves=5, max_depth=0), 3)
    case("multi_softprob_early_stopping", "wine",
         dict(base, objective="multi:softprob", num_class=3, eta=0.8, num_parallel_tree=2, max_depth=2,
              subsample=0.7), 30, early_stopping=2)
    # Regression objectives whose prediction is the margin itself (XGBoost's PredTransform and
    # ProbToMargin are the identity): reg:absoluteerror estimates base_score (the median) and
    # refreshes the leaves; pseudo-Huber with a slope on the target's scale.
    case("reg_squaredlogerror_diabetes", "diabetes", dict(base, objective="reg:squaredlogerror"), 4)
    case("reg_pseudohubererror_diabetes_nan", "diabetes",
         dict(base, objective="reg:pseudohubererror", huber_slope=40.0, base_score=150.0), 4,
         nan=True)
    case("reg_absoluteerror_diabetes", "diabetes", dict(base, objective="reg:absoluteerror"), 4)
    fuzz_seeds()
    with open(os.path.join(OUT, "VERSION"), "w") as f:
        f.write("xgboost %s, numpy %s\n" % (xgboost.__version__, np.__version__))


if __name__ == "__main__":
    main()
