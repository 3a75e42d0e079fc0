#!/usr/bin/python3
"""Writes the CSV inputs and expected outputs of the `brine predict` tests (tests/data/cli/).

Inputs are the reference rows stored in the format-1.0 golden files. Expected outputs are computed
here from the golden files' parameters with Python's own arithmetic (linear and logistic
regression, standard scaler), or taken from the reference outputs an older brine stored in the
golden file (the pipeline). Run with /usr/bin/python3 from the repository root:

    /usr/bin/python3 tests/cli/make_cli_data.py
"""
import json
import math
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "data", "golden", "format-1.0")
OUT = os.path.join(ROOT, "data", "cli")


def load(name):
    with open(os.path.join(GOLDEN, name + ".json")) as f:
        return json.load(f)


def matrix(m):
    rows, cols, data = m["rows"], m["cols"], [float(v) for v in m["data"]]
    return [data[i * cols:(i + 1) * cols] for i in range(rows)]


def write(path, header, rows):
    with open(os.path.join(OUT, path), "w") as f:
        if header:
            f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(repr(float(v)) for v in r) + "\n")


def linear(doc):
    p = doc["payload"]
    coef, b = matrix(p["coef"]), [r[0] for r in matrix(p["intercept"])]
    X = matrix(doc["header"]["reference"]["inputs"])
    return [[math.fsum(c * x for c, x in zip(coef[t], row)) + b[t] for t in range(len(coef))]
            for row in X]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in ["linear_regression", "linear_regression_multi", "logistic_regression_binary",
                 "standard_scaler", "pipeline_classifier"]:
        doc = load(name)
        h = doc["header"]
        X = matrix(h["reference"]["inputs"])
        write(name + "_inputs.csv", h["metadata"]["feature_names"], X)
        # The same rows with the columns reversed (matched by name), and an unused extra column.
        names = h["metadata"]["feature_names"]
        write(name + "_reordered.csv", ["unused"] + names[::-1],
              [[-1.0] + row[::-1] for row in X])
    # linear regressions: X coef^T + b
    write("linear_regression_expected.csv", ["y"], linear(load("linear_regression")))
    write("linear_regression_multi_expected.csv", ["y_0", "y_1"],
          linear(load("linear_regression_multi")))
    # binary logistic regression: p1 = 1 / (1 + exp(-score)); label = classes[p1 > 0.5]
    doc = load("logistic_regression_binary")
    classes = [r[0] for r in matrix(doc["payload"]["classes"])]
    scores = [r[0] for r in linear(doc)]
    p1 = [1.0 / (1.0 + math.exp(-s)) for s in scores]
    write("logistic_regression_binary_expected_proba.csv",
          ["proba_" + repr(c) for c in classes], [[1.0 - p, p] for p in p1])
    write("logistic_regression_binary_expected.csv", ["y"],
          [[classes[1] if p > 0.5 else classes[0]] for p in p1])
    # standard scaler: (x - mean) / scale
    doc = load("standard_scaler")
    mean = [r[0] for r in matrix(doc["payload"]["mean"])]
    scale = [r[0] for r in matrix(doc["payload"]["scale"])]
    write("standard_scaler_expected.csv", doc["header"]["metadata"]["feature_names"],
          [[(x - m) / s for x, m, s in zip(row, mean, scale)]
           for row in matrix(doc["header"]["reference"]["inputs"])])
    # pipeline: the probabilities stored by the brine that wrote the golden file
    doc = load("pipeline_classifier")
    classes = [r[0] for r in matrix(doc["payload"]["estimator"]["model"]["classes"])]
    write("pipeline_classifier_expected_proba.csv", ["proba_" + repr(c) for c in classes],
          matrix(doc["header"]["reference"]["outputs"]))


if __name__ == "__main__":
    main()
