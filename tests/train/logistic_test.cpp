// Tests of brine::train::logistic_regression: optimality conditions and hand-solved cases.
// SPDX-License-Identifier: MIT
#include <cmath>

#include "brine/train/logistic.hpp"
#include "brine_catch.hpp"

namespace {

Eigen::MatrixXd logistic_design(Eigen::Index n, Eigen::Index d, unsigned seed) {
    Eigen::MatrixXd X(n, d);
    unsigned state = seed;
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < d; ++j) {
            state = state * 1664525u + 1013904223u;
            X(i, j) = static_cast<double>(state >> 8) / static_cast<double>(1u << 24) * 4.0 - 2.0;
        }
    }
    return X;
}

// Gradient of C * sum(log-loss) + 0.5 ||coef||^2, written out here from the model's probabilities
// (dloss/dscore = p - onehot), independent of the solver's own code.
double max_gradient(const brine::LogisticRegression& m, const Eigen::MatrixXd& X,
                    const Eigen::VectorXd& y, double C) {
    const Eigen::MatrixXd P = m.predict_proba(X);
    const Eigen::Index K = m.n_classes();
    Eigen::MatrixXd G(X.rows(), m.coef.rows());
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        for (Eigen::Index k = 0; k < K; ++k) {
            const double onehot = y(i) == m.classes(k) ? 1.0 : 0.0;
            if (K == 2 && k == 1) G(i, 0) = P(i, 1) - onehot;
            if (K > 2) G(i, k) = P(i, k) - onehot;
        }
    }
    const Eigen::MatrixXd gW = C * G.transpose() * X + Eigen::MatrixXd(m.coef);
    const Eigen::VectorXd gb = C * G.colwise().sum().transpose();
    return std::max(gW.cwiseAbs().maxCoeff(), gb.cwiseAbs().maxCoeff());
}

}  // namespace

TEST_CASE("logistic_regression binary: the objective's gradient vanishes at the solution") {
    const Eigen::MatrixXd X = logistic_design(200, 3, 11);
    Eigen::VectorXd y(200);
    for (Eigen::Index i = 0; i < 200; ++i) {
        // Overlapping classes (labels 3 and 7) so the optimum is finite and not trivial.
        y(i) = X(i, 0) - 0.5 * X(i, 1) + std::sin(7.0 * static_cast<double>(i)) > 0 ? 7.0 : 3.0;
    }
    for (double C : {0.05, 1.0, 20.0}) {
        brine::train::LogisticOptions o;
        o.C = C;
        brine::train::FitReport report;
        const brine::LogisticRegression m = brine::train::logistic_regression(X, y, o, &report);
        CHECK(report.converged);
        CHECK(report.gradient <= o.tol);
        REQUIRE(m.coef.rows() == 1);
        CHECK(m.classes(0) == 3.0);
        CHECK(m.classes(1) == 7.0);
        // tol bounds the gradient divided by C * n.
        CHECK(max_gradient(m, X, y, C) <= 1e-8 * C * 200);
        m.validate();
    }
}

TEST_CASE("logistic_regression multinomial: zero gradient, zero-sum intercepts and coefficients") {
    const Eigen::MatrixXd X = logistic_design(300, 4, 12);
    Eigen::VectorXd y(300);
    for (Eigen::Index i = 0; i < 300; ++i) {
        const double s = X(i, 0) + 0.7 * X(i, 2) + std::cos(5.0 * static_cast<double>(i));
        y(i) = s < -0.7 ? 0.0 : (s < 0.7 ? 1.0 : 2.0);
    }
    const double C = 0.5;
    brine::train::LogisticOptions o;
    o.C = C;
    brine::train::FitReport report;
    const brine::LogisticRegression m = brine::train::logistic_regression(X, y, o, &report);
    CHECK(report.converged);
    REQUIRE(m.coef.rows() == 3);
    CHECK(max_gradient(m, X, y, C) <= 1e-8 * C * 300);
    CHECK_THAT(m.intercept.sum(), WithinAbs(0.0, 1e-12));
    // At the optimum C X^T (P - Y) + W = 0 and the rows of P - Y sum to 0, so the coef rows do.
    CHECK(m.coef.colwise().sum().cwiseAbs().maxCoeff() < 1e-6);
}

TEST_CASE("logistic_regression with an uninformative feature learns the class frequencies") {
    // Hand-solved: with x = 0 everywhere the weight has nothing to fit and the penalty makes it
    // 0; the intercept maximises the likelihood of 3 positives and 1 negative: sigmoid(b) = 3/4,
    // b = log(3).
    const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(4, 1);
    Eigen::VectorXd y(4);
    y << 1, 1, 0, 1;
    brine::train::LogisticOptions tight;
    tight.tol = 1e-13;  // tol scales with C * n, which is tiny here
    const brine::LogisticRegression m = brine::train::logistic_regression(X, y, tight);
    CHECK(m.coef(0, 0) == 0.0);
    CHECK_THAT(m.intercept(0), WithinAbs(std::log(3.0), 1e-11));

    // Three classes with counts 1, 2, 3: softmax(b) = (1, 2, 3) / 6, and with zero-sum
    // intercepts b_k = log(n_k) - mean(log n).
    Eigen::VectorXd y3(6);
    y3 << 2, 1, 2, 0, 2, 1;
    const brine::LogisticRegression m3 =
        brine::train::logistic_regression(Eigen::MatrixXd::Zero(6, 2), y3, tight);
    const double mean_log = (std::log(1.0) + std::log(2.0) + std::log(3.0)) / 3.0;
    for (int k = 0; k < 3; ++k) {
        CHECK_THAT(m3.intercept(k), WithinAbs(std::log(k + 1.0) - mean_log, 1e-11));
    }
    CHECK(m3.coef.cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("logistic_regression on a symmetric pair solves w = 2C / (1 + e^w)") {
    // Hand-derived: samples x = +1 (class 1) and x = -1 (class 0). By symmetry b = 0 and the
    // objective is 2C log(1 + e^-w) + w^2 / 2, stationary where w = 2C / (1 + e^w); that scalar
    // equation is solved here by bisection.
    Eigen::MatrixXd X(2, 1);
    X << 1, -1;
    const Eigen::Vector2d y(1, 0);
    for (double C : {0.5, 1.0, 3.0}) {
        double lo = 0.0, hi = 2.0 * C;
        for (int i = 0; i < 200; ++i) {
            const double mid = 0.5 * (lo + hi);
            (mid - 2.0 * C / (1.0 + std::exp(mid)) < 0 ? lo : hi) = mid;
        }
        brine::train::LogisticOptions o;
        o.C = C;
        o.tol = 1e-13;
        const brine::LogisticRegression m = brine::train::logistic_regression(X, y, o);
        CHECK_THAT(m.coef(0, 0), WithinAbs(lo, 1e-11));
        CHECK_THAT(m.intercept(0), WithinAbs(0.0, 1e-11));
    }
}

TEST_CASE("logistic_regression reports, not throws, when max_iter stops it early") {
    const Eigen::MatrixXd X = logistic_design(100, 2, 13);
    Eigen::VectorXd y(100);
    for (Eigen::Index i = 0; i < 100; ++i)
        y(i) = X(i, 0) + std::sin(3.0 * static_cast<double>(i)) > 0;
    brine::train::LogisticOptions o;
    o.max_iter = 1;
    o.tol = 1e-14;
    brine::train::FitReport report;
    const brine::LogisticRegression m = brine::train::logistic_regression(X, y, o, &report);
    CHECK_FALSE(report.converged);
    CHECK(report.iterations == 1);
    CHECK(report.gradient > o.tol);
    m.validate();
}

TEST_CASE("LogisticOptions describe every option") {
    brine::train::LogisticOptions o;
    o.C = 2.5;
    const auto d = o.describe();
    REQUIRE(d.size() == 3);
    CHECK(d[0] == std::make_pair(std::string("C"), std::string("2.5")));
    CHECK(d[1] == std::make_pair(std::string("tol"), std::string("1e-08")));
    CHECK(d[2] == std::make_pair(std::string("max_iter"), std::string("1000")));
}
