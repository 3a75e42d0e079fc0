# scikit-learn's forests and gradient boosting, exported by brine.save as tree_ensemble files,
# predict in brine's C++ library what scikit-learn predicts: the same leaf in every tree, the same
# labels, the same values (forests and regressors bit for bit, probabilities to 1e-12) on every
# dataset row and next to every threshold. Options the kind cannot represent are refused by name.
# SPDX-License-Identifier: MIT
import struct
import unittest

import numpy as np
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import (AdaBoostClassifier, ExtraTreesClassifier, ExtraTreesRegressor,
                              GradientBoostingClassifier, GradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import brine
import checker
from checker import (CHECK, CREATED, RTOL, SOURCE, assert_same_errc, dataset, hex_rows, refusal,
                     read_output)


def threshold_neighbours(thr):
    """The threshold, one double ulp either side, its float32 rounding and one float32 ulp either
    side of that, and one double ulp either side of each of those float32 values (the inputs whose
    float32 rounding is the value)."""
    out = {thr, float(np.nextafter(thr, np.inf)), float(np.nextafter(thr, -np.inf))}
    with np.errstate(over="ignore"):
        f = np.float32(thr)
        for v in (f, np.nextafter(f, np.float32(np.inf)), np.nextafter(f, np.float32(-np.inf))):
            if np.isfinite(v):
                out |= {float(v), float(np.nextafter(float(v), np.inf)),
                        float(np.nextafter(float(v), -np.inf))}
    return sorted(out)


def near_splits(splits, X, nan=False):
    """Rows next to every split (feature, threshold): a dataset row with that feature moved to
    each of threshold_neighbours (and NaN, for models that route missing values)."""
    rows = []
    for i, (f, thr) in enumerate(splits):
        values = threshold_neighbours(thr) + ([np.nan] if nan else [])
        for v in values:
            row = X[(7 * i) % len(X)].copy()
            row[f] = v
            rows.append(row)
    return np.array(rows)


def sklearn_splits(trees):
    out = []
    for tree in trees:
        t = tree.tree_
        for node in np.flatnonzero(t.children_left != -1):
            out.append((int(t.feature[node]), float(t.threshold[node])))
    return out


class CppChecker(checker.CppChecker):
    """Saves a model with brine.save (both encodings), predicts with the C++ library, and checks
    that the C++ writer re-saves the file to the same bytes the Python writer wrote."""

    def exported(self, name, est, rows, reference):
        """Per encoding: the loaded Python view of the file and the C++ predictions for rows."""
        out = []
        for fmt, ext in (("binary", "brine"), ("json", "json")):
            path = self.dir / f"{name}.{ext}"
            brine.save(est, path, format=fmt, reference_inputs=reference, created=CREATED)
            rows_path, out_path = self.dir / "rows.txt", self.dir / "out.txt"
            hex_rows(rows, rows_path)
            self.cpp("predict", path, rows_path, out_path)  # loads with the reference check
            resaved = self.dir / f"cpp_{name}.{ext}"
            self.cpp("resave", path, resaved, fmt)
            # C++ computes the reference outputs again (its own build string): the rest of the
            # file, and the Python reader's re-encoding of the C++ file, are the same bytes.
            cpp_bytes = resaved.read_bytes()
            self.assertEqual(brine.loads(cpp_bytes).to_bytes(fmt), cpp_bytes, name)
            saved = brine.load(path)
            out.append((saved, read_output(out_path)))
        # Both encodings hold the same content: the same checksum.
        self.assertEqual(out[0][0].checksum, out[1][0].checksum, name)
        return out

    def assert_close(self, got, want, rtol, name):
        self.assertEqual(got.shape, want.shape, name)
        if rtol == 0.0:
            np.testing.assert_array_equal(got, want, err_msg=name)
        else:
            excess = np.abs(got - want) / np.maximum(1.0, np.abs(want))
            self.assertLessEqual(float(excess.max()), rtol, name)


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class SklearnEnsemblesInCpp(CppChecker, unittest.TestCase):
    def check(self, name, est, X, values_rtol):
        trees = est.estimators_.ravel() if hasattr(est, "loss") else est.estimators_
        rows = np.vstack([X, near_splits(sklearn_splits(trees), X)])
        n_trees = len(trees)
        for saved, got in self.exported(name, est, rows, X[:5]):
            self.assertEqual(got["kind"], "tree_ensemble")
            self.assertEqual(saved.payload["n_trees"], n_trees)
            self.assertEqual(saved.payload["compare"], "float32_le")
            # The very leaf scikit-learn reaches in every tree, for every row.
            np.testing.assert_array_equal(got["leaves"], est.apply(rows).reshape(len(rows), -1),
                                          err_msg=name)
            np.testing.assert_array_equal(got["labels"][:, 0], est.predict(rows), err_msg=name)
            if hasattr(est, "predict_proba"):
                self.assert_close(got["values"], est.predict_proba(rows), values_rtol, name)
            else:
                self.assert_close(got["values"], est.predict(rows)[:, None], values_rtol, name)
            if hasattr(est, "decision_function"):  # the raw scores, summed in the same order
                want = est.decision_function(rows).reshape(len(rows), -1)
                np.testing.assert_array_equal(got["scores"], want, err_msg=name)
        return rows

    def test_forests_are_bit_identical(self):
        small = dict(n_estimators=4, max_depth=3, random_state=0)
        for data, cls in (("iris", RandomForestClassifier), ("breast_cancer",
                                                             RandomForestClassifier),
                          ("wine", ExtraTreesClassifier), ("diabetes", RandomForestRegressor),
                          ("diabetes", ExtraTreesRegressor)):
            X, y = dataset(data)
            self.check(f"{cls.__name__}_{data}", cls(**small).fit(X, y), X, 0.0)
        # Labels that are not 0..K-1, class weights (normalised leaf counts), bootstrap off.
        X, y = dataset("wine")
        est = RandomForestClassifier(n_estimators=3, max_depth=4, class_weight="balanced",
                                     bootstrap=False, max_features=0.5, random_state=2)
        self.check("forest_weighted_labels", est.fit(X, 10 * y - 5), X, 0.0)

    def test_gradient_boosting(self):
        gb = dict(n_estimators=4, max_depth=2, learning_rate=0.3, random_state=0)
        X, y = dataset("breast_cancer")
        self.check("gb_binary", GradientBoostingClassifier(**gb).fit(X, y), X, RTOL)
        X, y = dataset("iris")
        self.check("gb_multinomial", GradientBoostingClassifier(**gb).fit(X, y), X, RTOL)
        X, y = dataset("diabetes")
        # A regressor's prediction is the raw score itself: the same sums, bit for bit.
        for loss in ("squared_error", "absolute_error", "huber", "quantile"):
            self.check(f"gb_{loss}", GradientBoostingRegressor(loss=loss, **gb).fit(X, y), X,
                       0.0)
        self.check("gb_zero_init", GradientBoostingRegressor(init="zero", subsample=0.7, **gb)
                   .fit(X, y), X, 0.0)

    def test_in_a_pipeline(self):
        X, y = dataset("wine")
        est = make_pipeline(StandardScaler(), GradientBoostingClassifier(
            n_estimators=3, max_depth=2, random_state=0)).fit(X, y)
        for saved, got in self.exported("pipe_gb", est, X, X[:5]):
            self.assertEqual(saved.payload["estimator"]["kind"], "tree_ensemble")
            np.testing.assert_array_equal(got["labels"][:, 0], est.predict(X))
            self.assert_close(got["values"], est.predict_proba(X), RTOL, "pipe_gb")


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class DecisionTreesInSchema2(CppChecker, unittest.TestCase):
    def test_scikit_learns_thresholds_compared_in_float32(self):
        from sklearn.tree import DecisionTreeRegressor
        X, y = dataset("diabetes")
        est = DecisionTreeRegressor(max_depth=5, random_state=0).fit(X, y)
        rows = np.vstack([X, near_splits(sklearn_splits([est]), X)])
        for saved, got in self.exported("tree_schema2", est, rows, X[:5]):
            self.assertEqual(saved.schema_version, 2)
            self.assertEqual(saved.payload["compare"], "float32_le")
            self.assertEqual(saved.payload["default_left"].shape, (0, 1))
            # scikit-learn's own thresholds, not a rewritten bound.
            np.testing.assert_array_equal(saved.payload["threshold"][:, 0], est.tree_.threshold)
            np.testing.assert_array_equal(got["leaves"][:, 0], est.apply(rows))
            np.testing.assert_array_equal(got["values"][:, 0], est.predict(rows))


class GoldenFiles(unittest.TestCase):
    """The C++ writer's golden tree_ensemble and decision_tree schema-2 files read in both
    encodings, with their enums as names and default_left as uint8 flags."""

    def test_the_new_kinds_and_schemas(self):
        golden = SOURCE / "tests" / "data" / "golden" / "format-1.0"
        seen = set()
        for path in sorted(golden.glob("*.brine")):
            f = brine.load(path)
            j = brine.load(path.with_suffix(".json"))
            self.assertEqual(f.checksum, j.checksum, path.name)
            m = f.payload
            if f.kind == "tree_ensemble" or (f.kind == "decision_tree" and f.schema_version == 2):
                seen.add((f.kind, f.schema_version))
                self.assertEqual(m["default_left"].dtype, np.uint8)
                self.assertTrue(set(np.unique(m["default_left"])) <= {0, 1})
                self.assertIn(m["compare"], ("double_le", "float32_le", "float32_lt"))
            if f.kind == "tree_ensemble":
                self.assertEqual(m["tree_offsets"][0, 0], 0)
                self.assertEqual(m["tree_offsets"][-1, 0], m["n_nodes"])
                self.assertEqual(m["tree_offsets"].shape[0], m["n_trees"] + 1)
        self.assertEqual(seen, {("tree_ensemble", 1), ("tree_ensemble", 2), ("decision_tree", 2)})

    def test_schema_2_is_written_and_reproduces_the_cpp_bytes(self):
        # The Python writer packs the node arrays as the C++ writer does, byte for byte, in both
        # encodings; schema-1 files still read, and equal their schema-2 twins.
        from brine import _codec
        golden = SOURCE / "tests" / "data" / "golden" / "format-1.0"
        for name in ("tree_ensemble_forest", "tree_ensemble_boosted_binary",
                     "tree_ensemble_regressor", "tree_ensemble_wide"):
            packed = golden / f"{name}_packed.brine"
            f = brine.load(packed)
            self.assertEqual(f.schema_version, 2)
            self.assertEqual(_codec.encode_binary(f.header, f.payload), packed.read_bytes())
            self.assertEqual(_codec.encode_json(f.header, f.payload),
                             packed.with_suffix(".json").read_bytes())
            old = golden / f"{name}.brine"
            if old.exists():
                o = brine.load(old)
                self.assertEqual(o.schema_version, 1)
                for k, v in o.payload.items():
                    if k != "schema_version":
                        np.testing.assert_array_equal(v, f.payload[k], err_msg=f"{name}.{k}")
        X, y = dataset("iris")
        est = RandomForestClassifier(n_estimators=2, max_depth=3, random_state=0).fit(X, y)
        self.assertEqual(brine.loads(brine.to_bytes(est)).schema_version, 2)


def splice(data, start, end, new):
    """A binary brine file with bytes [start, end) of its payload replaced by `new`, its payload
    length and checksum made right again."""
    from brine import _codec
    header_len = struct.unpack_from("<Q", data, 12)[0]
    length_at = 20 + header_len
    payload_len = struct.unpack_from("<Q", data, length_at)[0] + len(new) - (end - start)
    body = (data[:length_at] + struct.pack("<Q", payload_len) + data[length_at + 8:start] + new
            + data[end:-8])
    return body + struct.pack("<Q", _codec.xxh64(body))


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class HostileEnsembles(unittest.TestCase):
    """Damaged tree_ensemble and decision_tree schema-2 payloads (re-checksummed, so only the
    payload is wrong): the Python reader refuses each with the Errc the C++ loader gives."""

    def mutants(self):
        from brine import _codec
        golden = SOURCE / "tests" / "data" / "golden" / "format-1.0"
        forest = brine.load(golden / "tree_ensemble_forest.brine")
        tree = brine.load(golden / "decision_tree_missing.brine")

        def edit(f, change, fmt):
            header, payload = f.header, {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                         for k, v in f.payload.items()}
            change(payload)
            encode = _codec.encode_binary if fmt == "binary" else _codec.encode_json
            return encode(header, payload)

        def setitem(field, index, value):
            def change(m):
                m[field][index] = value
            return change

        def assign(field, value):
            def change(m):
                m[field] = value
            return change

        cases = [
            (forest, assign("compare", "float64_le"), "malformed"),
            (forest, assign("link", "probit"), "malformed"),
            (forest, assign("aggregation", "mean"), "malformed"),
            (forest, assign("n_trees", 99), "malformed"),
            (forest, assign("n_nodes", 1 << 40), "limit_exceeded"),
            (forest, setitem("tree_offsets", (1, 0), 0), "invalid_model"),
            (forest, setitem("tree_offsets", (0, 0), 1), "invalid_model"),
            (forest, setitem("tree_output", (0, 0), 5), "invalid_model"),
            (forest, setitem("default_left", (0, 0), 2), "invalid_model"),
            (forest, setitem("children_left", (0, 0), 0), "invalid_model"),
            (forest, setitem("feature", (0, 0), 99), "invalid_model"),
            (forest, setitem("threshold", (0, 0), np.nan), "invalid_model"),
            (forest, setitem("base_score", (0, 0), np.inf), "invalid_model"),
            (forest, assign("default_left", np.zeros((3, 1), np.uint8)), "malformed"),
            (forest, assign("classes", np.zeros((0, 1))), "invalid_model"),
            (tree, assign("compare", "float32_ge"), "malformed"),
            (tree, setitem("default_left", (0, 0), 7), "invalid_model"),
            (tree, assign("default_left", np.zeros((2, 1), np.uint8)), "malformed"),
        ]
        for f, change, code in cases:
            for fmt in ("binary", "json"):
                yield edit(f, change, fmt), code
        # Schema 2: the same model checks, and the packed encoding's own.
        packed = brine.load(golden / "tree_ensemble_boosted_binary_packed.brine")
        for change, code in [(setitem("children_left", (0, 0), 0), "invalid_model"),
                             (setitem("tree_offsets", (1, 0), 0), "invalid_model"),
                             (setitem("feature", (0, 0), 99), "invalid_model"),
                             (assign("n_nodes", 1 << 40), "limit_exceeded"),
                             (assign("default_left", np.zeros((3, 1), np.uint8)), "malformed")]:
            for fmt in ("binary", "json"):
                yield edit(packed, change, fmt), code
        data = (golden / "tree_ensemble_boosted_binary_packed.brine").read_bytes()
        left = packed.payload["children_left"][:, 0]
        n = struct.pack("<Q", left.size)
        as_bytes = left.astype("<i1").tobytes()
        at = data.index(n + b"\x01" + as_bytes)
        # children_left, children_right and feature (one byte a value), threshold, then the bits.
        bits_at = at + 3 * (9 + left.size) + 16 + 8 * left.size
        self.assertEqual(data[bits_at:bits_at + 8], n)
        yield splice(data, at + 8, at + 9, b"\x03"), "malformed"  # width byte 3
        # A wider width than the values need.
        yield splice(data, at + 8, at + 9 + left.size,
                     b"\x02" + left.astype("<i2").tobytes()), "malformed"
        yield splice(data, at, at + 8, struct.pack("<Q", left.size - 1)), "malformed"  # count
        last = bits_at + 8 + 1  # 9 flags: the second byte's bits 1 to 7 are unused
        yield splice(data, last, last + 1, bytes([data[last] | 0x80])), "malformed"

    def test_same_errc_as_cpp(self):
        assert_same_errc(self, self.mutants())


class LearnedMissingDirections(unittest.TestCase):
    """scikit-learn >= 1.3's trees learn where a NaN input goes (`tree_.missing_go_to_left`); 1.2
    has no such field. A tree carrying it (here 1.2's tree seen through a proxy that adds it) is
    exported with those flags as default_left, so NaN inputs are routed as scikit-learn routes
    them."""

    class WithMissing:
        def __init__(self, tree, flags):
            self._tree = tree
            self.missing_go_to_left = flags

        def __getattr__(self, name):
            return getattr(self._tree, name)

    def test_flags_become_default_left(self):
        from sklearn.tree import DecisionTreeRegressor
        X, y = dataset("diabetes")
        est = DecisionTreeRegressor(max_depth=3, random_state=0).fit(X, y)
        flags = (np.arange(est.tree_.node_count) % 2).astype(np.uint8)
        est.tree_ = self.WithMissing(est.tree_, flags)
        f = brine.loads(brine.to_bytes(est))
        self.assertEqual(f.schema_version, 2)
        np.testing.assert_array_equal(f.payload["default_left"][:, 0], flags)
        forest = RandomForestRegressor(n_estimators=2, max_depth=2, random_state=0).fit(X, y)
        for tree in forest.estimators_:
            n = tree.tree_.node_count
            tree.tree_ = self.WithMissing(tree.tree_, np.ones(n, dtype=np.uint8))
        m = brine.loads(brine.to_bytes(forest)).payload
        split = m["children_left"][:, 0] != -1
        self.assertTrue(np.all(m["default_left"][split, 0] == 1))
        self.assertTrue(np.all(m["default_left"][~split, 0] == 0))


class Refused(unittest.TestCase):
    def refused(self, est, *fragments):
        message = refusal(self, est)
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertIn("sklearn.ensemble.GradientBoostingClassifier", message)

    def test_what_tree_ensemble_cannot_represent(self):
        X, y = dataset("breast_cancer")
        gb = dict(n_estimators=2, max_depth=2, random_state=0)
        self.refused(GradientBoostingClassifier(loss="exponential", **gb).fit(X, y),
                     "sklearn.ensemble.GradientBoostingClassifier with loss='exponential'")
        self.refused(GradientBoostingRegressor(init=DummyRegressor(), **gb).fit(X, y),
                     "custom init estimator (sklearn.dummy.DummyRegressor)")
        self.refused(RandomForestRegressor(n_estimators=2).fit(X, np.column_stack([y, y])),
                     "sklearn.ensemble.RandomForestRegressor with 2 outputs")
        self.refused(AdaBoostClassifier(n_estimators=2).fit(X, y),
                     "sklearn.ensemble.AdaBoostClassifier is not an estimator brine can export")


if __name__ == "__main__":
    unittest.main()
