#!/usr/bin/python3
# Writes the least-squares references that tests/train/lstsq_reference_test.cpp checks brine against.
# SPDX-License-Identifier: MIT
"""Minimum-norm least squares where it differs from a plain solve: rank-deficient designs and
designs with fewer rows than columns, fitted by numpy.linalg.lstsq and scikit-learn.

Run with a Python that has numpy and scikit-learn (written against numpy 1.24, scikit-learn 1.2.1):

    /usr/bin/python3 tests/reference/make_lstsq_reference.py

Outputs, in tests/data/sklearn_reference/lstsq/ (CSV: one header row, numbers as Python reprs):
  <case>_X.csv    the design, one column per feature
  <case>_Y.csv    the targets, one column per target
  <case>_fit.csv  one row per target: the weights, then the intercept
The designs come from numpy's legacy RandomState (a fixed, documented stream), so rerunning
reproduces them; the output is committed, rerun only on purpose and review the diff.

The reference for a fit with an intercept is numpy.linalg.lstsq's minimum-norm solution on the
centred data with its default cutoff (singular values at or below eps * max(n, d) * s_max are
zero), intercept = mean(Y) - mean(X) W: what brine::train::linear_regression documents.
scikit-learn 1.2.1's LinearRegression centres the same way but calls scipy.linalg.lstsq, whose
cutoff is eps * s_max; where that keeps a rounding-level singular value its weights blow up. Where
no singular value lies between the two cutoffs both give the same answer, and the script checks that
scikit-learn agrees for those cases (marked below) before writing anything.
"""

import os
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression

from reference_common import ROOT, write_csv

OUT = os.path.join(ROOT, "tests", "data", "sklearn_reference", "lstsq")


def lstsq_fit(X, Y, fit_intercept):
    """numpy.linalg.lstsq's minimum-norm weights (d x k) and intercepts (k)."""
    if fit_intercept:
        xm, ym = X.mean(axis=0), Y.mean(axis=0)
    else:
        xm, ym = np.zeros(X.shape[1]), np.zeros(Y.shape[1])
    W, _, rank, s = np.linalg.lstsq(X - xm, Y - ym, rcond=None)
    return W, ym - xm @ W, rank, s


def sklearn_fit(X, Y, fit_intercept):
    model = LinearRegression(fit_intercept=fit_intercept).fit(X, Y)
    return model.coef_.T, np.atleast_1d(model.intercept_)


def cases():
    rs = np.random.RandomState(20240611)
    out = []
    # Fewer rows than columns, full row rank, two targets: the minimum-norm interpolant.
    # scikit-learn agrees without an intercept (no centring, so no rounding-level singular value).
    X = rs.uniform(-1.0, 1.0, size=(8, 20))
    Y = rs.normal(size=(8, 2))
    out.append(("wide_no_intercept", X, Y, False, True))
    # The same shape with an intercept: centring drops the rank to n - 1 = 7 up to rounding, so
    # one singular value is ~1e-16 s_max and only numpy's cutoff removes it.
    X = rs.uniform(-3.0, 5.0, size=(8, 20))
    Y = rs.normal(size=(8, 1)) * 4.0 + 1.0
    out.append(("wide", X, Y, True, False))
    # Exactly rank-deficient, more rows than columns: integer columns, column 4 = column 0 +
    # column 1 and column 5 = column 2 exactly, so rank 4 of 6.
    X = rs.randint(-5, 6, size=(30, 6)).astype(np.float64)
    X[:, 4] = X[:, 0] + X[:, 1]
    X[:, 5] = X[:, 2]
    Y = rs.normal(size=(30, 2))
    out.append(("rank_deficient", X, Y, True, False))
    # The same without an intercept: the zero singular values are exactly representable-rank
    # losses, which both cutoffs remove as long as they come out below eps * s_max.
    out.append(("rank_deficient_no_intercept", X, Y, False, False))
    # Fewer rows than columns and rank-deficient: duplicated columns in a 10 x 15 design.
    X = rs.uniform(-1.0, 1.0, size=(10, 15))
    X[:, 10:15] = X[:, 0:5]
    Y = rs.normal(size=(10, 1))
    out.append(("wide_rank_deficient", X, Y, True, False))
    return out


def main():
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    for name, X, Y, fit_intercept, check_sklearn in cases():
        W, b, rank, s = lstsq_fit(X, Y, fit_intercept)
        print(f"{name}: {X.shape[0]} x {X.shape[1]}, rank {rank}, "
              f"smallest kept / cut singular value {s[rank - 1]:.3g} / "
              f"{s[rank] if rank < len(s) else 0.0:.3g}")
        # Rounding-level singular values must sit far below the cutoff and the kept ones far above,
        # so that any backward-stable method draws the line at the same rank.
        cutoff = np.finfo(np.float64).eps * max(X.shape) * s[0]
        if rank < len(s) and s[rank] > cutoff / 4 or s[rank - 1] < 1e6 * cutoff:
            sys.exit(f"{name}: a singular value lies near the cutoff {cutoff:.3g}")
        if check_sklearn:
            Ws, bs = sklearn_fit(X, Y, fit_intercept)
            err = max(np.abs(Ws - W).max() / np.abs(W).max(), np.abs(bs - b).max())
            if err > 1e-10:
                sys.exit(f"{name}: scikit-learn and numpy.linalg.lstsq differ by {err:.3g}")
            print(f"  scikit-learn LinearRegression agrees to {err:.2g}")
        d, k = X.shape[1], Y.shape[1]
        write_csv(os.path.join(OUT, name + "_X.csv"), [f"x{j}" for j in range(d)], X)
        write_csv(os.path.join(OUT, name + "_Y.csv"), [f"y{t}" for t in range(k)], Y)
        write_csv(os.path.join(OUT, name + "_fit.csv"), [f"w{j}" for j in range(d)] + ["intercept"],
                  [list(W[:, t]) + [b[t]] for t in range(k)])
    with open(os.path.join(OUT, "VERSION"), "w") as f:
        f.write(f"scikit-learn {sklearn.__version__}\nnumpy {np.__version__}\n")


if __name__ == "__main__":
    main()
