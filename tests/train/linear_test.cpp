// Tests of brine::train::linear_regression against independently computed solutions.
// SPDX-License-Identifier: MIT
#include <Eigen/Dense>

#include "brine/train/linear.hpp"
#include "brine_catch.hpp"

namespace {

// A fixed, well-conditioned design: deterministic pseudo-random entries in [-1, 1].
Eigen::MatrixXd design(Eigen::Index n, Eigen::Index d, unsigned seed) {
    Eigen::MatrixXd X(n, d);
    unsigned state = seed;
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < d; ++j) {
            state = state * 1664525u + 1013904223u;  // LCG (Numerical Recipes constants)
            X(i, j) = static_cast<double>(state >> 8) / static_cast<double>(1u << 24) * 2.0 - 1.0;
        }
    }
    return X;
}

double max_abs(const Eigen::MatrixXd& a) { return a.cwiseAbs().maxCoeff(); }

}  // namespace

TEST_CASE("linear_regression recovers known coefficients from noise-free data") {
    // Truth: y = 3 - 2 x0 + 0.5 x1 + 7 x2, chosen by hand.
    const Eigen::MatrixXd X = design(50, 3, 1);
    const Eigen::Vector3d w(-2.0, 0.5, 7.0);
    const Eigen::VectorXd y = (X * w).array() + 3.0;
    const brine::LinearRegression m = brine::train::linear_regression(X, y);
    REQUIRE(m.coef.rows() == 1);
    REQUIRE(m.coef.cols() == 3);
    CHECK(max_abs(m.coef.row(0).transpose() - w) < 1e-12);
    CHECK_THAT(m.intercept(0), WithinAbs(3.0, 1e-12));
    m.validate();
}

TEST_CASE("linear_regression without intercept fits through the origin") {
    const Eigen::MatrixXd X = design(40, 2, 2);
    const Eigen::Vector2d w(1.5, -4.0);
    const Eigen::VectorXd y = (X * w).array() + 10.0;  // an offset the model may not absorb
    brine::train::LinearOptions o;
    o.fit_intercept = false;
    const brine::LinearRegression m = brine::train::linear_regression(X, y, o);
    CHECK(m.intercept(0) == 0.0);
    // Independent truth: the normal equations X^T X w = X^T y without centring.
    const Eigen::VectorXd expected = (X.transpose() * X).ldlt().solve(X.transpose() * y);
    CHECK(max_abs(m.coef.row(0).transpose() - expected) < 1e-12);
}

TEST_CASE("linear_regression with l2 matches ridge normal equations") {
    const Eigen::MatrixXd X = design(30, 4, 3);
    Eigen::VectorXd y(30);
    for (Eigen::Index i = 0; i < 30; ++i) y(i) = std::sin(static_cast<double>(i)) * 5.0;
    for (double alpha : {0.1, 1.0, 25.0}) {
        brine::train::LinearOptions o;
        o.l2 = alpha;
        const brine::LinearRegression m = brine::train::linear_regression(X, y, o);
        // Independent truth: centre, then (Xc^T Xc + alpha I) w = Xc^T yc; b = mean(y) - mean(X) w.
        const Eigen::RowVectorXd xm = X.colwise().mean();
        const Eigen::MatrixXd Xc = X.rowwise() - xm;
        const Eigen::VectorXd yc = y.array() - y.mean();
        const Eigen::MatrixXd A = Xc.transpose() * Xc + alpha * Eigen::MatrixXd::Identity(4, 4);
        const Eigen::VectorXd w = A.llt().solve(Xc.transpose() * yc);
        const double b = y.mean() - xm.dot(w);
        CHECK(max_abs(m.coef.row(0).transpose() - w) < 1e-12);
        CHECK_THAT(m.intercept(0), WithinAbs(b, 1e-12));
    }
}

TEST_CASE("linear_regression on rank-deficient X gives the minimum-norm solution") {
    // Column 2 = column 0 + column 1 and column 3 duplicates column 0: rank 2 of 4.
    Eigen::MatrixXd X(20, 4);
    X.leftCols(2) = design(20, 2, 4);
    X.col(2) = X.col(0) + X.col(1);
    X.col(3) = X.col(0);
    Eigen::VectorXd y(20);
    for (Eigen::Index i = 0; i < 20; ++i) y(i) = std::cos(0.3 * static_cast<double>(i));
    const brine::LinearRegression m = brine::train::linear_regression(X, y);
    // Independent truth: pseudo-inverse of the centred X from its SVD, cutting singular values
    // below n * eps * s_max (numpy.linalg.lstsq's rule).
    const Eigen::RowVectorXd xm = X.colwise().mean();
    const Eigen::MatrixXd Xc = X.rowwise() - xm;
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(Xc, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::VectorXd s = svd.singularValues();
    Eigen::VectorXd s_inv = Eigen::VectorXd::Zero(s.size());
    for (Eigen::Index k = 0; k < s.size(); ++k) {
        if (s(k) > 20 * std::numeric_limits<double>::epsilon() * s(0)) s_inv(k) = 1.0 / s(k);
    }
    const Eigen::VectorXd yc = y.array() - y.mean();
    const Eigen::VectorXd w = svd.matrixV() * s_inv.asDiagonal() * svd.matrixU().transpose() * yc;
    CHECK(max_abs(m.coef.row(0).transpose() - w) < 1e-12);
    CHECK_THAT(m.intercept(0), WithinAbs(y.mean() - xm.dot(w), 1e-12));
}

TEST_CASE("linear_regression fits several targets at once") {
    const Eigen::MatrixXd X = design(25, 3, 5);
    Eigen::MatrixXd W(2, 3);
    W << 1.0, 2.0, 3.0, -1.0, 0.0, 0.25;
    Eigen::MatrixXd Y = X * W.transpose();
    Y.col(0).array() += 1.0;
    Y.col(1).array() -= 2.0;
    const brine::LinearRegression m = brine::train::linear_regression(X, Y);
    REQUIRE(m.n_targets() == 2);
    CHECK(max_abs(m.coef - W) < 1e-12);
    CHECK_THAT(m.intercept(0), WithinAbs(1.0, 1e-12));
    CHECK_THAT(m.intercept(1), WithinAbs(-2.0, 1e-12));
}

TEST_CASE("LinearOptions describe every option") {
    brine::train::LinearOptions o;
    o.l2 = 0.1;
    const auto d = o.describe();
    REQUIRE(d.size() == 2);
    CHECK(d[0] == std::make_pair(std::string("l2"), std::string("0.1")));
    CHECK(d[1] == std::make_pair(std::string("fit_intercept"), std::string("true")));
}
