#!/usr/bin/python3
# Writes the scikit-learn and XGBoost tree-ensemble references that
# tests/models/tree_ensemble_reference_test.cpp checks brine::TreeEnsemble against.
# SPDX-License-Identifier: MIT
"""Train small tree ensembles with scikit-learn and XGBoost, dump their parameters and predictions.

Run with Debian's Python (scikit-learn 1.2.1, XGBoost 1.7.4):

    /usr/bin/python3 tests/reference/make_ensemble_reference.py

For every case, tests/data/ensemble_reference/<case>/ receives (CSV: one header row, numbers
written with repr so they read back exactly; described in README.md there):
  meta.csv        task, compare, aggregation, accumulation, link (brine's enum values), n_features
  trees.csv       per tree: its number of nodes and the first score it adds to
  nodes.csv       per node, trees one after another: left, right, feature, threshold,
                  default_left, then the leaf payload value_0 .. value_{W-1}
  base_score.csv  per score: the starting value (margin space)
  classes.csv     classifier: the class labels
  inputs.csv      extra input rows, each a dataset row `row` with feature `feature` set to `value`:
                  for each split node, a dataset row that reaches it with the node's feature moved
                  to the threshold and its neighbours (+-1, +-2 ulp in double and in float32, and
                  the doubles next to those float32 values); XGBoost also NaN (missing: the node's
                  default direction)
  expected.csv    for the dataset's rows (examples/data/<dataset>.csv) then inputs.csv's rows: the
                  leaf each tree reaches (the library's own apply / pred_leaf), the raw scores
                  (library's decision_function / output_margin), the outputs (predict_proba's
                  columns, or predict for a regressor) and predict
The library's outputs are what the C++ test compares with; the parameters are only what the library
stores, turned into brine's layout as described in tree_ensemble.hpp.
"""

import json
import os
import warnings

# numpy computes float64 exp and log with its own AVX-512 kernels (SVML) on CPUs that have AVX-512
# and with the C library's functions elsewhere. The two differ in the last bits, and those bits
# move gradient-boosting leaf values, break near-ties between splits the other way and change
# predict_proba's last digits, so the files would depend on the CPU that wrote them. With the
# AVX-512 kernels off (before numpy is imported; numpy only warns where the CPU has none to turn
# off) every x86-64 machine writes the same files.
os.environ["NPY_DISABLE_CPU_FEATURES"] = (
    "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL")
warnings.filterwarnings("ignore", message=".*NPY_DISABLE_CPU_FEATURES", category=RuntimeWarning)

import numpy as np
import sklearn
import xgboost
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor,
                              GradientBoostingClassifier, GradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)

from reference_common import ROOT, load_example, write_csv

OUT = os.path.join(ROOT, "tests", "data", "ensemble_reference")

# brine::TreeEnsemble's enum values.
CLASSIFICATION, REGRESSION = 0, 1
DOUBLE_LE, FLOAT32_LE, FLOAT32_LT = 0, 1, 2
SUM, AVERAGE = 0, 1
FLOAT64, FLOAT32 = 0, 1
IDENTITY, LOGISTIC, SOFTMAX = 0, 1, 2


class Trees:
    """Trees in brine's layout: per tree its node arrays (local indices) and the score it adds to."""

    def __init__(self, width):
        self.width = width
        self.trees = []  # (left, right, feature, threshold, default_left, value[n, width], output)

    def add(self, left, right, feature, threshold, default_left, value, output):
        left = np.asarray(left, dtype=np.int64)
        right = np.asarray(right, dtype=np.int64)
        n = len(left)
        for i in range(n):  # brine's layout: children after their parent
            if left[i] != -1:
                assert left[i] > i and right[i] > i, "children before their parent"
        value = np.asarray(value, dtype=np.float64).reshape(n, self.width)
        self.trees.append((left, right, np.asarray(feature, dtype=np.int64),
                           np.asarray(threshold, dtype=np.float64),
                           np.asarray(default_left, dtype=np.int64), value, int(output)))

    def write(self, folder):
        write_csv(os.path.join(folder, "trees.csv"), ["n_nodes", "output"],
                  [[len(t[0]), t[6]] for t in self.trees])
        rows = []
        for left, right, feature, threshold, default_left, value, _ in self.trees:
            for i in range(len(left)):
                is_leaf = left[i] == -1
                rows.append([left[i], right[i], -2 if is_leaf else feature[i],
                             -2.0 if is_leaf else threshold[i], 0 if is_leaf else default_left[i]]
                            + list(value[i]))
        write_csv(os.path.join(folder, "nodes.csv"),
                  ["left", "right", "feature", "threshold", "default_left"]
                  + ["value_%d" % k for k in range(self.width)], rows)

    def path_nodes(self, x, compare):
        """(tree, node) of every split node each tree's walk of x passes (for choosing rows)."""
        out = []
        for t, (left, right, feature, threshold, default_left, _, _) in enumerate(self.trees):
            node = 0
            while left[node] != -1:
                out.append((t, node))
                v = x[feature[node]]
                if compare != DOUBLE_LE:
                    v = float(np.float32(v))
                go_left = (v < threshold[node]) if compare == FLOAT32_LT else (v <= threshold[node])
                node = left[node] if go_left else right[node]
        return out

    def split_nodes(self):
        for t, (left, _, feature, threshold, default_left, _, _) in enumerate(self.trees):
            for i in range(len(left)):
                if left[i] != -1:
                    yield t, i, int(feature[i]), float(threshold[i])


def neighbours(thr, compare):
    """The threshold and the inputs next to it, in double and in float32."""
    out = set()
    d = thr
    out.add(d)
    lo, hi = d, d
    for _ in range(2):
        lo, hi = np.nextafter(lo, -np.inf), np.nextafter(hi, np.inf)
        out.add(float(lo))
        out.add(float(hi))
    f = np.float32(thr)  # nearest float32, then the float32 values around it
    out.add(float(f))
    lo32, hi32 = f, f
    for _ in range(2):
        lo32 = np.nextafter(lo32, np.float32(-np.inf))
        hi32 = np.nextafter(hi32, np.float32(np.inf))
        out.add(float(lo32))
        out.add(float(hi32))
    # doubles next to each float32 value: they round to that float32 value
    for v in [float(f), float(lo32), float(hi32)]:
        out.add(float(np.nextafter(v, -np.inf)))
        out.add(float(np.nextafter(v, np.inf)))
    return sorted(out)


def extra_rows(X, trees, compare, with_nan, rng):
    """For each split node, a dataset row that reaches it, with the node's feature moved to the
    threshold's neighbours (and NaN when the library routes missing values)."""
    reach = {}
    for r in rng.permutation(len(X)):
        for key in trees.path_nodes(X[r], compare):
            reach.setdefault(key, r)
    rows, edits = [], []
    for t, node, f, thr in trees.split_nodes():
        r = reach.get((t, node), 0)  # a node no training row reaches: any row will do
        values = neighbours(thr, compare) + ([np.nan] if with_nan else [])
        for v in values:
            x = X[r].copy()
            x[f] = v
            rows.append(x)
            edits.append([r, f, v])
    return np.array(rows), np.array(edits)


def write_case(case, dataset, meta, trees, base_score, classes, X, edits, leaves, scores, outputs,
               predictions):
    folder = os.path.join(OUT, case)
    n_features = X.shape[1]
    write_csv(os.path.join(folder, "meta.csv"),
              ["task", "compare", "aggregation", "accumulation", "link", "n_features"],
              [list(meta) + [n_features]])
    trees.write(folder)
    write_csv(os.path.join(folder, "base_score.csv"), ["base_score"], [[b] for b in base_score])
    write_csv(os.path.join(folder, "classes.csv"), ["class"], [[c] for c in classes])
    write_csv(os.path.join(folder, "inputs.csv"), ["row", "feature", "value"], edits)
    header = (["leaf_%d" % t for t in range(leaves.shape[1])]
              + ["score_%d" % k for k in range(scores.shape[1])]
              + ["out_%d" % k for k in range(outputs.shape[1])] + ["predict"])
    write_csv(os.path.join(folder, "expected.csv"), header,
              np.column_stack([leaves, scores, outputs, predictions]))
    with open(os.path.join(folder, "DATASET"), "w") as f:
        f.write(dataset + "\n")


# ---- scikit-learn --------------------------------------------------------------------------------

def sklearn_forest(case, dataset, model):
    X, y = load_example(dataset)
    model.fit(X, y)
    is_clf = hasattr(model, "classes_")
    width = len(model.classes_) if is_clf else 1
    trees = Trees(width)
    for est in model.estimators_:
        tr = est.tree_
        if is_clf:
            # Each tree's predict_proba divides a leaf's class weights by their sum (0 -> 1).
            v = tr.value[:, 0, :].copy()
            s = v.sum(axis=1)[:, np.newaxis]
            s[s == 0.0] = 1.0
            v /= s
        else:
            v = tr.value[:, 0, :1]
        # scikit-learn 1.2 refuses NaN, so the default direction is never taken: stored as right.
        trees.add(tr.children_left, tr.children_right, tr.feature, tr.threshold,
                  np.zeros(tr.node_count), v, 0)
    rng = np.random.default_rng(0)
    extra, edits = extra_rows(X, trees, FLOAT32_LE, False, rng)
    A = np.vstack([X, extra])
    leaves = model.apply(A)
    if is_clf:
        proba = model.predict_proba(A)
        scores, outputs = proba, proba
        meta = (CLASSIFICATION, FLOAT32_LE, AVERAGE, FLOAT64, IDENTITY)
        classes = model.classes_
        base = np.zeros(width)
    else:
        pred = model.predict(A)
        scores, outputs = pred[:, None], pred[:, None]
        meta = (REGRESSION, FLOAT32_LE, AVERAGE, FLOAT64, IDENTITY)
        classes = []
        base = np.zeros(1)
    write_case(case, dataset, meta, trees, base, classes, X, edits, leaves, scores, outputs,
               model.predict(A))


def sklearn_boosting(case, dataset, model):
    X, y = load_example(dataset)
    model.fit(X, y)
    is_clf = hasattr(model, "classes_")
    K = model.estimators_.shape[1]
    trees = Trees(1)
    for stage in model.estimators_:
        for k in range(K):
            tr = stage[k].tree_
            # predict_stages adds learning_rate * value, that product in double: stored as such.
            v = model.learning_rate * tr.value[:, 0, 0]
            trees.add(tr.children_left, tr.children_right, tr.feature, tr.threshold,
                      np.zeros(tr.node_count), v, k)
    base = model._raw_predict_init(X[:1])[0]  # the init estimator's raw score (the priors)
    rng = np.random.default_rng(0)
    extra, edits = extra_rows(X, trees, FLOAT32_LE, False, rng)
    A = np.vstack([X, extra])
    leaves = model.apply(A).reshape(len(A), -1)  # (n, stages, K) -> stage-major, as the trees
    # A regressor's raw score is its prediction (identity link).
    scores = model.decision_function(A) if is_clf else model.predict(A)
    if scores.ndim == 1:
        scores = scores[:, None]
    if is_clf:
        outputs = model.predict_proba(A)
        link = LOGISTIC if K == 1 else SOFTMAX
        meta = (CLASSIFICATION, FLOAT32_LE, SUM, FLOAT64, link)
        classes = model.classes_
    else:
        outputs = model.predict(A)[:, None]
        meta = (REGRESSION, FLOAT32_LE, SUM, FLOAT64, IDENTITY)
        classes = []
    write_case(case, dataset, meta, trees, base, classes, X, edits, leaves, scores, outputs,
               model.predict(A))


# ---- XGBoost -------------------------------------------------------------------------------------

def xgboost_case(case, dataset, params, rounds):
    X, y = load_example(dataset)
    dtrain = xgboost.DMatrix(X, label=y)
    bst = xgboost.train(params, dtrain, num_boost_round=rounds)
    doc = json.loads(bytes(bst.save_raw(raw_format="json")).decode())
    learner = doc["learner"]
    objective = learner["objective"]["name"]
    num_class = int(learner["learner_model_param"]["num_class"])
    base_prob = np.float32(float(learner["learner_model_param"]["base_score"]))
    model = learner["gradient_booster"]["model"]
    trees = Trees(1)
    for tree, group in zip(model["trees"], model["tree_info"]):
        left = np.array(tree["left_children"])
        right = np.array(tree["right_children"])
        cond = np.array(tree["split_conditions"], dtype=np.float32).astype(np.float64)
        default_left = np.array([int(v) for v in tree["default_left"]])
        is_leaf = left == -1
        value = np.where(is_leaf, cond, 0.0)
        trees.add(left, right, tree["split_indices"], cond, default_left, value, group)
    n_scores = max(num_class, 1)
    if objective in ("binary:logistic", "reg:logistic"):
        # ProbToMargin: -logf(1 / base_score - 1); with base_score 0.5 that is -0 exactly.
        assert base_prob == np.float32(0.5), "write the margin of another base_score exactly"
        base = np.full(n_scores, -0.0)
    else:
        base = np.full(n_scores, float(base_prob))
    rng = np.random.default_rng(0)
    extra, edits = extra_rows(X, trees, FLOAT32_LT, True, rng)
    A = np.vstack([X, extra])
    dm = xgboost.DMatrix(A, missing=np.nan)
    leaves = bst.predict(dm, pred_leaf=True).reshape(len(A), -1)
    scores = bst.predict(dm, output_margin=True).reshape(len(A), -1)
    out = bst.predict(dm).reshape(len(A), -1)
    if objective == "binary:logistic":
        outputs = np.column_stack([1.0 - out[:, 0].astype(np.float64), out[:, 0]])
        predictions = (out[:, 0] > 0.5).astype(np.float64)  # XGBClassifier.predict
        meta = (CLASSIFICATION, FLOAT32_LT, SUM, FLOAT32, LOGISTIC)
        classes = [0.0, 1.0]
    elif objective == "multi:softprob":
        outputs = out
        predictions = np.argmax(out, axis=1).astype(np.float64)
        meta = (CLASSIFICATION, FLOAT32_LT, SUM, FLOAT32, SOFTMAX)
        classes = [float(k) for k in range(num_class)]
    else:
        outputs = out
        predictions = out[:, 0]
        meta = (REGRESSION, FLOAT32_LT, SUM, FLOAT32, IDENTITY)
        classes = []
    write_case(case, dataset, meta, trees, base, classes, X, edits, leaves, scores, outputs,
               predictions)


def main():
    assert sklearn.__version__.startswith("1.2"), sklearn.__version__
    assert xgboost.__version__.startswith("1.7"), xgboost.__version__
    small = dict(n_estimators=4, max_depth=3, random_state=0)
    sklearn_forest("rf_classifier_iris", "iris", RandomForestClassifier(**small))
    sklearn_forest("rf_classifier_breast_cancer", "breast_cancer", RandomForestClassifier(**small))
    sklearn_forest("et_classifier_iris", "iris", ExtraTreesClassifier(**small))
    sklearn_forest("rf_regressor_diabetes", "diabetes", RandomForestRegressor(**small))
    sklearn_forest("et_regressor_diabetes", "diabetes", ExtraTreesRegressor(**small))
    gb = dict(n_estimators=4, max_depth=2, learning_rate=0.3, random_state=0)
    sklearn_boosting("gb_classifier_breast_cancer", "breast_cancer",
                     GradientBoostingClassifier(**gb))
    sklearn_boosting("gb_classifier_iris", "iris", GradientBoostingClassifier(**gb))
    sklearn_boosting("gb_regressor_diabetes", "diabetes", GradientBoostingRegressor(**gb))
    xgb = dict(max_depth=3, eta=0.3, seed=0, base_score=0.5)
    xgboost_case("xgb_binary_breast_cancer", "breast_cancer",
                 dict(xgb, objective="binary:logistic"), 4)
    xgboost_case("xgb_multiclass_iris", "iris", dict(xgb, objective="multi:softprob", num_class=3),
                 3)
    xgboost_case("xgb_regressor_diabetes", "diabetes", dict(xgb, objective="reg:squarederror"), 4)
    with open(os.path.join(OUT, "VERSION"), "w") as f:
        f.write("scikit-learn %s, xgboost %s, numpy %s\n"
                % (sklearn.__version__, xgboost.__version__, np.__version__))


if __name__ == "__main__":
    main()
