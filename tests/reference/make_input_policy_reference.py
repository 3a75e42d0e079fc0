#!/usr/bin/python3
# Records what scikit-learn does with NaN and infinite inputs, for tests/models/input_policy_test.cpp.
# SPDX-License-Identifier: MIT
"""Record scikit-learn's answer to a sample holding NaN, +inf, -inf or a huge finite value.

Run with a Python that has scikit-learn (written against 1.2.1):

    /usr/bin/python3 tests/reference/make_input_policy_reference.py

Writes tests/data/input_policy/sklearn.csv with the columns
  model, method, probe, column, outcome
for each fitted model (two features), each prediction method, each probe value placed in each
column of a sample whose other feature is 1.0. `outcome` is `refused` (ValueError), `finite`
(every output finite) or `nan` (the output holds NaN: a transform keeping a missing value).
The output is committed; rerun only on purpose and review the diff.
"""

import os
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from reference_common import ROOT

OUT = os.path.join(ROOT, "tests", "data", "input_policy", "sklearn.csv")

X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0], [4.0, 3.0], [5.0, 0.5]])
Y2 = np.array([0, 1, 0, 1, 1, 0])
Y3 = np.array([0, 1, 2, 1, 2, 0])
PROBES = {"nan": np.nan, "+inf": np.inf, "-inf": -np.inf, "1e308": 1e308}


def models():
    yield "linear_regression", LinearRegression().fit(X, Y2.astype(float)), ["predict"]
    for name, y in (("logistic_binary", Y2), ("logistic_multinomial", Y3)):
        m = LogisticRegression().fit(X, y)
        yield name, m, ["predict", "predict_proba", "decision_function"]
    yield "tree_classifier", DecisionTreeClassifier(random_state=0).fit(X, Y3), [
        "predict", "predict_proba", "apply"]
    yield "tree_regressor", DecisionTreeRegressor(random_state=0).fit(X, Y2), ["predict", "apply"]
    yield "standard_scaler", StandardScaler().fit(X), ["transform"]
    yield "min_max_scaler", MinMaxScaler().fit(X), ["transform"]
    pipe = make_pipeline(StandardScaler(), MinMaxScaler(), LogisticRegression()).fit(X, Y3)
    yield "pipeline", pipe, ["predict", "predict_proba", "transform"]


def outcome(model, method, sample):
    if method == "transform" and hasattr(model, "steps"):
        model = make_pipeline(*[s for _, s in model.steps[:-1]])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = np.asarray(getattr(model, method)(sample), dtype=float)
    except ValueError:
        return "refused"
    return "nan" if np.isnan(out).any() else "finite"


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", newline="\n") as f:
        f.write(f"# scikit-learn {sklearn.__version__}, numpy {np.__version__}\n")
        f.write("model,method,probe,column,outcome\n")
        for name, model, methods in models():
            for method in methods:
                for probe, value in PROBES.items():
                    for column in (0, 1):
                        sample = np.ones((1, 2))
                        sample[0, column] = value
                        f.write(f"{name},{method},{probe},{column},"
                                f"{outcome(model, method, sample)}\n")


if __name__ == "__main__":
    main()
