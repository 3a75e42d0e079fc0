# What the Python package's tests share: the bundled datasets, and the C++ checker program
# (tests/python/check_model.cpp, BRINE_PYTHON_CHECK) that loads a file with brine::load_any and
# writes its predictions as exact hexadecimal floats.
# SPDX-License-Identifier: MIT
import os
import pathlib
import subprocess
import tempfile

import numpy as np

import brine

SOURCE = pathlib.Path(os.environ.get("BRINE_SOURCE_DIR",
                                     pathlib.Path(__file__).resolve().parents[2]))
CHECK = os.environ.get("BRINE_PYTHON_CHECK")
CREATED = "2026-12-01T00:00:00Z"
# Values: |brine - scikit-learn| <= RTOL * max(1, |scikit-learn|) (the reference check's measure).
RTOL = 1e-12
#: The bundled datasets (examples/data): three classification ones and one regression one.
CLASSIFICATION = ("iris", "wine", "breast_cancer")
REGRESSION = ("diabetes",)


def dataset(name):
    """X and y of examples/data/<name>.csv (the target is the last column)."""
    data = np.loadtxt(SOURCE / "examples" / "data" / f"{name}.csv", delimiter=",", skiprows=1)
    return data[:, :-1], data[:, -1]


def hex_rows(X, path):
    """Rows in the checker's input form: "rows cols", then the values as hexadecimal floats."""
    with open(path, "w") as f:
        f.write(f"{X.shape[0]} {X.shape[1]}\n")
        f.write("\n".join(map(float.hex, np.asarray(X, dtype=np.float64).ravel().tolist())))
        f.write("\n")


def read_output(path):
    """The checker's output: {"kind": name, "labels" / "values" / "leaves" / "scores": arrays}."""
    out = {}
    with open(path) as f:
        lines = f.read().split("\n")
    out["kind"] = lines[0].split()[1]
    i = 1
    while i < len(lines) and lines[i]:
        what, rows, cols = lines[i].split()
        rows, cols = int(rows), int(cols)
        values = list(map(float.fromhex, lines[i + 1:i + 1 + rows * cols]))
        out[what] = np.array(values, dtype=np.float64).reshape(rows, cols)
        i += 1 + rows * cols
    return out


class CppChecker:
    """A unittest.TestCase mixin: a temporary directory for the class (self.dir) and the checker
    program run from it."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = pathlib.Path(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def cpp(self, *args):
        r = subprocess.run([CHECK, *map(str, args)], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def predict_in_cpp(self, path, X):
        """brine::load_any(path) (with its reference check) predicting X, as read_output."""
        rows, out = self.dir / "rows.txt", self.dir / "out.txt"
        hex_rows(X, rows)
        self.cpp("predict", path, rows, out)
        return read_output(out)

    def resave_in_cpp(self, path, fmt):
        """The file saved again by C++ with the same options (C++ computes the reference outputs
        again, with its own build string), as bytes."""
        out = self.dir / ("cpp_" + path.name)
        self.cpp("resave", path, out, fmt)
        return out.read_bytes()


def verdicts(test, paths):
    """The checker's verdict on each file, one a line: "ok", or "<path>: <error code name>: ..."."""
    r = subprocess.run([CHECK, "verdict", *map(str, paths)], capture_output=True, text=True)
    cpp = r.stdout.splitlines()
    test.assertEqual(len(cpp), len(paths), r.stderr)
    return cpp


def assert_same_errc(test, mutants):
    """Each file of mutants ((bytes, error code) pairs) is refused by the Python reader with its
    code, and by the C++ loader (the checker's verdict) with the same one."""
    with tempfile.TemporaryDirectory() as d:
        paths, python = [], []
        for i, (data, code) in enumerate(mutants):
            path = os.path.join(d, f"{i}.bin")
            pathlib.Path(path).write_bytes(data)
            paths.append(path)
            with test.assertRaises(brine.Error, msg=path) as c:
                brine.loads(data)
            test.assertEqual(c.exception.code, code, str(c.exception))
            python.append(brine.ERRC[code])
        cpp = verdicts(test, paths)
    for i, (want, verdict) in enumerate(zip(python, cpp)):
        test.assertEqual(verdict.split(": ")[1] if verdict != "ok" else "ok", want,
                         f"case {i}: {verdict}")


def refusal(test, est):
    """The message of brine.save refusing est (brine.UnsupportedModel), which leaves no file."""
    with tempfile.TemporaryDirectory() as d:
        path = pathlib.Path(d) / "m.brine"
        with test.assertRaises(brine.UnsupportedModel) as c:
            brine.save(est, path)
        test.assertEqual(os.listdir(d), [])
    return str(c.exception)
