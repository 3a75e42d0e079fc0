#!/usr/bin/python3
# Writes the scikit-learn OneHotEncoder results that tests/train/one_hot_encoder_reference_test.cpp
# and python/tests check brine against.
# SPDX-License-Identifier: MIT
"""Make integer category columns from scikit-learn's bundled datasets and record what
scikit-learn's OneHotEncoder fits on them and how it transforms them, for every drop mode and
handle_unknown.

Run with Debian's Python and scikit-learn (written against 1.2.1):

    /usr/bin/python3 tests/reference/make_one_hot_reference.py

Outputs, in tests/data/sklearn_preprocessing/<dataset>/ (CSV: one header row, then numbers written
with repr so they read back exactly; NaN is written `nan`):
  X_cat.csv        five category columns made from the dataset's features (integer values as
                   doubles): c0 binary (0/1), c1 a feature cut into up to 9 signed bins, c2 a
                   feature's quintile (1..5, times 10) with about 8% NaN, c3 constant 7, c4 a
                   feature cut into bins of a thousand; rows 9, 3, 6 and 12 (outside the fit)
                   hold unknowns in c0 to c3 (2, 5, 25 and NaN)
  one_hot_<config>.csv             the encoder fitted on the fit rows (row i with i % 3 != 0):
                                   one row per category: feature, category (categories_[feature],
                                   in order), drop_idx (drop_idx_[feature]; -1 for None; -2 when
                                   drop_idx_ itself is None)
  one_hot_<config>_transform.csv   row (index into X_cat), then transform of that row, for the
                                   first 90 rows of X_cat (handle_unknown='ignore'), or for those
                                   of them that are fit rows (handle_unknown='error')
  one_hot_<config>_unknown.csv     (handle_unknown='error') column: the column scikit-learn names
                                   in "Found unknown categories ... in column C" for the first 90
                                   rows; row, value: the first row of that column whose value is
                                   among the unknowns it lists
<config> is <drop>_<handle_unknown>, drop one of none, first, if_binary, explicit (the last
category of every feature: NaN for c2).
The output is committed; rerun only on purpose and review the diff.
"""

import os
import re
import sys
import warnings

import numpy as np
import sklearn
from sklearn.preprocessing import OneHotEncoder

from reference_common import DATASETS, ROOT, load_sklearn, write_csv

OUT = os.path.join(ROOT, "tests", "data", "sklearn_preprocessing")
ROWS = 90  # rows of X_cat whose transforms are recorded
DROPS = {"none": None, "first": "first", "if_binary": "if_binary", "explicit": "explicit"}


def categories_of(X, seed):
    """Five integer-valued category columns made from X's first features."""
    rng = np.random.RandomState(100 + seed)
    a, b, c, d = X[:, 0], X[:, 1 % X.shape[1]], X[:, 2 % X.shape[1]], X[:, 3 % X.shape[1]]
    c0 = (a > np.median(a)).astype(np.float64)
    z = (b - b.mean()) / b.std()
    c1 = np.clip(np.floor(z * 2), -4, 4)
    ranks = np.argsort(np.argsort(c, kind="stable"), kind="stable")
    c2 = (np.floor(ranks * 5 / len(c)) + 1) * 10
    c2[rng.uniform(size=len(c2)) < 0.08] = np.nan
    c3 = np.full(len(a), 7.0)
    c4 = np.floor((d - d.min()) / (d.max() - d.min() + 1e-12) * 6) * 1000 - 2000
    C = np.column_stack([c0, c1, c2, c3, c4])
    # Unknowns in rows left out of the fit (i % 3 == 0): a third value of the binary column, a bin
    # beyond the clipped range, a value between quintiles, NaN where NaN was never seen.
    C[9, 0], C[3, 1], C[6, 2], C[12, 3] = 2, 5, 25, np.nan
    return C


def fitted_rows(encoder):
    rows = []
    for j, cats in enumerate(encoder.categories_):
        if encoder.drop_idx_ is None:
            d = -2
        else:
            d = -1 if encoder.drop_idx_[j] is None else int(encoder.drop_idx_[j])
        for v in cats:
            rows.append([j, float(v), d])
    return rows


def main():
    if not sklearn.__version__.startswith("1.2."):
        print("warning: written against scikit-learn 1.2.1, running", sklearn.__version__,
              file=sys.stderr)
    warnings.simplefilter("ignore")  # drop with handle_unknown='ignore' warns on unknowns
    for seed, name in enumerate(DATASETS):
        X, _, _ = load_sklearn(name)
        C = categories_of(X, seed)
        d = os.path.join(OUT, name)
        write_csv(os.path.join(d, "X_cat.csv"), ["c%d" % j for j in range(C.shape[1])], C)
        fit_rows = np.arange(len(C)) % 3 != 0
        Xfit = C[fit_rows]
        head = C[:ROWS]
        for drop_name, drop_option in DROPS.items():
            for hu in ("error", "ignore"):
                drop = drop_option
                if drop == "explicit":
                    drop = [np.unique(Xfit[:, j])[-1] for j in range(C.shape[1])]
                enc = OneHotEncoder(drop=drop, handle_unknown=hu, sparse_output=False).fit(Xfit)
                config = "one_hot_%s_%s" % (drop_name, hu)
                write_csv(os.path.join(d, config + ".csv"), ["feature", "category", "drop_idx"],
                          fitted_rows(enc))
                width = sum(len(c) for c in enc.categories_) - (
                    0 if enc.drop_idx_ is None else sum(x is not None for x in enc.drop_idx_))
                header = ["row"] + ["o%d" % k for k in range(width)]
                if hu == "ignore":
                    Z = enc.transform(head)
                    rows = [[i] + list(Z[i]) for i in range(ROWS)]
                else:
                    idx = [i for i in range(ROWS) if fit_rows[i]]
                    Z = enc.transform(head[idx])
                    rows = [[i] + list(z) for i, z in zip(idx, Z)]
                    try:
                        enc.transform(head)
                        raise SystemExit("%s %s: expected unknown categories" % (name, config))
                    except ValueError as e:
                        m = re.search(r"Found unknown categories \[(.*)\] in column (\d+)", str(e))
                        col = int(m.group(2))
                        unknown = {float(v) for v in m.group(1).split(",")}
                        first = next(i for i in range(ROWS) if head[i, col] in unknown)
                        write_csv(os.path.join(d, config + "_unknown.csv"),
                                  ["column", "row", "value"], [[col, first, head[first, col]]])
                write_csv(os.path.join(d, config + "_transform.csv"), header, rows)
                print(name, config, "categories", [len(c) for c in enc.categories_],
                      "width", width)


if __name__ == "__main__":
    main()
