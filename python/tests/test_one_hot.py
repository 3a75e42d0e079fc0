# scikit-learn's OneHotEncoder exported by brine.save encodes in brine's C++ library what
# scikit-learn encodes; the package reads scikit-learn's own fitted values back; unsupported
# encoders are refused.
# SPDX-License-Identifier: MIT
import os
import pathlib
import subprocess
import tempfile
import unittest
import warnings

import numpy as np
from sklearn.preprocessing import OneHotEncoder

import brine

SOURCE = pathlib.Path(os.environ.get("BRINE_SOURCE_DIR",
                                     pathlib.Path(__file__).resolve().parents[2]))
CHECK = os.environ.get("BRINE_PYTHON_CHECK")
DATA = SOURCE / "tests" / "data" / "sklearn_preprocessing"
CREATED = "2026-12-01T00:00:00Z"


def categories(dataset):
    """X_cat.csv of tests/reference/make_one_hot_reference.py: integer category columns with NaN
    (c2) and, in rows 3, 6, 9 and 12, values the fit (rows i % 3 != 0) never sees."""
    C = np.loadtxt(DATA / dataset / "X_cat.csv", delimiter=",", skiprows=1)
    return C, C[np.arange(len(C)) % 3 != 0]


def encoders():
    """One encoder per drop mode and handle_unknown, fitted on iris's category columns."""
    C, fit_rows = categories("iris")
    last = [np.unique(fit_rows[:, j])[-1] for j in range(C.shape[1])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for drop in (None, "first", "if_binary", last):
            for hu in ("error", "ignore"):
                yield (f"{'explicit' if isinstance(drop, list) else drop}_{hu}",
                       OneHotEncoder(drop=drop, handle_unknown=hu,
                                     sparse_output=False).fit(fit_rows))


def finite_rows(X, n):
    """The first n rows without NaN: the Python writer takes finite reference inputs only."""
    return X[~np.isnan(X).any(axis=1)][:n]


def dense(Z):
    return np.asarray(Z.toarray() if hasattr(Z, "toarray") else Z, dtype=np.float64)


class Payload(unittest.TestCase):
    def test_payload_is_scikit_learns_fitted_encoder(self):
        for name, est in encoders():
            f = brine.loads(brine.to_bytes(est))
            self.assertEqual(f.kind, "one_hot_encoder", name)
            p = f.payload
            self.assertEqual(p["handle_unknown"], est.handle_unknown, name)
            self.assertEqual(p["n_categories"][:, 0].tolist(),
                             [len(c) for c in est.categories_], name)
            np.testing.assert_array_equal(p["categories"][:, 0], np.concatenate(est.categories_))
            want = [] if est.drop_idx_ is None else [
                -1 if d is None else int(d) for d in est.drop_idx_]
            self.assertEqual(p["drop_idx"][:, 0].tolist(), want, name)

    def test_both_encodings_and_the_reader_checks(self):
        _, est = next(encoders())
        for fmt in ("binary", "json"):
            f = brine.loads(brine.to_bytes(est, format=fmt))
            self.assertEqual(f.to_bytes(fmt), brine.to_bytes(est, format=fmt))
        # The reader refuses what the C++ reader refuses, with its words.
        f = brine.loads(brine.to_bytes(est))
        f.payload["categories"][1, 0] = f.payload["categories"][0, 0]
        with self.assertRaises(brine.Error) as c:
            brine.loads(f.to_bytes("json"))
        self.assertEqual(c.exception.code, "invalid_model")
        self.assertIn("feature 0: category 1 (categories[1]) is 0.0, not greater than the "
                      "category before it (0.0); categories must be sorted and unique",
                      str(c.exception))

    def test_sparse_output_and_dtype_are_accepted(self):
        C, fit_rows = categories("wine")
        est = OneHotEncoder(handle_unknown="ignore", dtype=np.int32).fit(fit_rows)  # sparse
        ref = finite_rows(C, 12)  # rows 3 and 9 hold unknowns: all zeros in their blocks
        f = brine.loads(brine.to_bytes(est, reference_inputs=ref))
        np.testing.assert_array_equal(f.reference["outputs"], dense(est.transform(ref)))

    def test_infrequent_if_exist_without_infrequent_categories_is_ignore(self):
        _, fit_rows = categories("iris")
        est = OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=1,
                            sparse_output=False).fit(fit_rows)
        self.assertTrue(all(c is None for c in est.infrequent_categories_))
        f = brine.loads(brine.to_bytes(est))
        self.assertEqual(f.payload["handle_unknown"], "ignore")


class Unsupported(unittest.TestCase):
    def refused(self, est, *fragments):
        with self.assertRaises(brine.UnsupportedModel) as c:
            brine.to_bytes(est)
        for fragment in fragments:
            self.assertIn(fragment, str(c.exception))

    def test_strings_infrequent_and_inexact_categories(self):
        name = "sklearn.preprocessing.OneHotEncoder"
        self.refused(OneHotEncoder().fit(np.array([["a"], ["b"]], dtype=object)),
                     f"{name} with object categories in feature 0", "numeric categories")
        self.refused(OneHotEncoder().fit(np.array([["a"], ["b"]])), f"{name} with <U1")
        _, fit_rows = categories("iris")
        self.refused(OneHotEncoder(min_frequency=20).fit(fit_rows),
                     f"{name} with infrequent categories (min_frequency=20")
        self.refused(OneHotEncoder(max_categories=2).fit(fit_rows), "max_categories=2")
        big = np.array([[2 ** 53 + 1], [0]], dtype=np.int64)
        self.refused(OneHotEncoder().fit(big), "beyond 2^53")
        self.refused(OneHotEncoder(categories=[[1.0, 2.0, 2.0]]).fit([[1.0]]),
                     "repeated categories in feature 0")


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class EncodeAlikeInCpp(unittest.TestCase):
    def test_every_drop_and_handle_unknown_on_every_dataset(self):
        with tempfile.TemporaryDirectory() as d:
            d = pathlib.Path(d)
            for dataset in ("diabetes", "breast_cancer", "iris", "wine"):
                C, fit_rows = categories(dataset)
                for drop in (None, "first", "if_binary"):
                    for hu in ("error", "ignore"):
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            est = OneHotEncoder(drop=drop, handle_unknown=hu).fit(fit_rows)
                        rows = C if hu == "ignore" else fit_rows
                        for fmt in ("binary", "json"):
                            path = d / f"m.{'json' if fmt == 'json' else 'brine'}"
                            brine.save(est, path, format=fmt, reference_inputs=finite_rows(rows, 8),
                                       created=CREATED)
                            got = self.predict_in_cpp(d, path, rows)
                            np.testing.assert_array_equal(
                                got, dense(est.transform(rows)),
                                err_msg=f"{dataset} {drop} {hu} {fmt}")

    def predict_in_cpp(self, d, path, X):
        rows, out = d / "rows.txt", d / "out.txt"
        with open(rows, "w") as f:
            f.write(f"{X.shape[0]} {X.shape[1]}\n")
            f.write("\n".join(float(x).hex() for x in X.ravel()) + "\n")
        r = subprocess.run([CHECK, "predict", path, rows, out], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = out.read_text().split("\n")
        self.assertEqual(lines[0], "kind one_hot_encoder")
        what, n, m = lines[1].split()
        self.assertEqual(what, "values")
        return np.array([float.fromhex(x) for x in lines[2:2 + int(n) * int(m)]]).reshape(
            int(n), int(m))


if __name__ == "__main__":
    unittest.main()
