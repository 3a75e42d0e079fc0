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

/// tree_classifier() in scikit-learn >= 1.3's semantics (schema version 2): float32 `<=` and a
/// default direction for missing values at each node.
inline brine::DecisionTree tree_classifier_missing() {
    brine::DecisionTree t = tree_classifier();
    t.compare = brine::TreeCompare::float32_le;
    t.threshold(0) = 0.1;  // no float32 value: float32 inputs next to it go by the float32 rule
    t.default_left.resize(5);
    t.default_left << 0, 0, 1, 0, 0;
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

inline brine::IndexVector columns(std::initializer_list<std::int32_t> values) {
    brine::IndexVector v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (std::int32_t x : values) v(i++) = x;
    return v;
}

/// Five inputs, six outputs: a two-step chain over columns 2 and 0 (in that order), a copy of
/// column 0, a nested ColumnTransformer over columns 1 and 3, column 3 dropped again, and a scaled
/// remainder (column 4).
///   out = [(x2 - 1) / 2 / 0.5, (x0 + 1) / 4 / 8, x0, x3 * 2 + 0.5, x1, (x4 - 0) / 2]
inline brine::ColumnTransformer column_transformer() {
    using A = brine::ColumnBranch::Action;
    brine::ColumnTransformer inner;
    inner.n_features_in = 2;
    inner.branches.push_back(
        {"mm", columns({1}), A::steps, {brine::MinMaxScaler(vec({2}), vec({0.5}))}});
    inner.remainder = {"remainder", columns({0}), A::passthrough, {}};
    brine::ColumnTransformer ct;
    ct.n_features_in = 5;
    ct.branches.push_back(
        {"scaled",
         columns({2, 0}),
         A::steps,
         {brine::StandardScaler(vec({1, -1}), vec({2, 4})), brine::MaxAbsScaler(vec({0.5, 8}))}});
    ct.branches.push_back({"copy", columns({0}), A::passthrough, {}});
    ct.branches.push_back({"nested", columns({1, 3}), A::steps, {inner}});
    ct.branches.push_back({"gone", columns({3}), A::drop, {}});
    ct.remainder = {
        "remainder", columns({4}), A::steps, {brine::StandardScaler(vec({0}), vec({2}))}};
    return ct;
}

/// column_transformer() then a 3-class logistic regression on its six outputs.
inline brine::Pipeline pipeline_column_transformer() {
    brine::RowMatrix coef(3, 6);
    coef << 1, 0, 0.5, -1, 0, 0.25, 0, 1, -0.5, 0, 1, 0, -1, -1, 0, 1, -1, -0.25;
    Eigen::VectorXd b(3), classes(3);
    b << 0, 0.5, -0.5;
    classes << 0, 1, 2;
    return brine::Pipeline({column_transformer()}, brine::LogisticRegression(coef, b, classes));
}

/// Integer vectors (IndexVector) from a list.
inline brine::IndexVector ivec(std::initializer_list<std::int32_t> values) {
    brine::IndexVector v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (auto x : values) v(i++) = x;
    return v;
}

/// The value at (i, j) of rows(n) below, so that encoders can know the rows' values exactly.
/// One operation per statement: clang contracts a multiply and an add of one expression into a
/// fused multiply-add when it folds constants (-ffp-contract=on), which would give these values
/// other bits in a clang build than in rows() and in the golden files written by g++.
inline double row_value(Eigen::Index i, Eigen::Index j) {
    const double a = 0.7 * static_cast<double>(i);
    const double b = 1.3 * static_cast<double>(j);
    const double d = a - b;
    return d + 0.05;
}

/// Two features, handle_unknown error, nothing dropped: feature 0 knows the four values of rows(2)
/// in column 0 and NaN; feature 1 knows those of column 1.
inline brine::OneHotEncoder one_hot_encoder() {
    return brine::OneHotEncoder(
        vec({row_value(0, 0), row_value(1, 0), row_value(2, 0), row_value(3, 0),
             std::numeric_limits<double>::quiet_NaN(), row_value(0, 1), row_value(1, 1),
             row_value(2, 1), row_value(3, 1)}),
        ivec({5, 4}), brine::IndexVector(), brine::HandleUnknown::error);
}

/// Three features, handle_unknown ignore, with drop: a binary feature dropping its first category
/// (if_binary), one dropping none, one dropping its second; rows(3) holds unknowns in every column.
inline brine::OneHotEncoder one_hot_encoder_drop() {
    return brine::OneHotEncoder(
        vec({row_value(0, 0), row_value(3, 0), row_value(1, 1), 7.0,
             std::numeric_limits<double>::quiet_NaN(), row_value(1, 2), row_value(3, 2), -0.0}),
        ivec({2, 3, 3}), ivec({0, -1, 1}), brine::HandleUnknown::ignore);
}

/// Ensemble nodes from per-node lists: left, right, feature, threshold, default_left; leaves -1/-2.
inline void ensemble_nodes(brine::TreeEnsemble& e, std::initializer_list<std::int32_t> left,
                           std::initializer_list<std::int32_t> right,
                           std::initializer_list<std::int32_t> feature,
                           std::initializer_list<double> threshold,
                           std::initializer_list<int> default_left) {
    const auto n = static_cast<Eigen::Index>(left.size());
    e.children_left.resize(n);
    e.children_right.resize(n);
    e.feature.resize(n);
    e.threshold = vec(threshold);
    e.default_left.resize(n);
    Eigen::Index i = 0;
    for (auto v : left) e.children_left(i++) = v;
    i = 0;
    for (auto v : right) e.children_right(i++) = v;
    i = 0;
    for (auto v : feature) e.feature(i++) = v;
    i = 0;
    for (auto v : default_left) e.default_left(i++) = static_cast<std::uint8_t>(v);
}

/// A forest classifier over 2 features and 3 classes, two trees averaged (scikit-learn's layout:
/// float32 input, `<=`): tree 0 splits x1 at 0.5 then x0 at -2; tree 1 is a stump on x0 at 0.1
/// (not a float32 value).
inline brine::TreeEnsemble ensemble_forest() {
    brine::TreeEnsemble e;
    e.task = brine::TreeEnsemble::Task::classification;
    e.n_features_in = 2;
    e.compare = brine::TreeEnsemble::Compare::float32_le;
    e.aggregation = brine::TreeEnsemble::Aggregation::average;
    e.link = brine::TreeEnsemble::Link::identity;
    e.tree_offsets.resize(3);
    e.tree_offsets << 0, 5, 8;
    e.tree_output.setZero(2);
    ensemble_nodes(e, {1, -1, 3, -1, -1, 1, -1, -1}, {2, -1, 4, -1, -1, 2, -1, -1},
                   {1, -2, 0, -2, -2, 0, -2, -2}, {0.5, -2, -2.0, -2, -2, 0.1, -2, -2},
                   {0, 0, 1, 0, 0, 1, 0, 0});
    e.value.resize(8, 3);
    e.value << 0, 0, 0, 1, 0, 0, 0, 0, 0, 0.25, 0.75, 0, 0, 0.5, 0.5,  //
        0, 0, 0, 0.1, 0.2, 0.7, 1.0 / 3, 1.0 / 3, 1.0 / 3;
    e.base_score.setZero(3);
    e.classes = vec({-1, 0, 2.5});
    return e;
}

/// A boosted binary classifier in XGBoost's layout (float32 `<`, float32 sums, logistic link):
/// three trees over 3 features, missing values learned left and right.
inline brine::TreeEnsemble ensemble_boosted_binary() {
    brine::TreeEnsemble e;
    e.task = brine::TreeEnsemble::Task::classification;
    e.n_features_in = 3;
    e.compare = brine::TreeEnsemble::Compare::float32_lt;
    e.accumulation = brine::TreeEnsemble::Accumulation::float32;
    e.link = brine::TreeEnsemble::Link::logistic;
    e.tree_offsets.resize(4);
    e.tree_offsets << 0, 3, 8, 9;
    e.tree_output.setZero(3);
    ensemble_nodes(e, {1, -1, -1, 1, 3, -1, -1, -1, -1}, {2, -1, -1, 2, 4, -1, -1, -1, -1},
                   {2, -2, -2, 0, 1, -2, -2, -2, -2}, {0.25, -2, -2, -1.5, 3.0, -2, -2, -2, -2},
                   {1, 0, 0, 0, 1, 0, 0, 0, 0});
    e.value.resize(9, 1);
    e.value << 0, -0.375, 0.5, 0, 0, 0.125, -0.0625, 0.25, 0.03125;
    e.base_score = vec({-0.5});
    e.classes = vec({0, 1});
    return e;
}

/// A boosted regressor in scikit-learn's layout (float32 input, `<=`, double sums), two stumps.
inline brine::TreeEnsemble ensemble_regressor() {
    brine::TreeEnsemble e;
    e.task = brine::TreeEnsemble::Task::regression;
    e.n_features_in = 2;
    e.compare = brine::TreeEnsemble::Compare::float32_le;
    e.tree_offsets.resize(3);
    e.tree_offsets << 0, 3, 6;
    e.tree_output.setZero(2);
    ensemble_nodes(e, {1, -1, -1, 1, -1, -1}, {2, -1, -1, 2, -1, -1}, {0, -2, -2, 1, -2, -2},
                   {0.3, -2, -2, -0.7, -2, -2}, {0, 0, 0, 1, 0, 0});
    e.value.resize(6, 1);
    e.value << 0, 0.1 * 1.5, 0.1 * -2.25, 0, 1e-300, -0.0;
    e.base_score = vec({152.13348416289594});
    return e;
}

/// A forest regressor whose node arrays need two bytes a value in tree_ensemble schema 2: tree 0
/// is a chain of 150 splits (301 nodes: split k at 2k, its left leaf at 2k + 1, the next split
/// at 2k + 2), tree 1 a stump; 304 default_left flags (not a multiple of 8). Every value is
/// exact in binary (one operation each), so every compiler builds the same bits.
inline brine::TreeEnsemble ensemble_wide() {
    brine::TreeEnsemble e;
    e.task = brine::TreeEnsemble::Task::regression;
    e.n_features_in = 3;
    e.compare = brine::TreeEnsemble::Compare::float32_le;
    e.aggregation = brine::TreeEnsemble::Aggregation::average;
    const std::int32_t splits = 150, chain = 2 * splits + 1, n = chain + 3;
    e.tree_offsets.resize(3);
    e.tree_offsets << 0, chain, n;
    e.tree_output.setZero(2);
    e.children_left.resize(n);
    e.children_right.resize(n);
    e.feature.resize(n);
    e.threshold.resize(n);
    e.default_left.resize(n);
    e.value.resize(n, 1);
    for (std::int32_t i = 0; i < n; ++i) {
        const bool split = i < chain ? (i % 2 == 0 && i < chain - 1) : i == chain;
        const std::int32_t local = i < chain ? i : i - chain;
        e.children_left(i) = split ? local + 1 : -1;
        e.children_right(i) = split ? local + 2 : -1;
        e.feature(i) = split ? (i / 2) % 3 : -2;
        e.threshold(i) = split ? static_cast<double>(i / 2 - 75) / 64.0 : -2.0;
        e.default_left(i) = static_cast<std::uint8_t>(split && (i / 2) % 3 == 1);
        e.value(i, 0) = split ? 0.0 : static_cast<double>(i) * 0.5;
    }
    e.base_score = vec({0.0});
    return e;
}

/// A mean imputer of 3 features with NaN as the marker: feature 1 was all missing at fit
/// (dropped), features 1 and 2 get indicator columns. Output: 4 columns.
inline brine::SimpleImputer simple_imputer() {
    brine::IndexVector ind(2);
    ind << 1, 2;
    return brine::SimpleImputer(
        brine::ImputeStrategy::mean, std::numeric_limits<double>::quiet_NaN(),
        vec({0.25, std::numeric_limits<double>::quiet_NaN(), -3.5}), true, ind);
}

/// A constant imputer of 2 features with the number -1 as the marker, no indicator.
inline brine::SimpleImputer simple_imputer_marker() {
    return brine::SimpleImputer(brine::ImputeStrategy::constant, -1.0, vec({7.5, 7.5}));
}

/// Rows to predict with, for a model of `n_features` features.
inline Eigen::MatrixXd rows(Eigen::Index n_features) {
    Eigen::MatrixXd X(4, n_features);
    for (Eigen::Index i = 0; i < 4; ++i) {
        for (Eigen::Index j = 0; j < n_features; ++j) X(i, j) = row_value(i, j);
    }
    return X;
}

}  // namespace fixtures
