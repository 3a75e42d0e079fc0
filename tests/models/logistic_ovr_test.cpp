// One-vs-rest LogisticRegression against scikit-learn 1.2.1's predict_proba from the same
// coefficients (tests/reference/make_preprocessing_reference.py wrote the expected values).
// SPDX-License-Identifier: MIT
#include "brine/models/logistic_regression.hpp"

#include <cmath>
#include <string>

#include "brine_catch.hpp"
#include "csv.hpp"
#include "test_data.hpp"

namespace logistic_ovr_test {

inline Eigen::MatrixXd read(const std::string& dataset, const std::string& file) {
    return brine::test::read_csv(test_data::dir() + "/sklearn_preprocessing/" + dataset + "/" +
                                 file)
        .data;
}

/// The scaled features scikit-learn predicted on: StandardScaler().fit_transform(X), recomputed
/// here with numpy's formulas (mean, then the population standard deviation of X - mean).
inline Eigen::MatrixXd scaled_features(const std::string& dataset) {
    const brine::test::Csv csv =
        brine::test::read_csv(test_data::dir() + "/../../examples/data/" + dataset + ".csv");
    Eigen::MatrixXd X = csv.data.leftCols(csv.column("target"));
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const double m = X.col(j).mean();
        X.col(j).array() -= m;
        X.col(j) /= std::sqrt(X.col(j).squaredNorm() / static_cast<double>(X.rows()));
    }
    return X;
}

TEST_CASE("LogisticRegression one-vs-rest gives scikit-learn's probabilities",
          "[models][logistic]") {
    for (const char* name : {"iris", "wine"}) {
        INFO(name);
        const Eigen::MatrixXd fit = read(name, "logistic_ovr.csv");
        const Eigen::MatrixXd expected = read(name, "logistic_ovr_proba.csv");
        const Eigen::Index d = fit.cols() - 2;
        brine::LogisticRegression m(fit.leftCols(d), fit.col(d), fit.col(d + 1),
                                    brine::LogisticRegression::MultiClass::ovr);
        m.validate();
        CHECK(m.is_ovr());
        // The inputs are recomputed, so they may differ from scikit-learn's in the last bits;
        // the probabilities' sensitivity to them is far below the tolerance.
        const Eigen::MatrixXd X = scaled_features(name).topRows(expected.rows());
        const Eigen::MatrixXd p = m.predict_proba(X);
        const double rel = ((p - expected).array().abs() / expected.array().abs()).maxCoeff();
        CHECK(rel <= 1e-12);
        Eigen::VectorXd one(m.n_classes());
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            m.predict_proba_one(X.row(i), one);
            CHECK(
                ((one.transpose() - expected.row(i)).array().abs() / expected.row(i).array().abs())
                    .maxCoeff() <= 1e-12);
        }
        // The same coefficients read as multinomial give other probabilities: the flag matters.
        m.multi_class = brine::LogisticRegression::MultiClass::multinomial;
        CHECK((m.predict_proba(X) - expected).cwiseAbs().maxCoeff() > 1e-3);
    }
}

TEST_CASE("LogisticRegression one-vs-rest: closed form and limits", "[models][logistic]") {
    // Scores 0, ln 3, -inf: sigmoids 1/2, 3/4, 0; sum 5/4; probabilities 2/5, 3/5, 0.
    brine::LogisticRegression m(brine::RowMatrix::Zero(3, 1), Eigen::Vector3d(0, std::log(3.0), 0),
                                Eigen::Vector3d(0, 1, 2),
                                brine::LogisticRegression::MultiClass::ovr);
    m.coef(2, 0) = -1e308;
    Eigen::MatrixXd X(1, 1);
    X << 1e10;  // score 2 is -1e318: -inf
    const Eigen::MatrixXd p = m.predict_proba(X);
    CHECK(std::abs(p(0, 0) - 0.4) <= 1e-15);
    CHECK(std::abs(p(0, 1) - 0.6) <= 1e-15);
    CHECK(p(0, 2) == 0.0);
    CHECK(m.predict(X)(0) == 1.0);
    // A binary model ignores the flag: [1 - sigmoid(z), sigmoid(z)].
    brine::LogisticRegression b(brine::RowMatrix::Ones(1, 1), Eigen::VectorXd::Zero(1),
                                Eigen::Vector2d(0, 1), brine::LogisticRegression::MultiClass::ovr);
    CHECK_FALSE(b.is_ovr());
    CHECK(b.predict_proba(Eigen::MatrixXd::Zero(1, 1))(0, 1) == 0.5);
}

}  // namespace logistic_ovr_test
