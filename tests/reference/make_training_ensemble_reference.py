#!/usr/bin/python3
# Writes the scikit-learn tree-ensemble results that tests/train/ensemble_reference_test.cpp checks
# brine's trainers against.
# SPDX-License-Identifier: MIT
"""Fit scikit-learn 1.2's tree ensembles on the bundled datasets and record what they predict.

Run with a Python that has scikit-learn (written against 1.2.1):

    /usr/bin/python3 tests/reference/make_training_ensemble_reference.py

Reads examples/data/<dataset>.csv (written by make_sklearn_reference.py) and writes, under
tests/data/sklearn_reference/<dataset>/ (all CSV, numbers as Python reprs):

  gb_predictions.csv  GradientBoosting{Regressor,Classifier}(n_estimators=GB_STAGES,
                      max_depth=3, learning_rate=0.1, random_state=0) fitted on every row:
                      per row its decision_function (`raw_<k>`) and, for a classifier,
                      predict_proba (`proba_<c>`); a regressor's `predict`.
  gb_trees.csv        every node of every tree of that model: stage, k (the output it adds to),
                      node, left, right, feature, threshold, value (tree_.value, before the
                      learning rate)
  forest_predictions.csv  RandomForest* then ExtraTrees* (n_estimators=FOREST_PREDICTION_TREES,
                      random_state=0, other options default) fitted on every row: predict_proba
                      (`<rf|et>_proba_<c>`) or predict (`<rf|et>_predict`) of every row.
  forest_scores.csv   5-fold out-of-fold scores (row i is in fold i % 5) of RandomForest* and
                      ExtraTrees* for each configuration in FOREST_CONFIGS: accuracy
                      (classifiers) or R^2 of the pooled out-of-fold predictions (regressors),
                      the mean and standard deviation over random_state 0..SEEDS-1.
The output is committed; rerun only on purpose and review the diff.
"""

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
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor,
                              GradientBoostingClassifier, GradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.metrics import r2_score

from reference_common import ROOT, load_example, write_csv

REFERENCE = os.path.join(ROOT, "tests", "data", "sklearn_reference")

GB_STAGES = 20
FOREST_PREDICTION_TREES = 10
FOLDS = 5
SEEDS = 5
# (name, n_estimators, max_depth (0: none), min_samples_leaf, max_features (0: the default),
#  bootstrap (-1: the default)); the C++ test reads the same columns back.
FOREST_CONFIGS = [
    ("default", 50, 0, 1, 0.0, -1),
    ("shallow", 50, 4, 3, 0.5, 0),
]


def gradient_boosting(out, X, y, classifier):
    cls = GradientBoostingClassifier if classifier else GradientBoostingRegressor
    model = cls(n_estimators=GB_STAGES, max_depth=3, learning_rate=0.1, random_state=0).fit(X, y)
    raw = model.decision_function(X) if classifier else model.predict(X)
    raw = raw.reshape(len(y), -1)
    header = [f"raw_{k}" for k in range(raw.shape[1])]
    cols = [raw]
    if classifier:
        header += [f"proba_{c}" for c in range(len(model.classes_))]
        cols.append(model.predict_proba(X))
    else:
        header += ["predict"]
        cols.append(model.predict(X).reshape(-1, 1))
    write_csv(os.path.join(out, "gb_predictions.csv"), header, np.hstack(cols))
    rows = []
    for stage in range(model.estimators_.shape[0]):
        for k in range(model.estimators_.shape[1]):
            t = model.estimators_[stage, k].tree_
            for node in range(t.node_count):
                rows.append([stage, k, node, t.children_left[node], t.children_right[node],
                             t.feature[node], t.threshold[node], t.value[node, 0, 0]])
    write_csv(os.path.join(out, "gb_trees.csv"),
              ["stage", "k", "node", "left", "right", "feature", "threshold", "value"], rows)


def forest_score(cls, X, y, classifier, options, seed):
    fold = np.arange(len(y)) % FOLDS
    pred = np.empty(len(y))
    for f in range(FOLDS):
        model = cls(random_state=seed, **options).fit(X[fold != f], y[fold != f])
        pred[fold == f] = model.predict(X[fold == f])
    return np.mean(pred == y) if classifier else r2_score(y, pred)


def forests(out, X, y, classifier):
    rows = []
    for ci, (_, n_est, depth, leaf, max_features, bootstrap) in enumerate(FOREST_CONFIGS):
        for extra in (0, 1):
            if classifier:
                cls = ExtraTreesClassifier if extra else RandomForestClassifier
            else:
                cls = ExtraTreesRegressor if extra else RandomForestRegressor
            options = dict(n_estimators=n_est, max_depth=depth or None, min_samples_leaf=leaf)
            if max_features:
                options["max_features"] = max_features
            if bootstrap >= 0:
                options["bootstrap"] = bool(bootstrap)
            scores = [forest_score(cls, X, y, classifier, options, s) for s in range(SEEDS)]
            rows.append([ci, extra, n_est, depth, leaf, max_features, bootstrap,
                         np.mean(scores), np.std(scores)])
            print(f"  {cls.__name__} config {ci}: {np.mean(scores):.4f} +- {np.std(scores):.4f}")
    write_csv(os.path.join(out, "forest_scores.csv"),
              ["config", "extra_trees", "n_estimators", "max_depth", "min_samples_leaf",
               "max_features", "bootstrap", "score_mean", "score_std"], rows)


def forest_predictions(out, X, y, classifier):
    """Small forests fitted on every row with random_state=0: their predictions on every row."""
    header, cols = [], []
    for extra in (0, 1):
        if classifier:
            cls = ExtraTreesClassifier if extra else RandomForestClassifier
        else:
            cls = ExtraTreesRegressor if extra else RandomForestRegressor
        model = cls(n_estimators=FOREST_PREDICTION_TREES, random_state=0).fit(X, y)
        tag = "et" if extra else "rf"
        if classifier:
            header += [f"{tag}_proba_{c}" for c in range(len(model.classes_))]
            cols.append(model.predict_proba(X))
        else:
            header.append(f"{tag}_predict")
            cols.append(model.predict(X).reshape(-1, 1))
    write_csv(os.path.join(out, "forest_predictions.csv"), header, np.hstack(cols))


def main():
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    for name, classifier in [("diabetes", False), ("breast_cancer", True), ("iris", True)]:
        print(name)
        X, y = load_example(name)
        out = os.path.join(REFERENCE, name)
        gradient_boosting(out, X, y, classifier)
        forests(out, X, y, classifier)
        forest_predictions(out, X, y, classifier)


if __name__ == "__main__":
    main()
