# What the reference generators (make_*_reference.py) share: where the bundled datasets and the
# committed outputs live, how a dataset is read, and how numbers are written.
# SPDX-License-Identifier: MIT
"""Shared by the scripts of tests/reference (run each with Debian's /usr/bin/python3; the
script's folder is on sys.path, so `from reference_common import ...` finds this module)."""

import os

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
#: The bundled datasets as CSV (features, then the target), written by make_sklearn_reference.py.
EXAMPLES = os.path.join(ROOT, "examples", "data")
#: Where the generators' outputs are committed.
DATA = os.path.join(ROOT, "tests", "data")
#: The bundled datasets: diabetes (regression), breast_cancer (2 classes), iris and wine (3).
DATASETS = ["diabetes", "breast_cancer", "iris", "wine"]


def load_example(name):
    """X and y of examples/data/<name>.csv, exactly as the file holds them (fresh arrays)."""
    data = np.loadtxt(os.path.join(EXAMPLES, name + ".csv"), delimiter=",", skiprows=1,
                      dtype=np.float64)
    return data[:, :-1].copy(), data[:, -1].copy()


def load_sklearn(name):
    """X, y (float64) and the feature names of scikit-learn's own copy of a bundled dataset
    (sklearn.datasets.load_<name>), the source of examples/data."""
    from sklearn import datasets
    bunch = getattr(datasets, "load_" + name)()
    return (np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target, dtype=np.float64),
            [str(n) for n in bunch.feature_names])


def number(x):
    """Shortest text that reads back as the same double (Python's repr; NaN as 'nan')."""
    return repr(float(x))


def write_csv(path, header, rows):
    """A CSV file: the header, then one line of numbers per row; its folder is created."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="\n") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join(number(v) for v in row) + "\n")


def read_csv(path):
    """A CSV file written by write_csv: its rows (2-D) and its header."""
    with open(path) as f:
        header = f.readline().strip().split(",")
    return np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2), header
