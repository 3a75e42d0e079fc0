// Tests of brine::LinearRegression against hand-computed predictions.
// SPDX-License-Identifier: MIT
#include "brine/models/linear_regression.hpp"

#include <cmath>
#include <limits>

#include "brine_catch.hpp"

namespace {

brine::LinearRegression two_feature_model() {
    Eigen::VectorXd coef(2);
    coef << 2.0, -1.0;
    return brine::LinearRegression(coef, 0.5);
}

}  // namespace

TEST_CASE("LinearRegression predicts X * coef + intercept", "[models][linear]") {
    const brine::LinearRegression m = two_feature_model();
    m.validate();
    CHECK(m.n_features() == 2);
    CHECK(m.n_targets() == 1);
    Eigen::MatrixXd X(3, 2);
    X << 1, 2, 3, 4, -1, 0.5;
    const Eigen::VectorXd y = m.predict(X);
    // 2*1 - 2 + 0.5, 2*3 - 4 + 0.5, -2 - 0.5 + 0.5
    REQUIRE(y.size() == 3);
    CHECK(y(0) == 0.5);
    CHECK(y(1) == 2.5);
    CHECK(y(2) == -2.0);
    CHECK(m.predict_one(X.row(1)) == 2.5);
}

TEST_CASE("LinearRegression with several targets predicts one column per target",
          "[models][linear]") {
    brine::RowMatrix coef(2, 3);
    coef << 1, 2, 3,  //
        -1, 0, 0.5;
    Eigen::VectorXd intercept(2);
    intercept << 10, -10;
    const brine::LinearRegression m(coef, intercept);
    m.validate();
    CHECK(m.n_targets() == 2);
    Eigen::MatrixXd X(2, 3);
    X << 1, 1, 1,  //
        2, 0, -2;
    const Eigen::MatrixXd y = m.predict_targets(X);
    REQUIRE(y.rows() == 2);
    REQUIRE(y.cols() == 2);
    CHECK(y(0, 0) == 16.0);   // 1 + 2 + 3 + 10
    CHECK(y(0, 1) == -10.5);  // -1 + 0.5 - 10
    CHECK(y(1, 0) == 6.0);    // 2 - 6 + 10
    CHECK(y(1, 1) == -13.0);  // -2 - 1 - 10
    // predict() and predict_one() answer one target only.
    BRINE_CHECK_THROWS_CODE(m.predict(X), brine::Errc::invalid_argument, "has 2 targets");
    BRINE_CHECK_THROWS_CODE(m.predict_one(X.row(0)), brine::Errc::invalid_argument,
                            "predict_targets");
}

TEST_CASE("LinearRegression predict_one equals predict row by row for every row layout",
          "[models][linear]") {
    const brine::LinearRegression m = two_feature_model();
    Eigen::MatrixXd X(4, 2);
    X << 1, 2, 3, 4, -1, 0.5, 1e6, -3e-7;
    const Eigen::VectorXd y = m.predict(X);
    const brine::RowMatrix Xr = X;
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        const double expected = 2.0 * X(i, 0) - X(i, 1) + 0.5;
        CHECK_THAT(y(i), WithinRel(expected, 1e-15));
        CHECK_THAT(m.predict_one(X.row(i)), WithinRel(y(i), 1e-15));   // strided row
        CHECK_THAT(m.predict_one(Xr.row(i)), WithinRel(y(i), 1e-15));  // contiguous row
        const Eigen::VectorXd v = X.row(i).transpose();
        CHECK_THAT(m.predict_one(v.transpose()), WithinRel(y(i), 1e-15));  // transposed vector
    }
}

TEST_CASE("LinearRegression checks the input's column count", "[models][linear]") {
    const brine::LinearRegression m = two_feature_model();
    const Eigen::MatrixXd X3 = Eigen::MatrixXd::Zero(2, 3);
    BRINE_CHECK_THROWS_CODE(m.predict(X3), brine::Errc::shape_mismatch,
                            "LinearRegression expects 2 feature columns, got 3");
    BRINE_CHECK_THROWS_CODE(m.predict_targets(X3), brine::Errc::shape_mismatch,
                            "expects 2 feature columns, got 3");
    const Eigen::RowVectorXd x1 = Eigen::RowVectorXd::Zero(1);
    BRINE_CHECK_THROWS_CODE(m.predict_one(x1), brine::Errc::shape_mismatch,
                            "expects 2 feature columns, got 1");
}

TEST_CASE("LinearRegression accepts an empty batch", "[models][linear]") {
    const brine::LinearRegression m = two_feature_model();
    CHECK(m.predict(Eigen::MatrixXd(0, 2)).size() == 0);
}

TEST_CASE("LinearRegression::validate rejects each broken invariant", "[models][linear]") {
    using brine::Errc;
    SECTION("no coefficients") {
        const brine::LinearRegression m;
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model,
                                "LinearRegression: coef must be at least 1 x 1, is 0 x 0");
    }
    SECTION("no features") {
        const brine::LinearRegression m(brine::RowMatrix(1, 0), Eigen::VectorXd::Zero(1));
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model, "is 1 x 0");
    }
    SECTION("intercept size differs from the number of targets") {
        const brine::LinearRegression m(brine::RowMatrix::Zero(2, 3), Eigen::VectorXd::Zero(1));
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model,
                                "intercept has 1 entries for 2 targets");
    }
    SECTION("NaN coefficient") {
        brine::RowMatrix coef = brine::RowMatrix::Zero(2, 3);
        coef(1, 2) = std::numeric_limits<double>::quiet_NaN();
        const brine::LinearRegression m(coef, Eigen::VectorXd::Zero(2));
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model, "coef[1, 2] is not finite");
    }
    SECTION("infinite intercept") {
        brine::LinearRegression m = two_feature_model();
        m.intercept(0) = -std::numeric_limits<double>::infinity();
        BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model, "intercept[0] is not finite");
    }
}

TEST_CASE("LinearRegression equality is bit-exact", "[models][linear]") {
    const brine::LinearRegression a = two_feature_model();
    brine::LinearRegression b = a;
    CHECK(a == b);
    CHECK_FALSE(a != b);
    b.intercept(0) = std::nextafter(0.5, 1.0);
    CHECK(a != b);

    Eigen::VectorXd zero(1), negative_zero(1);
    zero << 0.0;
    negative_zero << -0.0;
    CHECK(brine::LinearRegression(zero, 0.0) != brine::LinearRegression(negative_zero, 0.0));
    CHECK(brine::LinearRegression(zero, 0.0) != brine::LinearRegression(zero, -0.0));

    // Shape matters even when the values agree: 1 x 2 is not 2 x 1.
    const brine::LinearRegression wide(brine::RowMatrix::Zero(1, 2), Eigen::VectorXd::Zero(1));
    const brine::LinearRegression tall(brine::RowMatrix::Zero(2, 1), Eigen::VectorXd::Zero(2));
    CHECK(wide != tall);

    // The same NaN bits compare equal, so a model round-trips even if it is invalid.
    Eigen::VectorXd nan(1);
    nan << std::numeric_limits<double>::quiet_NaN();
    CHECK(brine::LinearRegression(nan, 0.0) == brine::LinearRegression(nan, 0.0));
}
