// Tests of brine::train::standard_scaler and min_max_scaler against statistics computed by hand.
// SPDX-License-Identifier: MIT
#include <cmath>

#include "brine/train/scalers.hpp"
#include "brine_catch.hpp"

TEST_CASE("standard_scaler: mean and population standard deviation") {
    Eigen::MatrixXd X(4, 3);
    X << 1, 10, 5, 2, 10, 5, 3, 30, 5, 6, 30, 5;
    const brine::StandardScaler s = brine::train::standard_scaler(X);
    s.validate();
    // By hand: column 0 mean 3, squared deviations 4 1 0 9 -> variance 14/4; column 1 mean 20,
    // deviations +-10 -> variance 100; column 2 is constant -> scale 1 (scikit-learn's rule).
    CHECK_THAT(s.mean(0), WithinAbs(3.0, 1e-15));
    CHECK_THAT(s.scale(0), WithinAbs(std::sqrt(3.5), 1e-15));
    CHECK_THAT(s.mean(1), WithinAbs(20.0, 1e-15));
    CHECK_THAT(s.scale(1), WithinAbs(10.0, 1e-15));
    CHECK(s.mean(2) == 5.0);
    CHECK(s.scale(2) == 1.0);
}

TEST_CASE("standard_scaler treats a column constant up to rounding as constant") {
    // 0.1 summed 3 times and divided by 3 is not exactly 0.1, so the two-pass variance is a few
    // ulps, not 0; it is below scikit-learn's bound, so the scale is 1.
    Eigen::MatrixXd X = Eigen::MatrixXd::Constant(3, 1, 0.1);
    CHECK(brine::train::standard_scaler(X).scale(0) == 1.0);
}

TEST_CASE("min_max_scaler: scale and min as scikit-learn's scale_ and min_") {
    Eigen::MatrixXd X(3, 2);
    X << -1, 7, 1, 7, 3, 7;
    const brine::MinMaxScaler m = brine::train::min_max_scaler(X);
    m.validate();
    // Column 0: range 4 -> scale 1/4, min = 0 - (-1)/4 = 0.25. Column 1: constant, range counts
    // as 1 -> scale 1, min = -7.
    CHECK(m.scale(0) == 0.25);
    CHECK(m.min(0) == 0.25);
    CHECK(m.scale(1) == 1.0);
    CHECK(m.min(1) == -7.0);
    const Eigen::MatrixXd Z = m.transform(X);
    CHECK(Z(0, 0) == 0.0);
    CHECK(Z(2, 0) == 1.0);

    brine::train::MinMaxScalerOptions o;
    o.feature_range = {-1.0, 2.0};
    const brine::MinMaxScaler r = brine::train::min_max_scaler(X, o);
    // Range 3 over data range 4 -> scale 0.75; min = -1 - (-1)(0.75) = -0.25.
    CHECK(r.scale(0) == 0.75);
    CHECK(r.min(0) == -0.25);
    CHECK(r.transform(X)(2, 0) == 2.0);
}

TEST_CASE("scaler options describe every option") {
    CHECK(brine::train::StandardScalerOptions{}.describe().empty());
    brine::train::MinMaxScalerOptions o;
    o.feature_range = {-1.0, 0.5};
    const auto d = o.describe();
    REQUIRE(d.size() == 1);
    CHECK(d[0] == std::make_pair(std::string("feature_range"), std::string("(-1, 0.5)")));
}
