#!/usr/bin/python3
# Writes the scikit-learn reference results that tests/train/sklearn_reference_test.cpp checks brine against.
# SPDX-License-Identifier: MIT
"""Export scikit-learn's bundled datasets as CSV and record what scikit-learn fits on them.

Run with a Python that has scikit-learn (written against 1.2.1):

    /usr/bin/python3 tests/reference/make_sklearn_reference.py

Outputs (all CSV: one header row, then numbers written with repr so they read back exactly):
  examples/data/<dataset>.csv                      feature columns, then `target`
  tests/data/sklearn_reference/<dataset>/*.csv     reference results, described in README.md there
The output is committed; rerun only on purpose and review the diff.
"""

import os
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from reference_common import EXAMPLES, ROOT, load_sklearn, number, write_csv

REFERENCE = os.path.join(ROOT, "tests", "data", "sklearn_reference")

DEPTHS = [1, 2, 3, 4, 5, 6, 8, 10, None]  # None: unlimited, written as 0
LOGISTIC_C = [1.0, 0.1]


def load(name):
    X, y, names = load_sklearn(name)
    return X, y, [n.replace(",", ";") for n in names]


def export_dataset(name, X, y, names):
    rows = np.column_stack([X, y])
    write_csv(os.path.join(EXAMPLES, name + ".csv"), names + ["target"], rows)


def scalers(out, X, names):
    ss = StandardScaler().fit(X)
    write_csv(os.path.join(out, "standard_scaler.csv"), names, [ss.mean_, ss.scale_])
    mm = MinMaxScaler().fit(X)
    write_csv(os.path.join(out, "min_max_scaler.csv"), names, [mm.scale_, mm.min_])
    mm = MinMaxScaler(feature_range=(-1.0, 2.0)).fit(X)
    write_csv(os.path.join(out, "min_max_scaler_m1_2.csv"), names, [mm.scale_, mm.min_])


def linear(out, X, y, names):
    fits = [("linear_ols.csv", LinearRegression()),
            ("ridge_alpha_1.csv", Ridge(alpha=1.0)),
            ("ridge_alpha_0.01.csv", Ridge(alpha=0.01))]
    for file, model in fits:
        model.fit(X, y)
        write_csv(os.path.join(out, file), names + ["intercept"],
                  [list(model.coef_) + [model.intercept_]])
    # Rank-deficient: an extra column that is the sum of the first two (equal up to rounding).
    # The target is numpy.linalg.lstsq's minimum-norm solution of the centred problem (singular
    # values below eps * max(n, d) * s_max cut). scikit-learn 1.2.1's LinearRegression is not used
    # here: it calls scipy.linalg.lstsq without a cutoff, keeps the ~1e-15 singular value and
    # returns weights of ~5e16, which are not the minimum-norm answer.
    Xr = np.column_stack([X, X[:, 0] + X[:, 1]])
    xm, ym = Xr.mean(axis=0), y.mean()
    w = np.linalg.lstsq(Xr - xm, y - ym, rcond=None)[0]
    write_csv(os.path.join(out, "lstsq_rank_deficient.csv"),
              names + ["f0_plus_f1", "intercept"], [list(w) + [ym - xm @ w]])


def logistic_gradient(Xs, y, model, C):
    """Max |gradient| of C * sum(log-loss) + 0.5 ||W||^2 over (W, b), divided by C * n."""
    P = model.predict_proba(Xs)
    Y = (y[:, None] == model.classes_[None, :]).astype(float)
    if len(model.classes_) == 2:
        G = (P[:, 1] - Y[:, 1])[:, None]
    else:
        G = P - Y
    gW = C * G.T @ Xs + model.coef_
    gb = C * G.sum(axis=0)
    return max(np.abs(gW).max(), np.abs(gb).max()) / (C * len(y))


def logistic(out, X, y, names):
    Xs = StandardScaler().fit_transform(X)
    for C in LOGISTIC_C:
        # scipy's L-BFGS also stops when the objective changes by less than 64 ulps (sklearn sets
        # ftol), which leaves coefficients ~1e-4 from the optimum on these data. Warm-started
        # refits continue from there with the same solver until the gradient is tiny.
        model = LogisticRegression(C=C, tol=1e-12, max_iter=100000, warm_start=True)
        fits = 0
        while True:
            model.fit(Xs, y)
            fits += 1
            grad = logistic_gradient(Xs, y, model, C)
            if grad < 1e-10 or fits == 300:
                break
        if grad > 1e-8:
            sys.exit(f"logistic C={C} not converged: gradient {grad}")
        tag = number(C)
        rows = [list(model.coef_[k]) + [model.intercept_[k]] for k in range(model.coef_.shape[0])]
        write_csv(os.path.join(out, f"logistic_C_{tag}.csv"), names + ["intercept"], rows)
        labels = ["class_" + number(c) for c in model.classes_]
        write_csv(os.path.join(out, f"logistic_C_{tag}_proba.csv"), labels, model.predict_proba(Xs))
        print(f"  logistic C={C}: {fits} warm-started fits, scaled gradient {grad:.2e}")


def tree_classifier(out, X, y):
    rows = []
    for depth in DEPTHS:
        model = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X, y)
        correct = int(np.sum(model.predict(X) == y))
        rows.append([depth or 0, correct, correct / len(y), model.tree_.node_count,
                     model.get_depth()])
    write_csv(os.path.join(out, "tree_classifier.csv"),
              ["max_depth", "n_correct", "accuracy", "node_count", "depth"], rows)


def tree_regressor(out, X, y):
    rows = []
    for depth in DEPTHS:
        model = DecisionTreeRegressor(max_depth=depth, random_state=0).fit(X, y)
        p = model.predict(X)
        rows.append([depth or 0, mean_squared_error(y, p), r2_score(y, p), model.tree_.node_count,
                     model.get_depth()])
    write_csv(os.path.join(out, "tree_regressor.csv"),
              ["max_depth", "mse", "r2", "node_count", "depth"], rows)


def main():
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    for name in ["diabetes", "breast_cancer", "iris", "wine"]:
        print(name)
        X, y, names = load(name)
        export_dataset(name, X, y, names)
        out = os.path.join(REFERENCE, name)
        scalers(out, X, names)
        if name == "diabetes":
            linear(out, X, y, names)
            tree_regressor(out, X, y)
        else:
            logistic(out, X, y, names)
            tree_classifier(out, X, y)
    with open(os.path.join(REFERENCE, "VERSION"), "w") as f:
        f.write(f"scikit-learn {sklearn.__version__}\nnumpy {np.__version__}\n")


if __name__ == "__main__":
    main()
