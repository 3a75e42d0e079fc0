# The package installs without a network (pip --no-build-isolation, setuptools from the system)
# and the installed copy reads brine files; the README's install commands work as written.
# SPDX-License-Identifier: MIT
import os
import pathlib
import re
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


    def test_readme_install_commands(self):
        """The install block of the README's section "From scikit-learn and XGBoost", run from a
        copy of the package as in a fresh clone, with `python3` the Python running this test."""
        text = (SOURCE / "README.md").read_text(encoding="utf-8")
        start = text.index("\n## From scikit-learn and XGBoost\n")
        block = re.search(r"```sh\n(.*?)```", text[start:], re.S).group(1)
        commands = [line.split("  #")[0].strip() for line in block.splitlines()
                    if line.strip() and not line.startswith("#")]
        alternative = [line.lstrip("# ").strip() for line in block.splitlines()
                       if line.startswith("#") and "pip install" in line]
        self.assertEqual(len(commands), 2, block)
        self.assertEqual(len(alternative), 1, block)
        env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep
                   + os.environ.get("PATH", ""), PIP_NO_INDEX="1",
                   PIP_DISABLE_PIP_VERSION_CHECK="1")
        env.pop("PYTHONPATH", None)
        with tempfile.TemporaryDirectory() as d:
            shutil.copytree(SOURCE / "python", pathlib.Path(d) / "python",
                            ignore=shutil.ignore_patterns("tests", "__pycache__", "build",
                                                          "*.egg-info"))
            site = pathlib.Path(d) / "site"
            for command in commands + [alternative[0].replace("<dir>", str(site))]:
                r = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                                   env=env, cwd=d)
                self.assertEqual(r.returncode, 0, f"{command}\n{r.stdout}{r.stderr}")
            code = "import brine; print(brine.__file__)"
            r = subprocess.run([str(pathlib.Path(d) / ".venv" / "bin" / "python"), "-c", code],
                               capture_output=True, text=True, env=env, cwd="/")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(r.stdout.startswith(str(pathlib.Path(d) / ".venv")), r.stdout)
            r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=dict(env, PYTHONPATH=str(site)), cwd="/")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(r.stdout.startswith(str(site)), r.stdout)


if __name__ == "__main__":
    unittest.main()
