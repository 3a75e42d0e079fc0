// Every bad training input is refused with Errc::invalid_argument and a message saying what and
// where. SPDX-License-Identifier: MIT
#include <limits>

#include "brine/train.hpp"
#include "brine_catch.hpp"

namespace bt = brine::train;
using brine::Errc;

namespace {
const double not_a_number = std::numeric_limits<double>::quiet_NaN();
const double infinity = std::numeric_limits<double>::infinity();

Eigen::MatrixXd good_X() {
    Eigen::MatrixXd X(4, 2);
    X << 1, 2, 3, 4, 5, 6, 7, 9;
    return X;
}
Eigen::VectorXd good_y() {
    Eigen::VectorXd y(4);
    y << 0, 1, 0, 1;
    return y;
}
}  // namespace

TEST_CASE("training refuses an empty X") {
    const Eigen::MatrixXd none(0, 2);
    const Eigen::VectorXd y0(0);
    BRINE_CHECK_THROWS_CODE(bt::linear_regression(none, y0), Errc::invalid_argument,
                            "brine: invalid argument: linear_regression: X is empty (0 x 2)");
    BRINE_CHECK_THROWS_CODE(bt::logistic_regression(none, y0), Errc::invalid_argument,
                            "logistic_regression: X is empty");
    BRINE_CHECK_THROWS_CODE(bt::decision_tree_classifier(none, y0), Errc::invalid_argument,
                            "decision_tree_classifier: X is empty");
    BRINE_CHECK_THROWS_CODE(
        bt::decision_tree_regressor(Eigen::MatrixXd(3, 0), Eigen::VectorXd::Zero(3)),
        Errc::invalid_argument, "decision_tree_regressor: X is empty (3 x 0)");
    BRINE_CHECK_THROWS_CODE(bt::standard_scaler(none), Errc::invalid_argument,
                            "standard_scaler: X is empty");
    BRINE_CHECK_THROWS_CODE(bt::min_max_scaler(none), Errc::invalid_argument,
                            "min_max_scaler: X is empty");
}

TEST_CASE("training refuses a y whose length differs from X's rows") {
    const Eigen::VectorXd y3 = Eigen::VectorXd::Zero(3);
    BRINE_CHECK_THROWS_CODE(bt::linear_regression(good_X(), y3), Errc::invalid_argument,
                            "linear_regression: X has 4 rows but y has 3 entries");
    BRINE_CHECK_THROWS_CODE(bt::logistic_regression(good_X(), y3), Errc::invalid_argument,
                            "logistic_regression: X has 4 rows but y has 3 entries");
    BRINE_CHECK_THROWS_CODE(bt::decision_tree_classifier(good_X(), y3), Errc::invalid_argument,
                            "decision_tree_classifier: X has 4 rows");
    BRINE_CHECK_THROWS_CODE(bt::decision_tree_regressor(good_X(), y3), Errc::invalid_argument,
                            "decision_tree_regressor: X has 4 rows");
}

TEST_CASE("training names the row and column of a NaN or infinity") {
    Eigen::MatrixXd X = good_X();
    X(2, 1) = not_a_number;
    BRINE_CHECK_THROWS_CODE(bt::linear_regression(X, good_y()), Errc::invalid_argument,
                            "linear_regression: X has a non-finite value (nan) at row 2, column 1");
    BRINE_CHECK_THROWS_CODE(bt::standard_scaler(X), Errc::invalid_argument, "at row 2, column 1");
    X(2, 1) = 0;
    X(3, 0) = -infinity;
    BRINE_CHECK_THROWS_CODE(bt::min_max_scaler(X), Errc::invalid_argument,
                            "min_max_scaler: X has a non-finite value (-inf) at row 3, column 0");
    BRINE_CHECK_THROWS_CODE(bt::decision_tree_classifier(X, good_y()), Errc::invalid_argument,
                            "(-inf) at row 3, column 0");

    Eigen::VectorXd y = good_y();
    y(1) = infinity;
    BRINE_CHECK_THROWS_CODE(bt::logistic_regression(good_X(), y), Errc::invalid_argument,
                            "logistic_regression: y has a non-finite value (inf) at row 1");
    BRINE_CHECK_THROWS_CODE(bt::decision_tree_regressor(good_X(), y), Errc::invalid_argument,
                            "y has a non-finite value (inf) at row 1");
    Eigen::MatrixXd Y = Eigen::MatrixXd::Zero(4, 2);
    Y(3, 1) = not_a_number;
    BRINE_CHECK_THROWS_CODE(bt::linear_regression(good_X(), Y), Errc::invalid_argument,
                            "y has a non-finite value (nan) at row 3, column 1");
}

TEST_CASE("classifiers refuse a single class") {
    const Eigen::VectorXd y = Eigen::VectorXd::Constant(4, 2.0);
    BRINE_CHECK_THROWS_CODE(
        bt::logistic_regression(good_X(), y), Errc::invalid_argument,
        "logistic_regression: y holds a single class (2); a classifier needs at least 2 classes");
    BRINE_CHECK_THROWS_CODE(bt::decision_tree_classifier(good_X(), y), Errc::invalid_argument,
                            "decision_tree_classifier: y holds a single class (2)");
}

TEST_CASE("training refuses invalid options") {
    bt::LinearOptions lin;
    lin.l2 = -0.5;
    BRINE_CHECK_THROWS_CODE(bt::linear_regression(good_X(), good_y(), lin), Errc::invalid_argument,
                            "linear_regression: l2 must be finite and >= 0, is -0.5");
    lin.l2 = not_a_number;
    BRINE_CHECK_THROWS_CODE(bt::linear_regression(good_X(), good_y(), lin), Errc::invalid_argument,
                            "l2 must be finite and >= 0, is nan");

    bt::LogisticOptions lo;
    lo.C = 0;
    BRINE_CHECK_THROWS_CODE(bt::logistic_regression(good_X(), good_y(), lo), Errc::invalid_argument,
                            "logistic_regression: C must be finite and > 0, is 0");
    lo = {};
    lo.tol = -1;
    BRINE_CHECK_THROWS_CODE(bt::logistic_regression(good_X(), good_y(), lo), Errc::invalid_argument,
                            "tol must be finite and >= 0, is -1");
    lo = {};
    lo.max_iter = 0;
    BRINE_CHECK_THROWS_CODE(bt::logistic_regression(good_X(), good_y(), lo), Errc::invalid_argument,
                            "max_iter must be >= 1, is 0");

    bt::TreeOptions to;
    to.max_depth = 0;
    BRINE_CHECK_THROWS_CODE(bt::decision_tree_classifier(good_X(), good_y(), to),
                            Errc::invalid_argument,
                            "decision_tree_classifier: max_depth must be >= 1 when set, is 0");
    to = {};
    to.min_samples_split = 1;
    BRINE_CHECK_THROWS_CODE(bt::decision_tree_regressor(good_X(), good_y(), to),
                            Errc::invalid_argument,
                            "decision_tree_regressor: min_samples_split must be >= 2, is 1");
    to = {};
    to.min_samples_leaf = 0;
    BRINE_CHECK_THROWS_CODE(bt::decision_tree_regressor(good_X(), good_y(), to),
                            Errc::invalid_argument, "min_samples_leaf must be >= 1, is 0");

    bt::MinMaxScalerOptions mo;
    mo.feature_range = {1.0, 1.0};
    BRINE_CHECK_THROWS_CODE(
        bt::min_max_scaler(good_X(), mo), Errc::invalid_argument,
        "min_max_scaler: feature_range must be finite with min < max, is (1, 1)");

    // A pipeline validates every part's options before fitting anything.
    BRINE_CHECK_THROWS_CODE(
        bt::pipeline(good_X(), good_y(), {bt::StandardScalerOptions{}, mo}, bt::LogisticOptions{}),
        Errc::invalid_argument, "min_max_scaler: feature_range must be finite");
    BRINE_CHECK_THROWS_CODE(bt::pipeline(good_X(), good_y(), {}, bt::TreeClassifierOptions{to}),
                            Errc::invalid_argument,
                            "decision_tree_classifier: min_samples_leaf must be >= 1");
}
