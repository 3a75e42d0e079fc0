#!/usr/bin/env python3
# Runs one suite of the Python package's tests (test_<suite>.py) with the package from the source
# tree; exits 77 (ctest's "skipped") with the reason when a module the suite needs is missing.
# SPDX-License-Identifier: MIT
import importlib
import importlib.util
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
NEEDS = {"codec": ["numpy"], "sklearn": ["numpy", "sklearn"], "readme": ["numpy", "sklearn"],
         "one_hot": ["numpy", "sklearn"],
         "imputer": ["numpy", "sklearn"],
         "ensembles": ["numpy", "sklearn"], "xgboost": ["numpy", "sklearn", "xgboost"],
         "xgboost_import": ["numpy", "xgboost"],
         "matrix": ["numpy", "sklearn", "xgboost"],
         "install": ["numpy", "pip", "setuptools", "wheel"]}


def main(suite):
    for module in NEEDS[suite]:
        # find_spec, not import: importing pip before setuptools upsets setuptools' distutils shim.
        if importlib.util.find_spec(module) is None:
            print(f"SKIPPED: {sys.executable} has no {module} (Debian: apt-get install "
                  f"python3-{module})")
            return 77
    sys.path.insert(0, os.path.dirname(HERE))  # the package from the source tree
    sys.path.insert(0, HERE)
    tests = unittest.defaultTestLoader.loadTestsFromName(f"test_{suite}")
    result = unittest.TextTestRunner(verbosity=2).run(tests)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
