#!/usr/bin/python3
# Writes the scikit-learn results that tests/models/column_transformer_sklearn_test.cpp checks
# brine's ColumnTransformer pipelines against.
# SPDX-License-Identifier: MIT
"""Fit Pipeline(ColumnTransformer[SimpleImputer + StandardScaler | OneHotEncoder] -> estimator) on
variants of scikit-learn's bundled classification datasets with NaN holes and integer category
columns, and record the fitted parameters and what scikit-learn computes.

Run with Debian's Python and scikit-learn (written against 1.2.1):

    /usr/bin/python3 tests/reference/make_column_transformer_reference.py

The data, per dataset (fixed seeds): the features with about 5% of entries NaN (the first two rows
and at least two values per column kept), then two integer category columns — c0: feature 0's
quartile as 3, 13, 23 or 33; c1: feature 1's rank mod 3 as 0, 1 or 2, about 5% NaN (a category of
its own) — then a clean copy of feature 0 (wine and breast_cancer pass it through as the
remainder; iris drops it). The ColumnTransformer: "num" = SimpleImputer(strategy="median") then
StandardScaler() over the holed features, "cat" = OneHotEncoder(handle_unknown="ignore") over c0
and c1 (c1, c0 for wine: the branch reads its columns in that order). Estimators:
LogisticRegression(max_iter=5000) and DecisionTreeClassifier(max_depth=6, random_state=0), each
in its own pipeline with the same (refitted, identical) ColumnTransformer.

Outputs, in tests/data/sklearn_column_transformer/<dataset>/ (CSV: one header row; numbers written
with repr so they read back exactly; NaN as `nan`):
  X.csv               the first 80 rows, with c0 of rows 5, 6 and 7 set to 99 (an unknown category)
  layout.csv          one row: n_features (holed), c0's column, c1's column, the clean column,
                      remainder (0 drop, 1 passthrough), and whether "cat" reads c1 first (0/1)
  imputer.csv         statistics_ of the imputer (one row)
  scaler.csv          mean_, scale_ of the scaler (two rows)
  encoder.csv         one row per category: its feature (0 for the branch's first column), value
  transform.csv       ColumnTransformer.transform(X)
  logistic.csv        one row per coef_ row: coef_, then intercept_
  classes.csv         classes_ (one row)
  logistic_proba.csv  the logistic pipeline's predict_proba(X)
  tree.csv            the tree's nodes: left, right, feature, threshold, then the class
                      probabilities of the node (tree_.value divided by its row sums, as
                      predict_proba divides them)
  tree_proba.csv      the tree pipeline's predict_proba(X)
The output is committed; rerun only on purpose and review the diff.
"""

import os
import sys
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
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from reference_common import ROOT, load_sklearn, write_csv

OUT = os.path.join(ROOT, "tests", "data", "sklearn_column_transformer")
ROWS = 80
DATASETS = ["iris", "wine", "breast_cancer"]


def make_data(name, seed):
    X, y, _ = load_sklearn(name)
    rng = np.random.RandomState(seed)
    holes = rng.uniform(size=X.shape) < 0.05
    holes[:2, :] = False
    Xh = X.copy()
    Xh[holes] = np.nan
    quartiles = np.quantile(X[:, 0], [0.25, 0.5, 0.75])
    c0 = np.digitize(X[:, 0], quartiles) * 10.0 + 3.0
    c1 = (np.argsort(np.argsort(X[:, 1], kind="stable"), kind="stable") % 3).astype(np.float64)
    c1[rng.uniform(size=c1.shape) < 0.05] = np.nan
    c1[:2] = [0.0, 1.0]
    data = np.column_stack([Xh, c0, c1, X[:, 0]])
    return data, y


def column_transformer(n, cat_first_c1, passthrough):
    cat = [n + 1, n] if cat_first_c1 else [n, n + 1]
    return ColumnTransformer(
        [("num", Pipeline([("imp", SimpleImputer(strategy="median")),
                           ("sc", StandardScaler())]), list(range(n))),
         ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), cat)],
        remainder="passthrough" if passthrough else "drop")


def main():
    if not sklearn.__version__.startswith("1.2."):
        print("warning: written against scikit-learn 1.2.1, running", sklearn.__version__,
              file=sys.stderr)
    for seed, name in enumerate(DATASETS):
        data, y = make_data(name, 100 + seed)
        n = data.shape[1] - 3
        cat_first_c1 = name == "wine"
        passthrough = name != "iris"
        lr = Pipeline([("ct", column_transformer(n, cat_first_c1, passthrough)),
                       ("lr", LogisticRegression(max_iter=5000))]).fit(data, y)
        tree = Pipeline([("ct", column_transformer(n, cat_first_c1, passthrough)),
                         ("tree", DecisionTreeClassifier(max_depth=6, random_state=0))]
                        ).fit(data, y)
        ct = lr.named_steps["ct"]
        X = data[:ROWS].copy()
        X[5:8, n] = 99.0
        d = os.path.join(OUT, name)
        write_csv(os.path.join(d, "X.csv"),
                  ["f%d" % j for j in range(n)] + ["c0", "c1", "clean"], X)
        write_csv(os.path.join(d, "layout.csv"),
                  ["n_features", "c0", "c1", "clean", "passthrough", "cat_first_c1"],
                  [[n, n, n + 1, n + 2, int(passthrough), int(cat_first_c1)]])
        num = ct.named_transformers_["num"]
        imp, sc = num.named_steps["imp"], num.named_steps["sc"]
        assert not np.isnan(imp.statistics_).any()
        write_csv(os.path.join(d, "imputer.csv"), ["f%d" % j for j in range(n)],
                  [imp.statistics_])
        write_csv(os.path.join(d, "scaler.csv"), ["f%d" % j for j in range(n)],
                  [sc.mean_, sc.scale_])
        enc = ct.named_transformers_["cat"]
        assert enc.drop_idx_ is None
        write_csv(os.path.join(d, "encoder.csv"), ["feature", "value"],
                  [[j, v] for j, cats in enumerate(enc.categories_) for v in cats])
        write_csv(os.path.join(d, "transform.csv"),
                  ["z%d" % j for j in range(ct.transform(X).shape[1])], ct.transform(X))
        est = lr.named_steps["lr"]
        write_csv(os.path.join(d, "logistic.csv"),
                  ["w%d" % j for j in range(est.coef_.shape[1])] + ["intercept"],
                  np.column_stack([est.coef_, est.intercept_]))
        write_csv(os.path.join(d, "classes.csv"), ["c%d" % k for k in range(len(est.classes_))],
                  [est.classes_])
        write_csv(os.path.join(d, "logistic_proba.csv"),
                  ["p%d" % k for k in range(len(est.classes_))], lr.predict_proba(X))
        t = tree.named_steps["tree"].tree_
        value = t.value[:, 0, :]
        proba = value / value.sum(axis=1)[:, np.newaxis]
        write_csv(os.path.join(d, "tree.csv"),
                  ["left", "right", "feature", "threshold"] +
                  ["p%d" % k for k in range(value.shape[1])],
                  np.column_stack([t.children_left, t.children_right, t.feature, t.threshold,
                                   proba]))
        write_csv(os.path.join(d, "tree_proba.csv"),
                  ["p%d" % k for k in range(value.shape[1])], tree.predict_proba(X))
        print(d)
    with open(os.path.join(OUT, "VERSION"), "w") as f:
        f.write(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}\n")


if __name__ == "__main__":
    main()
