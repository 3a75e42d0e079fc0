# XGBoost models (XGBClassifier, XGBRegressor, Booster; gbtree) exported by brine.save predict in
# brine's C++ library what XGBoost predicts: the same leaf in every tree (pred_leaf), the same
# float32 margins bit for bit, labels identical, and probabilities within 1e-6 relative (XGBoost
# computes the sigmoid and softmax in float32, brine in double), on every dataset row, next to
# every threshold and with NaN at every split (the learned default direction).
# SPDX-License-Identifier: MIT
import json
import unittest

import numpy as np
import xgboost

import brine
from test_ensembles import CppChecker, near_splits
from checker import CHECK, dataset, refusal

#: XGBoost's float32 sigmoid / softmax against brine's double ones.
PROBA_RTOL = 1e-6


def xgb_splits(bst):
    out = []
    for tree in json.loads(bytes(bst.save_raw(raw_format="json")))["learner"][
            "gradient_booster"]["model"]["trees"]:
        for i, left in enumerate(tree["left_children"]):
            if left != -1:
                out.append((int(tree["split_indices"][i]), float(tree["split_conditions"][i])))
    return out


@unittest.skipUnless(CHECK, "BRINE_PYTHON_CHECK (the C++ checker program) is not set")
class XGBoostInCpp(CppChecker, unittest.TestCase):
    def check(self, name, model, X, proba, iteration_range=(0, 0)):
        bst = model if isinstance(model, xgboost.Booster) else model.get_booster()
        rows = np.vstack([X, near_splits(xgb_splits(bst), X, nan=True)])
        dm = xgboost.DMatrix(rows, missing=np.nan, feature_names=bst.feature_names)
        leaves = bst.predict(dm, pred_leaf=True, iteration_range=iteration_range)
        margin = bst.predict(dm, output_margin=True, iteration_range=iteration_range)
        for saved, got in self.exported(name, model, rows, X[:5]):
            self.assertEqual(saved.payload["compare"], "float32_lt")
            self.assertEqual(saved.payload["accumulation"], "float32")
            np.testing.assert_array_equal(got["leaves"], leaves.reshape(len(rows), -1),
                                          err_msg=name)
            np.testing.assert_array_equal(got["scores"], margin.reshape(len(rows), -1)
                                          .astype(np.float64), err_msg=name)
            if proba is None:  # a regressor: XGBoost's float32 output itself
                want = bst.predict(dm, iteration_range=iteration_range)
                self.assert_close(got["values"], want.astype(np.float64)[:, None], 0.0, name)
                np.testing.assert_array_equal(got["labels"][:, 0], want, err_msg=name)
            else:
                want, labels = proba(rows)
                self.assert_close(got["values"], want.astype(np.float64), PROBA_RTOL, name)
                np.testing.assert_array_equal(got["labels"][:, 0], labels, err_msg=name)
        return saved

    def test_classifiers_and_regressors(self):
        small = dict(n_estimators=4, max_depth=3, learning_rate=0.3, random_state=0)
        X, y = dataset("breast_cancer")
        est = xgboost.XGBClassifier(**small).fit(X, y)
        saved = self.check("xgb_binary", est, X,
                           lambda R: (est.predict_proba(R), est.predict(R)))
        self.assertEqual(saved.payload["link"], "logistic")
        X, y = dataset("iris")
        est = xgboost.XGBClassifier(n_estimators=3, max_depth=2, random_state=0).fit(X, y)
        saved = self.check("xgb_multiclass", est, X,
                           lambda R: (est.predict_proba(R), est.predict(R)))
        self.assertEqual(saved.payload["n_trees"], 9)
        # multi:softmax: the same margins, predict gives the class.
        est = xgboost.XGBClassifier(objective="multi:softmax", n_estimators=3, max_depth=2,
                                    random_state=0).fit(X, y)
        self.check("xgb_softmax", est, X, lambda R: (est.predict_proba(R), est.predict(R)))
        bst = est.get_booster()
        softprob = bst.copy()
        softprob.set_param({"objective": "multi:softprob"})
        self.check("booster_softmax", bst, X,
                   lambda R: (softprob.predict(xgboost.DMatrix(R, missing=np.nan)),
                              bst.predict(xgboost.DMatrix(R, missing=np.nan))))
        X, y = dataset("diabetes")
        est = xgboost.XGBRegressor(**small).fit(X, y)
        self.check("xgb_regressor", est, X, None)
        # A base score other than the default: kept in margin space.
        est = xgboost.XGBRegressor(base_score=150.0, **small).fit(X, y)
        saved = self.check("xgb_regressor_base", est, X, None)
        self.assertEqual(saved.payload["base_score"][0, 0], 150.0)

    def test_best_iteration_of_early_stopping(self):
        X, y = dataset("diabetes")
        est = xgboost.XGBRegressor(n_estimators=40, max_depth=2, learning_rate=0.9,
                                   early_stopping_rounds=2, random_state=0)
        est.fit(X[:300], y[:300], eval_set=[(X[300:], y[300:])], verbose=False)
        best = est.best_iteration
        self.assertLess(best + 1, len(est.get_booster().get_dump()))  # stopped early
        saved = self.check("xgb_early", est, X, None, iteration_range=(0, best + 1))
        self.assertEqual(saved.payload["n_trees"], best + 1)
        self.assertIn("best_iteration", saved.metadata["extra"]["brine.best_iteration"])

    def test_booster_with_a_logistic_base_score(self):
        X, y = dataset("breast_cancer")
        names = [f"f{i}" for i in range(X.shape[1])]
        bst = xgboost.train({"objective": "binary:logistic", "max_depth": 2, "eta": 0.5,
                             "base_score": 0.3, "seed": 0},
                            xgboost.DMatrix(X, label=y, feature_names=names), 3)

        def proba(R):
            p = bst.predict(xgboost.DMatrix(R, missing=np.nan, feature_names=names))
            return np.column_stack([np.float32(1) - p, p]), (p > 0.5).astype(np.float64)

        saved = self.check("booster_binary", bst, X, proba)
        # -log(1 / 0.3 - 1) in float32: the margin XGBoost starts from.
        want = np.float32(-np.log(np.float64(np.float32(1) / np.float32(0.3) - np.float32(1))))
        self.assertEqual(saved.payload["base_score"][0, 0], float(want))
        self.assertEqual(saved.metadata["provenance"]["trainer"], "xgboost.core.Booster")
        self.assertEqual(saved.metadata["feature_names"], names)
        self.assertEqual(saved.metadata["provenance"]["library_version"],
                         f"xgboost {xgboost.__version__}")


class XGBoostRefused(unittest.TestCase):
    def refused(self, model, *fragments):
        message = refusal(self, model)
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertIn("xgboost.sklearn.XGBRegressor", message)

    def test_what_tree_ensemble_cannot_represent(self):
        X, y = dataset("diabetes")
        small = dict(n_estimators=2, max_depth=2)
        self.refused(xgboost.XGBRegressor(booster="dart", **small).fit(X, y),
                     "xgboost.sklearn.XGBRegressor with booster 'dart'")
        self.refused(xgboost.XGBRegressor(objective="count:poisson", **small).fit(X, y),
                     "objective 'count:poisson'")
        self.refused(xgboost.XGBRegressor(missing=0.0, **small).fit(X, y), "missing=0.0")
        self.refused(xgboost.XGBRegressor(objective="binary:logistic", **small)
                     .fit(X, (y > 140).astype(float)),
                     "XGBRegressor with objective 'binary:logistic' (a classification objective")
        with self.assertRaises(brine.Error) as c:
            brine.to_bytes(xgboost.XGBClassifier())
        self.assertEqual(c.exception.code, "invalid_argument")
        self.assertIn("xgboost.sklearn.XGBClassifier is not fitted", str(c.exception))
        # A categorical feature that decides the target: the first split is on its categories.
        Xc = X.copy()
        Xc[:, 1] = np.arange(len(X)) % 4
        types = ["q", "c"] + ["q"] * (X.shape[1] - 2)
        dm = xgboost.DMatrix(Xc, label=y + 100 * Xc[:, 1], feature_types=types,
                             enable_categorical=True)
        bst = xgboost.train({"tree_method": "hist", "max_depth": 2, "max_cat_to_onehot": 1}, dm,
                            4)
        self.refused(bst, "categorical splits")


if __name__ == "__main__":
    unittest.main()
