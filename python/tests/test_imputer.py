# scikit-learn SimpleImputers exported by brine.save transform in brine's C++ library exactly as
# scikit-learn transforms; the Python and C++ writers give the same bytes; what the kind cannot
# represent is refused.
# SPDX-License-Identifier: MIT
import unittest

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.linear_model import LinearRegression

import brine
from checker import CHECK, CREATED, SOURCE, CppChecker

STRATEGIES = ("mean", "median", "most_frequent", "constant")


def holes(name):
    """The bundled dataset with NaN holes (tests/reference/make_preprocessing_reference.py)."""
    path = SOURCE / "tests" / "data" / "sklearn_preprocessing" / name / "X_nan.csv"
    return np.loadtxt(path, delimiter=",", skiprows=1)


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class ImputersTransformAlikeInCpp(CppChecker, unittest.TestCase):
    def check(self, name, est, X):
        """Exports est in both encodings, with NaN-holding reference rows when NaN is the marker;
        C++ (after its reference check) transforms every row of X to scikit-learn's bits; C++
        re-saves the file to the same bytes."""
        marker_nan = np.isnan(est.missing_values)
        ref = X[:3]
        if marker_nan:  # rows with missing values too
            ref = np.vstack([ref, X[np.isnan(X).any(axis=1)][:5]])
            self.assertTrue(np.isnan(ref).any())
        for fmt, ext in (("binary", "brine"), ("json", "json")):
            path = self.dir / f"{name}.{ext}"
            brine.save(est, path, format=fmt, reference_inputs=ref, created=CREATED)
            f = brine.load(path)
            self.assertEqual(f.kind, "simple_imputer")
            self.assertEqual(f.reference["tolerance"], 0.0)
            got = self.predict_in_cpp(path, X)
            want = est.transform(X)
            self.assertEqual(got["values"].shape, want.shape, name)
            np.testing.assert_array_equal(got["values"], want, err_msg=name)
            # C++ re-saves it (computing the reference outputs again, with its own build
            # string); the Python reader re-encodes that file to the very same bytes.
            resaved = self.resave_in_cpp(path, fmt)
            self.assertEqual(brine.loads(resaved).to_bytes(fmt), resaved, (name, fmt))
            np.testing.assert_array_equal(brine.loads(resaved).reference["outputs"],
                                          f.reference["outputs"])
            # Without reference rows, the two writers give the same bytes.
            brine.save(est, path, format=fmt, created=CREATED)
            self.assertEqual(self.resave_in_cpp(path, fmt), path.read_bytes(), (name, fmt))

    def test_every_strategy_with_indicators_and_an_all_missing_feature(self):
        for dataset in ("iris", "diabetes"):
            X = holes(dataset)
            empty = X.copy()
            empty[:, 2] = np.nan
            for s in STRATEGIES:
                for add in (False, True):
                    est = SimpleImputer(strategy=s, fill_value=-4.25, add_indicator=add)
                    self.check(f"{dataset}_{s}_{add}", est.fit(X), X)
                    est = SimpleImputer(strategy=s, fill_value=-4.25, add_indicator=add)
                    est.fit(empty)
                    # scikit-learn 1.2 drops the all-missing feature unless the strategy is
                    # constant.
                    width = X.shape[1] - (s != "constant") + (add and X.shape[1])
                    self.assertEqual(est.transform(empty).shape[1], width)
                    self.check(f"{dataset}_{s}_{add}_empty", est, empty)
            est = SimpleImputer(add_indicator=True, keep_empty_features=True).fit(empty)
            self.check(f"{dataset}_keep_empty", est, empty)

    def test_a_numeric_missing_marker(self):
        X = holes("wine")
        X[:, 3] = np.nan
        marked = np.where(np.isnan(X), -1.0, X)
        for s in STRATEGIES:
            est = SimpleImputer(missing_values=-1, strategy=s, add_indicator=True).fit(marked)
            self.check(f"marker_{s}", est, marked)
        # Integer data: statistics of integers, the marker an integer.
        ints = np.round(marked).astype(np.int64)
        est = SimpleImputer(missing_values=-1, strategy="most_frequent").fit(ints)
        self.check("marker_int", est, ints)


class ImputerRefusals(unittest.TestCase):
    def refused(self, est, words):
        with self.assertRaises(brine.UnsupportedModel) as c:
            brine.to_bytes(est)
        self.assertIn(words, str(c.exception))

    def test_what_the_kind_cannot_represent(self):
        X = np.array([[1.0, np.nan], [2.0, 3.0], [np.nan, 3.0]])
        strings = np.array([["a", "x"], ["b", None], ["a", "y"]], dtype=object)
        self.refused(SimpleImputer(strategy="most_frequent", missing_values=None).fit(strings),
                     "non-numeric data")
        self.refused(SimpleImputer(strategy="constant", fill_value=np.nan).fit(X),
                     "fill_value=nan")
        self.refused(SimpleImputer(missing_values=np.inf).fit(np.array([[1.0], [2.0]])),
                     "missing_values=inf")
        self.refused(SimpleImputer().fit(np.array([[np.nan], [np.nan]])),
                     "without output columns")
        # A pipeline's steps may change the width: an imputer is a step like a scaler.
        pipe = make_pipeline(SimpleImputer(add_indicator=True), LinearRegression())
        pipe.fit(X, [1.0, 2.0, 3.0])
        f = brine.loads(brine.to_bytes(pipe, reference_inputs=[[1.0, 3.0], [2.0, 2.0]]))
        self.assertEqual(f.header["kind"], "pipeline")
        with self.assertRaises(brine.Error) as c:
            brine.to_bytes(SimpleImputer().fit(X), reference_inputs=[[np.inf, 1.0]])
        self.assertEqual(c.exception.code, "invalid_input")
        with self.assertRaises(brine.Error) as c:
            brine.to_bytes(SimpleImputer(missing_values=0.0).fit(np.ones((2, 2))),
                           reference_inputs=[[np.nan, 1.0]])
        self.assertEqual(c.exception.code, "invalid_input")


class PipelineReferenceRowsWithNaN(CppChecker, unittest.TestCase):
    """A pipeline takes NaN reference rows exactly when the C++ Pipeline predicts for them: its
    steps replace every NaN (an imputer with the NaN marker) before the estimator, which refuses
    NaN; scalers keep it."""

    def test_imputed_before_the_estimator(self):
        from sklearn.preprocessing import StandardScaler
        from sklearn.tree import DecisionTreeRegressor
        X = holes("diabetes")
        y = np.arange(len(X)) % 7 * 1.5
        ref = np.vstack([X[:2], X[np.isnan(X).any(axis=1)][:4]])
        for name, pipe in (
                ("imputer_tree", make_pipeline(SimpleImputer(strategy="median"),
                                               DecisionTreeRegressor(max_depth=4,
                                                                     random_state=0))),
                ("scaler_imputer_tree", make_pipeline(StandardScaler(), SimpleImputer(),
                                                      DecisionTreeRegressor(max_depth=3,
                                                                            random_state=0)))):
            pipe.fit(X, y)
            path = self.dir / f"{name}.brine"
            brine.save(pipe, path, reference_inputs=ref, created=CREATED)
            f = brine.load(path)
            np.testing.assert_array_equal(f.reference["inputs"], ref)
            np.testing.assert_array_equal(f.reference["outputs"][:, 0], pipe.predict(ref))
            # C++ loads it (with its reference check) and predicts the NaN rows as scikit-learn;
            # saving the same rows, C++ stores the same outputs.
            got = self.predict_in_cpp(path, ref)
            np.testing.assert_array_equal(got["values"][:, 0], pipe.predict(ref), err_msg=name)
            np.testing.assert_array_equal(
                brine.loads(self.resave_in_cpp(path, "binary")).reference["outputs"],
                f.reference["outputs"], err_msg=name)

    def test_refused_when_nan_reaches_the_estimator(self):
        from sklearn.preprocessing import StandardScaler
        X = holes("iris")
        y = np.arange(len(X)) % 3 * 1.0
        ref = X[np.isnan(X).any(axis=1)][:3]
        for pipe in (make_pipeline(StandardScaler(), LinearRegression()),
                     make_pipeline(SimpleImputer(missing_values=-1.0), LinearRegression())):
            pipe.fit(np.nan_to_num(X), y)
            with self.assertRaises(brine.Error) as c:
                brine.to_bytes(pipe, reference_inputs=ref)
            self.assertEqual(c.exception.code, "invalid_input")
        pipe = make_pipeline(SimpleImputer(), LinearRegression()).fit(X, y)
        with self.assertRaises(brine.Error) as c:  # infinities never are inputs
            brine.to_bytes(pipe, reference_inputs=[[np.inf, 1.0, 2.0, 3.0]])
        self.assertEqual(c.exception.code, "invalid_input")


class ImputerGoldenFiles(unittest.TestCase):
    """The C++ writer's golden simple_imputer files: their parameters set on scikit-learn's own
    SimpleImputer give the reference outputs the C++ library stored, and the reader refuses a
    broken invariant."""

    def test_reference_outputs(self):
        golden = SOURCE / "tests" / "data" / "golden" / "format-1.0"
        for name in ("simple_imputer", "simple_imputer_marker"):
            for ext in ("brine", "json"):
                f = brine.load(golden / f"{name}.{ext}")
                m = f.payload
                stats = m["statistics"][:, 0]
                # Fit on data whose statistics are the file's, then compare transforms.
                X = np.tile(stats, (2, 1))
                est = SimpleImputer(strategy="constant" if m["strategy"] == "constant"
                                    else "most_frequent", missing_values=m["missing_value"],
                                    fill_value=stats[0], add_indicator=m["add_indicator"])
                if m["add_indicator"]:
                    X = np.vstack([X, np.where(np.isin(np.arange(stats.size),
                                                       m["indicator_features"][:, 0]),
                                               m["missing_value"], X[0])])
                est.fit(X)
                np.testing.assert_array_equal(est.statistics_, stats)
                np.testing.assert_array_equal(est.transform(f.reference["inputs"]),
                                              f.reference["outputs"], err_msg=name)

    def test_the_reader_checks_invariants(self):
        est = SimpleImputer(add_indicator=True).fit(np.array([[1.0, np.nan], [np.nan, np.nan]]))
        f = brine.loads(brine.to_bytes(est))
        self.assertEqual(f.payload["indicator_features"][:, 0].tolist(), [0, 1])
        f.payload["indicator_features"] = np.array([[0]], dtype=np.int32)
        with self.assertRaises(brine.Error) as c:
            f.to_bytes("binary")
        self.assertEqual(c.exception.code, "invalid_model")
        self.assertIn("feature 1 is dropped (all missing at fit) but has no indicator column",
                      str(c.exception))


if __name__ == "__main__":
    unittest.main()
