# The README's section "From scikit-learn and XGBoost" works as written: its Python example runs,
# and the bundled C++ program predicts with the file it writes what scikit-learn predicts.
# SPDX-License-Identifier: MIT
import contextlib
import io
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import unittest

import numpy as np

SOURCE = pathlib.Path(os.environ.get("BRINE_SOURCE_DIR",
                                     pathlib.Path(__file__).resolve().parents[2]))
LOAD_AND_PREDICT = os.environ.get("BRINE_LOAD_AND_PREDICT")
if LOAD_AND_PREDICT:
    LOAD_AND_PREDICT = os.path.abspath(LOAD_AND_PREDICT)


def section():
    text = (SOURCE / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## From scikit-learn and XGBoost\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


class ReadmeExample(unittest.TestCase):
    @unittest.skipUnless(LOAD_AND_PREDICT, "BRINE_LOAD_AND_PREDICT (examples/load_and_predict) "
                                           "is not set: configure with BRINE_BUILD_EXAMPLES=ON")
    def test_train_in_python_predict_in_cpp(self):
        blocks = re.findall(r"```(\w+)\n(.*?)```", section(), re.S)
        python = [code for lang, code in blocks if lang == "python"]
        self.assertEqual(len(python), 1)
        command = [line for lang, code in blocks if lang == "sh" for line in code.splitlines()
                   if "load_and_predict" in line]
        self.assertEqual(len(command), 1)
        args = command[0].split("#")[0].split()[1:]
        self.assertEqual(args, ["iris.brine", "rows.csv"])
        with tempfile.TemporaryDirectory() as d:
            (pathlib.Path(d) / "examples" / "data").mkdir(parents=True)
            shutil.copy(SOURCE / "examples" / "data" / "iris.csv",
                        pathlib.Path(d) / "examples" / "data")
            here = os.getcwd()
            os.chdir(d)
            try:
                ns = {}
                printed = io.StringIO()
                with contextlib.redirect_stdout(printed):
                    exec(compile(python[0], "README.md", "exec"), ns)
                self.assertIn("pipeline (3, 4)",
                              printed.getvalue())
                r = subprocess.run([LOAD_AND_PREDICT, *args], capture_output=True, text=True)
            finally:
                os.chdir(here)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("# class labels:    setosa, versicolor, virginica", r.stdout)
        self.assertIn("# reference rows:  5 (checked on load)", r.stdout)
        lines = [line for line in r.stdout.splitlines() if not line.startswith("#")]
        self.assertEqual(lines[0], "prediction,p(setosa),p(versicolor),p(virginica)")
        got = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
        rows = ns["X"][::25]
        np.testing.assert_array_equal(got[:, 0], ns["model"].predict(rows))
        np.testing.assert_allclose(got[:, 1:], ns["model"].predict_proba(rows), rtol=1e-9,
                                   atol=1e-10)


if __name__ == "__main__":
    unittest.main()
