#!/usr/bin/python3
"""A scikit-learn RandomForestClassifier against the same forest held as a brine::TreeEnsemble.

``prepare --dir W``
    Trains RandomForestClassifier(n_estimators=100, random_state=0) on the data of
    bench/python/bench_python.py (W/data/X_batch must exist: run its ``prepare`` first; the training
    rows are drawn the same way), writes W/models/rf.pkl (pickle protocol 5) and W/models/rf.joblib,
    exports the trees as raw arrays (W/models/rf/<array>, scikit-learn's ``tree_`` arrays
    concatenated, leaves normalised to class distributions as scikit-learn's predict_proba
    normalises them) and scikit-learn's predict_proba of X_batch (W/data/pred_rf_proba).

``run --dir W --exe brine_bench_forest [--runs N] [--baseline-exe OTHER]``
    Times, in one run: pickle.load (wall and CPU time) and joblib.load of the forest,
    predict_proba of X_batch (n_jobs=1, one BLAS/OpenMP thread), then runs the C++ program, which
    checks that brine's probabilities equal scikit-learn's and times brine's load of its binary
    file (wall and CPU time) and its batch predict_proba on 1 and 2 threads. Prints one table with
    the ratios and the load average. With ``--baseline-exe``, the same C++ program built from an
    earlier revision runs first in the same run, and its file size and load time are printed
    beside this build's (a before/after of a file-format change).
"""

import argparse
import gc
import json
import os
import pickle
import statistics
import subprocess
import sys
import time

import joblib
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import bench_python as bp  # noqa: E402  (data, array files, timing)


def export_forest(model, directory):
    parts = {k: [] for k in ("children_left", "children_right", "feature", "threshold", "value")}
    offsets = [0]
    for est in model.estimators_:
        t = est.tree_
        value = t.value[:, 0, :].astype(np.float64)
        total = value.sum(axis=1, keepdims=True)
        total[total == 0.0] = 1.0
        parts["children_left"].append(t.children_left.astype(np.int32))
        parts["children_right"].append(t.children_right.astype(np.int32))
        parts["feature"].append(t.feature.astype(np.int32))
        parts["threshold"].append(t.threshold.astype(np.float64))
        parts["value"].append(value / total)
        offsets.append(offsets[-1] + t.node_count)
    arrays = {k: np.concatenate(v) for k, v in parts.items()}
    arrays["tree_offsets"] = np.array(offsets, dtype=np.int32)
    arrays["classes"] = model.classes_.astype(np.float64)
    for name, array in arrays.items():
        bp.write_array(os.path.join(directory, name), array)
    return offsets[-1]


def prepare(work):
    data = bp.make_data()
    X, y = data["X_train"], data["y_cls"]
    model = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(X, y)
    models = os.path.join(work, "models")
    n_nodes = export_forest(model, os.path.join(models, "rf"))
    with open(os.path.join(models, "rf.pkl"), "wb") as f:
        pickle.dump(model, f, protocol=5)
    joblib.dump(model, os.path.join(models, "rf.joblib"))
    X_batch = bp.read_f64(os.path.join(work, "data", "X_batch"))
    bp.write_array(os.path.join(work, "data", "pred_rf_proba"), model.predict_proba(X_batch))
    print(f"rf: 100 trees, {n_nodes} nodes, pickle {os.path.getsize(os.path.join(models, 'rf.pkl'))} B")


def median_time(fn, runs, clock=time.perf_counter):
    fn()
    times = []
    for _ in range(runs):
        gc.disable()
        try:
            start = clock()
            fn()
            times.append(clock() - start)
        finally:
            gc.enable()
    return statistics.median(times)


def run_cpp(exe, runs, work):
    out = subprocess.run([exe, str(runs)], check=True, capture_output=True, text=True,
                         env=dict(os.environ, BRINE_BENCH_DIR=work))
    sys.stderr.write(out.stderr)
    return json.loads(out.stdout)


def run(work, exe, runs, baseline_exe=None):
    models = os.path.join(work, "models")
    pkl, jl = os.path.join(models, "rf.pkl"), os.path.join(models, "rf.joblib")
    load_avg = os.getloadavg()
    r = {}

    def pickle_load():
        with open(pkl, "rb") as f:
            return pickle.load(f)

    with threadpool_limits(limits=1):
        r["pickle_load_s"] = median_time(pickle_load, runs)
        # CPU time of this process: steadier than wall time on a shared machine.
        r["pickle_load_cpu_s"] = median_time(pickle_load, runs, time.process_time)
        r["joblib_load_s"] = median_time(lambda: joblib.load(jl), runs)
        model = pickle_load()
        model.set_params(n_jobs=1)
        X = bp.read_f64(os.path.join(work, "data", "X_batch"))
        r["sklearn_predict_proba_s"] = median_time(lambda: model.predict_proba(X), max(3, runs // 3))
        # CPU time too: on a busy machine wall time measures the other programs as well.
        r["sklearn_predict_proba_cpu_s"] = median_time(lambda: model.predict_proba(X),
                                                       max(3, runs // 3), time.process_time)
    r["pickle_bytes"] = os.path.getsize(pkl)
    r["joblib_bytes"] = os.path.getsize(jl)
    base = run_cpp(baseline_exe, runs, work) if baseline_exe else None
    r.update(run_cpp(exe, runs, work))
    load_end = os.getloadavg()
    rows = X.shape[0]
    print(f"random forest, {r['n_trees']} trees, {r['n_nodes']} nodes, {rows} x {X.shape[1]} rows; "
          f"medians of {runs} runs; load average {load_avg[0]:.2f} at the start, "
          f"{load_end[0]:.2f} at the end")
    print("| measure | brine | scikit-learn / pickle | ratio (target) |")
    print("|---|---:|---:|---:|")
    sk = r["sklearn_predict_proba_s"]
    for threads in (1, 2):
        b = r[f"brine_predict_proba_{threads}t_s"]
        print(f"| predict_proba, {threads} thread{'s' if threads > 1 else ''} | {b * 1e3:.1f} ms "
              f"({rows / b / 1e6:.2f} M rows/s) | {sk * 1e3:.1f} ms (n_jobs=1) | "
              f"{sk / b:.1f}x faster{' (>= 5x)' if threads == 1 else ''} |")
    for threads in (1, 2):
        b = r.get(f"compiled_predict_proba_{threads}t_s")
        if b is None:
            continue
        print(f"| predict_proba, CompiledEnsemble, {threads} thread{'s' if threads > 1 else ''} | "
              f"{b * 1e3:.1f} ms ({rows / b / 1e6:.2f} M rows/s) | {sk * 1e3:.1f} ms (n_jobs=1) | "
              f"{sk / b:.1f}x faster{' (>= 5x)' if threads == 1 else ''} |")
    skc = r["sklearn_predict_proba_cpu_s"]
    for name, key in (("TreeEnsemble", "brine"), ("CompiledEnsemble", "compiled")):
        b = r.get(f"{key}_predict_proba_1t_cpu_s")
        if b is not None:
            print(f"| predict_proba, {name}, 1 thread, CPU time | {b * 1e3:.1f} ms | "
                  f"{skc * 1e3:.1f} ms CPU | {skc / b:.1f}x faster (>= 5x) |")
    b1, b2 = r["brine_predict_proba_1t_s"], r["brine_predict_proba_2t_s"]
    print(f"| scaling to 2 threads | {b1 / b2:.2f}x | | |")
    bl = r["brine_load_s"]
    print(f"| load (binary file) | {bl * 1e3:.2f} ms | {r['pickle_load_s'] * 1e3:.2f} ms pickle, "
          f"{r['joblib_load_s'] * 1e3:.2f} ms joblib | {r['pickle_load_s'] / bl:.1f}x faster than "
          f"pickle (>= 10x) |")
    bc, pc = r["brine_load_cpu_s"], r["pickle_load_cpu_s"]
    print(f"| load, CPU time | {bc * 1e3:.2f} ms | {pc * 1e3:.2f} ms pickle | {pc / bc:.1f}x less "
          f"than pickle |")
    print(f"| file size | {r['brine_bytes']:,} B | {r['pickle_bytes']:,} B pickle, "
          f"{r['joblib_bytes']:,} B joblib | {r['brine_bytes'] / r['pickle_bytes']:.3f}x "
          f"pickle (<= 0.5x) |")
    if base:
        print(f"| load, baseline build | {base['brine_load_s'] * 1e3:.2f} ms, "
              f"{base['brine_load_cpu_s'] * 1e3:.2f} ms CPU | this build {bl * 1e3:.2f} ms, "
              f"{bc * 1e3:.2f} ms CPU | {bl / base['brine_load_s']:.2f}x wall, "
              f"{bc / base['brine_load_cpu_s']:.2f}x CPU of the baseline |")
        print(f"| file size, baseline build | {base['brine_bytes']:,} B | this build "
              f"{r['brine_bytes']:,} B | {r['brine_bytes'] / base['brine_bytes']:.3f}x of the "
              f"baseline |")
        r["baseline"] = base
    print(json.dumps(r))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare")
    p.add_argument("--dir", required=True)
    q = commands.add_parser("run")
    q.add_argument("--dir", required=True)
    q.add_argument("--exe", required=True)
    q.add_argument("--runs", type=int, default=9)
    q.add_argument("--baseline-exe", help="brine_bench_forest built from an earlier revision")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(os.path.abspath(args.dir))
    else:
        run(os.path.abspath(args.dir), args.exe, args.runs, args.baseline_exe)


if __name__ == "__main__":
    main()
