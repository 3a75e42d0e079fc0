// brine's training shim against scikit-learn 1.2.1 on its bundled datasets.
// SPDX-License-Identifier: MIT
//
// Every expected number here comes from tests/reference/make_sklearn_reference.py, which exported
// the datasets to examples/data/ and wrote what scikit-learn fitted on them to
// tests/data/sklearn_reference/ (see the README.md there). Nothing is compared with brine's own
// earlier output.
#include <string>

#include "brine/train.hpp"
#include "brine_catch.hpp"
#include "csv.hpp"
#include "test_data.hpp"

namespace {

const std::string reference_dir = test_data::dir() + "/sklearn_reference/";
const std::string dataset_dir = test_data::dir() + "/../../examples/data/";

struct Dataset {
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
};

Dataset load_dataset(const std::string& name) {
    const brine::test::Csv csv = brine::test::read_csv(dataset_dir + name + ".csv");
    const Eigen::Index target = csv.column("target");
    REQUIRE(target == csv.data.cols() - 1);
    return {csv.data.leftCols(target), csv.data.col(target)};
}

Eigen::MatrixXd reference(const std::string& dataset, const std::string& file) {
    return brine::test::read_csv(reference_dir + dataset + "/" + file).data;
}

// Largest elementwise relative error |a - b| / |b|.
double max_rel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    REQUIRE(a.rows() == b.rows());
    REQUIRE(a.cols() == b.cols());
    return ((a - b).array().abs() / b.array().abs()).maxCoeff();
}

// The model's coef with its intercept as a last column: the reference files' layout.
template <class Model>
Eigen::MatrixXd coef_and_intercept(const Model& m) {
    Eigen::MatrixXd out(m.coef.rows(), m.coef.cols() + 1);
    out << m.coef, m.intercept;
    return out;
}

const char* const all_datasets[] = {"diabetes", "breast_cancer", "iris", "wine"};
const char* const classification_datasets[] = {"breast_cancer", "iris", "wine"};

}  // namespace

TEST_CASE("sklearn: StandardScaler and MinMaxScaler statistics agree to 1e-12") {
    for (const char* name : all_datasets) {
        INFO(name);
        const Dataset d = load_dataset(name);
        const Eigen::MatrixXd ss = reference(name, "standard_scaler.csv");  // rows: mean_, scale_
        const brine::StandardScaler s = brine::train::standard_scaler(d.X);
        // Means can be ~0 (diabetes is centred), so their error is measured against the scale.
        const double mean_err = ((s.mean.transpose() - ss.row(0)).array().abs() /
                                 (ss.row(0).array().abs() + ss.row(1).array()))
                                    .maxCoeff();
        CHECK(mean_err < 1e-12);
        CHECK(max_rel(s.scale.transpose(), ss.row(1)) < 1e-12);

        const Eigen::MatrixXd mm = reference(name, "min_max_scaler.csv");  // rows: scale_, min_
        const brine::MinMaxScaler m = brine::train::min_max_scaler(d.X);
        CHECK(max_rel(m.scale.transpose(), mm.row(0)) < 1e-12);
        CHECK(max_rel(m.min.transpose(), mm.row(1)) < 1e-12);

        const Eigen::MatrixXd mr =
            reference(name, "min_max_scaler_m1_2.csv");  // feature_range (-1, 2)
        brine::train::MinMaxScalerOptions o;
        o.feature_range = {-1.0, 2.0};
        const brine::MinMaxScaler r = brine::train::min_max_scaler(d.X, o);
        CHECK(max_rel(r.scale.transpose(), mr.row(0)) < 1e-12);
        CHECK(max_rel(r.min.transpose(), mr.row(1)) < 1e-12);
    }
}

TEST_CASE("sklearn: LinearRegression, Ridge and lstsq on diabetes agree to 1e-8") {
    const Dataset d = load_dataset("diabetes");
    const brine::LinearRegression ols = brine::train::linear_regression(d.X, d.y);
    CHECK(max_rel(coef_and_intercept(ols), reference("diabetes", "linear_ols.csv")) < 1e-8);

    for (const auto& [alpha, file] :
         {std::pair{1.0, "ridge_alpha_1.csv"}, std::pair{0.01, "ridge_alpha_0.01.csv"}}) {
        INFO(file);
        brine::train::LinearOptions o;
        o.l2 = alpha;
        const brine::LinearRegression ridge = brine::train::linear_regression(d.X, d.y, o);
        CHECK(max_rel(coef_and_intercept(ridge), reference("diabetes", file)) < 1e-8);
    }

    // An extra column = column 0 + column 1 makes X rank-deficient (up to rounding). The reference
    // is numpy.linalg.lstsq's minimum-norm solution on the centred data: scikit-learn 1.2.1 keeps
    // the ~1e-15 singular value there and returns weights of ~5e16 (see the generator).
    Eigen::MatrixXd Xr(d.X.rows(), d.X.cols() + 1);
    Xr << d.X, d.X.col(0) + d.X.col(1);
    const brine::LinearRegression min_norm = brine::train::linear_regression(Xr, d.y);
    CHECK(max_rel(coef_and_intercept(min_norm), reference("diabetes", "lstsq_rank_deficient.csv")) <
          1e-8);
}

TEST_CASE("sklearn: LogisticRegression (lbfgs) after StandardScaler agrees to 1e-4") {
    for (const char* name : classification_datasets) {
        const Dataset d = load_dataset(name);
        const Eigen::MatrixXd Z = brine::train::standard_scaler(d.X).transform(d.X);
        for (const std::string C : {"1.0", "0.1"}) {
            INFO(name << " C=" << C);
            brine::train::LogisticOptions o;
            o.C = std::stod(C);
            brine::train::FitReport report;
            const brine::LogisticRegression m =
                brine::train::logistic_regression(Z, d.y, o, &report);
            CHECK(report.converged);
            const Eigen::MatrixXd coef = reference(name, "logistic_C_" + C + ".csv");
            const Eigen::MatrixXd proba = reference(name, "logistic_C_" + C + "_proba.csv");
            // Coefficients: error relative to the largest coefficient (some are near 0).
            const Eigen::MatrixXd ours = coef_and_intercept(m);
            REQUIRE(ours.rows() == coef.rows());
            const double coef_err =
                (ours - coef).cwiseAbs().maxCoeff() / coef.cwiseAbs().maxCoeff();
            CHECK(coef_err < 1e-4);
            const double proba_err = (m.predict_proba(Z) - proba).cwiseAbs().maxCoeff();
            CHECK(proba_err < 1e-4);
        }
    }
}

TEST_CASE("sklearn: DecisionTreeClassifier training accuracy and size are equal at every depth") {
    for (const char* name : classification_datasets) {
        const Dataset d = load_dataset(name);
        const Eigen::MatrixXd ref =
            reference(name, "tree_classifier.csv");  // max_depth, n_correct, ...
        for (Eigen::Index r = 0; r < ref.rows(); ++r) {
            const int depth = static_cast<int>(ref(r, 0));
            INFO(name << " max_depth=" << depth << " (0: unlimited)");
            brine::train::TreeOptions o;
            if (depth > 0) o.max_depth = depth;
            const brine::DecisionTree t = brine::train::decision_tree_classifier(d.X, d.y, o);
            t.validate();
            const long correct = (t.predict(d.X).array() == d.y.array()).count();
            CHECK(correct == static_cast<long>(ref(r, 1)));
            // Same size and depth too: on these data no ties make the trees differ.
            CHECK(t.n_nodes() == static_cast<Eigen::Index>(ref(r, 3)));
            CHECK(t.depth() == static_cast<int>(ref(r, 4)));
        }
    }
}

TEST_CASE("sklearn: DecisionTreeRegressor training MSE and R^2 on diabetes agree to 1e-12") {
    const Dataset d = load_dataset("diabetes");
    const Eigen::MatrixXd ref =
        reference("diabetes", "tree_regressor.csv");  // max_depth, mse, r2, ...
    const double variance = (d.y.array() - d.y.mean()).square().mean();
    for (Eigen::Index r = 0; r < ref.rows(); ++r) {
        const int depth = static_cast<int>(ref(r, 0));
        INFO("max_depth=" << depth << " (0: unlimited)");
        brine::train::TreeOptions o;
        if (depth > 0) o.max_depth = depth;
        const brine::DecisionTree t = brine::train::decision_tree_regressor(d.X, d.y, o);
        t.validate();
        const double mse = (t.predict(d.X) - d.y).squaredNorm() / static_cast<double>(d.y.size());
        CHECK(std::abs(mse - ref(r, 1)) <= 1e-12 * variance);
        CHECK(std::abs((1.0 - mse / variance) - ref(r, 2)) <= 1e-12);
        CHECK(t.n_nodes() == static_cast<Eigen::Index>(ref(r, 3)));
        CHECK(t.depth() == static_cast<int>(ref(r, 4)));
    }
}
