// The worst valid files for each product of sizes a load computes (reference rows x a model's
// cost), built at a chosen size, for the bounded-load tests and the load-cost measurement.
// SPDX-License-Identifier: MIT
#pragma once

#include <brine/brine.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace worst {

/// A file for `m` with a hand-made reference block (brine::save refuses references whose check
/// would be too costly, so these are what another writer could produce).
template <class Model>
std::string with_reference(const Model& m, brine::Reference r,
                           brine::Format f = brine::Format::binary) {
    brine::SaveOptions o;
    o.created = "2026-01-01T00:00:00Z";
    brine::detail::Header h = brine::detail::make_header(m, o);
    r.build = brine::detail::current_build();
    h.reference = std::move(r);
    if (f == brine::Format::json) return brine::detail::encode_json(m, h);
    brine::detail::ByteBuffer b;
    brine::detail::encode_binary(b, m, h);
    return std::string(b.view());
}

/// A reference block of `rows` rows of `cols` inputs (deterministic values in [-1, 1]) with the
/// outputs the model gives for them.
template <class Model>
brine::Reference reference_for(const Model& m, Eigen::Index rows) {
    brine::Reference r;
    r.inputs.resize(rows, m.n_features());
    for (Eigen::Index i = 0; i < r.inputs.size(); ++i)
        r.inputs.data()[i] = static_cast<double>((i * 7919) % 2001) / 1000.0 - 1.0;
    r.outputs = brine::detail::reference_outputs(m, Eigen::MatrixXd(r.inputs));
    r.tolerance = 1e-9;
    return r;
}

/// A regression tree of one feature that is a chain: node 2k splits, its left child 2k+1 is a
/// leaf and its right child 2k+2 goes on; depth `depth`, 2 depth + 1 nodes. Every input greater
/// than all thresholds walks the whole chain.
inline brine::DecisionTree chain_tree(std::int32_t depth) {
    brine::DecisionTree t;
    t.task = brine::DecisionTree::Task::regression;
    t.n_features_in = 1;
    const std::int32_t n = 2 * depth + 1;
    t.children_left.setConstant(n, brine::DecisionTree::leaf);
    t.children_right.setConstant(n, brine::DecisionTree::leaf);
    t.feature.setConstant(n, -2);
    t.threshold.setConstant(n, -2);
    t.value.resize(n, 1);
    for (std::int32_t i = 0; i < n; ++i) t.value(i, 0) = i;
    for (std::int32_t k = 0; k < depth; ++k) {
        t.children_left(2 * k) = 2 * k + 1;
        t.children_right(2 * k) = 2 * k + 2;
        t.feature(2 * k) = 0;
        t.threshold(2 * k) = -2.0 - k;  // inputs are >= -1: every walk goes right to the end
    }
    return t;
}

/// A pipeline of `steps` standard scalers of width `width`, then a linear regression.
inline brine::Pipeline long_pipeline(Eigen::Index steps, Eigen::Index width) {
    std::vector<brine::Transform> s;
    for (Eigen::Index i = 0; i < steps; ++i)
        s.emplace_back(brine::StandardScaler(Eigen::VectorXd::Constant(width, 0.001),
                                             Eigen::VectorXd::Constant(width, 1.001)));
    return brine::Pipeline(std::move(s),
                           brine::LinearRegression(Eigen::VectorXd::LinSpaced(width, -1, 1), 0.5));
}

/// A multinomial logistic regression with `classes` classes over `features` features.
inline brine::LogisticRegression wide_logistic(Eigen::Index classes, Eigen::Index features) {
    brine::LogisticRegression m;
    m.coef.resize(classes, features);
    for (Eigen::Index i = 0; i < m.coef.size(); ++i)
        m.coef.data()[i] = static_cast<double>((i * 104729) % 2001) / 10000.0 - 0.1;
    m.intercept = Eigen::VectorXd::LinSpaced(classes, -0.5, 0.5);
    m.classes = Eigen::VectorXd::LinSpaced(classes, 0, static_cast<double>(classes - 1));
    return m;
}

/// A regression ensemble over one feature of `trees` trees, each a chain of depth `depth` (as
/// chain_tree: every input >= -1 walks the whole chain), summed: rows x trees x depth per check.
inline brine::TreeEnsemble chain_forest(Eigen::Index trees, std::int32_t depth) {
    brine::TreeEnsemble e;
    e.task = brine::TreeEnsemble::Task::regression;
    e.n_features_in = 1;
    const Eigen::Index per_tree = 2 * Eigen::Index{depth} + 1, n = trees * per_tree;
    e.tree_offsets.resize(trees + 1);
    for (Eigen::Index t = 0; t <= trees; ++t)
        e.tree_offsets(t) = static_cast<std::int32_t>(t * per_tree);
    e.tree_output.setZero(trees);
    e.children_left.setConstant(n, brine::TreeEnsemble::leaf);
    e.children_right.setConstant(n, brine::TreeEnsemble::leaf);
    e.feature.setConstant(n, -2);
    e.threshold.setConstant(n, -2);
    e.default_left.setZero(n);
    e.value.resize(n, 1);
    for (Eigen::Index t = 0; t < trees; ++t) {
        const Eigen::Index first = t * per_tree;
        for (Eigen::Index i = 0; i < per_tree; ++i)
            e.value(first + i, 0) = static_cast<double>((t + i) % 7) / 8.0;
        for (std::int32_t k = 0; k < depth; ++k) {
            e.children_left(first + 2 * k) = 2 * k + 1;
            e.children_right(first + 2 * k) = 2 * k + 2;
            e.feature(first + 2 * k) = 0;
            e.threshold(first + 2 * k) = -2.0 - k;
        }
    }
    e.base_score.setZero(1);
    return e;
}

/// A linear regression over `width` features (coefficients in [-1, 1]).
inline brine::LinearRegression wide_linear(Eigen::Index width) {
    return brine::LinearRegression(Eigen::VectorXd::LinSpaced(width, -1, 1), 0.5);
}

/// A one-hot encoder of one feature with `k` categories (0, 1/k, ..., unknowns ignored), then a
/// linear regression over its k outputs: rows x k per check, one output per row.
inline brine::Pipeline one_hot_pipeline(Eigen::Index k) {
    brine::IndexVector n_categories(1);
    n_categories(0) = static_cast<std::int32_t>(k);
    brine::OneHotEncoder enc(Eigen::VectorXd::LinSpaced(k, -1, 1), n_categories,
                             brine::IndexVector(), brine::HandleUnknown::ignore);
    return brine::Pipeline({std::move(enc)}, wide_linear(k));
}

/// A mean imputer of `n` features with an indicator column for each, then a linear regression
/// over its 2 n outputs.
inline brine::Pipeline imputer_pipeline(Eigen::Index n) {
    brine::IndexVector all(n);
    for (Eigen::Index j = 0; j < n; ++j) all(j) = static_cast<std::int32_t>(j);
    brine::SimpleImputer imp(brine::ImputeStrategy::mean, std::numeric_limits<double>::quiet_NaN(),
                             Eigen::VectorXd::Constant(n, 0.5), true, all);
    return brine::Pipeline({std::move(imp)}, wide_linear(2 * n));
}

/// A ColumnTransformer over one input column whose one branch passes that column through `k`
/// times (a column list of k repeats), then a linear regression over the k copies: rows x k per
/// check from a file of one input per row.
inline brine::Pipeline column_pipeline(Eigen::Index k) {
    brine::ColumnTransformer ct;
    ct.n_features_in = 1;
    ct.branches.push_back(
        {"copies", brine::IndexVector::Zero(k), brine::ColumnBranch::Action::passthrough, {}});
    ct.remainder = {"remainder", brine::IndexVector(), brine::ColumnBranch::Action::drop, {}};
    return brine::Pipeline({std::move(ct)}, wide_linear(k));
}

/// The most reference rows whose check fits the budget of `o` for model m: the worst file that
/// is accepted. W(rows) = rows x per_row <= base + per_element x (E + rows x (f + o)).
template <class Model>
Eigen::Index most_rows(const Model& m, const brine::LoadOptions& o) {
    const auto per_row = brine::detail::reference_work(m, 1);
    const auto per_row_values =
        static_cast<std::uint64_t>(m.n_features() + brine::detail::reference_width(m));
    const auto room =
        o.reference_work_base + o.reference_work_per_element * brine::detail::model_elements(m);
    const auto net = per_row - std::min(per_row, o.reference_work_per_element * per_row_values);
    return net == 0 ? 1 << 20 : static_cast<Eigen::Index>(room / net);
}

/// A file of `m` with `rows` reference rows whose outputs are a constant of the model's shape
/// (not what the model gives: loads that compute them end with reference_mismatch, loads that
/// bound the work first refuse them with limit_exceeded before computing anything).
template <class Model>
std::string with_unchecked_rows(const Model& m, Eigen::Index rows) {
    brine::Reference r;
    r.inputs.resize(rows, m.n_features());
    for (Eigen::Index i = 0; i < r.inputs.size(); ++i)
        r.inputs.data()[i] = static_cast<double>((i * 7919) % 2001) / 1000.0 - 1.0;
    r.outputs = brine::RowMatrix::Constant(rows, brine::detail::reference_width(m), 0.5);
    r.tolerance = 1e-9;
    return with_reference(m, r);
}

/// One worst file of a product class at size parameter n (the file grows linearly with n).
struct File {
    std::string name;
    std::string bytes;
};

/// Reference rows x tree depth: a chain of depth n walked by n rows.
inline File tree_rows_x_depth(std::int32_t n) {
    const brine::DecisionTree t = chain_tree(n);
    brine::Reference r;
    r.inputs = brine::RowMatrix::Constant(n, 1, 0.5);
    r.outputs = brine::RowMatrix::Constant(n, 1, 2.0 * n);  // the chain's last leaf
    r.tolerance = 1e-9;
    return {"tree: rows x depth", with_reference(t, r)};
}

/// Reference rows x pipeline steps: n steps of width 4 and n rows.
inline File pipeline_rows_x_steps(Eigen::Index n) {
    const brine::Pipeline p = long_pipeline(n, 4);
    brine::Reference r;
    r.inputs = brine::RowMatrix::Constant(n, 4, 0.25);
    r.outputs = brine::RowMatrix::Constant(n, 1, 0.5);  // never compared: refused before
    r.tolerance = 1e-9;
    return {"pipeline: rows x steps", with_reference(p, r)};
}

/// Reference rows x classes x features: all three equal to n (file ~ 3 n^2 values, work n^3).
inline File logistic_rows_x_coef(Eigen::Index n) {
    const brine::LogisticRegression m = wide_logistic(n, n);
    brine::Reference r;
    r.inputs = brine::RowMatrix::Constant(n, n, 0.25);
    r.outputs = brine::RowMatrix::Constant(n, n, 1.0 / static_cast<double>(n));
    r.tolerance = 1e-9;
    return {"logistic: rows x classes x features", with_reference(m, r)};
}

/// Stored outputs of the wrong shape (n x 0) for n rows of a model with n x 1024 outputs: refused
/// before anything is computed.
inline File logistic_outputs_n_by_0(Eigen::Index n) {
    const brine::LogisticRegression m = wide_logistic(1024, 1);
    brine::Reference r;
    r.inputs = brine::RowMatrix::Constant(n, 1, 0.25);
    r.outputs.resize(n, 0);
    r.tolerance = 1e-9;
    return {"logistic: n x 0 stored outputs", with_reference(m, r)};
}

}  // namespace worst
