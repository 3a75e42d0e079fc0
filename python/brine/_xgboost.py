# Exporters from XGBoost models (gbtree) to brine's tree_ensemble.
# SPDX-License-Identifier: MIT
"""XGBoost's XGBClassifier, XGBRegressor and Booster as brine tree ensembles.

The model is read from XGBoost's own JSON dump of the booster (`save_raw("json")`), so the file
holds exactly what XGBoost predicts with:
 - splits `float32(x) < threshold` (compare float32_lt; XGBoost turns its input into float32
   before any tree sees it), a NaN input following the node's learned `default_left`;
 - leaves and base margin float32 values, each addition rounded to float32 (accumulation
   float32), in XGBoost's tree order, each tree adding to the score of its `tree_info` group;
 - the base score stored in margin space (XGBoost keeps it as a probability for the logistic
   objectives and converts it with `-log(1 / base_score - 1)` in float32);
 - only the trees up to `best_iteration` when the model was trained with early stopping, as
   XGBoost's scikit-learn wrapper predicts (for a Booster: as
   `predict(iteration_range=(0, best_iteration + 1))`).
XGBoost computes the sigmoid and softmax in float32 and brine in double, so probabilities agree
to about 1e-7 relative: the stored reference tolerance is 1e-6 for them, 0 for a regressor's
identity output (the float32 sum itself).

multi:softmax models are exported as multi:softprob ones (the same margins; the class is the most
probable one), with XGBoost's probabilities of those margins as their reference outputs
(XGBClassifier.predict_proba; for a Booster, its predictions as multi:softprob).

Refused, by name: boosters other than gbtree (DART, gblinear), categorical splits, objectives
other than the ones below, a `missing` value other than NaN, multi-output models.
"""
import json
import math

import numpy as np

from ._sklearn import (Exported, _ensemble_payload, _params, _register, _unsupported,
                       public_name)

#: objective -> (task, link). Identity objectives predict the margin itself.
OBJECTIVES = {
    "reg:squarederror": ("regression", "identity"),
    "reg:squaredlogerror": ("regression", "identity"),
    "reg:pseudohubererror": ("regression", "identity"),
    "reg:absoluteerror": ("regression", "identity"),
    "reg:logistic": ("regression", "logistic"),
    "binary:logistic": ("classification", "logistic"),
    "multi:softprob": ("classification", "softmax"),
    "multi:softmax": ("classification", "softmax"),
}

#: Reference tolerance: XGBoost's float32 sigmoid / softmax against brine's double ones.
LINK_TOLERANCE = {"identity": 0.0, "logistic": 1e-6, "softmax": 1e-6}


def source_version():
    import xgboost
    return f"xgboost {xgboost.__version__}"


def _f32(x):
    return float(np.float32(x))


def _margin(objective, base_score):
    """XGBoost's ProbToMargin of the base score, in float32."""
    b = np.float32(base_score)
    if OBJECTIVES[objective][1] != "logistic":
        return float(b)
    if not 0.0 < b < 1.0:
        _unsupported(f"xgboost objective {objective} with base_score {float(b)!r} outside (0, 1)")
    x = np.float32(np.float32(1.0) / b - np.float32(1.0))
    return _f32(-math.log(float(x)))


def _tree_arrays(tree, where):
    left = np.asarray(tree["left_children"], dtype=np.int64)
    right = np.asarray(tree["right_children"], dtype=np.int64)
    n = left.size
    feature = np.asarray(tree["split_indices"], dtype=np.int64)
    cond = np.asarray([_f32(v) for v in tree["split_conditions"]], dtype=np.float64)
    default_left = np.asarray([int(v) for v in tree["default_left"]], dtype=np.int64)
    if any(int(v) != 0 for v in tree.get("split_type", [])) or tree.get("categories"):
        _unsupported(f"xgboost model with categorical splits ({where}); brine's trees compare "
                     "numbers only")
    if not (right.size == feature.size == cond.size == default_left.size == n) or n < 1:
        _unsupported(f"xgboost model with inconsistent node arrays ({where})")
    leaf = left == -1
    value = np.where(leaf, cond, 0.0).reshape(-1, 1)
    # XGBoost numbers nodes as it grows the tree, so children come after their parent; a pruned
    # tree may hold deleted nodes no walk reaches: then renumber the reachable ones breadth first.
    idx = np.arange(n)
    split = ~leaf
    ordered = np.all((left[split] > idx[split]) & (right[split] > idx[split])
                     & (left[split] < n) & (right[split] < n))
    reached = np.zeros(n, dtype=bool)
    reached[0] = True
    if ordered:
        for i in range(n):
            if reached[i] and split[i]:
                reached[left[i]] = reached[right[i]] = True
    if not (ordered and reached.all()):
        order, seen = [0], {0}
        for i in order:
            if left[i] != -1:
                for c in (left[i], right[i]):
                    if c < 0 or c >= n or c in seen:
                        _unsupported(f"xgboost model whose tree is not a tree ({where})")
                    seen.add(c)
                    order.append(c)
        new = {old: k for k, old in enumerate(order)}
        sel = np.asarray(order)
        left = np.asarray([new[c] if c != -1 else -1 for c in left[sel]])
        right = np.asarray([new[c] if c != -1 else -1 for c in right[sel]])
        feature, cond, default_left, value = (feature[sel], cond[sel], default_left[sel],
                                              value[sel])
        leaf = left == -1
    threshold = np.where(leaf, -2.0, cond)
    return left, right, feature, threshold, default_left, value


def export_booster(bst, name, params, wrapper_outputs=None, wrapper_task=None):
    doc = json.loads(bytes(bst.save_raw(raw_format="json")).decode("utf-8"))
    learner = doc["learner"]
    booster = learner["gradient_booster"]
    if booster.get("name") != "gbtree":
        _unsupported(f"{name} with booster '{booster.get('name')}' (brine exports gbtree "
                     "models; DART and gblinear predict otherwise)")
    objective = learner["objective"]["name"]
    if objective not in OBJECTIVES:
        _unsupported(f"{name} with objective '{objective}' (brine exports the objectives "
                     f"{', '.join(sorted(OBJECTIVES))})")
    task, link = OBJECTIVES[objective]
    if wrapper_task is not None and task != wrapper_task:
        _unsupported(f"{name} with objective '{objective}' (a {task} objective; use "
                     f"{'XGBClassifier' if task == 'classification' else 'XGBRegressor'})")
    mp = learner["learner_model_param"]
    n_features = int(mp["num_feature"])
    num_class = int(mp["num_class"])
    if int(mp.get("num_target", "1")) != 1:
        _unsupported(f"{name} with {mp['num_target']} targets (brine's tree_ensemble has one)")
    model = booster["model"]
    trees_json, tree_info = model["trees"], [int(g) for g in model["tree_info"]]
    n_groups = max(num_class, 1)
    parallel = int(model["gbtree_model_param"].get("num_parallel_tree", "1"))
    notes = {"brine.threshold": "XGBoost's rule float32(x) < threshold (compare float32_lt), "
                                "NaN inputs following each node's default_left",
             "brine.link": f"XGBoost objective {objective}; base_score in margin space"}
    best = bst.attr("best_iteration")
    n_trees = len(trees_json)
    if best is not None:
        n_trees = min(n_trees, (int(best) + 1) * n_groups * parallel)
        notes["brine.best_iteration"] = (f"trees of the iterations 0..{int(best)} (XGBoost's "
                                         "best_iteration), as predict uses them")
    if n_trees < 1:
        _unsupported(f"{name} without trees")
    trees = []
    for t in range(n_trees):
        where = f"tree {t}"
        left, right, feature, threshold, default_left, value = _tree_arrays(trees_json[t], where)
        if tree_info[t] < 0 or tree_info[t] >= n_groups:
            _unsupported(f"{name} with tree {t} in group {tree_info[t]} of {n_groups}")
        trees.append((left, right, feature, threshold, default_left, value,
                      tree_info[t] if link == "softmax" else 0))
    # "5E-1" (1.7); later versions may write a one-element list "[5E-1]".
    base = _margin(objective, float(str(mp["base_score"]).strip("[]")))
    if link == "softmax":
        if num_class < 2:
            _unsupported(f"{name} with objective {objective} and num_class {num_class}")
        classes = np.arange(num_class, dtype=np.float64)
        n_scores = num_class
    else:
        if num_class > 1:
            _unsupported(f"{name} with objective {objective} and num_class {num_class}")
        classes = np.array([0.0, 1.0]) if task == "classification" else np.zeros(0)
        n_scores = 1
    payload = _ensemble_payload(task, n_features, "float32_lt", "sum", "float32", link, classes,
                                np.full(n_scores, base), trees)
    iteration_range = (0, n_trees // (n_groups * parallel))

    # A Booster of multi:softmax predicts the class of the largest margin; XGBoost's probabilities
    # for the same margins are multi:softprob's (XGBClassifier.predict_proba computes them too).
    source = bst
    if objective == "multi:softmax" and wrapper_outputs is None:
        source = bst.copy()
        source.set_param({"objective": "multi:softprob"})

    def outputs(X):
        import xgboost
        if wrapper_outputs is not None:
            return np.asarray(wrapper_outputs(X), dtype=np.float64).reshape(len(X), -1)
        p = source.predict(xgboost.DMatrix(np.asarray(X, dtype=np.float64), missing=np.nan,
                                        feature_names=bst.feature_names),
                        iteration_range=iteration_range)
        p = np.asarray(p).reshape(len(X), -1)
        if link == "logistic" and task == "classification":
            p = np.column_stack([np.float32(1.0) - p[:, 0], p[:, 0]])  # XGBClassifier's columns
        return p.astype(np.float64)

    labels = [str(c) for c in classes.tolist()]
    names = bst.feature_names
    return Exported("tree_ensemble", payload, outputs, LINK_TOLERANCE[link], labels, params,
                    notes, source=source_version(),
                    feature_names=list(names) if names and len(names) == n_features else None,
                    takes_nan=True)  # a missing value, routed by each node's default_left


def _check_missing(est, name):
    missing = getattr(est, "missing", np.nan)
    if missing is not None and not (isinstance(missing, float) and math.isnan(missing)):
        _unsupported(f"{name} with missing={missing!r} (brine treats NaN, and only NaN, as a "
                     "missing value)")


@_register("xgboost.sklearn.XGBClassifier")
def _xgb_classifier(est):
    name = public_name(type(est))
    _check_missing(est, name)
    n = int(est.n_classes_)
    if not np.array_equal(np.asarray(est.classes_), np.arange(n)):
        _unsupported(f"{name} with classes {np.asarray(est.classes_)[:3].tolist()}...")
    return export_booster(est.get_booster(), name, _params(est), est.predict_proba,
                          "classification")


@_register("xgboost.sklearn.XGBRegressor")
def _xgb_regressor(est):
    name = public_name(type(est))
    _check_missing(est, name)
    return export_booster(est.get_booster(), name, _params(est), est.predict, "regression")


@_register("xgboost.core.Booster")
def _xgb_booster(bst):
    config = json.loads(bst.save_config())
    params = {"objective": config["learner"]["objective"]["name"],
              "booster": config["learner"]["gradient_booster"]["name"]}
    return export_booster(bst, public_name(type(bst)), params)
