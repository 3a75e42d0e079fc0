#!/usr/bin/python3
"""Python side of the brine benchmarks: data, reference models and Python timings.

Two subcommands share a work directory W with the C++ benchmarks:

``prepare --dir W``
    Generates the inputs and trains the models (scikit-learn and XGBoost), then
    exports every model's parameters as raw arrays that the C++ side rebuilds as
    brine models. Deterministic and idempotent: re-running overwrites.

``run --dir W --out FILE [--quick] [--threads N] [--cold-start-exe EXE]``
    Times the Python equivalents (pickle, joblib, numpy, scikit-learn and
    XGBoost predictions, process cold starts) and writes them as JSON.
    BLAS, OpenMP and XGBoost use N threads (default 1, as brine predicts on
    one thread); the cold-start processes run with their defaults.

Work directory layout written by ``prepare``. Every array NAME is two files:
NAME.f64 (float64) or NAME.i32 (int32) holding the raw little-endian values in
C (row-major) order, and NAME.shape holding "rows cols" (a vector of n is "n 1").

    W/data/X_batch, W/data/X_batch_pipeline     prediction inputs
    W/data/pred_<name>                          scikit-learn's predictions on them
    W/models/<name>/<array>                     exported parameters
    W/models/<name>.pkl, W/models/<name>.joblib the fitted scikit-learn objects
    W/models/xgb_d10.json, W/models/xgb_100x6.json  XGBoost boosters
    W/models/manifest.json                      versions, sizes and training scores

Requires numpy, scikit-learn, joblib and xgboost (Debian 12: /usr/bin/python3
with python3-numpy, python3-sklearn, python3-joblib and python3-xgboost).
"""

import argparse
import datetime
import gc
import json
import os
import pickle
import platform
import shutil
import statistics
import subprocess
import sys
import time

import joblib
import numpy as np
import sklearn
import xgboost
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from threadpoolctl import threadpool_limits

SEED = 20261126
N_FEATURES = 50
N_BATCH = 100_000
N_TRAIN = 20_000
N_TRAIN_DEEP = 60_000
MIN_DEEP_NODES = 100_000

SKLEARN_MODELS = ("linear", "logistic", "pipeline", "tree_d10", "tree_deep")
XGB_MODELS = ("xgb_d10", "xgb_100x6")

# Sizes of the bulk array benchmark; the C++ benchmarks use the same ones.
ARRAY_SIZES = ("1000", "10000", "100000", "1000000", "10000000", "10000x1000")
QUICK_SKIPPED_SIZES = ("10000000",)

# Program timed by cold/python: a fresh interpreter that loads the logistic
# regression with joblib and predicts one row. It prints the prediction so
# that the work cannot be skipped.
COLD_PYTHON_CODE = """\
import sys
import joblib
import numpy as np
model = joblib.load(sys.argv[1])
x = np.fromfile(sys.argv[2], dtype="<f8", count={n}).reshape(1, {n})
print(model.predict(x)[0])
""".format(n=N_FEATURES)


# ----------------------------------------------------------------------------
# Raw array files


def write_array(stem, array):
    """Write ``array`` as STEM.f64 or STEM.i32 plus STEM.shape.

    A 1-d array of n values is written with shape "n 1".
    """
    array = np.asarray(array)
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2:
        raise ValueError(f"{stem}: expected a vector or a matrix, got {array.shape}")
    if array.dtype == np.float64:
        suffix, dtype = ".f64", "<f8"
    elif array.dtype == np.int32:
        suffix, dtype = ".i32", "<i4"
    else:
        raise TypeError(f"{stem}: unsupported dtype {array.dtype}")
    os.makedirs(os.path.dirname(stem), exist_ok=True)
    with open(stem + suffix, "wb") as f:
        f.write(np.ascontiguousarray(array, dtype=dtype).tobytes(order="C"))
    with open(stem + ".shape", "w") as f:
        f.write(f"{array.shape[0]} {array.shape[1]}\n")


def read_f64(stem):
    """Read an array written by write_array as float64."""
    with open(stem + ".shape") as f:
        rows, cols = (int(v) for v in f.read().split())
    return np.fromfile(stem + ".f64", dtype="<f8").reshape(rows, cols)


# ----------------------------------------------------------------------------
# prepare: data


def draw_inputs(rng, rows):
    """Standard normal inputs whose values are float32-representable.

    XGBoost predicts in float32; with such inputs it sees exactly the values
    the float64 models see.
    """
    return rng.standard_normal((rows, N_FEATURES)).astype(np.float32).astype(np.float64)


def make_data():
    """Draw every data set from one generator, in a fixed order."""
    rng = np.random.default_rng(SEED)
    data = {}
    data["X_batch"] = draw_inputs(rng, N_BATCH)
    data["X_train"] = draw_inputs(rng, N_TRAIN)
    w = rng.standard_normal(N_FEATURES)
    noise = rng.standard_normal(N_TRAIN)
    data["y_reg"] = data["X_train"] @ w + 0.5 * noise
    data["y_cls"] = (data["X_train"] @ w + noise > 0).astype(np.float64)
    # The deep regression tree gets more rows, so that it has more nodes.
    data["X_deep"] = draw_inputs(rng, N_TRAIN_DEEP)
    data["y_deep"] = data["X_deep"] @ w + 0.5 * rng.standard_normal(N_TRAIN_DEEP)
    # The pipeline's inputs are shifted and scaled so that its scaler matters.
    data["X_train_pipeline"] = data["X_train"] * 3 + 1
    data["X_batch_pipeline"] = data["X_batch"] * 3 + 1
    return data


# ----------------------------------------------------------------------------
# prepare: exporting scikit-learn models


def export_linear(model, directory):
    write_array(os.path.join(directory, "coef"), model.coef_.reshape(1, -1))
    write_array(os.path.join(directory, "intercept"),
                np.array([[model.intercept_]], dtype=np.float64))


def export_logistic(model, directory):
    write_array(os.path.join(directory, "coef"), model.coef_.astype(np.float64))
    write_array(os.path.join(directory, "intercept"),
                model.intercept_.astype(np.float64).reshape(1, 1))
    write_array(os.path.join(directory, "classes"), model.classes_.astype(np.float64))


def export_pipeline(model, directory):
    scaler, logistic = model.steps[0][1], model.steps[1][1]
    write_array(os.path.join(directory, "mean"), scaler.mean_.astype(np.float64))
    write_array(os.path.join(directory, "scale"), scaler.scale_.astype(np.float64))
    export_logistic(logistic, directory)


def sklearn_tree_arrays(model):
    """The node arrays of a fitted scikit-learn tree, in brine's layout.

    A classifier's ``value`` rows are normalised to class probabilities
    (scikit-learn 1.2 stores weighted class counts).
    """
    t = model.tree_
    value = t.value[:, 0, :].astype(np.float64)
    if hasattr(model, "classes_"):
        value = value / value.sum(axis=1, keepdims=True)
    arrays = {
        "children_left": t.children_left.astype(np.int32),
        "children_right": t.children_right.astype(np.int32),
        "feature": t.feature.astype(np.int32),
        "threshold": t.threshold.astype(np.float64),
        "value": value,
    }
    if hasattr(model, "classes_"):
        arrays["classes"] = model.classes_.astype(np.float64)
    return arrays


def export_tree_arrays(arrays, directory):
    for name, array in arrays.items():
        write_array(os.path.join(directory, name), array)


def tree_apply(arrays, X):
    """Index of the leaf each row of X reaches: x goes left when x <= threshold."""
    left, right = arrays["children_left"], arrays["children_right"]
    feature, threshold = arrays["feature"], arrays["threshold"]
    node = np.zeros(X.shape[0], dtype=np.int64)
    rows = np.arange(X.shape[0])
    while True:
        active = left[node] != -1
        if not active.any():
            return node
        n, r = node[active], rows[active]
        go_left = X[r, feature[n]] <= threshold[n]
        node[active] = np.where(go_left, left[n], right[n])


def tree_depth(arrays):
    """Depth of a tree whose children have larger ids than their parents."""
    left, right = arrays["children_left"], arrays["children_right"]
    depth = np.zeros(len(left), dtype=np.int64)
    for i in range(len(left)):
        if left[i] != -1:
            depth[left[i]] = depth[right[i]] = depth[i] + 1
    return int(depth.max())


def check_children_after_parents(arrays, name):
    """brine requires every child id to be larger than its parent's id."""
    ids = np.arange(len(arrays["children_left"]))
    split = arrays["children_left"] != -1
    for side in ("children_left", "children_right"):
        if not np.all(arrays[side][split] > ids[split]):
            raise AssertionError(f"{name}: a child id is not larger than its parent's id")


def verify_sklearn_tree(model, arrays, X, name):
    """The exported arrays must predict exactly what scikit-learn predicts."""
    leaves = tree_apply(arrays, X)
    if not np.array_equal(leaves, model.apply(X.astype(np.float32))):
        raise AssertionError(f"{name}: exported tree reaches other leaves than scikit-learn")
    if "classes" in arrays:
        mine = arrays["classes"][np.argmax(arrays["value"][leaves], axis=1)]
    else:
        mine = arrays["value"][leaves, 0]
    if not np.array_equal(mine, model.predict(X)):
        raise AssertionError(f"{name}: exported tree predicts differently from scikit-learn")


# ----------------------------------------------------------------------------
# prepare: XGBoost


def xgb_tree_arrays(booster_json):
    """Convert the single tree of a saved XGBoost regressor to brine's layout.

    XGBoost sends x left when float32(x) < split. brine sends x left when
    x <= threshold in doubles, so the threshold is the largest float32 below
    the split: exact for float32-representable inputs. Leaf values include the
    base score. Internal nodes carry base_score + their node weight, which
    prediction never reads (like scikit-learn's internal values).
    """
    learner = booster_json["learner"]
    base_score = np.float32(float(learner["learner_model_param"]["base_score"]))
    trees = learner["gradient_booster"]["model"]["trees"]
    if len(trees) != 1:
        raise AssertionError(f"xgb_d10: expected one tree, found {len(trees)}")
    tree = trees[0]
    left = np.array(tree["left_children"], dtype=np.int32)
    right = np.array(tree["right_children"], dtype=np.int32)
    split_index = np.array(tree["split_indices"], dtype=np.int32)
    split = np.array(tree["split_conditions"], dtype=np.float32)
    weight = np.array(tree["base_weights"], dtype=np.float32)

    is_leaf = left == -1
    if not np.array_equal(is_leaf, right == -1):
        raise AssertionError("xgb_d10: a node has exactly one child")
    threshold = np.nextafter(split, np.float32(-np.inf)).astype(np.float64)
    node_value = np.where(is_leaf, split, weight).astype(np.float64)
    arrays = {
        "children_left": left,
        "children_right": right,
        "feature": np.where(is_leaf, -2, split_index).astype(np.int32),
        "threshold": np.where(is_leaf, -2.0, threshold),
        "value": (np.float64(base_score) + node_value).reshape(-1, 1),
    }
    check_children_after_parents(arrays, "xgb_d10")
    return arrays


def xgb_ensemble_arrays(booster_json):
    """Every tree of a saved XGBoost regressor in brine::TreeEnsemble's layout, as XGBoost predicts:
    float32 `<` (split conditions are float32 values), float32 sums from the base score, the
    learned default direction of missing values. brine_bench_xgboost checks that the ensemble gives
    XGBoost's float32 predictions exactly before it times anything."""
    learner = booster_json["learner"]
    if learner["objective"]["name"] != "reg:squarederror":
        raise AssertionError("xgb_100x6: expected reg:squarederror (identity link)")
    base_score = float(np.float32(float(learner["learner_model_param"]["base_score"])))
    model = learner["gradient_booster"]["model"]
    parts = {k: [] for k in ("children_left", "children_right", "feature", "threshold",
                             "default_left", "value")}
    offsets = [0]
    for tree in model["trees"]:
        left = np.array(tree["left_children"], dtype=np.int32)
        right = np.array(tree["right_children"], dtype=np.int32)
        cond = np.array(tree["split_conditions"], dtype=np.float32).astype(np.float64)
        is_leaf = left == -1
        arrays = {"children_left": left, "children_right": right}
        check_children_after_parents(arrays, "xgb_100x6")
        parts["children_left"].append(left)
        parts["children_right"].append(right)
        parts["feature"].append(np.where(is_leaf, -2, tree["split_indices"]).astype(np.int32))
        parts["threshold"].append(np.where(is_leaf, -2.0, cond))
        parts["default_left"].append(
            np.where(is_leaf, 0, np.array(tree["default_left"], dtype=np.int32)).astype(np.int32))
        parts["value"].append(np.where(is_leaf, cond, 0.0).reshape(-1, 1))
        offsets.append(offsets[-1] + len(left))
    out = {k: np.concatenate(v) for k, v in parts.items()}
    out["tree_offsets"] = np.array(offsets, dtype=np.int32)
    out["tree_output"] = np.array(model["tree_info"], dtype=np.int32)
    out["base_score"] = np.array([base_score], dtype=np.float64)
    return out


def verify_xgb_conversion(booster, arrays, X):
    """The converted tree must match XGBoost's own predictions; returns the max error."""
    mine = arrays["value"][tree_apply(arrays, X), 0]
    theirs = booster.inplace_predict(X.astype(np.float32)).astype(np.float64)
    error = float(np.max(np.abs(mine - theirs)))
    if not error <= 1e-5:
        raise AssertionError(f"xgb_d10: converted tree differs from XGBoost by {error:g}")
    return error


def train_xgb(data, models_dir):
    """Train, save and (for xgb_d10) convert the XGBoost models."""
    X, y = data["X_train"], data["y_reg"]
    info = {}

    d10 = xgboost.XGBRegressor(n_estimators=1, max_depth=10, learning_rate=1.0,
                               tree_method="exact", base_score=0.5, random_state=0)
    d10.fit(X.astype(np.float32), y)
    path = os.path.join(models_dir, "xgb_d10.json")
    booster = d10.get_booster()
    booster.save_model(path)
    with open(path) as f:
        arrays = xgb_tree_arrays(json.load(f))
    error = verify_xgb_conversion(booster, arrays, data["X_batch"])
    export_tree_arrays(arrays, os.path.join(models_dir, "xgb_d10"))
    info["xgb_d10"] = {
        "n_nodes": int(len(arrays["children_left"])),
        "n_leaves": int(np.sum(arrays["children_left"] == -1)),
        "depth": tree_depth(arrays),
        "train_r2": r2(y, booster.inplace_predict(X.astype(np.float32))),
        "conversion_max_abs_error": error,
        "file_bytes": os.path.getsize(path),
    }

    big = xgboost.XGBRegressor(n_estimators=100, max_depth=6, tree_method="hist",
                               random_state=0)
    big.fit(X.astype(np.float32), y)
    path = os.path.join(models_dir, "xgb_100x6.json")
    big.get_booster().save_model(path)
    with open(path) as f:
        export_tree_arrays(xgb_ensemble_arrays(json.load(f)), os.path.join(models_dir, "xgb_100x6"))
    info["xgb_100x6"] = {
        "n_trees": 100,
        "max_depth": 6,
        "train_r2": r2(y, big.get_booster().inplace_predict(X.astype(np.float32))),
        "file_bytes": os.path.getsize(path),
    }
    return info


# ----------------------------------------------------------------------------
# prepare: the whole


def r2(y, prediction):
    y = np.asarray(y, dtype=np.float64)
    residual = np.sum((y - prediction) ** 2)
    return float(1.0 - residual / np.sum((y - y.mean()) ** 2))


def accuracy(y, prediction):
    return float(np.mean(np.asarray(y) == np.asarray(prediction)))


def train_sklearn(data):
    """Fit the scikit-learn models; returns {name: (model, training score dict)}."""
    X, y_reg, y_cls = data["X_train"], data["y_reg"], data["y_cls"]
    Xp = data["X_train_pipeline"]
    models = {}

    m = LinearRegression().fit(X, y_reg)
    models["linear"] = (m, {"train_r2": r2(y_reg, m.predict(X))})
    m = LogisticRegression(max_iter=1000).fit(X, y_cls)
    models["logistic"] = (m, {"train_accuracy": accuracy(y_cls, m.predict(X))})
    m = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(Xp, y_cls)
    models["pipeline"] = (m, {"train_accuracy": accuracy(y_cls, m.predict(Xp))})
    m = DecisionTreeClassifier(max_depth=10, random_state=0).fit(X, y_cls)
    models["tree_d10"] = (m, {"train_accuracy": accuracy(y_cls, m.predict(X))})
    m = DecisionTreeRegressor(random_state=0).fit(data["X_deep"], data["y_deep"])
    models["tree_deep"] = (m, {"train_r2": r2(data["y_deep"], m.predict(data["X_deep"]))})
    if m.tree_.node_count < MIN_DEEP_NODES:
        raise AssertionError(f"tree_deep has {m.tree_.node_count} nodes, "
                             f"expected at least {MIN_DEEP_NODES}")
    return models


EXPORTERS = {
    "linear": export_linear,
    "logistic": export_logistic,
    "pipeline": export_pipeline,
}


def save_sklearn(models, data, models_dir):
    """Export, pickle and joblib-dump each scikit-learn model; returns manifest entries."""
    info = {}
    for name, (model, scores) in models.items():
        directory = os.path.join(models_dir, name)
        entry = dict(scores)
        if name in EXPORTERS:
            EXPORTERS[name](model, directory)
        else:
            arrays = sklearn_tree_arrays(model)
            check_children_after_parents(arrays, name)
            verify_sklearn_tree(model, arrays, data["X_batch"], name)
            export_tree_arrays(arrays, directory)
            entry.update(n_nodes=int(model.tree_.node_count),
                         n_leaves=int(model.tree_.n_leaves),
                         depth=int(model.tree_.max_depth))
        pkl = os.path.join(models_dir, name + ".pkl")
        with open(pkl, "wb") as f:
            pickle.dump(model, f, protocol=5)
        jl = os.path.join(models_dir, name + ".joblib")
        joblib.dump(model, jl)
        entry.update(pickle5_bytes=os.path.getsize(pkl), joblib_bytes=os.path.getsize(jl))
        info[name] = entry
    return info


def versions():
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "joblib": joblib.__version__,
        "xgboost": xgboost.__version__,
    }


def prepare(work):
    start = time.perf_counter()
    data_dir = os.path.join(work, "data")
    models_dir = os.path.join(work, "models")
    os.makedirs(data_dir, exist_ok=True)
    os.makedirs(models_dir, exist_ok=True)

    data = make_data()
    write_array(os.path.join(data_dir, "X_batch"), data["X_batch"])
    write_array(os.path.join(data_dir, "X_batch_pipeline"), data["X_batch_pipeline"])
    print(f"data written to {data_dir}")

    models = train_sklearn(data)
    # scikit-learn's own predictions on the prediction inputs: the C++ benchmark checks that brine,
    # holding the same parameters, gives the same answers before it times anything.
    for name, (model, _) in models.items():
        X = data["X_batch_pipeline"] if name == "pipeline" else data["X_batch"]
        write_array(os.path.join(data_dir, "pred_" + name),
                    model.predict(X).astype(np.float64).reshape(-1, 1))
    manifest = {
        "seed": SEED,
        "n_features": N_FEATURES,
        "n_batch": N_BATCH,
        "n_train": N_TRAIN,
        "n_train_deep": N_TRAIN_DEEP,
        "versions": versions(),
        "models": save_sklearn(models, data, models_dir),
    }
    manifest["models"].update(train_xgb(data, models_dir))
    with open(os.path.join(models_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

    for name, entry in manifest["models"].items():
        details = ", ".join(f"{k} {v:.6g}" if isinstance(v, float) else f"{k} {v}"
                            for k, v in entry.items())
        print(f"{name}: {details}")
    print(f"prepared {work} in {time.perf_counter() - start:.1f} s")


# ----------------------------------------------------------------------------
# run: timing


class Timing:
    """How many times to repeat a measurement."""

    def __init__(self, quick):
        self.min_runs = 3 if quick else 7
        self.min_total_s = 0.05 if quick else 0.3
        self.max_runs = 20 if quick else 200
        self.single_row_calls = 200 if quick else 1000
        self.cold_runs = 5 if quick else 15


def timeit_median(fn, min_runs=7, min_total_s=0.3, max_runs=200, setup=None):
    """Median wall time of fn() in seconds, and the number of timed runs.

    One untimed warm-up call, then timed calls until at least min_runs calls
    and min_total_s seconds of timed work, capped at max_runs calls. The
    garbage collector is off during each timed call; setup(), when given, runs
    untimed before every call.
    """
    if setup is not None:
        setup()
    fn()
    times = []
    while len(times) < max_runs and (len(times) < min_runs or sum(times) < min_total_s):
        if setup is not None:
            setup()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times), len(times)


def format_seconds(s):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:8.3f} {unit}"
    return f"{s / 1e-9:8.1f} ns"


class Results:
    """Collects result records and prints one line per result."""

    def __init__(self):
        self.records = []

    def add(self, name, median_s, runs, bytes_=None, rows=None):
        self.records.append({"name": name, "median_s": median_s, "runs": runs,
                             "bytes": bytes_, "rows": rows})
        extra = f"  {bytes_:>12,d} B" if bytes_ is not None else ""
        print(f"{name:<44} {format_seconds(median_s)}  ({runs} runs){extra}", flush=True)


def remove_if_exists(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def pickle_save(obj, path):
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=5)


def pickle_load(path):
    with open(path, "rb") as f:
        return pickle.load(f)


# (save, load, file name suffix) for each tool. A save includes opening and
# closing the file but no fsync: the data may still be only in the page cache
# when the timing stops. Loads read files that were just written, so they come
# from the page cache too.
TOOLS = {
    "pickle5": (pickle_save, pickle_load, ".pkl"),
    "joblib": (lambda obj, path: joblib.dump(obj, path), joblib.load, ".joblib"),
    "numpy": (lambda arr, path: np.save(path, arr), np.load, ".npy"),
}


def time_save_load(results, timing, prefix, obj, tools, tmp_dir):
    """Time saving obj and loading it back with each tool."""
    for tool in tools:
        save, load, suffix = TOOLS[tool]
        path = os.path.join(tmp_dir, prefix.replace("/", "_") + "_" + tool + suffix)
        # Each save creates a new file: the previous one is removed, untimed.
        # Overwriting would truncate it, and ext4 then flushes the new data on
        # close (auto_da_alloc), adding milliseconds that are not the tool's.
        median, runs = timeit_median(lambda: save(obj, path), timing.min_runs,
                                     timing.min_total_s, timing.max_runs,
                                     setup=lambda: remove_if_exists(path))
        size = os.path.getsize(path)
        results.add(f"{prefix}/{tool}/save", median, runs, bytes_=size)
        median, runs = timeit_median(lambda: load(path), timing.min_runs,
                                     timing.min_total_s, timing.max_runs)
        results.add(f"{prefix}/{tool}/load", median, runs, bytes_=size)
        os.remove(path)


def bulk_array(size, rng):
    if "x" in size:
        rows, cols = (int(v) for v in size.split("x"))
        return rng.standard_normal((rows, cols))
    return rng.standard_normal(int(size))


def bench_arrays(results, timing, tmp_dir, quick):
    rng = np.random.default_rng(SEED)
    for size in ARRAY_SIZES:
        if quick and size in QUICK_SKIPPED_SIZES:
            continue
        array = bulk_array(size, rng)
        time_save_load(results, timing, f"array/{size}", array,
                       ("pickle5", "joblib", "numpy"), tmp_dir)
        del array


def bench_model_files(results, timing, models, tmp_dir):
    for name in ("tree_deep", "tree_d10"):
        time_save_load(results, timing, name, models[name], ("pickle5", "joblib"), tmp_dir)


def bench_predict(results, timing, name, tool, fn, X):
    """Time fn on one row (row 0) and on the whole batch X."""
    one = X[0:1]
    median, runs = timeit_median(lambda: fn(one), timing.single_row_calls, 0.0,
                                 timing.single_row_calls)
    results.add(f"predict/{name}/{tool}/one", median, runs, rows=1)
    median, runs = timeit_median(lambda: fn(X), timing.min_runs, timing.min_total_s,
                                 timing.max_runs)
    results.add(f"predict/{name}/{tool}/batch", median, runs, rows=X.shape[0])


def bench_predictions(results, timing, models, boosters, X, X_pipeline):
    for name in SKLEARN_MODELS:
        inputs = X_pipeline if name == "pipeline" else X
        bench_predict(results, timing, name, "sklearn", models[name].predict, inputs)
        if name == "logistic":
            bench_predict(results, timing, name, "sklearn_proba",
                          models[name].predict_proba, inputs)
    # XGBoost's Python API, for reference; its C API is measured in C++.
    X32 = X.astype(np.float32)
    for name in XGB_MODELS:
        bench_predict(results, timing, name, "xgboost_py", boosters[name].inplace_predict, X32)


def bench_sizes(results, models_dir):
    for name in SKLEARN_MODELS:
        for tool, suffix in (("pickle5", ".pkl"), ("joblib", ".joblib")):
            size = os.path.getsize(os.path.join(models_dir, name + suffix))
            results.add(f"size/{name}/{tool}", 0.0, 1, bytes_=size)


def time_process(command, runs):
    """Median wall time of running command to completion (after one warm-up)."""
    def once():
        completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if completed.returncode != 0:
            raise RuntimeError(f"{command[0]} exited with {completed.returncode}: "
                               f"{completed.stderr.decode(errors='replace').strip()}")
    return timeit_median(once, runs, 0.0, runs)


def bench_cold(results, timing, work, cold_start_exe):
    model_dir = os.path.join(work, "models")
    x_path = os.path.join(work, "data", "X_batch.f64")
    median, runs = time_process(["/bin/true"], timing.cold_runs)
    results.add("cold/empty_process", median, runs)
    command = [sys.executable, "-c", COLD_PYTHON_CODE,
               os.path.join(model_dir, "logistic.joblib"), x_path]
    median, runs = time_process(command, timing.cold_runs)
    results.add("cold/python", median, runs)
    if cold_start_exe is None:
        return
    brine_model = os.path.join(model_dir, "logistic.brine")
    if not os.path.exists(brine_model):
        print(f"skipping cold/brine: {brine_model} does not exist "
              "(the C++ benchmarks write it)", file=sys.stderr)
        return
    median, runs = time_process([cold_start_exe, brine_model, x_path], timing.cold_runs)
    results.add("cold/brine", median, runs)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def meta(quick, threads):
    info = versions()
    info.update(
        cpu=cpu_model(),
        cpu_count=os.cpu_count(),
        threads=threads,
        platform=platform.platform(),
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        quick=quick,
    )
    return info


def load_models(models_dir, threads):
    """The fitted models that prepare wrote (our own, trusted pickle files)."""
    models = {}
    for name in SKLEARN_MODELS:
        with open(os.path.join(models_dir, name + ".pkl"), "rb") as f:
            models[name] = pickle.load(f)
    boosters = {}
    for name in XGB_MODELS:
        booster = xgboost.Booster(model_file=os.path.join(models_dir, name + ".json"))
        booster.set_param({"nthread": threads})
        boosters[name] = booster
    return models, boosters


def run(work, out, quick, threads, cold_start_exe):
    start = time.perf_counter()
    if cold_start_exe is not None and not os.access(cold_start_exe, os.X_OK):
        raise SystemExit(f"--cold-start-exe: {cold_start_exe} is not an executable file")
    models_dir = os.path.join(work, "models")
    models, boosters = load_models(models_dir, threads)
    X = read_f64(os.path.join(work, "data", "X_batch"))
    X_pipeline = read_f64(os.path.join(work, "data", "X_batch_pipeline"))
    timing = Timing(quick)
    results = Results()

    tmp_dir = os.path.join(work, "tmp")
    os.makedirs(tmp_dir, exist_ok=True)
    with threadpool_limits(limits=threads):
        try:
            bench_arrays(results, timing, tmp_dir, quick)
            bench_model_files(results, timing, models, tmp_dir)
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)
        bench_predictions(results, timing, models, boosters, X, X_pipeline)
    bench_sizes(results, models_dir)
    bench_cold(results, timing, work, cold_start_exe)

    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"meta": meta(quick, threads), "results": results.records}, f, indent=2)
        f.write("\n")
    print(f"{len(results.records)} results written to {out} "
          f"in {time.perf_counter() - start:.1f} s")


# ----------------------------------------------------------------------------
# Command line


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare", help="generate the data and train the models")
    p.add_argument("--dir", required=True, help="work directory")
    r = commands.add_parser("run", help="time the Python side and write JSON results")
    r.add_argument("--dir", required=True, help="work directory prepared by 'prepare'")
    r.add_argument("--out", required=True, help="results file (JSON)")
    r.add_argument("--quick", action="store_true",
                   help="fewer repetitions and no 10^7 array (smoke test)")
    r.add_argument("--threads", type=int, default=1,
                   help="threads for BLAS, OpenMP and XGBoost (default: 1)")
    r.add_argument("--cold-start-exe", metavar="EXE",
                   help="also time EXE MODEL.brine X_batch.f64 as cold/brine")
    args = parser.parse_args(argv)

    if args.command == "prepare":
        prepare(args.dir)
    else:
        run(args.dir, args.out, args.quick, args.threads, args.cold_start_exe)


if __name__ == "__main__":
    main()
