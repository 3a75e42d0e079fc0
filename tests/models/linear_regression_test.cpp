// Tests of brine::LinearRegression against hand-computed predictions.
// SPDX-License-Identifier: MIT
#include "brine/models/linear_regression.hpp"

#include "brine_catch.hpp"

TEST_CASE("LinearRegression predicts X * coef + intercept", "[models][linear]") {
    Eigen::VectorXd coef(2);
    coef << 2.0, -1.0;
    const brine::LinearRegression m(coef, 0.5);
    m.validate();
    Eigen::MatrixXd X(3, 2);
    X << 1, 2, 3, 4, -1, 0.5;
    const Eigen::VectorXd y = m.predict(X);
    // 2*1 - 2 + 0.5, 2*3 - 4 + 0.5, -2 - 0.5 + 0.5
    CHECK(y(0) == 0.5);
    CHECK(y(1) == 2.5);
    CHECK(y(2) == -2.0);
    CHECK(m.predict_one(X.row(1)) == 2.5);
}
