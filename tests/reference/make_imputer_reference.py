#!/usr/bin/python3
# Writes the scikit-learn SimpleImputer results that tests/train/imputer_reference_test.cpp checks
# brine against.
# SPDX-License-Identifier: MIT
"""Record what scikit-learn's SimpleImputer fits on the bundled datasets with NaN holes and how it
transforms them.

Run with Debian's Python and scikit-learn (written against 1.2.1), after
make_preprocessing_reference.py (whose X_nan.csv files this reads):

    /usr/bin/python3 tests/reference/make_imputer_reference.py

Three inputs per dataset, all from tests/data/sklearn_preprocessing/<dataset>/X_nan.csv:
  holes   X_nan as it is (about 5% NaN, every column with at least two numbers);
  empty   X_nan with column 1 all NaN (an all-missing feature);
  marker  `empty` with every NaN replaced by the number -1.0, which the data never holds
          (missing_values=-1.0).
Outputs, in tests/data/sklearn_preprocessing/<dataset>/ (CSV: one header row, then numbers written
with repr so they read back exactly; NaN is written `nan`):
  imputer_statistics.csv   12 rows: statistics_ of strategy mean, median, most_frequent and
                           constant (fill_value=2.5), in that order, fitted on holes, then on
                           empty, then on marker (missing_values=-1.0)
  imputer_indicator.csv    3 rows, one per input: 1.0 for each feature in indicator_.features_
                           (add_indicator=True), else 0.0
  imputer_<strategy>_transform.csv   SimpleImputer(strategy, add_indicator=True) fitted on empty,
                           transform of its first 40 rows (the all-missing feature dropped,
                           indicator columns appended)
  imputer_marker_transform.csv       SimpleImputer(missing_values=-1.0, strategy="median") fitted
                           on marker, transform of its first 40 rows (no indicator)
  imputer_keep_empty_transform.csv   SimpleImputer(strategy="mean", add_indicator=True,
                           keep_empty_features=True) fitted on empty, transform of its first 40
                           rows (the all-missing feature kept, filled with 0)
The output is committed; rerun only on purpose and review the diff.
"""

import os
import sys

import numpy as np
import sklearn
from sklearn.impute import SimpleImputer

from reference_common import DATASETS, ROOT, read_csv, write_csv

OUT = os.path.join(ROOT, "tests", "data", "sklearn_preprocessing")
ROWS = 40
STRATEGIES = ["mean", "median", "most_frequent", "constant"]
MARKER = -1.0
FILL = 2.5


def imputer(strategy, **kw):
    if strategy == "constant":
        kw["fill_value"] = FILL
    return SimpleImputer(strategy=strategy, **kw)


def main():
    if not sklearn.__version__.startswith("1.2."):
        print("warning: written against scikit-learn 1.2.1, running", sklearn.__version__,
              file=sys.stderr)
    for name in DATASETS:
        out = os.path.join(OUT, name)
        holes, names = read_csv(os.path.join(out, "X_nan.csv"))
        assert holes.flags["C_CONTIGUOUS"]
        empty = holes.copy()
        empty[:, 1] = np.nan
        assert not (holes == MARKER).any()
        marker = np.where(np.isnan(empty), MARKER, empty)
        inputs = [(holes, np.nan), (empty, np.nan), (marker, MARKER)]

        stats, indicators = [], []
        for X, mv in inputs:
            for s in STRATEGIES:
                stats.append(imputer(s, missing_values=mv).fit(X).statistics_)
            ind = SimpleImputer(missing_values=mv, add_indicator=True).fit(X).indicator_.features_
            row = np.zeros(X.shape[1])
            row[ind] = 1.0
            indicators.append(row)
        write_csv(os.path.join(out, "imputer_statistics.csv"), names, stats)
        write_csv(os.path.join(out, "imputer_indicator.csv"), names, indicators)

        def transform(path, imp, X):
            Z = imp.fit(X).transform(X[:ROWS])
            write_csv(os.path.join(out, path), ["o%d" % k for k in range(Z.shape[1])], Z)

        for s in STRATEGIES:
            transform("imputer_%s_transform.csv" % s, imputer(s, add_indicator=True), empty)
        transform("imputer_marker_transform.csv",
                  SimpleImputer(missing_values=MARKER, strategy="median"), marker)
        transform("imputer_keep_empty_transform.csv",
                  SimpleImputer(strategy="mean", add_indicator=True, keep_empty_features=True),
                  empty)


if __name__ == "__main__":
    main()
