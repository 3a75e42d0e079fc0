# The export matrix: every estimator brine.save supports, trained on every bundled dataset that fits
# its task (and on the NaN and category variants where they matter), exported by brine.save, loaded
# by C++ brine::load_any (with its reference check) and predicting what the source library predicts
# on every dataset row and next to every tree threshold. One C++ checker process per batch (test
# method) predicts every case of the batch.
#
# Datasets (examples/data): iris, wine (3 classes), breast_cancer (2 classes), diabetes
# (regression). Classifiers are trained on the three classification datasets; regressors on
# diabetes and, with the class as a numeric target, on the three others too (their trees split on
# other features and values). Variants: X_nan.csv (tests/data/sklearn_preprocessing: NaN holes)
# for imputers, imputer-first pipelines and XGBoost (which routes NaN by default_left); X_cat.csv
# (integer category columns, with NaN and unknown categories) for encoders and column
# transformers. Rows predicted: every dataset row, plus, for models with trees, rows next to every
# split threshold t of the trees predicting: t, one double ulp either side, float32(t) and one
# float32 ulp either side of it, and one double ulp either side of each of those (and NaN at every
# split for XGBoost).
#
# Compared: labels and tree leaves (apply / pred_leaf) identical; values (probabilities, targets,
# transforms) to 1e-12 relative to max(1, |value|) (scikit-learn's trees, forests and
# gradient-boosting regressors bit for bit); XGBoost's margins and regressor outputs bit for bit
# (its float32 result), its probabilities to 1e-6 (XGBoost computes the sigmoid and softmax in
# float32, brine in double).
# SPDX-License-Identifier: MIT
import sys
import unittest
import warnings

import numpy as np
import xgboost
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor,
                              GradientBoostingClassifier, GradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (MaxAbsScaler, MinMaxScaler, OneHotEncoder, RobustScaler,
                                   StandardScaler)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

import brine
from checker import (CHECK, CLASSIFICATION, CREATED, REGRESSION, RTOL, SOURCE, CppChecker, dataset,
                     hex_rows, read_output)
from test_ensembles import near_splits, sklearn_splits
from test_xgboost import PROBA_RTOL, xgb_splits

DATASETS = CLASSIFICATION + REGRESSION
VARIANTS = SOURCE / "tests" / "data" / "sklearn_preprocessing"
SMALL_TREES = dict(n_estimators=3, max_depth=3, random_state=0)
TOTALS = {"cases": 0, "files": 0, "rows": 0, "values": 0}


def holes(name):
    """The dataset's features with NaN holes (X_nan.csv of make_preprocessing_reference.py)."""
    return np.loadtxt(VARIANTS / name / "X_nan.csv", delimiter=",", skiprows=1)


def categories(name):
    """Integer category columns (X_cat.csv of make_one_hot_reference.py), NaN in c2; rows
    i % 3 == 0 hold categories the fit rows (the others) never see."""
    C = np.loadtxt(VARIANTS / name / "X_cat.csv", delimiter=",", skiprows=1)
    return C, np.arange(len(C)) % 3 != 0


def fit(est, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        return est.fit(X, y, **kw)


def nan_reference(X):
    """Reference rows: three complete rows and three with NaN (when X has any)."""
    full = X[~np.isnan(X).any(axis=1)][:3]
    return np.vstack([full, X[np.isnan(X).any(axis=1)][:3]])


class Case:
    """A model, the rows to predict, and what the source library predicts for them."""

    def __init__(self, name, est, rows, reference, want, rtol):
        self.name, self.est, self.rows, self.reference = name, est, rows, reference
        self.want = want      # {"labels"/"values"/"leaves"/"scores": 2-D arrays}
        self.rtol = rtol      # for "values"; every other output is compared exactly


def sklearn_case(name, est, X, *, trees=None, reference=None, rtol=RTOL):
    """A scikit-learn estimator; `trees` (its fitted trees) adds the rows next to every split and
    the leaves to compare."""
    rows = X if trees is None else np.vstack([X, near_splits(sklearn_splits(trees), X)])
    want = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if hasattr(est, "predict_proba"):
            want["labels"] = est.predict(rows).reshape(len(rows), 1)
            want["values"] = est.predict_proba(rows)
        elif hasattr(est, "predict"):
            want["values"] = est.predict(rows).reshape(len(rows), -1)
            if not isinstance(est, (LinearRegression, Ridge, Lasso, ElasticNet)):
                want["labels"] = want["values"]
        else:
            want["values"] = np.asarray(est.transform(rows), dtype=np.float64)
        if isinstance(est, (DecisionTreeClassifier, DecisionTreeRegressor)):
            want["leaves"] = est.apply(rows).reshape(len(rows), 1)
        elif trees is not None and not hasattr(est, "steps"):
            want["leaves"] = est.apply(rows).reshape(len(rows), -1)
            if isinstance(est, GradientBoostingClassifier):
                want["scores"] = est.decision_function(rows).reshape(len(rows), -1)
            elif isinstance(est, GradientBoostingRegressor):
                want["scores"] = want["values"]
    return Case(name, est, rows, X[:5] if reference is None else reference, want, rtol)


def xgboost_case(name, model, X, nan=False):
    """An XGBClassifier, XGBRegressor or Booster: XGBoost's leaves, margins and outputs with the
    trees its predict uses (those up to best_iteration, when early stopping set it)."""
    bst = model if isinstance(model, xgboost.Booster) else model.get_booster()
    rows = np.vstack([X, near_splits(xgb_splits(bst), X, nan=True)])
    best = bst.attr("best_iteration")
    iterations = (0, int(best) + 1) if best is not None else (0, 0)
    dm = xgboost.DMatrix(rows, missing=np.nan, feature_names=bst.feature_names, nthread=1)
    n = len(rows)
    want = {"leaves": bst.predict(dm, pred_leaf=True, iteration_range=iterations).reshape(n, -1),
            "scores": bst.predict(dm, output_margin=True, iteration_range=iterations)
            .astype(np.float64).reshape(n, -1)}
    if isinstance(model, xgboost.XGBClassifier):
        want["labels"] = model.predict(rows).reshape(n, 1).astype(np.float64)
        want["values"] = model.predict_proba(rows).astype(np.float64)
        rtol = PROBA_RTOL
    elif isinstance(model, xgboost.XGBRegressor):
        want["values"] = model.predict(rows).astype(np.float64).reshape(n, 1)
        want["labels"] = want["values"]
        rtol = 0.0
    else:
        objective = bst.save_config()
        out = bst.predict(dm, iteration_range=iterations).astype(np.float64).reshape(n, -1)
        if '"binary:logistic"' in objective:
            want["labels"] = (out > 0.5).astype(np.float64)
            want["values"] = np.column_stack([1.0 - out[:, 0], out[:, 0]])
            rtol = PROBA_RTOL
        elif '"multi:softprob"' in objective:
            want["labels"] = np.argmax(out, axis=1).reshape(n, 1).astype(np.float64)
            want["values"] = out
            rtol = PROBA_RTOL
        else:
            want["labels"] = want["values"] = out
            rtol = 0.0
    reference = nan_reference(X) if nan else X[:5]
    return Case(name, model, rows, reference, want, rtol)


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class ExportMatrix(CppChecker, unittest.TestCase):
    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        print(f"export matrix: {TOTALS['cases']} cases, {TOTALS['files']} files, "
              f"{TOTALS['rows']} rows predicted, {TOTALS['values']} values compared",
              file=sys.stderr)

    def run_batch(self, cases):
        """Saves every case with brine.save and as the same content in JSON (the Python writer's
        re-encoding: the bytes brine.save writes in JSON, as checked here on the batch's first
        case), predicts every file in one C++ process, and compares each output with the source
        library's."""
        lines, files = [], []
        names = [c.name for c in cases]
        self.assertEqual(len(set(names)), len(names), names)
        for c in cases:
            rows_path = self.dir / f"{c.name}.rows"
            hex_rows(c.rows, rows_path)
            binary = self.dir / f"{c.name}.brine"
            brine.save(c.est, binary, reference_inputs=c.reference, created=CREATED)
            as_json = self.dir / f"{c.name}.json"
            as_json.write_bytes(brine.load(binary).to_bytes("json"))
            if c is cases[0]:
                self.assertEqual(as_json.read_bytes(),
                                 brine.to_bytes(c.est, "json", reference_inputs=c.reference,
                                                created=CREATED), c.name)
            for path in (binary, as_json):
                out = self.dir / f"{path.name}.out"
                lines.append(f"{path} {rows_path} {out}\n")
                files.append((c, out))
        manifest = self.dir / "manifest.txt"
        manifest.write_text("".join(lines))
        self.cpp("predict-batch", manifest)
        for c, out in files:
            got = read_output(out)
            for what, want in c.want.items():
                where = f"{c.name} ({out.name}): {what}"
                self.assertIn(what, got, where)
                have = got[what]
                self.assertEqual(have.shape, want.shape, where)
                self.assertTrue(np.array_equal(np.isnan(have), np.isnan(want)), where)
                ok = ~np.isnan(want)
                if what == "values" and c.rtol > 0:
                    excess = np.abs(have[ok] - want[ok]) / np.maximum(1.0, np.abs(want[ok]))
                    self.assertLessEqual(float(excess.max(initial=0.0)), c.rtol, where)
                else:
                    np.testing.assert_array_equal(have[ok], want[ok], err_msg=where)
                TOTALS["values"] += want.size
            TOTALS["files"] += 1
            TOTALS["rows"] += len(c.rows)
        TOTALS["cases"] += len(cases)

    def test_linear_models(self):
        cases = []
        for data in DATASETS:
            X, y = dataset(data)
            for est in (LinearRegression(), Ridge(alpha=0.5), Lasso(alpha=0.01),
                        ElasticNet(alpha=0.01, l1_ratio=0.3)):
                cases.append(sklearn_case(f"{type(est).__name__}_{data}", fit(est, X, y), X))
        for data in CLASSIFICATION:
            X, y = dataset(data)
            if data != "breast_cancer":
                # Binary: the first class against the others.
                cases.append(sklearn_case(f"logistic_binary_{data}",
                                          fit(LogisticRegression(max_iter=300), X, y == 0), X))
            else:
                cases.append(sklearn_case(f"logistic_binary_{data}",
                                          fit(LogisticRegression(max_iter=300), X, y), X))
            cases.append(sklearn_case(
                f"logistic_multinomial_{data}",
                fit(LogisticRegression(multi_class="multinomial", max_iter=300), X, y), X))
            cases.append(sklearn_case(
                f"logistic_ovr_{data}",
                fit(LogisticRegression(multi_class="ovr", max_iter=300), X, y), X))
        self.run_batch(cases)

    def test_trees_and_forests(self):
        cases = []
        for datasets, single, *forests in (
                (DATASETS, DecisionTreeRegressor, RandomForestRegressor, ExtraTreesRegressor),
                (CLASSIFICATION, DecisionTreeClassifier, RandomForestClassifier,
                 ExtraTreesClassifier)):
            for data in datasets:
                X, y = dataset(data)
                for cls in (single, *forests):
                    kw = dict(max_depth=5, random_state=0) if cls is single else SMALL_TREES
                    est = fit(cls(**kw), X, y)
                    trees = [est] if cls is single else est.estimators_
                    cases.append(sklearn_case(f"{cls.__name__}_{data}", est, X, trees=trees,
                                              rtol=0.0))
        self.run_batch(cases)

    def test_gradient_boosting(self):
        gb = dict(n_estimators=3, max_depth=2, learning_rate=0.3, random_state=0)
        cases = []
        for data in DATASETS:
            X, y = dataset(data)
            est = fit(GradientBoostingRegressor(**gb), X, y)
            cases.append(sklearn_case(f"gb_regressor_{data}", est, X,
                                      trees=est.estimators_.ravel(), rtol=0.0))
        for data in CLASSIFICATION:
            X, y = dataset(data)
            est = fit(GradientBoostingClassifier(**gb), X, y)
            cases.append(sklearn_case(f"gb_classifier_{data}", est, X,
                                      trees=est.estimators_.ravel()))
        self.run_batch(cases)

    def test_xgboost(self):
        small = dict(n_estimators=3, max_depth=3, learning_rate=0.3, random_state=0, n_jobs=1)
        cases = []
        for data in DATASETS:
            X, y = dataset(data)
            Xn = holes(data)
            for variant, A in (("", X), ("_nan", Xn)):
                nan = bool(variant)
                cases.append(xgboost_case(f"xgb_regressor_{data}{variant}",
                                          xgboost.XGBRegressor(**small).fit(A, y), A, nan))
                if data in CLASSIFICATION:
                    cases.append(xgboost_case(f"xgb_classifier_{data}{variant}",
                                              xgboost.XGBClassifier(**small).fit(A, y), A, nan))
            objective = ("binary:logistic" if data == "breast_cancer" else "reg:squarederror"
                         if data == "diabetes" else "multi:softprob")
            params = {"objective": objective, "max_depth": 2, "eta": 0.5, "seed": 0, "nthread": 1}
            if objective == "multi:softprob":
                params["num_class"] = 3
            bst = xgboost.train(params, xgboost.DMatrix(Xn, label=y, missing=np.nan), 3)
            cases.append(xgboost_case(f"booster_{data}_nan", bst, Xn, True))
        # Regression objectives whose prediction is the margin itself.
        X, y = dataset("diabetes")
        for objective, target in (("reg:squaredlogerror", y / 100), ("reg:absoluteerror", y),
                                  ("reg:pseudohubererror", y)):
            est = xgboost.XGBRegressor(objective=objective, **small)
            if objective == "reg:pseudohubererror":
                est.set_params(huber_slope=40.0, base_score=150.0)
            cases.append(xgboost_case(f"xgb_{objective[4:]}", est.fit(X, target), X))
        # best_iteration of early stopping: only the trees up to it predict.
        for data in ("wine", "diabetes"):
            X, y = dataset(data)
            order = np.random.default_rng(0).permutation(len(X))
            fit_rows, valid = order[: len(X) // 2], order[len(X) // 2:]
            cls = xgboost.XGBClassifier if data == "wine" else xgboost.XGBRegressor
            est = cls(n_estimators=30, max_depth=2, learning_rate=0.9, early_stopping_rounds=2,
                      random_state=0, n_jobs=1)
            est.fit(X[fit_rows], y[fit_rows], eval_set=[(X[valid], y[valid])], verbose=False)
            bst = est.get_booster()
            self.assertLess(est.best_iteration + 1, bst.num_boosted_rounds(), data)
            cases.append(xgboost_case(f"xgb_early_{data}", est, X))
            cases.append(xgboost_case(f"booster_early_{data}", bst.copy(), X))
        self.run_batch(cases)

    def test_preprocessing(self):
        cases = []
        for data in DATASETS:
            X, _ = dataset(data)
            Xn = holes(data)
            # Scalers keep NaN, in scikit-learn and in brine: the NaN variant's rows too.
            for est in (StandardScaler(), MinMaxScaler(), MaxAbsScaler(), RobustScaler()):
                cases.append(sklearn_case(f"{type(est).__name__}_{data}", est.fit(X),
                                          np.vstack([X, Xn])))
            for strategy in ("mean", "median", "most_frequent", "constant"):
                est = SimpleImputer(strategy=strategy, fill_value=-1.5,
                                    add_indicator=strategy == "median").fit(Xn)
                cases.append(sklearn_case(f"imputer_{strategy}_{data}", est, Xn,
                                          reference=nan_reference(Xn), rtol=0.0))
            C, fitted = categories(data)
            est = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(C[fitted])
            # All rows: unknown categories (all-zero blocks) and NaN, a category of c2.
            cases.append(sklearn_case(f"one_hot_{data}", est, C,
                                      reference=C[fitted][~np.isnan(C[fitted]).any(axis=1)][:5],
                                      rtol=0.0))
            M = np.column_stack([Xn, C])
            est = self.column_transformer(X.shape[1]).fit(M[fitted])
            cases.append(sklearn_case(f"column_transformer_{data}", est, M,
                                      reference=M[~np.isnan(M).any(axis=1)][:5]))
        self.run_batch(cases)

    @staticmethod
    def column_transformer(n_numeric):
        """Numeric columns imputed then scaled, category columns (after them) one-hot encoded."""
        numeric = list(range(n_numeric))
        return ColumnTransformer(
            [("num", make_pipeline(SimpleImputer(), StandardScaler()), numeric),
             ("cat", OneHotEncoder(handle_unknown="ignore"), list(range(n_numeric,
                                                                        n_numeric + 5)))],
            sparse_threshold=0)

    def test_pipelines(self):
        cases = []
        for data in DATASETS:
            X, y = dataset(data)
            Xn = holes(data)
            C, _ = categories(data)
            M = np.column_stack([Xn, C])
            classify = data in CLASSIFICATION
            # Imputer first: NaN rows are inputs, and reference rows, of the pipeline.
            final = LogisticRegression(max_iter=500) if classify else Ridge()
            est = fit(make_pipeline(SimpleImputer(), StandardScaler(), final), Xn, y)
            cases.append(sklearn_case(f"pipe_imputer_linear_{data}", est, Xn,
                                      reference=nan_reference(Xn)))
            # An imputer copies every present value: the raw rows next to each threshold reach
            # the tree unchanged.
            tree = DecisionTreeClassifier if classify else DecisionTreeRegressor
            est = fit(make_pipeline(SimpleImputer(strategy="median"),
                                    tree(max_depth=4, random_state=0)), Xn, y)
            rows = np.vstack([Xn, near_splits(sklearn_splits([est[-1]]), X)])
            cases.append(sklearn_case(f"pipe_imputer_tree_{data}", est, rows,
                                      reference=nan_reference(Xn), rtol=0.0))
            gb = GradientBoostingClassifier if classify else GradientBoostingRegressor
            est = fit(make_pipeline(MinMaxScaler(), RobustScaler(),
                                    gb(n_estimators=2, max_depth=2, random_state=0)), X, y)
            cases.append(sklearn_case(f"pipe_scalers_gb_{data}", est, X))
            final = LogisticRegression(max_iter=500) if classify else LinearRegression()
            est = fit(make_pipeline(self.column_transformer(X.shape[1]), final), M, y)
            cases.append(sklearn_case(f"pipe_column_transformer_{data}", est, M,
                                      reference=nan_reference(M)))
            forest = RandomForestClassifier if classify else RandomForestRegressor
            est = fit(make_pipeline(self.column_transformer(X.shape[1]), MaxAbsScaler(),
                                    forest(**SMALL_TREES)), M, y)
            cases.append(sklearn_case(f"pipe_column_transformer_forest_{data}", est, M,
                                      reference=nan_reference(M), rtol=0.0))
        self.run_batch(cases)


if __name__ == "__main__":
    unittest.main()
