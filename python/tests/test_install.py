# The package installs without a network (pip --no-build-isolation, setuptools from the system)
# and the installed copy reads brine files.
# SPDX-License-Identifier: MIT
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE = pathlib.Path(os.environ.get("BRINE_SOURCE_DIR",
                                     pathlib.Path(__file__).resolve().parents[2]))


class Install(unittest.TestCase):
    def test_offline_install_and_import(self):
        with tempfile.TemporaryDirectory() as d:
            src, site = pathlib.Path(d) / "src", pathlib.Path(d) / "site"
            # A copy, so that the build leaves nothing in the source tree.
            shutil.copytree(SOURCE / "python", src, ignore=shutil.ignore_patterns(
                "tests", "__pycache__", "build", "*.egg-info"))
            r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation",
                                "--no-index", "--no-deps", "--disable-pip-version-check",
                                "--target", str(site), str(src)],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            golden = SOURCE / "tests" / "data" / "golden" / "format-1.0" / "pipeline_tree.json"
            code = ("import brine, sys; f = brine.load(sys.argv[1]); "
                    "print(brine.__file__); print(f.kind, brine.__version__)")
            env = dict(os.environ, PYTHONPATH=str(site))
            r = subprocess.run([sys.executable, "-c", code, str(golden)], capture_output=True,
                               text=True, env=env, cwd=d)
            self.assertEqual(r.returncode, 0, r.stderr)
            path, summary = r.stdout.splitlines()
            self.assertTrue(path.startswith(str(site)), path)
            self.assertEqual(summary, "pipeline 0.1.0")


if __name__ == "__main__":
    unittest.main()
