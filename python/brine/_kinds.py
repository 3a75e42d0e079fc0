# The model kinds of the brine format: one table entry per kind, its fields per schema version.
# SPDX-License-Identifier: MIT
"""The table of model kinds, from docs/format.md section 4.

A kind is one entry of `KINDS` (a `Kind`): its name, the fields of each schema version (after
`schema_version`, in file order), the invariants a reader verifies, where a pipeline may hold it,
and its input and output widths and reference-check cost. Encoding and decoding are generic over
the field types below, so adding a kind means adding one `_add(Kind(...))` here and, to export
it, one exporter function in `_sklearn.py`.

Field types: "u8", "u32", "u64", "i32", "f64", "str", ("mat", "f64"), ("mat", "i32"),
("vec", "f64"), ("vec", "i32"), ("vec", "u8"), ("list", T), ("kv", T), ("struct", fields) and
("slot", role): a nested model, its kind name then that kind's struct, where the kind must have
that role. ("packed", "i32") and ("bits", "u8") are int32 and 0/1 vectors that the binary
encoding stores compactly (narrowest width, bits; tree_ensemble schema 2) and JSON as vectors.
"""
import numpy as np

from ._errors import Error

MAT_F64 = ("mat", "f64")
MAT_I32 = ("mat", "i32")
# A vector is stored as a matrix of one column; a reader refuses any other width (malformed).
VEC_F64 = ("vec", "f64")
VEC_I32 = ("vec", "i32")
VEC_U8 = ("vec", "u8")
# Binary: count u64, width u8 (1, 2 or 4: the narrowest that holds every value), the values.
PACKED_I32 = ("packed", "i32")
# Binary: count u64, then ceil(count / 8) bytes, flag i bit i % 8 of byte i // 8, unused bits 0.
BITS = ("bits", "u8")

#: A tree's split rule (decision_tree schema 2, tree_ensemble): `double_le` x <= t in double,
#: `float32_le` float32(x) <= t (scikit-learn), `float32_lt` float32(x) < t, t a float32 (XGBoost).
COMPARES = ("double_le", "float32_le", "float32_lt")


class Kind:
    """One model kind: everything the package needs to know about it.

    name, schemas ({schema version: [(field, type), ...]}, fields after `schema_version` in file
    order), check(model, where) (the invariants a reader verifies; raises Error "invalid_model"),
    role ("estimator", "transformer" or "pipeline": which pipeline slot may hold it), and:
      n_features(model)  input width;
      n_outputs(model)   values per reference row (classes, targets, or the transform's width);
      row_cost(model)    C(m) of io/load_cost.hpp: operations of one reference row's check;
      elements(model)    E(m): parameter values held (default: every array's size);
      on_field           {field: check(model so far, limits)} run while decoding, right after
                         that field (structure errors the C++ reader finds while decoding).
    """

    def __init__(self, name, schemas, check, role, n_features, n_outputs, row_cost,
                 elements=None, on_field=None):
        self.name = name
        self.schemas = schemas
        self.check = check
        self.role = role
        self.n_features = n_features
        self.n_outputs = n_outputs
        self.row_cost = row_cost
        self.elements = elements or (
            lambda m: sum(v.size for v in m.values() if isinstance(v, np.ndarray)))
        self.on_field = on_field or {}

    @property
    def current_schema(self):
        return max(self.schemas)


def _invalid(where, what):
    raise Error("invalid_model", f"{where}: {what}")


def _vector(m, name, where, rows=None):
    a = m[name]
    if a.shape[1] != 1:
        _invalid(where, f"{name} is {a.shape[0]} x {a.shape[1]}, expected one column")
    if rows is not None and a.shape[0] != rows:
        _invalid(where, f"{name} has {a.shape[0]} rows, expected {rows}")
    return a[:, 0]


def _finite(a, name, where):
    if a.size and not np.all(np.isfinite(a)):
        i = int(np.argmin(np.isfinite(a).ravel()))
        _invalid(where, f"{name}[{i}] is not finite")


def _check_classes(classes, where):
    if classes.size < 2:
        _invalid(where, f"{classes.size} classes, expected at least 2")
    _finite(classes, "classes", where)
    if np.any(np.diff(classes) <= 0):
        _invalid(where, "classes are not strictly increasing")


def _check_linear(m, where):
    coef, intercept = m["coef"], m["intercept"]
    if coef.shape[0] < 1 or coef.shape[1] < 1:
        _invalid(where, f"coef is {coef.shape[0]} x {coef.shape[1]}, expected at least 1 x 1")
    _vector(m, "intercept", where, coef.shape[0])
    _finite(coef, "coef", where)
    _finite(intercept, "intercept", where)


MULTI_CLASS = ("multinomial", "ovr")


def _check_logistic(m, where):
    if m["schema_version"] >= 2 and m["multi_class"] not in MULTI_CLASS:
        _invalid(where, f"multi_class {m['multi_class']!r}, expected 'multinomial' or 'ovr'")
    classes = _vector(m, "classes", where)
    _check_classes(classes, where)
    coef = m["coef"]
    rows = 1 if classes.size == 2 else classes.size
    if coef.shape[0] != rows or coef.shape[1] < 1:
        _invalid(where, f"coef is {coef.shape[0]} x {coef.shape[1]}, expected {rows} rows "
                        f"for {classes.size} classes and at least one feature")
    _vector(m, "intercept", where, rows)
    _finite(coef, "coef", where)
    _finite(m["intercept"], "intercept", where)


def _is_float32(a):
    with np.errstate(over="ignore"):
        return a.astype(np.float32).astype(np.float64) == a


def _check_nodes(left, right, feature, threshold, default_left, n_features, compare, where,
                 prefix=""):
    """One tree's node arrays (indices local to the tree): the walk of every input ends at a
    leaf within the tree's nodes."""
    n = left.size
    leaf = left == -1
    split = ~leaf
    idx = np.arange(n)
    one = leaf & (right != -1)
    if np.any(one):
        i = int(np.argmax(one))
        _invalid(where, f"{prefix}node {i} has one child: children_left -1, children_right "
                        f"{right[i]}")
    bad = split & ~((left > idx) & (left < n) & (right > idx) & (right < n) & (left != right))
    if np.any(bad):
        i = int(np.argmax(bad))
        _invalid(where, f"{prefix}node {i} has children {left[i]} and {right[i]}: a split's two "
                        f"distinct children lie in ({i}, {n})")
    children = np.concatenate([left[split], right[split]])
    parents = np.bincount(children, minlength=n) if children.size else np.zeros(n, np.int64)
    if np.any(parents[1:] != 1) or parents[0] != 0:
        i = int(np.argmax(np.concatenate([[parents[0] != 0], parents[1:] != 1])))
        _invalid(where, f"{prefix}node {i} has {parents[i]} parents, expected "
                        f"{0 if i == 0 else 1}")
    if np.any(np.isnan(threshold[split])):
        _invalid(where, f"{prefix}the threshold of node "
                        f"{int(np.argmax(split & np.isnan(threshold)))} is NaN")
    if compare == "float32_lt":
        not32 = split & ~_is_float32(threshold)
        if np.any(not32):
            i = int(np.argmax(not32))
            _invalid(where, f"{prefix}node {i} has threshold {threshold[i]!r}, not a float32 "
                            "value as compare float32_lt requires")
    badf = split & ((feature < 0) | (feature >= n_features))
    if np.any(badf):
        i = int(np.argmax(badf))
        _invalid(where, f"{prefix}node {i} splits on feature {feature[i]}, expected "
                        f"[0, {n_features})")
    if default_left is not None and np.any(default_left > 1):
        i = int(np.argmax(default_left > 1))
        _invalid(where, f"{prefix}node {i} has default_left {default_left[i]}, expected 0 or 1")
    return leaf


def _check_tree(m, where):
    task = m["task"]
    if task not in ("classification", "regression"):
        _invalid(where, f"task {task!r}, expected 'classification' or 'regression'")
    n_features, n = m["n_features"], m["n_nodes"]
    if n_features < 1:
        _invalid(where, f"n_features is {n_features}, expected at least 1")
    if n < 1:
        _invalid(where, "n_nodes is 0, expected at least 1")
    left = _vector(m, "children_left", where, n)
    right = _vector(m, "children_right", where, n)
    feature = _vector(m, "feature", where, n)
    threshold = _vector(m, "threshold", where, n)
    compare, default_left = "double_le", None
    if m["schema_version"] >= 2:
        compare = m["compare"]
        if compare not in COMPARES:
            _invalid(where, f"compare {compare!r}, expected one of {', '.join(COMPARES)}")
        if m["default_left"].shape[0] != 0:
            default_left = _vector(m, "default_left", where, n)
    if task == "classification":
        classes = _vector(m, "classes", where)
        _check_classes(classes, where)
        width = classes.size
    else:
        if m["classes"].shape != (0, 1):
            _invalid(where, f"classes is {m['classes'].shape[0]} x {m['classes'].shape[1]}, "
                            "expected 0 x 1 for a regressor")
        width = 1
    value = m["value"]
    if value.shape != (n, width):
        _invalid(where, f"value is {value.shape[0]} x {value.shape[1]}, expected {n} x {width}")
    _finite(value, "value", where)
    leaf = _check_nodes(left, right, feature, threshold, default_left, n_features, compare,
                        where)
    if task == "classification":
        rows = value[leaf]
        if np.any(rows < 0) or np.any(np.abs(rows.sum(axis=1) - 1.0) > 1e-9):
            _invalid(where, "a leaf's class probabilities are negative or do not sum to 1")


ENSEMBLE_ENUMS = {"task": ("classification", "regression"), "compare": COMPARES,
                  "aggregation": ("sum", "average"), "accumulation": ("float64", "float32"),
                  "link": ("identity", "logistic", "softmax")}


def _check_ensemble(m, where):
    for field, names in ENSEMBLE_ENUMS.items():
        if m[field] not in names:
            _invalid(where, f"{field} {m[field]!r}, expected one of {', '.join(names)}")
    nf, n, n_trees = m["n_features"], m["n_nodes"], m["n_trees"]
    if nf < 1:
        _invalid(where, f"n_features is {nf}, expected at least 1")
    if n >= 2 ** 31:
        _invalid(where, "too many nodes")
    offsets = _vector(m, "tree_offsets", where, n_trees + 1).astype(np.int64)
    if n_trees < 1:
        _invalid(where, "has no trees")
    if offsets[0] != 0:
        _invalid(where, f"tree_offsets[0] is {offsets[0]}, expected 0")
    if np.any(np.diff(offsets) <= 0):
        i = int(np.argmax(np.diff(offsets) <= 0)) + 1
        _invalid(where, f"tree_offsets must be strictly increasing, but tree_offsets[{i}] = "
                        f"{offsets[i]}")
    if offsets[-1] != n:
        _invalid(where, f"the trees end at node {offsets[-1]}, but there are {n} nodes")
    left = _vector(m, "children_left", where, n)
    right = _vector(m, "children_right", where, n)
    feature = _vector(m, "feature", where, n)
    threshold = _vector(m, "threshold", where, n)
    default_left = _vector(m, "default_left", where, n)
    value, base = m["value"], _vector(m, "base_score", where)
    if value.shape[0] != n:
        _invalid(where, f"value has {value.shape[0]} rows for {n} nodes")
    w, s = value.shape[1], base.size
    if w < 1:
        _invalid(where, "value has no columns (leaves without values)")
    if w > s:
        _invalid(where, f"leaves hold {w} values but there are {s} scores")
    out = _vector(m, "tree_output", where, n_trees)
    if np.any((out < 0) | (out > s - w)):
        t = int(np.argmax((out < 0) | (out > s - w)))
        _invalid(where, f"tree {t} adds to scores [{out[t]}, {out[t] + w}), outside [0, {s})")
    k = m["classes"].shape[0]
    if m["task"] == "regression":
        if k != 0:
            _invalid(where, "a regressor has no classes")
        if s != 1:
            _invalid(where, f"a regressor has 1 score, has {s}")
        if m["link"] == "softmax":
            _invalid(where, "a regressor has no softmax link")
    else:
        classes = _vector(m, "classes", where)
        _check_classes(classes, where)
        if m["link"] == "logistic" and (k != 2 or s != 1):
            _invalid(where, f"a logistic link needs 2 classes and 1 score, has {k} classes and "
                            f"{s} scores")
        if m["link"] != "logistic" and s != k:
            _invalid(where, f"an {m['link']} link needs one score per class, has {s} scores for "
                            f"{k} classes")
    _finite(value, "value", where)
    _finite(base, "base_score", where)
    if m["accumulation"] == "float32":
        if not np.all(_is_float32(value)) or not np.all(_is_float32(base)):
            _invalid(where, "float32 accumulation needs float32 leaf values and base scores")
    for t in range(n_trees):
        a, b = offsets[t], offsets[t + 1]
        _check_nodes(left[a:b], right[a:b], feature[a:b], threshold[a:b], default_left[a:b], nf,
                     m["compare"], where, f"tree {t}, ")


def _check_scaler(first, second):
    def check(m, where):
        a = _vector(m, first, where)
        if a.size < 1:
            _invalid(where, "no features")
        b = _vector(m, second, where, a.size)
        _finite(a, first, where)
        _finite(b, second, where)
        if first == "mean" and np.any(b == 0):
            _invalid(where, f"scale[{int(np.argmax(b == 0))}] is 0")
    return check


def _check_max_abs(m, where):
    scale = _vector(m, "scale", where)
    if scale.size < 1:
        _invalid(where, "no features")
    _finite(scale, "scale", where)
    if np.any(scale == 0):
        _invalid(where, f"scale[{int(np.argmax(scale == 0))}] is 0")


def _check_robust(m, where):
    n = m["n_features"]
    if n < 1:
        _invalid(where, f"n_features is {n}, expected at least 1")
    center, scale = _vector(m, "center", where), _vector(m, "scale", where)
    for name, a in (("center", center), ("scale", scale)):
        if a.size not in (0, n):
            _invalid(where, f"{name} has {a.size} entries for {n} features (expected that many, "
                            "or none)")
    _finite(center, "center", where)
    _finite(scale, "scale", where)
    if np.any(scale == 0):
        _invalid(where, f"scale[{int(np.argmax(scale == 0))}] is 0")


HANDLE_UNKNOWN = ("error", "ignore")


def _one_hot_counts(m):
    return m["n_categories"][:, 0].astype(np.int64)


def _one_hot_width(m):
    drop = m["drop_idx"][:, 0]
    return int(_one_hot_counts(m).sum()) - int(np.count_nonzero(drop != -1))


def _check_one_hot(m, where):
    """brine::OneHotEncoder::validate, in its order and words."""
    counts = _vector(m, "n_categories", where).astype(np.int64)
    cats = _vector(m, "categories", where)
    drop = _vector(m, "drop_idx", where)
    n = counts.size
    if n < 1:
        _invalid(where, "has no features")
    if drop.size not in (0, n):
        _invalid(where, f"drop_idx has {drop.size} entries for {n} features (expected that many, "
                        "or none)")
    for j, k in enumerate(counts.tolist()):
        if k < 1:
            _invalid(where, f"n_categories[{j}] is {k} (every feature has at least 1 category)")
        if drop.size and not -1 <= int(drop[j]) < k:
            _invalid(where, f"drop_idx[{j}] is {int(drop[j])} (expected -1 for none, or 0 to "
                            f"{k - 1}: feature {j} has {k} categories)")
    if int(counts.sum()) != cats.size:
        _invalid(where, f"n_categories add up to {int(counts.sum())}, categories has {cats.size} "
                        "entries")
    offset = 0
    for j, k in enumerate(counts.tolist()):
        block = cats[offset:offset + k]
        for c in range(k):
            v = block[c]
            at = f"feature {j}: category {c} (categories[{offset + c}])"
            if np.isinf(v):
                _invalid(where, f"{at} is infinite")
            if np.isnan(v) and c != k - 1:
                _invalid(where, f"{at} is NaN but not the last (NaN sorts after every number)")
            if c > 0 and not np.isnan(v) and not block[c - 1] < v:
                _invalid(where, f"{at} is {v!r}, not greater than the category before it "
                                f"({block[c - 1]!r}); categories must be sorted and unique")
        offset += k


def _one_hot_cost(m):
    # The output width (its zeros), then a binary search per feature: the bit length of k steps.
    return _one_hot_width(m) + sum(int(k).bit_length() for k in _one_hot_counts(m).tolist())
IMPUTE_STRATEGIES = ("mean", "median", "most_frequent", "constant")


def _imputer_width(m):
    """Output width of a simple_imputer: kept features (a number as statistic) + indicators."""
    stats = m["statistics"][:, 0]
    return int(np.sum(~np.isnan(stats))) + m["indicator_features"].shape[0]


def _check_imputer(m, where):
    if m["strategy"] not in IMPUTE_STRATEGIES:
        _invalid(where, f"strategy {m['strategy']!r}, expected one of "
                        f"{', '.join(IMPUTE_STRATEGIES)}")
    stats = _vector(m, "statistics", where)
    if stats.size < 1:
        _invalid(where, "has no features")
    ind = _vector(m, "indicator_features", where)
    if not m["add_indicator"] and ind.size:
        _invalid(where, f"indicator_features has {ind.size} entries without add_indicator "
                        "(expected none)")
    for i, f in enumerate(ind):
        if f < 0 or f >= stats.size:
            _invalid(where, f"indicator_features[{i}] is {f}; expected a feature index < "
                            f"{stats.size}")
        if i and f <= ind[i - 1]:
            _invalid(where, f"indicator_features[{i}] is {f} after {ind[i - 1]}; expected "
                            "strictly increasing indices")
    mv = m["missing_value"]
    if np.isinf(mv):
        _invalid(where, f"missing_value is {mv}; expected NaN or a finite number")
    if np.any(np.isinf(stats)):
        _invalid(where, f"statistics[{int(np.argmax(np.isinf(stats)))}] is infinite; expected a "
                        "finite number or NaN (dropped)")
    if m["strategy"] == "constant":
        if np.any(np.isnan(stats)):
            _invalid(where, f"statistics[{int(np.argmax(np.isnan(stats)))}] is NaN; strategy "
                            "constant fills every feature with one finite value")
        differs = stats.view(np.uint64) != stats[:1].view(np.uint64)
        if np.any(differs):
            _invalid(where, f"statistics[{int(np.argmax(differs))}] differs from statistics[0]; "
                            "strategy constant fills every feature with one value")
    if m["add_indicator"]:
        dropped = np.flatnonzero(np.isnan(stats))
        missing = np.setdiff1d(dropped, ind)
        if missing.size:
            _invalid(where, f"feature {int(missing[0])} is dropped (all missing at fit) but has no "
                            "indicator column; expected it among indicator_features")
    if _imputer_width(m) < 1:
        _invalid(where, "has no output columns (every feature dropped, no indicator)")


def n_features(kind, m):
    """Input width of a model."""
    return KINDS[kind].n_features(m)


def _pipeline_parts(m):
    return m["steps"] + [m["estimator"]]


def n_outputs(kind, m):
    """Output width of a transformer (values per reference row of any model)."""
    return KINDS[kind].n_outputs(m)


def _check_pipeline(m, where):
    # A step may change the width: each step's output width is the next step's input width.
    width = None
    for i, slot in enumerate(m["steps"]):
        if KINDS[slot["kind"]].role != "transformer":
            _invalid(where, f"steps[{i}] is a {slot['kind']}, expected a transformer")
        w = n_features(slot["kind"], slot["model"])
        if width is not None and w != width:
            _invalid(where, f"steps[{i}] takes {w} features, the step before gives {width}")
        width = n_outputs(slot["kind"], slot["model"])
    est = m["estimator"]
    if KINDS[est["kind"]].role != "estimator":
        _invalid(where, f"the estimator is a {est['kind']}, expected an estimator")
    w = n_features(est["kind"], est["model"])
    if width is not None and w != width:
        _invalid(where, f"the estimator takes {w} features, the last step gives {width}")


def _decode_task(m, limits):
    if m["task"] not in ("classification", "regression"):
        raise Error("malformed", f"tree task {m['task']!r}, expected 'classification' or "
                                 "'regression'")


def _decode_n_nodes(m, limits):
    if m["n_nodes"] > limits.max_nodes:
        raise Error("limit_exceeded", f"tree of {m['n_nodes']} nodes exceeds the limit of "
                                      f"{limits.max_nodes}")


def _decode_children_left(m, limits):
    if m["children_left"].shape[0] != m["n_nodes"]:
        raise Error("malformed", f"children_left has {m['children_left'].shape[0]} entries for "
                                 f"n_nodes {m['n_nodes']}")


def _depths(left, right):
    depth = np.zeros(len(left), dtype=np.int64)
    for i in range(len(left)):  # children come after their parent
        if left[i] != -1:
            depth[left[i]] = depth[right[i]] = depth[i] + 1
    return depth


def _tree_depth(m):
    depth = _depths(m["children_left"][:, 0], m["children_right"][:, 0])
    return int(depth.max()) if len(depth) else 0


def _ensemble_cost(m):
    # Per tree 2 (depth + 1) node visits and a leaf's width; 2 n_scores + n_classes for the
    # aggregation and the link (io/load_cost.hpp).
    offsets = m["tree_offsets"][:, 0]
    left, right = m["children_left"][:, 0], m["children_right"][:, 0]
    w = m["value"].shape[1]
    c = 2 * m["base_score"].shape[0] + m["classes"].shape[0]
    for t in range(len(offsets) - 1):
        a, b = offsets[t], offsets[t + 1]
        c += 2 * (int(_depths(left[a:b], right[a:b]).max()) + 1) + w
    return c


def _decode_enum(field, names=None):
    def check(m, limits):
        allowed = names or ENSEMBLE_ENUMS[field]
        if m[field] not in allowed:
            expected = ", ".join(f"'{x}'" for x in allowed[:-1]) + f" or '{allowed[-1]}'"
            raise Error("malformed", f"{field} {m[field]!r}, expected {expected}")
    return check


def _decode_ensemble_counts(m, limits):
    if m["n_nodes"] > limits.max_nodes:
        raise Error("limit_exceeded", f"tree ensemble of {m['n_nodes']} nodes exceeds the limit "
                                      f"of {limits.max_nodes}")
    if m["n_trees"] > m["n_nodes"]:
        raise Error("malformed", f"tree ensemble of {m['n_trees']} trees and {m['n_nodes']} "
                                 "nodes: every tree has at least one node")


def _decode_count(field, count, extra=0, rows_of=None):
    def check(m, limits):
        got = m[field].shape[0]
        want = m[count] + extra
        if got != want:
            name = f"{count} + {extra} =" if extra else count
            raise Error("malformed", f"{field} has {got} entries for {name} {want}")
    # A packed or bits field is checked against its count as soon as its count is read, before
    # its values (the C++ reader's order).
    check.count = (count, extra)
    return check


def _decode_default_left(m, limits):
    got = m["default_left"].shape[0]
    if got != 0 and got != m["n_nodes"]:
        raise Error("malformed", f"default_left has {got} entries for n_nodes {m['n_nodes']}, "
                                 "expected n_nodes or 0")


def _linear_cost(m):
    # 2 (n_features + 1) per row of coef: the value and its rounding bound.
    return 2 * m["coef"].shape[0] * (m["coef"].shape[1] + 1)


KINDS = {}


def _add(kind):
    KINDS[kind.name] = kind


_add(Kind("linear_regression", {1: [("coef", MAT_F64), ("intercept", VEC_F64)]},
          _check_linear, "estimator",
          n_features=lambda m: m["coef"].shape[1], n_outputs=lambda m: m["coef"].shape[0],
          row_cost=_linear_cost))
_LOGISTIC_V1 = [("classes", VEC_F64), ("coef", MAT_F64), ("intercept", VEC_F64)]
# Schema 2 adds how K >= 3 scores become probabilities: softmax ("multinomial", all schema 1
# files) or one-vs-rest ("ovr": each score's sigmoid, normalised to sum 1). A writer uses it only
# for a one-vs-rest model; binary and multinomial models are written as schema 1.
_add(Kind("logistic_regression", {1: _LOGISTIC_V1, 2: _LOGISTIC_V1 + [("multi_class", "str")]},
          _check_logistic, "estimator",
          n_features=lambda m: m["coef"].shape[1], n_outputs=lambda m: m["classes"].shape[0],
          row_cost=lambda m: _linear_cost(m) + m["classes"].shape[0],
          on_field={"multi_class": _decode_enum("multi_class", MULTI_CLASS)}))
_TREE_V1 = [("task", "str"), ("n_features", "i32"), ("n_nodes", "u64"), ("classes", VEC_F64),
            ("children_left", VEC_I32), ("children_right", VEC_I32), ("feature", VEC_I32),
            ("threshold", VEC_F64), ("value", MAT_F64)]
# Schema 2 adds the split rule and the missing-value direction (empty: NaN inputs refused). A
# writer uses it only for a tree that needs it: compare other than double_le, or default_left.
_add(Kind("decision_tree",
          {1: _TREE_V1, 2: _TREE_V1 + [("compare", "str"), ("default_left", VEC_U8)]},
          _check_tree, "estimator",
          n_features=lambda m: m["n_features"], n_outputs=lambda m: m["value"].shape[1],
          # Two walks (the output, and the rounding bound's behind a pipeline), then the leaf.
          row_cost=lambda m: 2 * (_tree_depth(m) + 1) + m["value"].shape[1],
          # children_left, children_right, feature and threshold: four values per node.
          elements=lambda m: 4 * m["n_nodes"] + m["value"].size + m["classes"].size,
          on_field={"task": _decode_task, "n_nodes": _decode_n_nodes,
                    "children_left": _decode_children_left, "compare": _decode_enum("compare"),
                    "default_left": _decode_default_left}))
_add(Kind("standard_scaler", {1: [("mean", VEC_F64), ("scale", VEC_F64)]},
          _check_scaler("mean", "scale"), "transformer",
          n_features=lambda m: m["mean"].shape[0], n_outputs=lambda m: m["mean"].shape[0],
          row_cost=lambda m: 2 * m["mean"].shape[0]))
_add(Kind("min_max_scaler", {1: [("scale", VEC_F64), ("min", VEC_F64)]},
          _check_scaler("scale", "min"), "transformer",
          n_features=lambda m: m["scale"].shape[0], n_outputs=lambda m: m["scale"].shape[0],
          row_cost=lambda m: 2 * m["scale"].shape[0]))
_add(Kind("max_abs_scaler", {1: [("scale", VEC_F64)]}, _check_max_abs, "transformer",
          n_features=lambda m: m["scale"].shape[0], n_outputs=lambda m: m["scale"].shape[0],
          row_cost=lambda m: 2 * m["scale"].shape[0]))
# center and scale are each empty when the scaler was fitted without centering or scaling: that
# step is not applied at all.
_add(Kind("robust_scaler",
          {1: [("n_features", "i32"), ("center", VEC_F64), ("scale", VEC_F64)]},
          _check_robust, "transformer",
          n_features=lambda m: m["n_features"], n_outputs=lambda m: m["n_features"],
          row_cost=lambda m: 2 * m["n_features"]))
# scikit-learn's OneHotEncoder on numeric categories. Its output is wider than its input: a
# pipeline step or ColumnTransformer branch step like the others (widths chain).
_add(Kind("one_hot_encoder",
          {1: [("handle_unknown", "str"), ("n_categories", VEC_I32), ("categories", VEC_F64),
               ("drop_idx", VEC_I32)]},
          _check_one_hot, "transformer",
          n_features=lambda m: m["n_categories"].shape[0], n_outputs=_one_hot_width,
          row_cost=_one_hot_cost,
          on_field={"handle_unknown": _decode_enum("handle_unknown", HANDLE_UNKNOWN)}))
# A value is missing when it equals missing_value (or is NaN, with a NaN marker); a feature
# whose statistic is NaN is dropped from the output; indicator columns come last.
_add(Kind("simple_imputer",
          {1: [("strategy", "str"), ("missing_value", "f64"), ("statistics", VEC_F64),
               ("add_indicator", "bool"), ("indicator_features", VEC_I32)]},
          _check_imputer, "transformer",
          n_features=lambda m: m["statistics"].shape[0], n_outputs=_imputer_width,
          # A test and a copy per feature, and the indicator columns (io/load_cost.hpp).
          row_cost=lambda m: 2 * m["statistics"].shape[0] + m["indicator_features"].shape[0],
          on_field={"strategy": _decode_enum("strategy", IMPUTE_STRATEGIES)}))
_ENSEMBLE_HEAD = [("task", "str"), ("n_features", "i32"), ("compare", "str"),
                  ("aggregation", "str"), ("accumulation", "str"), ("link", "str"),
                  ("n_trees", "u64"), ("n_nodes", "u64"), ("classes", VEC_F64),
                  ("base_score", VEC_F64)]


def _ensemble_arrays(ints, flags):
    return [("tree_offsets", ints), ("tree_output", ints), ("children_left", ints),
            ("children_right", ints), ("feature", ints), ("threshold", VEC_F64),
            ("default_left", flags), ("value", MAT_F64)]


# Schema 2 has the fields of schema 1; the binary encoding packs the int32 arrays at their
# narrowest width and default_left as bits (JSON is unchanged but for the version number).
_add(Kind("tree_ensemble",
          {1: _ENSEMBLE_HEAD + _ensemble_arrays(VEC_I32, VEC_U8),
           2: _ENSEMBLE_HEAD + _ensemble_arrays(PACKED_I32, BITS)},
          _check_ensemble, "estimator",
          n_features=lambda m: m["n_features"],
          n_outputs=lambda m: m["classes"].shape[0] if m["task"] == "classification" else 1,
          row_cost=_ensemble_cost,
          # Five values per node (children, feature, threshold, default_left), then the rest.
          elements=lambda m: (5 * m["n_nodes"] + m["value"].size + m["tree_offsets"].size
                              + m["tree_output"].size + m["base_score"].size
                              + m["classes"].size),
          on_field=dict({f: _decode_enum(f) for f in ENSEMBLE_ENUMS},
                        n_nodes=_decode_ensemble_counts,
                        tree_offsets=_decode_count("tree_offsets", "n_trees", 1),
                        tree_output=_decode_count("tree_output", "n_trees"),
                        children_left=_decode_count("children_left", "n_nodes"),
                        children_right=_decode_count("children_right", "n_nodes"),
                        feature=_decode_count("feature", "n_nodes"),
                        threshold=_decode_count("threshold", "n_nodes"),
                        default_left=_decode_count("default_left", "n_nodes"),
                        value=_decode_count("value", "n_nodes"))))
_add(Kind("pipeline", {1: [("steps", ("list", ("slot", "transformer"))),
                           ("estimator", ("slot", "estimator"))]},
          _check_pipeline, "pipeline",
          n_features=lambda m: n_features(_pipeline_parts(m)[0]["kind"],
                                          _pipeline_parts(m)[0]["model"]),
          n_outputs=lambda m: KINDS[m["estimator"]["kind"]].n_outputs(m["estimator"]["model"]),
          row_cost=lambda m: sum(KINDS[p["kind"]].row_cost(p["model"])
                                 for p in _pipeline_parts(m)),
          elements=lambda m: sum(KINDS[p["kind"]].elements(p["model"])
                                 for p in _pipeline_parts(m))))


# ---- column_transformer -------------------------------------------------------------------------
#: A ColumnTransformer's branches: drop (no output), passthrough (the columns copied), or steps
#: (the columns through a chain of transformers).
ACTIONS = ("drop", "passthrough", "steps")
#: ColumnTransformers nested deeper than this are invalid (C++ ColumnTransformer::max_nesting).
MAX_NESTING = 32
_BRANCH = ("struct", [("name", "str"), ("columns", VEC_I32), ("action", ("enum", ACTIONS)),
                      ("steps", ("list", ("slot", "transformer")))])


def _ct_branches(m):
    """(label, branch) for every branch, then the remainder."""
    out = [(f"branch {i} '{b['name']}'", b) for i, b in enumerate(m["branches"])]
    return out + [("remainder", m["remainder"])]


def _branch_width(b):
    if b["action"] == "drop":
        return 0
    if b["action"] == "passthrough" or not b["steps"]:
        return b["columns"].shape[0]
    last = b["steps"][-1]
    return n_outputs(last["kind"], last["model"])


def _ct_width(m):
    return sum(_branch_width(b) for _, b in _ct_branches(m))


def _ct_depth(m):
    d = 0
    for _, b in _ct_branches(m):
        for s in b["steps"]:
            if s["kind"] == "column_transformer":
                d = max(d, _ct_depth(s["model"]))
    return d + 1


def _chain_cost(steps, what):
    return sum(getattr(KINDS[s["kind"]], what)(s["model"]) for s in steps)


def _check_column_transformer(m, where, depth=1):
    if depth > MAX_NESTING:
        _invalid(where, f"nested {depth} deep, more than the limit of {MAX_NESTING}")
    n = m["n_features"]
    if n < 1:
        _invalid(where, "has no input features")
    entries = sum(b["columns"].shape[0] for _, b in _ct_branches(m))
    if n > entries:
        _invalid(where, f"{n} input features but the branches and the remainder list {entries} "
                        "columns: the remainder must list every column no branch takes")
    names = [b["name"] for b in m["branches"]]
    for i, name in enumerate(names):
        if not name:
            _invalid(where, f"branch {i} has no name")
        if name == "remainder":
            _invalid(where, f"branch {i} 'remainder': the name 'remainder' is the remainder's")
    for name in sorted(set(x for x in names if names.count(x) > 1))[:1]:
        _invalid(where, f"two branches are named '{name}'")
    if m["remainder"]["name"] != "remainder":
        _invalid(where, f"the remainder is named '{m['remainder']['name']}', expected "
                        "'remainder'")
    used = np.zeros(n, dtype=bool)
    for label, b in _ct_branches(m):
        cols = _vector(b, "columns", f"{where}: {label}")
        bad = (cols < 0) | (cols >= n)
        if bad.any():
            _invalid(where, f"{label} column {int(cols[np.argmax(bad)])} is out of range for {n} "
                            "input features")
        if b["action"] not in ACTIONS:
            _invalid(where, f"{label} action '{b['action']}', expected 'drop', 'passthrough' or "
                            "'steps'")
        if b["action"] != "steps" and b["steps"]:
            _invalid(where, f"{label} is {b['action']} but has {len(b['steps'])} steps")
        if b["action"] == "steps":
            if not b["steps"]:
                _invalid(where, f"{label} has no steps")
            w = cols.size
            for i, s in enumerate(b["steps"]):
                if KINDS[s["kind"]].role != "transformer":
                    _invalid(where, f"{label} step {i} is a {s['kind']}, expected a transformer")
                inner = f"{where}: {label} step {i}"
                if s["kind"] == "column_transformer":
                    _check_column_transformer(s["model"], inner + ": column_transformer",
                                              depth + 1)
                else:
                    check_model(s["kind"], s["model"], inner)
                if n_features(s["kind"], s["model"]) != w:
                    before = "the branch takes" if i == 0 else "the step before it produces"
                    _invalid(where, f"{label} step {i} expects "
                                    f"{n_features(s['kind'], s['model'])} features but {before} "
                                    f"{w}")
                w = n_outputs(s["kind"], s["model"])
        if label != "remainder":
            used[cols] = True
            continue
        if cols.size > 1 and np.any(np.diff(cols) <= 0):
            _invalid(where, "remainder columns are not strictly ascending at "
                            f"{int(np.argmax(np.diff(cols) <= 0)) + 1}")
        if used[cols].any():
            _invalid(where, f"remainder column {int(cols[np.argmax(used[cols])])} is taken by a "
                            "branch")
        left = int((~used).sum())
        if cols.size != left:
            _invalid(where, f"the remainder lists {cols.size} columns, {left} are taken by no "
                            "branch")
    if _ct_width(m) < 1:
        _invalid(where, "produces no output columns")


def _decode_actions(field):
    # The C++ reader refuses an unknown action while reading it (malformed).
    def check(m, limits):
        for b in (m[field] if field == "branches" else [m[field]]):
            if b["action"] not in ACTIONS:
                raise Error("malformed", f"action '{b['action']}', expected 'drop', "
                                         "'passthrough' or 'steps'")
    return check


_add(Kind("column_transformer",
          {1: [("n_features", "i32"), ("branches", ("list", _BRANCH)), ("remainder", _BRANCH)]},
          _check_column_transformer, "transformer",
          n_features=lambda m: m["n_features"], n_outputs=_ct_width,
          # 1 + per branch (1 + its columns + its chain's), as io/load_cost.hpp.
          row_cost=lambda m: 1 + sum(1 + b["columns"].shape[0] + _chain_cost(b["steps"],
                                                                             "row_cost")
                                     for _, b in _ct_branches(m)),
          elements=lambda m: 1 + sum(1 + b["columns"].shape[0] + _chain_cost(b["steps"],
                                                                             "elements")
                                     for _, b in _ct_branches(m)),
          on_field={"branches": _decode_actions("branches"),
                    "remainder": _decode_actions("remainder")}))


def check_model(kind, m, where="$.payload"):
    """Verifies a decoded model's invariants (Error "invalid_model"), nested models first."""
    for name, t in KINDS[kind].schemas[m["schema_version"]]:
        if isinstance(t, tuple) and t[0] == "slot":
            check_model(m[name]["kind"], m[name]["model"], f"{where}.{name}.model")
        elif isinstance(t, tuple) and t[0] == "list" and isinstance(t[1], tuple) \
                and t[1][0] == "slot":
            for i, slot in enumerate(m[name]):
                check_model(slot["kind"], slot["model"], f"{where}.{name}[{i}].model")
    KINDS[kind].check(m, f"{kind} at {where}")


# The C++ loader's budget for the reference check (io/load_cost.hpp), so that a writer never
# stores reference rows that brine's default LoadOptions would refuse to check.
REFERENCE_WORK_BASE = 1 << 24
REFERENCE_WORK_PER_ELEMENT = 16


def check_reference_work(kind, m, rows):
    """Error "invalid_argument" when checking `rows` reference rows exceeds the default budget."""
    k = KINDS[kind]
    width = k.n_outputs(m)
    per_row = k.n_features(m) + width + k.row_cost(m)
    work = rows * per_row
    elements = k.elements(m) + rows * k.n_features(m) + rows * width
    budget = REFERENCE_WORK_BASE + REFERENCE_WORK_PER_ELEMENT * elements
    if work > budget:
        raise Error("invalid_argument", f"reference_inputs: {rows} reference rows cost {work} "
                                        f"operations to check ({per_row} per row), over the "
                                        f"budget of {budget}; the default LoadOptions would "
                                        "refuse the file: store fewer reference rows")
