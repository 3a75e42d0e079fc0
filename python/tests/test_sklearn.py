# scikit-learn models exported by brine.save predict in brine's C++ library what scikit-learn
# predicts; the Python and C++ writers produce the same bytes; unsupported models are refused.
# SPDX-License-Identifier: MIT
import os
import pathlib
import subprocess
import tempfile
import unittest
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

import brine
from checker import CHECK, CREATED, RTOL, SOURCE, CppChecker, dataset, hex_rows, refusal


def fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def near_thresholds(tree, X):
    """Rows at, and one double and one float32 ulp either side of, every split threshold (and of
    its float32 rounding), each on a copy of a training row."""
    t = tree.tree_
    rows = []
    for node in np.flatnonzero(t.children_left != -1):
        f, thr = t.feature[node], t.threshold[node]
        f32 = np.float32(thr)
        candidates = {thr, np.nextafter(thr, np.inf), np.nextafter(thr, -np.inf), float(f32),
                      float(np.nextafter(f32, np.float32(np.inf))),
                      float(np.nextafter(f32, np.float32(-np.inf)))}
        # The double rounding boundaries of float32 around the threshold: the trap itself.
        lo = float(f32) if float(f32) <= thr else float(np.nextafter(f32, np.float32(-np.inf)))
        hi = float(np.nextafter(np.float32(lo), np.float32(np.inf)))
        mid = (lo + hi) / 2
        candidates |= {mid, float(np.nextafter(mid, np.inf)), float(np.nextafter(mid, -np.inf))}
        for value in candidates:
            row = X[node % len(X)].copy()
            row[f] = value
            rows.append(row)
    return np.array(rows)


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class PredictAlikeInCpp(CppChecker, unittest.TestCase):
    def check(self, name, est, X, extra_rows=None):
        """Exports est in both encodings; C++ predicts all rows (and extra_rows) as est does."""
        rows = X if extra_rows is None else np.vstack([X, extra_rows])
        kind = None
        for fmt in ("binary", "json"):
            path = self.dir / f"{name}.{'json' if fmt == 'json' else 'brine'}"
            brine.save(est, path, format=fmt, reference_inputs=X[:5], created=CREATED)
            f = brine.load(path)
            kind = f.kind
            got = self.predict_in_cpp(path, rows)
            self.assertEqual(got["kind"], kind)
            exact = kind == "decision_tree" or (
                kind == "pipeline" and f.payload["estimator"]["kind"] == "decision_tree"
                and not f.payload["steps"])
            if hasattr(est, "predict_proba"):
                want = est.predict_proba(rows)
                np.testing.assert_array_equal(got["labels"][:, 0], est.predict(rows),
                                              err_msg=name)
            elif hasattr(est, "transform") and not hasattr(est, "predict"):
                want = est.transform(rows)
            else:
                want = est.predict(rows).reshape(len(rows), -1)
                if "labels" in got:
                    np.testing.assert_array_equal(got["labels"][:, 0], want[:, 0], err_msg=name)
            if kind == "decision_tree":  # the very leaf scikit-learn reaches, for every row
                np.testing.assert_array_equal(got["leaves"][:, 0], est.apply(rows),
                                              err_msg=name)
            values = got["values"]
            self.assertEqual(values.shape, want.shape, name)
            if exact:
                np.testing.assert_array_equal(values, want, err_msg=name)
            else:
                excess = np.abs(values - want) / np.maximum(1.0, np.abs(want))
                self.assertLessEqual(float(excess.max()), RTOL, name)
            self.resave_identical(path, fmt)
        return kind

    def resave_identical(self, path, fmt):
        # The same model and options saved by C++ (which computes the reference outputs again with
        # its own build string): the Python reader re-encodes it to the very same bytes.
        cpp_bytes = self.resave_in_cpp(path, fmt)
        f = brine.loads(cpp_bytes)
        self.assertEqual(f.to_bytes(fmt), cpp_bytes)
        self.assertTrue(f.reference["build"].startswith("brine 0.1.0"), f.reference["build"])

    def test_linear_models(self):
        X, y = dataset("diabetes")
        for est in (LinearRegression(), Ridge(alpha=0.5), Lasso(alpha=0.01),
                    ElasticNet(alpha=0.01, l1_ratio=0.3), LinearRegression(fit_intercept=False)):
            self.assertEqual(self.check(type(est).__name__, fit(est, X, y), X),
                             "linear_regression")
        two = np.column_stack([y, 0.5 * y + X[:, 0]])
        self.check("linear_multi", fit(LinearRegression(), X, two), X)
        self.check("ridge_multi", fit(Ridge(alpha=2.0), X, two), X)

    def test_logistic_regression(self):
        X, y = dataset("iris")
        self.check("logistic_multinomial", fit(LogisticRegression(max_iter=500), X, y), X)
        Xb, yb = dataset("breast_cancer")
        Xb = StandardScaler().fit_transform(Xb)
        self.check("logistic_binary", fit(LogisticRegression(), Xb, yb), Xb)
        self.check("logistic_binary_liblinear",
                   fit(LogisticRegression(solver="liblinear", C=0.3), Xb, yb), Xb)
        # Binary multinomial: softmax([-z, z]) = sigmoid(2z).
        self.check("logistic_binary_multinomial",
                   fit(LogisticRegression(multi_class="multinomial"), Xb, yb), Xb)
        self.check("logistic_no_intercept",
                   fit(LogisticRegression(fit_intercept=False, max_iter=500), X, y), X)
        # Class labels that are not 0..K-1.
        self.check("logistic_labels", fit(LogisticRegression(max_iter=500), X, 10 * y - 3), X)
        # One-vs-rest with K >= 3 classes: each score's sigmoid normalised to sum 1 (schema 2).
        for name, est in (("logistic_ovr", LogisticRegression(multi_class="ovr", max_iter=500)),
                          ("logistic_ovr_liblinear", LogisticRegression(solver="liblinear")),
                          ("logistic_ovr_labels", LogisticRegression(multi_class="ovr", C=0.1,
                                                                     fit_intercept=False))):
            self.check(name, fit(est, X, 10 * y - 3 if "labels" in name else y), X)
            f = brine.loads(brine.to_bytes(est))
            self.assertEqual((f.schema_version, f.payload["multi_class"]), (2, "ovr"))
        # Wine's unscaled features give scores far from 0: sigmoids near 0 and 1 in one row.
        Xw, yw = dataset("wine")
        self.check("logistic_ovr_wine", fit(LogisticRegression(multi_class="ovr", max_iter=50),
                                            Xw, yw), Xw)
        # Two classes one-vs-rest is the binary model, written as schema 1.
        est = fit(LogisticRegression(multi_class="ovr"), Xb, yb)
        self.check("logistic_binary_ovr", est, Xb)
        self.assertEqual(brine.loads(brine.to_bytes(est)).schema_version, 1)

    def test_decision_trees_route_like_float32_at_every_threshold(self):
        for data, est in (("iris", DecisionTreeClassifier(random_state=0)),
                          ("wine", DecisionTreeClassifier(max_depth=4, random_state=1)),
                          ("breast_cancer", DecisionTreeClassifier(min_samples_leaf=3,
                                                                   random_state=2)),
                          ("diabetes", DecisionTreeRegressor(max_depth=6, random_state=0)),
                          ("diabetes", DecisionTreeRegressor(min_samples_leaf=5,
                                                             random_state=3))):
            X, y = dataset(data)
            fit(est, X, y)
            self.check(f"tree_{data}", est, X, near_thresholds(est, X))
        # Weighted class counts (1.2's tree_.value) become the probabilities predict_proba gives.
        X, y = dataset("wine")
        w = np.linspace(0.5, 2.0, len(y))
        est = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y, sample_weight=w)
        self.check("tree_weighted", est, X, near_thresholds(est, X))

    def test_a_threshold_where_float32_and_double_disagree(self):
        # x = 1.25 + 2^-40 is above the threshold 1.25 as a double, but float32(x) = 1.25 is
        # not: scikit-learn sends it left, and so must the file.
        X = np.array([[1.0], [1.5], [1.0], [1.5]])
        y = np.array([0.0, 1.0, 0.0, 1.0])
        est = DecisionTreeRegressor().fit(X, y)
        self.assertEqual(est.tree_.threshold[0], 1.25)
        x = np.array([[1.25 + 2.0 ** -40]])
        self.assertEqual(est.predict(x)[0], 0.0)
        self.assertGreater(x[0, 0], est.tree_.threshold[0])
        self.check("tree_trap", est, X, x)

    def test_scalers(self):
        X, _ = dataset("wine")
        for est in (StandardScaler(), StandardScaler(with_mean=False),
                    StandardScaler(with_std=False), MinMaxScaler(),
                    MinMaxScaler(feature_range=(-2, 3))):
            self.check(type(est).__name__, est.fit(X), X)
        # Features of mixed sign, one constant (max_abs_ and the quantile range 0: scale 1).
        Xm = X - np.median(X, axis=0)
        Xm[:, 3] = 0.0
        for i, est in enumerate((MaxAbsScaler(), RobustScaler(),
                                 RobustScaler(with_centering=False),
                                 RobustScaler(with_scaling=False),
                                 RobustScaler(with_centering=False, with_scaling=False),
                                 RobustScaler(quantile_range=(10.0, 80.0)),
                                 RobustScaler(unit_variance=True, quantile_range=(5.0, 95.0)))):
            est.fit(Xm)
            self.assertEqual(self.check(f"scaler_{i}", est, Xm, X),
                             "max_abs_scaler" if i == 0 else "robust_scaler")

    def test_pipelines(self):
        X, y = dataset("wine")
        self.check("pipe_logistic", fit(make_pipeline(StandardScaler(), MinMaxScaler(),
                                                      LogisticRegression(max_iter=1000)), X, y), X)
        est = fit(Pipeline([("scale", MinMaxScaler()), ("skip", "passthrough"),
                            ("tree", DecisionTreeClassifier(random_state=0))]), X, y)
        # Raw inputs whose scaled values fall next to each threshold: the scaler's inverse, then
        # a few double ulps either way.
        scaler, tree = est[0], est[-1].tree_
        near = []
        for node in np.flatnonzero(tree.children_left != -1):
            f = tree.feature[node]
            x = (tree.threshold[node] - scaler.min_[f]) / scaler.scale_[f]
            for step in range(-3, 4):
                row = X[node % len(X)].copy()
                row[f] = x
                for _ in range(abs(step)):
                    row[f] = np.nextafter(row[f], np.inf if step > 0 else -np.inf)
                near.append(row)
        self.check("pipe_tree", est, X, np.array(near))
        self.check("pipe_robust_ovr",
                   fit(make_pipeline(MaxAbsScaler(), RobustScaler(with_centering=False),
                                     RobustScaler(quantile_range=(20.0, 70.0)),
                                     LogisticRegression(multi_class="ovr", max_iter=1000)),
                       X, y), X)
        Xd, yd = dataset("diabetes")
        self.check("pipe_robust_tree", fit(make_pipeline(RobustScaler(),
                                                         DecisionTreeRegressor(max_depth=4)),
                                           Xd, yd), Xd)
        self.check("pipe_ridge", fit(make_pipeline(StandardScaler(), Ridge()), Xd, yd), Xd)
        self.check("pipe_bare_tree", fit(make_pipeline(DecisionTreeRegressor(max_depth=5)),
                                         Xd, yd), Xd)

    def test_column_transformers(self):
        from sklearn.compose import ColumnTransformer
        X, y = dataset("wine")

        def ct():
            inner = ColumnTransformer([("r", RobustScaler(), [1])], remainder="passthrough")
            chain = Pipeline([("mm", MinMaxScaler()), ("skip", "passthrough"),
                              ("ma", MaxAbsScaler())])
            return ColumnTransformer(
                [("std", StandardScaler(), [4, 0, 2]), ("copy", "passthrough", [1, 1]),
                 ("chain", chain, slice(5, 8)), ("none", StandardScaler(), []),
                 ("gone", "drop", [8]), ("inner", inner, [9, -3])],
                remainder=StandardScaler(), sparse_threshold=0)

        self.assertEqual(self.check("ct_wine", ct().fit(X), X), "column_transformer")
        f = brine.loads(brine.to_bytes(ct().fit(X)))
        self.assertEqual([b["action"] for b in f.payload["branches"]],
                         ["steps", "passthrough", "steps", "drop", "drop", "steps"])
        self.assertEqual(f.payload["remainder"]["columns"][:, 0].tolist(), [3, 11, 12])
        self.assertEqual(self.check("pipe_ct_logistic",
                                    fit(make_pipeline(ct(), LogisticRegression(max_iter=2000)),
                                        X, y), X), "pipeline")
        self.check("pipe_ct_tree",
                   fit(make_pipeline(ct(), DecisionTreeClassifier(random_state=0)), X, y), X)
        # Integer categories one-hot encoded beside scaled features, unknown categories ignored.
        from sklearn.preprocessing import OneHotEncoder
        Xc = np.column_stack([X[:, :4], np.digitize(X[:, 4], [90, 100, 110]) * 10.0 + 1])
        cat = ColumnTransformer([("num", StandardScaler(), [0, 1, 2, 3]),
                                 ("cat", OneHotEncoder(handle_unknown="ignore"), [4])])
        unknown = Xc[:3].copy()
        unknown[:, 4] = 99.0
        self.check("pipe_ct_one_hot",
                   fit(make_pipeline(cat, LogisticRegression(max_iter=2000)), Xc, y), Xc, unknown)
        # A ColumnTransformer step between others, widening then narrowing nothing.
        self.check("pipe_scaler_ct",
                   fit(make_pipeline(MaxAbsScaler(), ct(), StandardScaler(),
                                     LogisticRegression(max_iter=2000)), X, y), X)

    def test_the_two_writers_give_the_same_bytes(self):
        X, y = dataset("iris")
        for est in (fit(make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)), X, y),
                    fit(DecisionTreeClassifier(random_state=0), X, y), MinMaxScaler().fit(X),
                    fit(LinearRegression(), X, y), MaxAbsScaler().fit(X),
                    RobustScaler(with_centering=False).fit(X),
                    RobustScaler(with_scaling=False).fit(X),
                    fit(make_pipeline(RobustScaler(), LogisticRegression(multi_class="ovr")),
                        X, y)):
            for fmt, ext in (("binary", "brine"), ("json", "json")):
                path = self.dir / f"same.{ext}"
                brine.save(est, path, metadata={"target_name": "species", "note": "é\n"},
                           created=CREATED)
                out = self.dir / f"same_cpp.{ext}"
                self.cpp("resave", path, out, fmt)
                self.assertEqual(out.read_bytes(), path.read_bytes(), (type(est).__name__, fmt))


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class ReferenceBudget(unittest.TestCase):
    def test_as_many_reference_rows_as_the_cpp_loader_checks_and_no_more(self):
        # docs/threat-model.md: rows x (n_features + n_outputs + C) <= 2^24 + 16 x (E + stored
        # reference values), with C = 2 (depth + 1) + 1 and E = 4 nodes + values for this tree.
        X = np.linspace(0.0, 1.0, 3000).reshape(-1, 1)
        est = DecisionTreeRegressor().fit(X, np.sin(40 * X[:, 0]))
        depth, nodes = est.get_depth(), est.tree_.node_count
        per_row = 1 + 1 + 2 * (depth + 1) + 1
        most = (2 ** 24 + 16 * 5 * nodes) // (per_row - 16 * 2)
        with tempfile.TemporaryDirectory() as d:
            path = pathlib.Path(d) / "budget.brine"
            with self.assertRaises(brine.Error) as c:
                brine.save(est, path, reference_inputs=np.resize(X, (most + 1, 1)))
            self.assertEqual(c.exception.code, "invalid_argument")
            self.assertIn(f"{most + 1} reference rows cost", str(c.exception))
            self.assertFalse(path.exists())
            brine.save(est, path, reference_inputs=np.resize(X, (most, 1)))
            rows, out = pathlib.Path(d) / "rows.txt", pathlib.Path(d) / "out.txt"
            hex_rows(X[:3], rows)
            r = subprocess.run([CHECK, "predict", path, rows, out], capture_output=True,
                               text=True)  # loads with the reference check
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(oct(path.stat().st_mode & 0o777),
                             oct(0o666 & ~_umask()))


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Metadata(unittest.TestCase):
    def test_what_the_file_says_about_its_source(self):
        X, y = dataset("iris")
        est = fit(LogisticRegression(C=0.5, max_iter=300), X, 10 * y)
        names = ["sepal length", "sepal width", "petal length", "petal width"]
        f = brine.loads(brine.to_bytes(est, metadata={"feature_names": names,
                                                      "target_name": "species",
                                                      "extra": {"owner": "lab"}, "run": "7"},
                                       reference_inputs=X[:3], created=CREATED))
        import sklearn
        m = f.metadata
        self.assertEqual(m["feature_names"], names)
        self.assertEqual(m["target_name"], "species")
        self.assertEqual(m["class_labels"], ["0.0", "10.0", "20.0"])
        self.assertEqual(m["extra"]["owner"], "lab")
        self.assertEqual(m["extra"]["run"], "7")
        self.assertEqual(m["extra"]["source"], f"scikit-learn {sklearn.__version__}")
        p = m["provenance"]
        self.assertEqual(p["library_version"], f"scikit-learn {sklearn.__version__}")
        self.assertEqual(p["trainer"], "sklearn.linear_model.LogisticRegression")
        self.assertEqual(p["options"]["C"], "0.5")
        self.assertEqual(p["options"]["max_iter"], "300")
        self.assertEqual(p["options"]["solver"], "lbfgs")
        self.assertEqual(f.header["created"], CREATED)
        self.assertEqual(f.header["library_version"], brine.__version__)
        np.testing.assert_array_equal(f.reference["outputs"], est.predict_proba(X[:3]))
        self.assertEqual(f.reference["tolerance"], 1e-12)
        self.assertIn("scikit-learn", f.reference["build"])

    def test_tree_files_state_their_threshold_rule_and_exact_tolerance(self):
        X, y = dataset("iris")
        est = DecisionTreeClassifier(random_state=0).fit(X, y)
        f = brine.loads(brine.to_bytes(est, reference_inputs=X[:4]))
        self.assertIn("float32(x) <= threshold", f.metadata["extra"]["brine.threshold"])
        self.assertEqual(f.reference["tolerance"], 0.0)
        self.assertEqual(f.metadata["class_labels"], ["0.0", "1.0", "2.0"])

    def test_library_version_matches_the_cpp_library(self):
        text = (SOURCE / "CMakeLists.txt").read_text()
        self.assertIn(f"VERSION {brine.__version__}", text)


class GoldenFilesMeanWhatScikitLearnMeans(unittest.TestCase):
    """The C++ writer's golden files of the scalers and one-vs-rest logistic regression: their
    parameters set on scikit-learn's own estimators give the reference outputs the C++ library
    stored."""

    def fitted(self, slot):
        kind, m = slot["kind"], slot["model"]
        if kind == "max_abs_scaler":
            est = MaxAbsScaler()
            est.scale_ = m["scale"][:, 0]
            est.n_features_in_ = est.scale_.size
        elif kind == "robust_scaler":
            est = RobustScaler(with_centering=m["center"].size > 0,
                               with_scaling=m["scale"].size > 0)
            est.center_ = m["center"][:, 0] if est.with_centering else None
            est.scale_ = m["scale"][:, 0] if est.with_scaling else None
            est.n_features_in_ = m["n_features"]
        elif kind == "logistic_regression":
            est = LogisticRegression(multi_class=m.get("multi_class", "multinomial"))
            est.classes_, est.coef_ = m["classes"][:, 0], m["coef"]
            est.intercept_ = m["intercept"][:, 0]
            est.n_features_in_ = m["coef"].shape[1]
        else:
            parts = m["steps"] + [m["estimator"]]
            return Pipeline([(f"s{i}", self.fitted(p)) for i, p in enumerate(parts)])
        return est

    def test_reference_outputs(self):
        golden = SOURCE / "tests" / "data" / "golden" / "format-1.0"
        for name in ("max_abs_scaler", "robust_scaler", "robust_scaler_no_centering",
                     "logistic_regression_ovr", "pipeline_robust"):
            for ext in ("brine", "json"):
                f = brine.load(golden / f"{name}.{ext}")
                est = self.fitted({"kind": f.kind, "model": f.payload})
                X = f.reference["inputs"]
                want = f.reference["outputs"]
                got = est.predict_proba(X) if hasattr(est, "predict_proba") else est.transform(X)
                excess = np.abs(got - want) / np.maximum(1.0, np.abs(want))
                self.assertLessEqual(float(excess.max()), RTOL, name)


class Unsupported(unittest.TestCase):
    def refused(self, est, *fragments):
        message = refusal(self, est)
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertIn("Supported: ", message)
        for name in brine.supported():
            self.assertIn(name, message)
        return message

    def test_other_estimators_are_named(self):
        from sklearn.impute import KNNImputer
        from sklearn.neighbors import KNeighborsClassifier
        X, y = dataset("iris")
        self.refused(KNeighborsClassifier().fit(X, y),
                     "sklearn.neighbors.KNeighborsClassifier is not an estimator brine can "
                     "export")
        self.refused(KNNImputer().fit(X), "sklearn.impute.KNNImputer")

    def test_subclasses_are_refused(self):
        class Shifted(LinearRegression):
            def predict(self, X):
                return super().predict(X) + 1

        X, y = dataset("diabetes")
        self.refused(Shifted().fit(X, y), "Shifted")

    def test_options_a_kind_cannot_represent(self):
        X, y = dataset("iris")
        Xnan = X.copy()
        Xnan[:, 1] = np.nan  # a column of no values: NaN parameters
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            max_abs, robust = MaxAbsScaler().fit(Xnan), RobustScaler().fit(Xnan)
            # An empty quantile range: unit_variance divides the ranges by 0.
            empty = RobustScaler(unit_variance=True, quantile_range=(50.0, 50.0)).fit(X)
        self.refused(max_abs, "MaxAbsScaler with non-finite scale_")
        self.refused(robust, "RobustScaler with non-finite center_")
        self.refused(empty, "RobustScaler with non-finite scale_")
        self.refused(MinMaxScaler(clip=True).fit(X), "clip=True")
        self.refused(DecisionTreeClassifier().fit(X, np.column_stack([y, y])), "2 outputs")
        self.refused(DecisionTreeClassifier().fit(X, np.array(["a", "b", "c"])[y.astype(int)]),
                     "non-numeric class labels")
        self.refused(make_pipeline(StandardScaler(), MinMaxScaler()).fit(X),
                     "MinMaxScaler as its final estimator")
        pipe = fit(make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)), X, y)
        pipe.steps.insert(0, ("tree", DecisionTreeRegressor().fit(X, y)))
        self.refused(pipe, "DecisionTreeRegressor as its step 'tree'")

    def test_column_transformer_options(self):
        from sklearn.compose import ColumnTransformer
        from sklearn.preprocessing import PolynomialFeatures
        X, _ = dataset("iris")
        self.refused(ColumnTransformer([("s", StandardScaler(), lambda X: [0, 1])]).fit(X),
                     "ColumnTransformer with a callable column selection (branch 's')")
        self.refused(ColumnTransformer([("s", StandardScaler(), [0])],
                                       transformer_weights={"s": 2.0}).fit(X),
                     "transformer_weights")
        self.refused(ColumnTransformer([("p", PolynomialFeatures(), [0, 1])]).fit(X),
                     "sklearn.preprocessing.PolynomialFeatures")
        self.refused(ColumnTransformer([("s", StandardScaler(), [0])],
                                       remainder=PolynomialFeatures()).fit(X),
                     "sklearn.preprocessing.PolynomialFeatures")
        # Columns named through feature_names_in_ (as fitted on a DataFrame) give the same model
        # as their indices.
        by_index = ColumnTransformer([("s", StandardScaler(), [2, 0])],
                                     remainder="passthrough").fit(X)
        by_name = ColumnTransformer([("s", StandardScaler(), [2, 0])],
                                    remainder="passthrough").fit(X)
        by_name.feature_names_in_ = np.array(["a", "b", "c", "d"], dtype=object)
        by_name.transformers_ = [("s", by_name.transformers_[0][1], ["c", "a"]),
                                 ("remainder", "passthrough", slice("b", "b")),
                                 ("extra", "passthrough", "d")]
        want = brine.loads(brine.to_bytes(by_index)).payload
        got = brine.loads(brine.to_bytes(by_name)).payload
        self.assertEqual(got["branches"][0]["columns"].tolist(),
                         want["branches"][0]["columns"].tolist())
        self.assertEqual(got["remainder"]["columns"][:, 0].tolist(), [1])
        self.assertEqual(got["branches"][1]["columns"][:, 0].tolist(), [3])
        by_name.transformers_[0] = ("s", by_name.transformers_[0][1], ["c", "x"])
        self.refused(by_name, "column 'x' (branch 's') is not one of feature_names_in_")

    def test_an_unfitted_estimator_is_an_error(self):
        with self.assertRaises(brine.Error) as c:
            brine.to_bytes(LinearRegression())
        self.assertEqual(c.exception.code, "invalid_argument")
        self.assertIn("not fitted", str(c.exception))


if __name__ == "__main__":
    unittest.main()
