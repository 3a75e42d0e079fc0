// Small hand-built models of every kind, for serialization and file tests. The golden files in
// tests/data/golden were written from these: never change an existing fixture, add new ones.
// SPDX-License-Identifier: MIT
#pragma once

#include <brine/models.hpp>

#include <cmath>
#include <initializer_list>
#include <limits>

namespace fixtures {

/// A vector from a list (element by element: Eigen's comma initializer trips a false
/// -Wmaybe-uninitialized in g++ 12 at -O1 and above).
inline Eigen::VectorXd vec(std::initializer_list<double> values) {
    Eigen::VectorXd v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (double x : values) v(i++) = x;
    return v;
}

inline brine::LinearRegression linear() {
    Eigen::VectorXd coef(3);
    // Values chosen to exercise exact round trips: a non-representable decimal, a subnormal, -0.0.
    coef << 0.1, 5e-324, -0.0;
    return brine::LinearRegression(coef, -1.0 / 3.0);
}

inline brine::LinearRegression linear_multi() {
    brine::RowMatrix coef(2, 3);
    coef << 1, 2, 3, -4, 5.5, 1e300;
    Eigen::VectorXd b(2);
    b << 0.25, -7;
    return brine::LinearRegression(coef, b);
}

inline brine::LogisticRegression logistic_binary() {
    brine::RowMatrix coef(1, 2);
    coef << 1.5, -0.75;
    Eigen::VectorXd b(1), classes(2);
    b << 0.125;
    classes << -1, 1;
    return brine::LogisticRegression(coef, b, classes);
}

inline brine::LogisticRegression logistic_multi() {
    brine::RowMatrix coef(3, 2);
    coef << 1, 0, 0, 1, -1, -1;
    Eigen::VectorXd b(3), classes(3);
    b << 0, 0.5, -0.5;
    classes << 0, 1, 2;
    return brine::LogisticRegression(coef, b, classes);
}

/// Root splits on feature 1 at 0.5; left leaf, right child splits on feature 0 at -2.
inline brine::DecisionTree tree_classifier() {
    brine::DecisionTree t;
    t.task = brine::DecisionTree::Task::classification;
    t.n_features_in = 2;
    t.children_left.resize(5);
    t.children_right.resize(5);
    t.feature.resize(5);
    t.threshold.resize(5);
    t.children_left << 1, -1, 3, -1, -1;
    t.children_right << 2, -1, 4, -1, -1;
    t.feature << 1, -2, 0, -2, -2;
    t.threshold << 0.5, -2, -2.0, -2, -2;
    t.value.resize(5, 2);
    t.value << 0.5, 0.5, 1, 0, 0.25, 0.75, 0, 1, 0.5, 0.5;
    t.classes.resize(2);
    t.classes << 3, 7;
    return t;
}

inline brine::DecisionTree tree_regressor() {
    brine::DecisionTree t;
    t.task = brine::DecisionTree::Task::regression;
    t.n_features_in = 1;
    t.children_left.resize(3);
    t.children_right.resize(3);
    t.feature.resize(3);
    t.threshold.resize(3);
    t.children_left << 1, -1, -1;
    t.children_right << 2, -1, -1;
    t.feature << 0, -2, -2;
    t.threshold << std::numeric_limits<double>::infinity(), -2, -2;  // +inf is a legal threshold
    t.value.resize(3, 1);
    t.value << 2.5, -1e-310, 1e10;
    return t;
}

inline brine::StandardScaler standard_scaler() {
    return brine::StandardScaler(vec({1, -2}), vec({0.5, 3}));
}

inline brine::MinMaxScaler min_max_scaler() {
    return brine::MinMaxScaler(vec({2, 0.1}), vec({-1, 0.3}));
}

inline brine::Pipeline pipeline_classifier() {
    return brine::Pipeline({standard_scaler(), min_max_scaler()}, logistic_multi());
}

inline brine::Pipeline pipeline_tree() { return brine::Pipeline({}, tree_classifier()); }

/// logistic_multi's coefficients with one-vs-rest probabilities (schema version 2).
inline brine::LogisticRegression logistic_ovr() {
    brine::LogisticRegression m = logistic_multi();
    m.multi_class = brine::LogisticRegression::MultiClass::ovr;
    return m;
}

inline brine::MaxAbsScaler max_abs_scaler() { return brine::MaxAbsScaler(vec({4, 0.25})); }

inline brine::RobustScaler robust_scaler() {
    return brine::RobustScaler(2, vec({1.5, -3}), vec({2, 0.5}));
}

/// Fitted with with_centering=False: no center at all.
inline brine::RobustScaler robust_scaler_no_centering() {
    return brine::RobustScaler(2, Eigen::VectorXd(), vec({2, 0.5}));
}

inline brine::Pipeline pipeline_robust() {
    return brine::Pipeline({max_abs_scaler(), robust_scaler_no_centering(), robust_scaler()},
                           logistic_multi());
}

/// Rows to predict with, for a model of `n_features` features.
inline Eigen::MatrixXd rows(Eigen::Index n_features) {
    Eigen::MatrixXd X(4, n_features);
    for (Eigen::Index i = 0; i < 4; ++i) {
        for (Eigen::Index j = 0; j < n_features; ++j)
            X(i, j) = 0.7 * static_cast<double>(i) - 1.3 * static_cast<double>(j) + 0.05;
    }
    return X;
}

}  // namespace fixtures
