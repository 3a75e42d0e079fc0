# Exporters from scikit-learn estimators to brine models: one table entry per estimator class.
# SPDX-License-Identifier: MIT
"""scikit-learn estimators as brine models, predicting exactly what scikit-learn predicts.

`EXPORTERS` maps an estimator class, by its public name (``sklearn.tree.DecisionTreeClassifier``),
to a function returning an `Exported`: the brine kind and payload, the source's own output
function for reference predictions, the tolerance stored with them and the metadata the
estimator knows (class labels, parameters). Only these exact classes are accepted (a subclass may
predict differently); every other estimator, and every option a kind cannot represent, raises
`UnsupportedModel` naming it.

Traps handled here:
 - scikit-learn's trees and forests compare `float32(x) <= threshold`: stored as compare
   `float32_le` (decision_tree schema 2, tree_ensemble) with scikit-learn's own thresholds, so the
   file routes every finite double input as scikit-learn does.
 - scikit-learn >= 1.3's learned missing-value directions (`missing_go_to_left`) are stored as
   `default_left`; 1.2 has none (its trees refuse NaN inputs).
 - Forests average the trees' outputs summed in estimator order (aggregation `average`);
   gradient boosting adds `learning_rate * value` to the initial raw score (stored as leaves
   already multiplied, in double, as predict computes them; aggregation `sum`).
 - 1.2's `tree_.value` holds class counts (weighted): they are divided by their row sums exactly
   as `predict_proba` does, so the stored probabilities are the bits scikit-learn returns.
 - LogisticRegression with `multi_class="multinomial"` and two classes computes
   softmax([-z, z]) = sigmoid(2z): stored with coef and intercept doubled (exact in binary).
 - LogisticRegression one-vs-rest (`multi_class="ovr"`, or "auto" with liblinear) with three or
   more classes is stored as logistic_regression schema 2, multi_class "ovr"; with two classes
   it is the binary model (schema 1).
 - RobustScaler without centering or scaling leaves that step out, as scikit-learn does: stored
   as an empty center or scale. With unit_variance=True its scale_ already holds the adjusted
   ranges, so the transform is the same division.
 - ColumnTransformer: its fitted `transformers_` in order (the remainder last), each column
   selection resolved to indices (names through `feature_names_in_`); a branch whose selection is
   empty adds nothing, as in scikit-learn, and is stored as `drop`. A sparse result
   (`sparse_threshold`) holds the same values as brine's dense one.
 - OneHotEncoder: numeric categories only (integers must be exact in double); drop_idx_ as
   drop_idx (None entries as -1). Its output is 0 and 1 in any `dtype` and dense or sparse alike,
   so `dtype` and `sparse_output` are accepted and the file's transform is dense float64.
   handle_unknown='infrequent_if_exist' with no infrequent category encodes unknowns as zeros,
   as 'ignore' does; an encoder with infrequent categories is refused.
 - SimpleImputer drops a feature whose statistics_ entry is NaN (all missing at fit) unless
   strategy="constant" or keep_empty_features=True; brine's simple_imputer drops exactly the
   features whose statistic is NaN, which is the same set (keep_empty_features stores 0 for them,
   and a constant fill value must be finite). indicator_.features_ are the indicator columns.
"""
import warnings

import numpy as np

from . import _kinds
from ._errors import UnsupportedModel

EXPORTERS = {}

#: Tolerance stored with reference predictions, per brine kind: |stored - computed| allowed
#: relative to max(1, |stored|), on top of the rounding bound brine's own check allows. Trees copy
#: scikit-learn's leaf values and route exactly, so their outputs are bit-identical; the others
#: compute the same formulas in another summation order (and exp() from another libm).
TOLERANCE = {"decision_tree": 0.0, "linear_regression": 1e-12, "logistic_regression": 1e-12,
             "standard_scaler": 1e-12, "min_max_scaler": 1e-12, "max_abs_scaler": 1e-12,
             "robust_scaler": 1e-12, "tree_ensemble": 1e-12, "one_hot_encoder": 0.0,
             "column_transformer": 1e-12, "simple_imputer": 0.0}


class Exported:
    def __init__(self, kind, payload, outputs, tolerance, class_labels=(), options=None,
                 notes=None, source=None, feature_names=None, takes_nan=False):
        self.kind = kind
        self.payload = payload
        self.outputs = outputs          # X -> the source's reference outputs (2-D)
        self.tolerance = tolerance
        self.class_labels = list(class_labels)
        self.options = options or {}
        self.notes = notes or {}        # extra metadata: how the export kept the semantics
        self.source = source or source_version()  # the source library and its version
        self.feature_names = feature_names  # names the model knows, when not feature_names_in_
        # NaN is a valid input (a missing value), e.g. of reference rows: a bool, or a function of
        # the rows holding NaN (a pipeline's steps may impute it before its estimator sees it).
        self.takes_nan = takes_nan


def public_name(cls):
    """``sklearn.tree.DecisionTreeClassifier`` for scikit-learn's classes (private modules
    dropped), ``module.Class`` for others."""
    parts = [p for p in cls.__module__.split(".") if not p.startswith("_")]
    return ".".join(parts + [cls.__name__])


def supported():
    """Public names of the estimator classes brine.save accepts."""
    return sorted(EXPORTERS)


def _register(*names):
    def wrap(fn):
        for n in names:
            EXPORTERS[n] = fn
        return fn
    return wrap


def _unsupported(what):
    raise UnsupportedModel(what, supported())


def export(est):
    name = public_name(type(est))
    fn = EXPORTERS.get(name)
    if fn is None:
        _unsupported(f"{name} is not an estimator brine can export")
    _check_fitted(est, name)
    return fn(est)


def _check_fitted(est, name):
    if name == "xgboost.core.Booster":
        return  # a Booster exists only once trained (or loaded)
    if not hasattr(est, "n_features_in_") and not hasattr(est, "steps"):
        from ._errors import Error
        raise Error("invalid_argument", f"{name} is not fitted: call fit() before brine.save")


def _col(a):
    return np.ascontiguousarray(np.asarray(a, dtype=np.float64).reshape(-1, 1))


def _params(est):
    out = {}
    for k, v in sorted(est.get_params(deep=False).items()):
        out[k] = v if isinstance(v, str) else repr(v)
    return out


def _numeric_classes(est, name):
    classes = np.asarray(est.classes_)
    if classes.dtype.kind not in "iufb":
        _unsupported(f"{name} with non-numeric class labels {classes[:3].tolist()}... (brine "
                     "stores classes as numbers; encode them first, e.g. with LabelEncoder, and "
                     "pass the names as metadata={'class_labels': [...]})")
    as_float = classes.astype(np.float64)
    if not np.array_equal(as_float.astype(classes.dtype), classes) or not np.all(
            np.isfinite(as_float)):
        _unsupported(f"{name} with class labels that are not exactly representable as doubles")
    labels = [str(c.item()) for c in classes]
    return as_float, labels


def _proba(est):
    return lambda X: np.asarray(est.predict_proba(X), dtype=np.float64)


def _predict_2d(est):
    def out(X):
        y = np.asarray(est.predict(X), dtype=np.float64)
        return y.reshape(len(X), -1)
    return out


@_register("sklearn.linear_model.LinearRegression", "sklearn.linear_model.Ridge",
           "sklearn.linear_model.Lasso", "sklearn.linear_model.ElasticNet")
def _linear(est):
    coef = np.asarray(est.coef_, dtype=np.float64)
    coef = coef.reshape(1, -1) if coef.ndim == 1 else coef
    intercept = np.broadcast_to(np.asarray(est.intercept_, dtype=np.float64),
                                (coef.shape[0],))
    payload = {"schema_version": 1, "coef": np.ascontiguousarray(coef),
               "intercept": _col(intercept)}
    return Exported("linear_regression", payload, _predict_2d(est),
                    TOLERANCE["linear_regression"], options=_params(est))


@_register("sklearn.linear_model.LogisticRegression")
def _logistic(est):
    name = public_name(type(est))
    classes, labels = _numeric_classes(est, name)
    k = classes.size
    multi = est.multi_class
    if multi == "auto":
        multi = "ovr" if (k <= 2 or est.solver == "liblinear") else "multinomial"
    coef = np.asarray(est.coef_, dtype=np.float64)
    intercept = np.asarray(est.intercept_, dtype=np.float64).reshape(-1)
    if k < 2:
        _unsupported(f"{name} fitted on {k} class")
    notes = {}
    if k == 2:
        if multi == "multinomial":
            # softmax([-z, z]) = sigmoid(2z); doubling is exact in binary floating point.
            coef, intercept = 2.0 * coef, 2.0 * intercept
            notes["brine.logistic"] = ("multi_class='multinomial' with two classes: stored "
                                       "as sigmoid(2z), coef and intercept doubled")
    payload = {"schema_version": 1, "classes": _col(classes), "coef": np.ascontiguousarray(coef),
               "intercept": _col(intercept)}
    if k > 2 and multi != "multinomial":
        # One-vs-rest (multi_class='ovr', or 'auto' with liblinear): schema 2, the only files
        # that need it; predict_proba normalises each score's sigmoid by their sum.
        payload.update(schema_version=2, multi_class="ovr")
    return Exported("logistic_regression", payload, _proba(est),
                    TOLERANCE["logistic_regression"], labels, _params(est), notes)


def _tree_value(est, tree, classifier):
    """A tree's leaf payloads as scikit-learn's predict / predict_proba reads them: 1.2's
    `tree_.value` holds (weighted) class counts, which predict_proba divides by their row sums
    (1 for an empty row); the same NumPy operations give the same bits."""
    value = np.asarray(tree.value, dtype=np.float64)[:, 0, :]
    if not classifier:
        return np.ascontiguousarray(value[:, :1])
    normalizer = value.sum(axis=1)[:, np.newaxis]
    normalizer[normalizer == 0.0] = 1.0
    value = value / normalizer
    leaf = np.asarray(tree.children_left) == -1
    if np.any(np.abs(value[leaf].sum(axis=1) - 1.0) > 1e-9):
        _unsupported(f"{public_name(type(est))} with a leaf of zero total sample weight")
    return np.ascontiguousarray(value)


def _missing_left(tree):
    """scikit-learn >= 1.3 learns where a NaN input goes (`missing_go_to_left`): those flags; None
    for 1.2, whose trees refuse NaN inputs."""
    flags = getattr(tree, "missing_go_to_left", None)
    return None if flags is None else np.asarray(flags, dtype=np.uint8)


def _node_arrays(tree):
    return (np.asarray(tree.children_left, dtype=np.int32),
            np.asarray(tree.children_right, dtype=np.int32),
            np.asarray(tree.feature, dtype=np.int32),
            np.asarray(tree.threshold, dtype=np.float64))


_FLOAT32_NOTE = ("scikit-learn's rule float32(x) <= threshold, stored as compare float32_le with "
                 "scikit-learn's own thresholds")


@_register("sklearn.tree.DecisionTreeClassifier", "sklearn.tree.DecisionTreeRegressor")
def _tree(est):
    name = public_name(type(est))
    t = est.tree_
    if est.n_outputs_ != 1:
        _unsupported(f"{name} with {est.n_outputs_} outputs (brine's decision_tree has one)")
    left, right, feature, threshold = _node_arrays(t)
    classifier = hasattr(est, "classes_")
    labels = []
    if classifier:
        classes, labels = _numeric_classes(est, name)
        outputs = _proba(est)
    else:
        classes = np.zeros(0)
        outputs = _predict_2d(est)
    # Schema 2: scikit-learn's float32 compare with its own thresholds; 1.2 learns no direction
    # for missing values, so there is no default_left (NaN inputs are refused, as 1.2 does);
    # >= 1.3's learned directions are stored as default_left.
    missing = _missing_left(t)
    payload = {
        "schema_version": 2, "task": "classification" if classifier else "regression",
        "n_features": int(est.n_features_in_), "n_nodes": int(t.node_count),
        "classes": _col(classes), "children_left": left.reshape(-1, 1),
        "children_right": right.reshape(-1, 1), "feature": feature.reshape(-1, 1),
        "threshold": _col(threshold), "value": _tree_value(est, t, classifier),
        "compare": "float32_le",
        "default_left": (np.zeros((0, 1), dtype=np.uint8) if missing is None
                         else missing.reshape(-1, 1))}
    notes = {"brine.threshold": _FLOAT32_NOTE}
    return Exported("decision_tree", payload, outputs, TOLERANCE["decision_tree"], labels,
                    _params(est), notes)


def _ensemble_payload(task, n_features, compare, aggregation, accumulation, link, classes,
                      base_score, trees):
    """A tree_ensemble payload from trees given as (left, right, feature, threshold,
    default_left, value rows, first score)."""
    sizes = [len(t[0]) for t in trees]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32)
    cat = lambda i, dt: np.concatenate([np.asarray(t[i], dtype=dt) for t in trees])  # noqa: E731
    leaf = cat(0, np.int32) == -1
    feature = cat(2, np.int32)
    threshold = cat(3, np.float64)
    # Leaves store feature -2 and threshold -2 (scikit-learn's TREE_UNDEFINED), as brine does.
    feature[leaf] = -2
    threshold[leaf] = -2.0
    default_left = cat(4, np.uint8)
    default_left[leaf] = 0
    return {
        "schema_version": 2, "task": task, "n_features": int(n_features), "compare": compare,
        "aggregation": aggregation, "accumulation": accumulation, "link": link,
        "n_trees": len(trees), "n_nodes": int(offsets[-1]), "classes": _col(classes),
        "base_score": _col(base_score), "tree_offsets": offsets.reshape(-1, 1),
        "tree_output": np.array([t[6] for t in trees], dtype=np.int32).reshape(-1, 1),
        "children_left": cat(0, np.int32).reshape(-1, 1),
        "children_right": cat(1, np.int32).reshape(-1, 1), "feature": feature.reshape(-1, 1),
        "threshold": _col(threshold), "default_left": default_left.reshape(-1, 1),
        "value": np.ascontiguousarray(np.vstack([np.asarray(t[5], dtype=np.float64)
                                                 for t in trees]))}


@_register("sklearn.ensemble.RandomForestClassifier", "sklearn.ensemble.RandomForestRegressor",
           "sklearn.ensemble.ExtraTreesClassifier", "sklearn.ensemble.ExtraTreesRegressor")
def _forest(est):
    name = public_name(type(est))
    if est.n_outputs_ != 1:
        _unsupported(f"{name} with {est.n_outputs_} outputs (brine's tree_ensemble has one)")
    classifier = hasattr(est, "classes_")
    labels = []
    if classifier:
        classes, labels = _numeric_classes(est, name)
        outputs = _proba(est)
    else:
        classes = np.zeros(0)
        outputs = _predict_2d(est)
    trees = []
    for tree in est.estimators_:
        t = tree.tree_
        left, right, feature, threshold = _node_arrays(t)
        missing = _missing_left(t)
        trees.append((left, right, feature, threshold,
                      np.zeros(t.node_count) if missing is None else missing,
                      _tree_value(est, t, classifier), 0))
    # predict_proba / predict: each tree's output summed into zeros in estimator order (one
    # thread), then divided by n_estimators.
    width = classes.size if classifier else 1
    payload = _ensemble_payload("classification" if classifier else "regression",
                                est.n_features_in_, "float32_le", "average", "float64",
                                "identity", classes, np.zeros(width), trees)
    notes = {"brine.threshold": _FLOAT32_NOTE}
    return Exported("tree_ensemble", payload, outputs, TOLERANCE["tree_ensemble"], labels,
                    _params(est), notes)


_GB_LOSSES = {"sklearn.ensemble.GradientBoostingClassifier": ("log_loss", "deviance"),
              "sklearn.ensemble.GradientBoostingRegressor": ("squared_error", "absolute_error",
                                                             "huber", "quantile")}


@_register("sklearn.ensemble.GradientBoostingClassifier",
           "sklearn.ensemble.GradientBoostingRegressor")
def _boosting(est):
    name = public_name(type(est))
    if est.loss not in _GB_LOSSES[name]:
        _unsupported(f"{name} with loss={est.loss!r} (brine exports the losses "
                     f"{', '.join(map(repr, _GB_LOSSES[name]))})")
    if est.init is not None and not (isinstance(est.init, str) and est.init == "zero"):
        _unsupported(f"{name} with a custom init estimator ({public_name(type(est.init))}): "
                     "brine stores the initial raw score of init=None or 'zero' only")
    classifier = hasattr(est, "classes_")
    labels = []
    n_features = int(est.n_features_in_)
    # The initial raw score does not depend on X for init None (the loss's prior or constant) and
    # 'zero': scikit-learn's own computation, taken on one row.
    base = np.asarray(est._raw_predict_init(np.zeros((1, n_features), dtype=np.float32)),
                      dtype=np.float64)[0]
    if classifier:
        classes, labels = _numeric_classes(est, name)
        outputs = _proba(est)
        link = "logistic" if classes.size == 2 else "softmax"
    else:
        classes = np.zeros(0)
        outputs = _predict_2d(est)
        link = "identity"
    trees = []
    lr = float(est.learning_rate)
    for stage in est.estimators_:
        for k, tree in enumerate(stage):
            t = tree.tree_
            left, right, feature, threshold = _node_arrays(t)
            # predict_stages adds learning_rate * value, that product in double: stored as such.
            value = lr * np.asarray(t.value, dtype=np.float64)[:, 0, :1]
            missing = _missing_left(t)
            trees.append((left, right, feature, threshold,
                          np.zeros(t.node_count) if missing is None else missing, value, k))
    payload = _ensemble_payload("classification" if classifier else "regression", n_features,
                                "float32_le", "sum", "float64", link, classes, base, trees)
    notes = {"brine.threshold": _FLOAT32_NOTE,
             "brine.leaves": "learning_rate * value, as predict adds them"}
    return Exported("tree_ensemble", payload, outputs, TOLERANCE["tree_ensemble"], labels,
                    _params(est), notes)


def _transform(est):
    return lambda X: np.asarray(est.transform(X), dtype=np.float64)


@_register("sklearn.preprocessing.StandardScaler")
def _standard(est):
    n = int(est.n_features_in_)
    mean = est.mean_ if est.mean_ is not None and est.with_mean else np.zeros(n)
    scale = est.scale_ if est.scale_ is not None and est.with_std else np.ones(n)
    payload = {"schema_version": 1, "mean": _col(mean), "scale": _col(scale)}
    return Exported("standard_scaler", payload, _transform(est), TOLERANCE["standard_scaler"],
                    options=_params(est))


@_register("sklearn.preprocessing.MinMaxScaler")
def _min_max(est):
    if est.clip:
        _unsupported("sklearn.preprocessing.MinMaxScaler with clip=True (brine's "
                     "min_max_scaler does not clip)")
    payload = {"schema_version": 1, "scale": _col(est.scale_), "min": _col(est.min_)}
    return Exported("min_max_scaler", payload, _transform(est), TOLERANCE["min_max_scaler"],
                    options=_params(est))


def _finite_fit(est, name, *attributes):
    for a in attributes:
        v = np.asarray(getattr(est, a), dtype=np.float64)
        if not np.all(np.isfinite(v)):
            _unsupported(f"{name} with non-finite {a} (fitted on a column without finite "
                         "values?); brine's scalers hold finite parameters")


@_register("sklearn.preprocessing.MaxAbsScaler")
def _max_abs(est):
    # transform divides by scale_ (max_abs_ with 1 where it is 0), as brine's max_abs_scaler.
    _finite_fit(est, "sklearn.preprocessing.MaxAbsScaler", "scale_")
    payload = {"schema_version": 1, "scale": _col(est.scale_)}
    return Exported("max_abs_scaler", payload, _transform(est), TOLERANCE["max_abs_scaler"],
                    options=_params(est))


@_register("sklearn.preprocessing.RobustScaler")
def _robust(est):
    # transform subtracts center_ (when with_centering) and divides by scale_ (when with_scaling):
    # a step left out is stored as an empty vector and not applied, as in scikit-learn. scale_
    # holds the quantile ranges already divided by unit_variance's normal-quantile adjustment.
    name = "sklearn.preprocessing.RobustScaler"
    n = int(est.n_features_in_)
    fields = [a for a, used in (("center_", est.with_centering), ("scale_", est.with_scaling))
              if used]
    _finite_fit(est, name, *fields)
    if est.with_scaling and np.any(np.asarray(est.scale_) == 0):
        _unsupported(f"{name} with a zero scale_")

    def vec(a, used):
        return _col(getattr(est, a)) if used else np.zeros((0, 1))

    payload = {"schema_version": 1, "n_features": n,
               "center": vec("center_", est.with_centering),
               "scale": vec("scale_", est.with_scaling)}
    return Exported("robust_scaler", payload, _transform(est), TOLERANCE["robust_scaler"],
                    options=_params(est))


def _dense_transform(est):
    def outputs(X):
        Z = est.transform(X)
        return np.asarray(Z.toarray() if hasattr(Z, "toarray") else Z, dtype=np.float64)
    return outputs


@_register("sklearn.preprocessing.OneHotEncoder")
def _one_hot(est):
    name = "sklearn.preprocessing.OneHotEncoder"
    infrequent = getattr(est, "infrequent_categories_", None) if getattr(
        est, "_infrequent_enabled", False) else None
    if infrequent is not None and any(c is not None for c in infrequent):
        _unsupported(f"{name} with infrequent categories (min_frequency={est.min_frequency!r}, "
                     f"max_categories={est.max_categories!r} grouped some categories into one "
                     "column; brine's one_hot_encoder has one column per category)")
    handle_unknown = {"error": "error", "ignore": "ignore", "infrequent_if_exist": "ignore",
                      "warn": "ignore"}.get(est.handle_unknown)
    if handle_unknown is None:
        _unsupported(f"{name} with handle_unknown={est.handle_unknown!r}")
    cats, counts = [], []
    for j, c in enumerate(est.categories_):
        c = np.asarray(c)
        if c.dtype.kind not in "iufb":
            _unsupported(f"{name} with {c.dtype} categories in feature {j} (e.g. "
                         f"{c[:3].tolist()}): brine's one_hot_encoder takes numeric categories; "
                         "encode strings as numbers first (e.g. OrdinalEncoder)")
        v = c.astype(np.float64)
        if c.dtype.kind in "iu" and np.any(v.astype(c.dtype) != c):
            _unsupported(f"{name} with integer categories in feature {j} that a double cannot "
                         "hold exactly (beyond 2^53)")
        if np.any(np.isinf(v)):
            _unsupported(f"{name} with an infinite category in feature {j}")
        finite = v[~np.isnan(v)]
        if np.any(np.diff(finite) <= 0):
            _unsupported(f"{name} with repeated categories in feature {j} (given as "
                         "categories=...); brine's categories are unique")
        cats.append(v)
        counts.append(v.size)
    n = len(counts)
    if est.drop_idx_ is None:
        drop = np.zeros((0, 1), dtype=np.int32)
    else:
        drop = np.array([[-1 if d is None else int(d)] for d in est.drop_idx_], dtype=np.int32)
    payload = {"schema_version": 1, "handle_unknown": handle_unknown,
               "n_categories": np.array(counts, dtype=np.int32).reshape(n, 1),
               "categories": _col(np.concatenate(cats)), "drop_idx": drop}
    notes = {}
    if est.handle_unknown != handle_unknown:
        notes["brine.handle_unknown"] = (f"{est.handle_unknown} without infrequent categories: "
                                         "unknowns are all zeros, as ignore")
    return Exported("one_hot_encoder", payload, _dense_transform(est),
                    TOLERANCE["one_hot_encoder"], options=_params(est), notes=notes)
_IMPUTER = "sklearn.impute.SimpleImputer"


@_register(_IMPUTER)
def _simple_imputer(est):
    strategy = est.strategy
    if not isinstance(strategy, str) or strategy not in _kinds.IMPUTE_STRATEGIES:
        _unsupported(f"{_IMPUTER} with strategy={strategy!r} (brine's simple_imputer has "
                     f"{', '.join(map(repr, _kinds.IMPUTE_STRATEGIES))})")
    stats = np.asarray(est.statistics_)
    fit_dtype = getattr(est, "_fit_dtype", stats.dtype)
    if stats.dtype.kind not in "iufb" or np.dtype(fit_dtype).kind not in "iufb":
        _unsupported(f"{_IMPUTER} fitted on non-numeric data (dtype {fit_dtype}); brine's "
                     "simple_imputer imputes numbers only")
    mv = est.missing_values
    if isinstance(mv, (bool, np.bool_)) or not isinstance(mv, (int, float, np.integer,
                                                                np.floating)):
        _unsupported(f"{_IMPUTER} with missing_values={mv!r} (brine's marker is NaN or a finite "
                     "number)")
    marker = float(mv)
    if np.isinf(marker) or (not np.isnan(marker) and marker != mv):
        _unsupported(f"{_IMPUTER} with missing_values={mv!r} (brine's marker is NaN or a finite "
                     "number, exact as a double)")
    stats = stats.astype(np.float64)
    if np.any(np.isinf(stats)):
        _unsupported(f"{_IMPUTER} with an infinite statistics_ entry (an overflowing mean?); "
                     "brine's simple_imputer holds finite fill values")
    if strategy == "constant" and np.any(np.isnan(stats)):
        _unsupported(f"{_IMPUTER} with strategy='constant' and fill_value={est.fill_value!r} "
                     "(brine's constant fill value is finite)")
    ind = np.zeros((0, 1), dtype=np.int32)
    if est.add_indicator:
        ind = np.asarray(est.indicator_.features_, dtype=np.int32).reshape(-1, 1)
    payload = {"schema_version": 1, "strategy": strategy, "missing_value": marker,
               "statistics": _col(stats), "add_indicator": bool(est.add_indicator),
               "indicator_features": np.ascontiguousarray(ind)}
    if _kinds._imputer_width(payload) < 1:
        _unsupported(f"{_IMPUTER} without output columns (every feature was all missing at fit "
                     "and add_indicator is False)")
    notes = {"brine.imputer": "features whose statistic is NaN (all missing at fit) are dropped "
                              "from the output, as scikit-learn 1.2 drops them"}
    return Exported("simple_imputer", payload, _transform(est), TOLERANCE["simple_imputer"],
                    options=_params(est), notes=notes, takes_nan=bool(np.isnan(marker)))


@_register("sklearn.pipeline.Pipeline")
def _pipeline(est):
    steps = [(n, s) for n, s in est.steps if s is not None and s != "passthrough"]
    if not steps:
        _unsupported("sklearn.pipeline.Pipeline without steps")
    slots, options, notes, tolerance = [], {}, {}, 0.0
    for i, (step_name, step) in enumerate(steps):
        last = i == len(steps) - 1
        inner = export(step)
        # The roles of brine's kinds say what a pipeline slot may hold.
        role = "estimator" if last else "transformer"
        if _kinds.KINDS[inner.kind].role != role:
            where = "final estimator" if last else f"step '{step_name}'"
            allowed = sorted(k for k, v in _kinds.KINDS.items() if v.role == role)
            _unsupported(f"sklearn.pipeline.Pipeline with {public_name(type(step))} as its "
                         f"{where} (brine's pipeline is transformers, then one estimator; "
                         f"here it takes the kinds {', '.join(allowed)})")
        slots.append({"kind": inner.kind, "model": inner.payload})
        for k, v in inner.options.items():
            options[f"{step_name}__{k}"] = v
        options[step_name] = public_name(type(step))
        notes.update(inner.notes)
        tolerance = max(tolerance, inner.tolerance)
    payload = {"schema_version": 1, "steps": slots[:-1], "estimator": slots[-1]}
    final = steps[-1][1]
    outputs = _proba(est) if inner.kind == "logistic_regression" or hasattr(
        final, "classes_") else _predict_2d(est)
    final_takes_nan = inner.takes_nan

    def takes_nan(X):
        """Whether rows X holding NaN are inputs the pipeline predicts for, as brine's C++
        Pipeline decides: the transforms keep NaN, an imputer (NaN marker) replaces it, and the
        estimator refuses what reaches it unless it takes NaN as a missing value."""
        if final_takes_nan is True:
            return True
        Z = X
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                for _, step in steps[:-1]:
                    Z = step.transform(Z)
        except ValueError:  # a step refuses NaN (an encoder without it among its categories)
            return False
        Z = np.asarray(Z.toarray() if hasattr(Z, "toarray") else Z, dtype=np.float64)
        return bool(np.all(np.isfinite(Z)))

    return Exported("pipeline", payload, outputs, tolerance, inner.class_labels, options, notes,
                    takes_nan=takes_nan if steps[:-1] or final_takes_nan else False)


def _column_indices(ct, key, where):
    """The input columns a ColumnTransformer's selection takes, as scikit-learn resolves them."""
    name = "sklearn.compose.ColumnTransformer"
    n = int(ct.n_features_in_)
    if callable(key):
        _unsupported(f"{name} with a callable column selection ({where})")
    names = getattr(ct, "feature_names_in_", None)

    def by_name(s):
        if names is None:
            _unsupported(f"{name} selecting column '{s}' by name ({where}) without "
                         "feature_names_in_ (fitted on an array)")
        hits = np.flatnonzero(np.asarray(names) == s)
        if hits.size != 1:
            _unsupported(f"{name}: column '{s}' ({where}) is not one of feature_names_in_")
        return int(hits[0])

    if isinstance(key, str):
        return [by_name(key)]
    if isinstance(key, slice):
        if isinstance(key.start, str) or isinstance(key.stop, str):
            # A slice of names includes its end, as pandas' .loc.
            start = 0 if key.start is None else by_name(key.start)
            stop = n if key.stop is None else by_name(key.stop) + 1
            return list(range(n))[start:stop:key.step]
        return list(range(n))[key]
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return [int(range(n)[key])]
    a = np.asarray(key)
    if a.dtype == bool:
        if a.shape != (n,):
            _unsupported(f"{name}: a boolean mask of {a.size} entries for {n} columns ({where})")
        return [int(i) for i in np.flatnonzero(a)]
    if a.size == 0:
        return []
    if a.dtype.kind in "iu":
        return [int(range(n)[int(i)]) for i in a.ravel()]
    if a.dtype.kind in "UO" and all(isinstance(x, str) for x in a.ravel()):
        return [by_name(str(x)) for x in a.ravel()]
    _unsupported(f"{name} with the column selection {key!r} ({where})")


def _chain(trans, where):
    """The brine steps of a fitted transformer (a Pipeline of transformers is a chain of them)."""
    from sklearn.pipeline import Pipeline as SkPipeline
    parts = [s for _, s in trans.steps if s is not None and not (isinstance(s, str)
                                                                  and s == "passthrough")] \
        if type(trans) is SkPipeline else [trans]
    steps, notes, tolerance = [], {}, 0.0
    for part in parts:
        if isinstance(part, str):
            _unsupported(f"sklearn.compose.ColumnTransformer with '{part}' inside {where}")
        inner = export(part)
        if _kinds.KINDS[inner.kind].role != "transformer":
            allowed = sorted(k for k, v in _kinds.KINDS.items() if v.role == "transformer")
            _unsupported(f"sklearn.compose.ColumnTransformer with {public_name(type(part))} in "
                         f"{where} (a branch holds transformers: {', '.join(allowed)})")
        steps.append({"kind": inner.kind, "model": inner.payload})
        notes.update(inner.notes)
        tolerance = max(tolerance, inner.tolerance)
    return steps, notes, tolerance


@_register("sklearn.compose.ColumnTransformer")
def _column_transformer(est):
    name = "sklearn.compose.ColumnTransformer"
    if est.transformer_weights:
        _unsupported(f"{name} with transformer_weights (brine's column_transformer does not "
                     "weight its branches)")
    for entry in est.transformers:  # the columns as given: a callable is resolved at fit only
        if callable(entry[2]):
            _unsupported(f"{name} with a callable column selection (branch '{entry[0]}')")
    if callable(getattr(est, "remainder", None)):
        _unsupported(f"{name} with a callable remainder")
    branches, notes, tolerance = [], {}, 0.0
    remainder = {"name": "remainder", "columns": np.zeros((0, 1), dtype=np.int32),
                 "action": "drop", "steps": []}
    for bname, trans, key in est.transformers_:
        where = "the remainder" if bname == "remainder" else f"branch '{bname}'"
        cols = _column_indices(est, key, where)
        b = {"name": bname, "columns": np.asarray(cols, dtype=np.int32).reshape(-1, 1),
             "action": "drop", "steps": []}
        if isinstance(trans, str) and trans == "passthrough":
            b["action"] = "passthrough"
        elif isinstance(trans, str) and trans == "drop":
            pass
        elif cols:  # scikit-learn neither fits nor runs a transformer of no columns
            b["action"] = "steps"
            b["steps"], n, t = _chain(trans, where)
            notes.update(n)
            tolerance = max(tolerance, t)
        if bname == "remainder":
            remainder = b
        else:
            branches.append(b)
    payload = {"schema_version": 1, "n_features": int(est.n_features_in_), "branches": branches,
               "remainder": remainder}

    def outputs(X):
        Z = est.transform(X)
        return np.asarray(Z.toarray() if hasattr(Z, "toarray") else Z, dtype=np.float64)

    options = {k: v for k, v in _params(est).items()
               if k in ("remainder", "sparse_threshold", "verbose_feature_names_out")}
    if getattr(est, "sparse_output_", False):
        notes["brine.sparse_output"] = "scikit-learn returns a sparse matrix here; brine the " \
                                       "same values, dense"
    names = getattr(est, "feature_names_in_", None)
    return Exported("column_transformer", payload, outputs,
                    max(tolerance, TOLERANCE["column_transformer"]), options=options,
                    notes=notes, feature_names=None if names is None else [str(x) for x in names])


def reference_outputs(exported, X):
    with warnings.catch_warnings():
        # Estimators fitted on a DataFrame warn about a bare array; the columns are in order.
        warnings.simplefilter("ignore", UserWarning)
        return np.ascontiguousarray(exported.outputs(X), dtype=np.float64)


def source_version():
    import sklearn
    return f"scikit-learn {sklearn.__version__}"


from . import _xgboost  # noqa: E402,F401  (registers the XGBoost exporters)
