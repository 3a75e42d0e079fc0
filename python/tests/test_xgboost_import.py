# The two roads from XGBoost to brine agree: for every XGBoost model file committed under
# tests/data/xgboost_import (JSON and UBJSON), the Python exporter (brine.save of the Booster
# XGBoost loads from the file) and the C++ importer (brine::import_xgboost of the file itself) make
# the same tree ensemble. What is compared is the saved file: the C++ side saves its ensemble with
# the header of the Python file (metadata, creation time, encoding; neither stores reference
# rows), so the two files are the same bytes exactly when the payloads are, every array bit for
# bit, and therefore every prediction too.
# SPDX-License-Identifier: MIT
import json
import pathlib
import unittest

import numpy as np
import xgboost

import brine
from checker import CHECK, CppChecker

DATA = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "xgboost_import"
CREATED = "2024-01-01T00:00:00Z"

def cases():
    return sorted(p for p in DATA.iterdir() if p.is_dir())


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class ImportersAgree(CppChecker, unittest.TestCase):
    def differences(self, a, b):
        """The payload fields in which two brine files differ (for the failure message)."""
        pa, pb = brine.loads(a).payload, brine.loads(b).payload
        out = []
        for key in sorted(set(pa) | set(pb)):
            va, vb = pa.get(key), pb.get(key)
            same = (np.array_equal(va, vb, equal_nan=True) if isinstance(va, np.ndarray)
                    and isinstance(vb, np.ndarray) else va == vb)
            if not same:
                out.append(f"{key}: python {va!r} / c++ {vb!r}")
        return out or ["the payloads are equal; the headers differ"]

    def test_every_committed_model_is_imported_alike(self):
        compared, objectives = [], set()
        for case in cases():
            for source in ("model.json", "model.ubj"):
                name = f"{case.name}/{source}"
                with self.subTest(name):
                    bst = xgboost.Booster(model_file=str(case / source))
                    objectives.add(json.loads(bst.save_config())["learner"]["objective"]["name"])
                    for fmt in ("binary", "json"):
                        path = self.dir / f"{case.name}.{source}.{fmt}"
                        brine.save(bst, path, format=fmt, created=CREATED)
                        out = self.dir / f"cpp.{fmt}"
                        self.cpp("import-xgboost", case / source, path, out)
                        a, b = path.read_bytes(), out.read_bytes()
                        self.assertTrue(a == b, f"{name} ({fmt}): " +
                                        "; ".join(self.differences(a, b)))
                    compared.append(name)
        # Every committed model, from both of its files.
        self.assertEqual(len(compared), 2 * len(cases()), compared)
        self.assertGreaterEqual(len(compared), 20)
        # Every objective both importers take.
        self.assertEqual(objectives, {"reg:squarederror", "reg:squaredlogerror",
                                      "reg:pseudohubererror", "reg:absoluteerror",
                                      "reg:logistic", "binary:logistic", "multi:softprob",
                                      "multi:softmax"})


if __name__ == "__main__":
    unittest.main()
