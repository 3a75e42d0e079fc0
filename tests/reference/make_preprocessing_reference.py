#!/usr/bin/python3
# Writes the scikit-learn preprocessing results that tests/train/preprocessing_reference_test.cpp
# and tests/models/robust_scalers_test.cpp check brine against.
# SPDX-License-Identifier: MIT
"""Make NaN-hole variants of scikit-learn's bundled datasets and record what scikit-learn's
preprocessing transformers fit on them and how they transform them.

Run with Debian's Python and scikit-learn (written against 1.2.1):

    /usr/bin/python3 tests/reference/make_preprocessing_reference.py

Outputs, in tests/data/sklearn_preprocessing/<dataset>/ (CSV: one header row, then numbers written
with repr so they read back exactly; NaN is written `nan`):
  X_nan.csv                       the dataset's features with about 5% of entries set to NaN
                                  (fixed seed), and every feature keeping at least 2 values
  max_abs_scaler.csv              rows: scale_ fitted on X, scale_ fitted on X_nan
  max_abs_transform.csv           MaxAbsScaler().fit(X_nan).transform(X_nan[:40])
  (every *_transform.csv holds the transform of the first 40 rows of X_nan)
  robust_scaler.csv               rows: center_, scale_ fitted on X; center_, scale_ on X_nan
  robust_transform.csv            RobustScaler().fit(X_nan).transform(X_nan)
  robust_no_centering_transform.csv  RobustScaler(with_centering=False).fit(X_nan).transform(X_nan)
  robust_no_scaling_transform.csv    RobustScaler(with_scaling=False).fit(X_nan).transform(X_nan)
and, for the classification datasets (iris, wine),
  logistic_ovr.csv                one row per class: coef_ row, then intercept_, then the class
                                  label, of LogisticRegression(multi_class="ovr", max_iter=5000)
                                  fitted on StandardScaler().fit_transform(X)
  logistic_ovr_proba.csv          its predict_proba of the first 40 rows of that scaled X
The output is committed; rerun only on purpose and review the diff.
"""

import os
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import MaxAbsScaler, RobustScaler, StandardScaler

from reference_common import DATASETS, ROOT, load_sklearn, write_csv

OUT = os.path.join(ROOT, "tests", "data", "sklearn_preprocessing")
ROWS = 40  # rows of X_nan whose transforms are recorded (the files stay small)


def load(name):
    X, _, _ = load_sklearn(name)
    return X, ["f%d" % j for j in range(X.shape[1])]


def with_holes(X, seed):
    """X with about 5% of its entries NaN; every column keeps at least two numbers."""
    rng = np.random.RandomState(seed)
    holes = rng.uniform(size=X.shape) < 0.05
    holes[:2, :] = False
    Xn = X.copy()
    Xn[holes] = np.nan
    return Xn


def main():
    if not sklearn.__version__.startswith("1.2."):
        print("warning: written against scikit-learn 1.2.1, running", sklearn.__version__,
              file=sys.stderr)
    for seed, name in enumerate(DATASETS):
        X, names = load(name)
        Xn = with_holes(X, seed)
        out = os.path.join(OUT, name)
        write_csv(os.path.join(out, "X_nan.csv"), names, Xn)

        ma, man = MaxAbsScaler().fit(X), MaxAbsScaler().fit(Xn)
        write_csv(os.path.join(out, "max_abs_scaler.csv"), names, [ma.scale_, man.scale_])
        write_csv(os.path.join(out, "max_abs_transform.csv"), names, man.transform(Xn[:ROWS]))

        rb, rbn = RobustScaler().fit(X), RobustScaler().fit(Xn)
        write_csv(os.path.join(out, "robust_scaler.csv"), names,
                  [rb.center_, rb.scale_, rbn.center_, rbn.scale_])
        write_csv(os.path.join(out, "robust_transform.csv"), names, rbn.transform(Xn[:ROWS]))
        nc = RobustScaler(with_centering=False).fit(Xn)
        assert nc.center_ is None
        write_csv(os.path.join(out, "robust_no_centering_transform.csv"), names, nc.transform(Xn[:ROWS]))
        ns = RobustScaler(with_scaling=False).fit(Xn)
        assert ns.scale_ is None
        write_csv(os.path.join(out, "robust_no_scaling_transform.csv"), names, ns.transform(Xn[:ROWS]))
        if name in ("iris", "wine"):
            _, y, _ = load_sklearn(name)
            Xs = StandardScaler().fit_transform(X)
            lr = LogisticRegression(multi_class="ovr", max_iter=5000).fit(Xs, y)
            rows = np.column_stack([lr.coef_, lr.intercept_, lr.classes_])
            write_csv(os.path.join(out, "logistic_ovr.csv"), names + ["intercept", "class"], rows)
            write_csv(os.path.join(out, "logistic_ovr_proba.csv"),
                      ["p%d" % k for k in range(len(lr.classes_))], lr.predict_proba(Xs[:ROWS]))
    with open(os.path.join(OUT, "VERSION"), "w") as f:
        f.write("scikit-learn %s, numpy %s\n" % (sklearn.__version__, np.__version__))


if __name__ == "__main__":
    main()
