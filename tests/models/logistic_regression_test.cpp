// Tests of brine::LogisticRegression against hand-computed sigmoid and softmax probabilities.
// SPDX-License-Identifier: MIT
#include "brine/models/logistic_regression.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "brine_catch.hpp"
#include "special_values.hpp"

namespace {

using special_values::inf_v;
using special_values::nan_v;

/// Binary: score = x0 - 2 x1 + 0.5; labels -1 and 3 (not 0/1, so label mapping is visible).
brine::LogisticRegression binary_model() {
    brine::RowMatrix coef(1, 2);
    coef << 1.0, -2.0;
    Eigen::VectorXd intercept(1), classes(2);
    intercept << 0.5;
    classes << -1.0, 3.0;
    return brine::LogisticRegression(coef, intercept, classes);
}

/// Multinomial: scores (x0, x1 + 0.5, -x0 - x1) for labels 10, 20, 30.
brine::LogisticRegression multinomial_model() {
    brine::RowMatrix coef(3, 2);
    coef << 1, 0,  //
        0, 1,      //
        -1, -1;
    Eigen::VectorXd intercept(3), classes(3);
    intercept << 0, 0.5, 0;
    classes << 10, 20, 30;
    return brine::LogisticRegression(coef, intercept, classes);
}

/// Multinomial over one feature with the given coefficients and intercepts (labels 0, 1, 2).
brine::LogisticRegression one_feature_multinomial(double c0, double c1, double c2, double b0,
                                                  double b1, double b2) {
    brine::RowMatrix coef(3, 1);
    coef << c0, c1, c2;
    Eigen::VectorXd intercept(3), classes(3);
    intercept << b0, b1, b2;
    classes << 0, 1, 2;
    return brine::LogisticRegression(coef, intercept, classes);
}

double logistic(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

TEST_CASE("binary LogisticRegression: sigmoid of the score, classes[1] iff score > 0",
          "[models][logistic]") {
    const brine::LogisticRegression m = binary_model();
    m.validate();
    CHECK(m.is_binary());
    CHECK(m.n_classes() == 2);
    CHECK(m.n_features() == 2);
    Eigen::MatrixXd X(3, 2);
    X << 1, 1,     // score -0.5
        2, 0,      // score 2.5
        0.5, 0.5;  // score exactly 0: not > 0, so classes[0]
    const Eigen::VectorXd y = m.predict(X);
    CHECK(y(0) == -1.0);
    CHECK(y(1) == 3.0);
    CHECK(y(2) == -1.0);

    const Eigen::MatrixXd p = m.predict_proba(X);
    REQUIRE(p.rows() == 3);
    REQUIRE(p.cols() == 2);
    CHECK_THAT(p(0, 1), WithinRel(logistic(-0.5), 1e-14));
    CHECK_THAT(p(0, 0), WithinRel(1.0 - logistic(-0.5), 1e-14));
    CHECK_THAT(p(1, 1), WithinRel(logistic(2.5), 1e-14));
    CHECK(p(2, 0) == 0.5);
    CHECK(p(2, 1) == 0.5);

    const Eigen::MatrixXd s = m.decision_function(X);
    REQUIRE(s.cols() == 1);
    CHECK(s(0, 0) == -0.5);
    CHECK(s(1, 0) == 2.5);
}

TEST_CASE("multinomial LogisticRegression: softmax of the scores, first maximum wins",
          "[models][logistic]") {
    const brine::LogisticRegression m = multinomial_model();
    m.validate();
    CHECK_FALSE(m.is_binary());
    Eigen::MatrixXd X(2, 2);
    X << 1, 2,   // scores 1, 2.5, -3
        2, 1.5;  // scores 2, 2, -3.5: a tie, the first class wins
    const Eigen::VectorXd y = m.predict(X);
    CHECK(y(0) == 20.0);
    CHECK(y(1) == 10.0);
    CHECK(m.predict_one(X.row(0)) == 20.0);
    CHECK(m.predict_one(X.row(1)) == 10.0);

    const Eigen::MatrixXd p = m.predict_proba(X);
    REQUIRE(p.cols() == 3);
    const double e0 = std::exp(1.0), e1 = std::exp(2.5), e2 = std::exp(-3.0);
    CHECK_THAT(p(0, 0), WithinRel(e0 / (e0 + e1 + e2), 1e-14));
    CHECK_THAT(p(0, 1), WithinRel(e1 / (e0 + e1 + e2), 1e-14));
    CHECK_THAT(p(0, 2), WithinRel(e2 / (e0 + e1 + e2), 1e-14));
    const double f2 = std::exp(-5.5);  // exp(-3.5 - 2), relative to the top score
    CHECK_THAT(p(1, 0), WithinRel(1.0 / (2.0 + f2), 1e-14));
    CHECK(p(1, 0) == p(1, 1));
}

TEST_CASE("LogisticRegression single-row paths agree with the batch paths", "[models][logistic]") {
    for (const brine::LogisticRegression& m : {binary_model(), multinomial_model()}) {
        Eigen::MatrixXd X(6, 2);
        X << 1, 2, -3, 0.25, 0.1, -0.7, 4, 4, -2, -2, 0.3, 1e3;
        const brine::RowMatrix Xr = X;
        const Eigen::VectorXd y = m.predict(X);
        const Eigen::MatrixXd p = m.predict_proba(X);
        double out[3];
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            CHECK(std::abs(p.row(i).sum() - 1.0) <= 1e-15);
            const Eigen::VectorXd v = X.row(i).transpose();
            CHECK(m.predict_one(X.row(i)) == y(i));
            CHECK(m.predict_one(Xr.row(i)) == y(i));
            CHECK(m.predict_one(v.transpose()) == y(i));
            m.predict_proba_one(Xr.row(i), out, std::size(out));
            for (Eigen::Index k = 0; k < m.n_classes(); ++k)
                CHECK_THAT(out[k], WithinAbs(p(i, k), 1e-15));
            m.predict_proba_one(X.row(i), out, std::size(out));
            for (Eigen::Index k = 0; k < m.n_classes(); ++k)
                CHECK_THAT(out[k], WithinAbs(p(i, k), 1e-15));
        }
    }
}

TEST_CASE("LogisticRegression probabilities sum to 1", "[models][logistic]") {
    const brine::LogisticRegression m = multinomial_model();
    Eigen::MatrixXd X(50, 2);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        X(i, 0) = std::sin(static_cast<double>(i)) * 20.0;
        X(i, 1) = std::cos(static_cast<double>(3 * i)) * 20.0;
    }
    const Eigen::MatrixXd p = m.predict_proba(X);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        CHECK_THAT(p.row(i).sum(), WithinAbs(1.0, 1e-15));
        CHECK((p.row(i).array() >= 0.0).all());
    }
}

TEST_CASE("LogisticRegression softmax is stable for huge and infinite scores",
          "[models][logistic]") {
    const Eigen::MatrixXd one = Eigen::MatrixXd::Ones(1, 1);
    SECTION("scores of +-1e300 (tie at the top)") {
        const auto m = one_feature_multinomial(0, 0, 0, 1e300, -1e300, 1e300);
        const Eigen::MatrixXd p = m.predict_proba(one);
        CHECK(p(0, 0) == 0.5);
        CHECK(p(0, 1) == 0.0);
        CHECK(p(0, 2) == 0.5);
        CHECK(m.predict(one)(0) == 0.0);
    }
    SECTION("coefficients of 1e300") {
        const auto m = one_feature_multinomial(1e300, -1e300, 0, 0, 0, 0);
        const Eigen::MatrixXd p = m.predict_proba(one);
        CHECK(p(0, 0) == 1.0);
        CHECK(p(0, 1) == 0.0);
        CHECK(p(0, 2) == 0.0);
    }
    SECTION("scores overflowing to +inf share the mass, no NaN") {
        const auto m = one_feature_multinomial(1e300, 1e300, -1e300, 0, 0, 0);
        const Eigen::MatrixXd x = Eigen::MatrixXd::Constant(1, 1, 1e10);  // scores inf, inf, -inf
        const Eigen::MatrixXd p = m.predict_proba(x);
        CHECK(p(0, 0) == 0.5);
        CHECK(p(0, 1) == 0.5);
        CHECK(p(0, 2) == 0.0);
        double out[3];
        m.predict_proba_one(x.row(0), out, std::size(out));
        CHECK(out[0] == 0.5);
        CHECK(out[1] == 0.5);
        CHECK(out[2] == 0.0);
    }
    SECTION("every score -inf gives the uniform distribution") {
        // A finite input whose scores all overflow to -inf (an infinite input is refused).
        const auto m = one_feature_multinomial(1e300, 1e300, 1e300, 0, 0, 0);
        const Eigen::MatrixXd x = Eigen::MatrixXd::Constant(1, 1, -1e10);
        const Eigen::MatrixXd p = m.predict_proba(x);
        for (Eigen::Index k = 0; k < 3; ++k) CHECK_THAT(p(0, k), WithinRel(1.0 / 3.0, 1e-15));
    }
}

TEST_CASE("LogisticRegression sigmoid saturates without NaN", "[models][logistic]") {
    brine::RowMatrix coef(1, 1);
    coef << 1.0;
    const brine::LogisticRegression m(coef, Eigen::VectorXd::Zero(1), Eigen::Vector2d(0.0, 1.0));
    Eigen::MatrixXd X(2, 1);
    X << 1000, -1000;
    const Eigen::MatrixXd p = m.predict_proba(X);
    CHECK(p(0, 0) == 0.0);
    CHECK(p(0, 1) == 1.0);
    CHECK(p(1, 0) == 1.0);
    CHECK(p(1, 1) == 0.0);
    CHECK(m.predict(X)(0) == 1.0);
    CHECK(m.predict(X)(1) == 0.0);
    CHECK(brine::LogisticRegression::sigmoid(inf_v) == 1.0);
    CHECK(brine::LogisticRegression::sigmoid(-inf_v) == 0.0);
    CHECK(brine::LogisticRegression::sigmoid(0.0) == 0.5);
    CHECK_THAT(brine::LogisticRegression::sigmoid(-30.0),
               WithinRel(std::exp(-30.0) / (1.0 + std::exp(-30.0)), 1e-15));
}

TEST_CASE("LogisticRegression with NaN scores: documented labels, NaN probabilities",
          "[models][logistic]") {
    // NaN or infinite inputs are refused (tests/models/input_policy_test.cpp), but finite inputs
    // can still give a NaN score when products overflow to +inf and -inf: 1e300 * 1e10 - 1e300 *
    // 1e10 = inf - inf.
    Eigen::MatrixXd x(1, 2);
    x << 1e10, 1e10;
    SECTION("binary: NaN > 0 is false, so classes[0]") {
        brine::RowMatrix coef(1, 2);
        coef << 1e300, -1e300;
        const brine::LogisticRegression m(coef, Eigen::VectorXd::Zero(1), Eigen::Vector2d(-1, 3));
        CHECK(m.predict(x)(0) == -1.0);
        CHECK(m.predict_one(x.row(0)) == -1.0);
        const Eigen::MatrixXd p = m.predict_proba(x);
        CHECK(std::isnan(p(0, 0)));
        CHECK(std::isnan(p(0, 1)));
    }
    SECTION("multinomial: the first NaN score wins, as numpy.argmax") {
        // scores (+inf, inf - inf = NaN, -inf)
        brine::RowMatrix coef(3, 2);
        coef << 1e300, 1e300, 1e300, -1e300, -1e300, -1e300;
        const brine::LogisticRegression m(coef, Eigen::VectorXd::Zero(3), Eigen::Vector3d(0, 1, 2));
        CHECK(m.predict(x)(0) == 1.0);
        CHECK(m.predict_one(x.row(0)) == 1.0);
        const Eigen::MatrixXd p = m.predict_proba(x);
        for (Eigen::Index k = 0; k < 3; ++k) CHECK(std::isnan(p(0, k)));
        std::array<double, 3> out{};
        m.predict_proba_one(x.row(0), out);
        for (double v : out) CHECK(std::isnan(v));
    }
}

TEST_CASE("LogisticRegression checks the input's column count everywhere", "[models][logistic]") {
    using brine::Errc;
    for (const brine::LogisticRegression& m : {binary_model(), multinomial_model()}) {
        const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(2, 3);
        const char* text = "LogisticRegression expects 2 feature columns, got 3";
        BRINE_CHECK_THROWS_CODE(m.predict(X), Errc::shape_mismatch, text);
        BRINE_CHECK_THROWS_CODE(m.predict_proba(X), Errc::shape_mismatch, text);
        BRINE_CHECK_THROWS_CODE(m.decision_function(X), Errc::shape_mismatch, text);
        BRINE_CHECK_THROWS_CODE(m.predict_one(X.row(0)), Errc::shape_mismatch, text);
        double out[3];
        BRINE_CHECK_THROWS_CODE(m.predict_proba_one(X.row(0), out, std::size(out)),
                                Errc::shape_mismatch, text);
    }
}

TEST_CASE("LogisticRegression::validate rejects each broken invariant", "[models][logistic]") {
    using brine::Errc;
    SECTION("fewer than 2 classes") {
        brine::LogisticRegression m = binary_model();
        m.classes.resize(1);
        m.classes << 1.0;
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model,
                                "LogisticRegression: needs at least 2 classes, has 1");
    }
    SECTION("non-finite class label") {
        brine::LogisticRegression m = multinomial_model();
        m.classes(1) = nan_v;
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model, "classes[1] is not finite");
    }
    SECTION("class labels not strictly increasing") {
        brine::LogisticRegression m = multinomial_model();
        m.classes(2) = m.classes(1);
        BRINE_CHECK_THROWS_CODE(
            m.validate(), Errc::invalid_model,
            "classes must be strictly increasing, but classes[2] <= classes[1]");
    }
    SECTION("binary model with two coef rows") {
        brine::LogisticRegression m = binary_model();
        m.coef = brine::RowMatrix::Zero(2, 2);
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model,
                                "coef is 2 x 2, expected 1 x n_features");
    }
    SECTION("multinomial model with too few coef rows") {
        brine::LogisticRegression m = multinomial_model();
        m.coef = brine::RowMatrix::Zero(2, 2);
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model,
                                "expected 3 x n_features (n_features >= 1) for 3 classes");
    }
    SECTION("no features") {
        brine::LogisticRegression m = binary_model();
        m.coef.resize(1, 0);
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model, "coef is 1 x 0");
    }
    SECTION("intercept size differs from coef rows") {
        brine::LogisticRegression m = binary_model();
        m.intercept = Eigen::VectorXd::Zero(2);
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model,
                                "intercept has 2 entries, expected 1");
    }
    SECTION("non-finite coefficient") {
        brine::LogisticRegression m = multinomial_model();
        m.coef(2, 1) = inf_v;
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model, "coef[2, 1] is not finite");
    }
    SECTION("non-finite intercept") {
        brine::LogisticRegression m = multinomial_model();
        m.intercept(1) = nan_v;
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model, "intercept[1] is not finite");
    }
}

TEST_CASE("LogisticRegression equality is bit-exact", "[models][logistic]") {
    const brine::LogisticRegression a = multinomial_model();
    brine::LogisticRegression b = a;
    CHECK(a == b);
    b.classes(0) = 10.000000000000002;
    CHECK(a != b);
    b = a;
    b.intercept(0) = -0.0;  // 0.0 in a
    CHECK(a != b);
    b = a;
    b.coef(0, 1) = -0.0;
    CHECK(a != b);
    CHECK(binary_model() != multinomial_model());
}
