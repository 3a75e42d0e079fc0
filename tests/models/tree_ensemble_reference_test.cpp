// brine::TreeEnsemble against scikit-learn 1.2 and XGBoost 1.7: ensembles built from the parameters
// those libraries fitted (tests/reference/make_ensemble_reference.py) give the libraries' leaves,
// scores and probabilities on every dataset row and on the neighbours of every threshold.
// SPDX-License-Identifier: MIT
#include <cmath>
#include <fstream>
#include <string>

#include "brine/models/tree_ensemble.hpp"
#include "brine_catch.hpp"
#include "csv.hpp"
#include "test_data.hpp"

namespace tree_ensemble_reference_test {

using brine::TreeEnsemble;
using brine::test::read_csv;

struct Case {
    TreeEnsemble model;
    Eigen::MatrixXd inputs;    ///< the dataset's rows, then the threshold neighbours
    Eigen::MatrixXd expected;  ///< expected.csv
    Eigen::Index n_scores = 0, n_out = 0;
    bool xgboost = false;
};

std::string folder(const std::string& name) {
    return test_data::dir() + "/ensemble_reference/" + name + "/";
}

Case load_case(const std::string& name) {
    const std::string dir = folder(name);
    Case c;
    c.xgboost = name.rfind("xgb_", 0) == 0;
    TreeEnsemble& m = c.model;
    const Eigen::MatrixXd meta = read_csv(dir + "meta.csv").data;
    m.task = static_cast<TreeEnsemble::Task>(static_cast<int>(meta(0, 0)));
    m.compare = static_cast<TreeEnsemble::Compare>(static_cast<int>(meta(0, 1)));
    m.aggregation = static_cast<TreeEnsemble::Aggregation>(static_cast<int>(meta(0, 2)));
    m.accumulation = static_cast<TreeEnsemble::Accumulation>(static_cast<int>(meta(0, 3)));
    m.link = static_cast<TreeEnsemble::Link>(static_cast<int>(meta(0, 4)));
    m.n_features_in = static_cast<std::int32_t>(meta(0, 5));

    const Eigen::MatrixXd trees = read_csv(dir + "trees.csv").data;
    m.tree_offsets.resize(trees.rows() + 1);
    m.tree_output.resize(trees.rows());
    m.tree_offsets(0) = 0;
    for (Eigen::Index t = 0; t < trees.rows(); ++t) {
        m.tree_offsets(t + 1) = m.tree_offsets(t) + static_cast<std::int32_t>(trees(t, 0));
        m.tree_output(t) = static_cast<std::int32_t>(trees(t, 1));
    }
    const Eigen::MatrixXd nodes = read_csv(dir + "nodes.csv").data;
    const Eigen::Index n = nodes.rows();
    m.children_left = nodes.col(0).cast<std::int32_t>();
    m.children_right = nodes.col(1).cast<std::int32_t>();
    m.feature = nodes.col(2).cast<std::int32_t>();
    m.threshold = nodes.col(3);
    m.default_left = nodes.col(4).cast<std::uint8_t>();
    m.value = nodes.rightCols(nodes.cols() - 5);
    REQUIRE(m.value.rows() == n);
    m.base_score = read_csv(dir + "base_score.csv").data.col(0);
    const Eigen::MatrixXd classes = read_csv(dir + "classes.csv").data;
    m.classes = classes.rows() > 0 ? Eigen::VectorXd(classes.col(0)) : Eigen::VectorXd();

    std::string dataset;
    std::ifstream(dir + "DATASET") >> dataset;
    const Eigen::MatrixXd data =
        read_csv(test_data::dir() + "/../../examples/data/" + dataset + ".csv").data;
    const Eigen::MatrixXd X = data.leftCols(data.cols() - 1);
    const Eigen::MatrixXd edits = read_csv(dir + "inputs.csv").data;
    c.inputs.resize(X.rows() + edits.rows(), X.cols());
    c.inputs.topRows(X.rows()) = X;
    for (Eigen::Index i = 0; i < edits.rows(); ++i) {
        c.inputs.row(X.rows() + i) = X.row(static_cast<Eigen::Index>(edits(i, 0)));
        c.inputs(X.rows() + i, static_cast<Eigen::Index>(edits(i, 1))) = edits(i, 2);
    }
    c.expected = read_csv(dir + "expected.csv").data;
    c.n_scores = m.n_scores();
    c.n_out = m.n_outputs();
    REQUIRE(c.expected.rows() == c.inputs.rows());
    REQUIRE(c.expected.cols() == m.n_trees() + c.n_scores + c.n_out + 1);
    return c;
}

void check_case(const std::string& name) {
    INFO(name);
    const Case c = load_case(name);
    const TreeEnsemble& m = c.model;
    REQUIRE_NOTHROW(m.validate());
    const Eigen::Index T = m.n_trees(), S = c.n_scores, O = c.n_out;
    const Eigen::MatrixXd& E = c.expected;

    // Leaves: identical to the library's apply / pred_leaf, row by row and tree by tree.
    const brine::IndexMatrix leaves = m.apply(c.inputs);
    Eigen::Index leaf_mismatches = 0;
    for (Eigen::Index i = 0; i < E.rows(); ++i) {
        for (Eigen::Index t = 0; t < T; ++t)
            leaf_mismatches += leaves(i, t) != static_cast<std::int32_t>(E(i, t)) ? 1 : 0;
    }
    CHECK(leaf_mismatches == 0);

    // The threshold neighbours tell the compare modes apart: under any other mode some rows reach
    // other leaves. (float32 `<` and `<=` differ only where float(x) equals a threshold, so not
    // for thresholds that are no float32 value: extra trees draw theirs in double.)
    bool any_float32_threshold = false;
    for (Eigen::Index i = 0; i < m.n_nodes(); ++i) {
        any_float32_threshold |= m.children_left(i) != TreeEnsemble::leaf &&
                                 static_cast<double>(static_cast<float>(m.threshold(i))) ==
                                     m.threshold(i);
    }
    for (const auto other : {TreeEnsemble::Compare::double_le, TreeEnsemble::Compare::float32_le,
                             TreeEnsemble::Compare::float32_lt}) {
        if (other == m.compare) continue;
        if (!any_float32_threshold && other == TreeEnsemble::Compare::float32_lt) continue;
        TreeEnsemble o = m;
        o.compare = other;
        const brine::IndexMatrix other_leaves = o.apply(c.inputs);
        CHECK((other_leaves.array() != leaves.array()).count() > 0);
    }

    // Scores: the library's summation order is reproduced, so they agree bit for bit (XGBoost's
    // are float32 sums: the same float32 values).
    const Eigen::MatrixXd scores = m.decision_function(c.inputs);
    Eigen::Index score_mismatches = 0;
    for (Eigen::Index i = 0; i < E.rows(); ++i) {
        for (Eigen::Index k = 0; k < S; ++k) score_mismatches += scores(i, k) != E(i, T + k) ? 1 : 0;
    }
    CHECK(score_mismatches == 0);

    // Outputs: probabilities to 1e-12 (scikit-learn); XGBoost applies its link in float32
    // (1 / (1 + expf(-x)), softmax by expf), so its probabilities are float32 roundings of brine's
    // double ones: 1e-6.
    const double tol = c.xgboost ? 1e-6 : 1e-12;
    const Eigen::MatrixXd out =
        m.is_classifier() ? m.predict_proba(c.inputs) : Eigen::MatrixXd(m.predict(c.inputs));
    double worst = 0.0;
    for (Eigen::Index i = 0; i < E.rows(); ++i) {
        for (Eigen::Index k = 0; k < O; ++k)
            worst = std::max(worst, std::abs(out(i, k) - E(i, T + S + k)));
    }
    CHECK(worst <= tol);

    // predict: the library's labels and values exactly.
    const Eigen::VectorXd pred = m.predict(c.inputs);
    Eigen::Index pred_mismatches = 0;
    for (Eigen::Index i = 0; i < E.rows(); ++i)
        pred_mismatches += pred(i) != E(i, T + S + O) ? 1 : 0;
    CHECK(pred_mismatches == 0);

    // The single-row paths give the batch's results bit for bit.
    Eigen::VectorXd s1(S), p1(std::max<Eigen::Index>(O, 1));
    for (Eigen::Index i = 0; i < c.inputs.rows(); i += 7) {
        m.decision_function_one(c.inputs.row(i), s1);
        CHECK(s1.transpose() == scores.row(i));
        CHECK(m.predict_one(c.inputs.row(i)) == pred(i));
        if (m.is_classifier()) {
            m.predict_proba_one(c.inputs.row(i), p1);
            CHECK(p1.transpose() == out.row(i));
        }
    }
}

TEST_CASE("TreeEnsemble gives scikit-learn's forests' leaves and predictions") {
    for (const char* name : {"rf_classifier_iris", "rf_classifier_breast_cancer",
                             "et_classifier_iris", "rf_regressor_diabetes",
                             "et_regressor_diabetes"}) {
        check_case(name);
    }
}

TEST_CASE("TreeEnsemble gives scikit-learn's gradient boosting's leaves and predictions") {
    for (const char* name :
         {"gb_classifier_breast_cancer", "gb_classifier_iris", "gb_regressor_diabetes"}) {
        check_case(name);
    }
}

TEST_CASE("TreeEnsemble gives XGBoost's leaves, margins and predictions") {
    for (const char* name :
         {"xgb_binary_breast_cancer", "xgb_multiclass_iris", "xgb_regressor_diabetes"}) {
        check_case(name);
    }
}

}  // namespace tree_ensemble_reference_test
