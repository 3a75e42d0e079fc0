// The cost model of a load: how much work the reference check of a model does, bounded before it
// runs by the size of what the file holds.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "brine/models/any_model.hpp"

namespace brine::detail {

/// Saturating a + b and a * b for costs: a cost that overflows is "too much", never a small number.
inline std::uint64_t cost_add(std::uint64_t a, std::uint64_t b) noexcept {
    const std::uint64_t s = a + b;
    return s < a ? UINT64_MAX : s;
}
inline std::uint64_t cost_mul(std::uint64_t a, std::uint64_t b) noexcept {
    std::uint64_t p = 0;
    return __builtin_mul_overflow(a, b, &p) ? UINT64_MAX : p;
}
inline std::uint64_t count(Eigen::Index n) noexcept {
    return n < 0 ? 0 : static_cast<std::uint64_t>(n);
}

/// E(m): the number of parameter values a model holds. Every one of them is at least one byte of
/// the file in either encoding, so E(m) is at most the file's size.
inline std::uint64_t model_elements(const StandardScaler& m) {
    return cost_add(count(m.mean.size()), count(m.scale.size()));
}
inline std::uint64_t model_elements(const MinMaxScaler& m) {
    return cost_add(count(m.scale.size()), count(m.min.size()));
}
inline std::uint64_t model_elements(const MaxAbsScaler& m) { return count(m.scale.size()); }
inline std::uint64_t model_elements(const RobustScaler& m) {
    return cost_add(count(m.center.size()), count(m.scale.size()));
}
inline std::uint64_t model_elements(const SimpleImputer& m) {
    return cost_add(count(m.statistics.size()), count(m.indicator_features.size()));
}
inline std::uint64_t model_elements(const OneHotEncoder& m) {
    return cost_add(cost_add(count(m.categories.size()), count(m.n_categories.size())),
                    count(m.drop_idx.size()));
}
inline std::uint64_t model_elements(const LinearRegression& m) {
    return cost_add(count(m.coef.size()), count(m.intercept.size()));
}
inline std::uint64_t model_elements(const LogisticRegression& m) {
    return cost_add(cost_add(count(m.coef.size()), count(m.intercept.size())),
                    count(m.classes.size()));
}
inline std::uint64_t model_elements(const DecisionTree& m) {
    // children_left, children_right, feature and threshold: four values per node.
    return cost_add(cost_add(cost_mul(4, count(m.n_nodes())), count(m.value.size())),
                    count(m.classes.size()));
}
inline std::uint64_t model_elements(const TreeEnsemble& m) {
    // children_left, children_right, feature, threshold and default_left: five values per node.
    std::uint64_t e = cost_add(cost_mul(5, count(m.n_nodes())), count(m.value.size()));
    e = cost_add(e, cost_add(count(m.tree_offsets.size()), count(m.tree_output.size())));
    return cost_add(e, cost_add(count(m.base_score.size()), count(m.classes.size())));
}
template <class = void>
std::uint64_t model_elements(const ColumnTransformer& m);
/// A chain of steps: the sum of its steps'.
template <class = void>
std::uint64_t model_elements(const std::vector<Transform>& steps) {
    std::uint64_t e = 0;
    for (const auto& s : steps)
        e = cost_add(e, std::visit([](const auto& x) { return model_elements(x); }, s));
    return e;
}
/// A ColumnTransformer: one per branch and per column index, plus its chains' elements.
template <class>
std::uint64_t model_elements(const ColumnTransformer& m) {
    std::uint64_t e = 1;
    detail::for_each_branch(m, [&](const ColumnBranch& b, const std::string&) {
        e = cost_add(e, cost_add(1 + count(b.columns.size()), model_elements(b.steps)));
    });
    return e;
}
template <class = void>
std::uint64_t model_elements(const Pipeline& m) {
    std::uint64_t e = std::visit([](const auto& x) { return model_elements(x); }, m.estimator);
    for (const auto& s : m.steps)
        e = cost_add(e, std::visit([](const auto& x) { return model_elements(x); }, s));
    return e;
}
template <class = void>
std::uint64_t model_elements(const AnyModel& m) {
    return std::visit([](const auto& x) { return model_elements(x); }, m.variant());
}

/// C(m): operations to compute one row's reference outputs and their rounding bounds (a
/// multiply-add, a comparison or one step down a tree each count 1). Requires a valid model.
///  - scalers: 2 w (value and bound per feature);
///  - simple imputer: 2 n_features (test and copy per feature) + the indicator columns;
///  - linear and logistic regression: 2 (n_features + 1) per row of coef (value and bound), plus
///    n_classes for the probabilities;
///  - decision tree: 2 (depth + 1) node visits (the walk, and the rounding bound's walk behind a
///    pipeline's transforms), plus the width of a leaf's value;
///  - tree ensemble: per tree, 2 (depth + 1) node visits and the width of a leaf's value, plus
///    2 n_scores + n_classes for the aggregation and the link;
///  - column transformer: per branch, 1 + its column count (the gather or copy) plus its chain's
///    costs;
///  - one-hot encoder: the output width (its zeros) plus, per feature, the steps of a binary
///    search over its k categories (the bit length of k), at most 2 per category: linear in E(m);
///  - pipeline: the sum over its steps and estimator.
inline std::uint64_t row_cost(const StandardScaler& m) {
    return cost_mul(2, count(m.n_features()));
}
inline std::uint64_t row_cost(const MinMaxScaler& m) { return cost_mul(2, count(m.n_features())); }
inline std::uint64_t row_cost(const MaxAbsScaler& m) { return cost_mul(2, count(m.n_features())); }
inline std::uint64_t row_cost(const RobustScaler& m) { return cost_mul(2, count(m.n_features())); }
inline std::uint64_t row_cost(const SimpleImputer& m) {
    return cost_add(cost_mul(2, count(m.n_features())), count(m.indicator_features.size()));
}
inline std::uint64_t row_cost(const OneHotEncoder& m) {
    std::uint64_t c = count(m.n_features_out());
    for (Eigen::Index j = 0; j < m.n_categories.size(); ++j) {
        std::uint64_t steps = 1;
        for (std::uint64_t k = count(m.n_categories(j)); k > 1; k >>= 1) ++steps;
        c = cost_add(c, steps);
    }
    return c;
}
inline std::uint64_t row_cost(const LinearRegression& m) {
    return cost_mul(cost_mul(2, count(m.coef.rows())), cost_add(count(m.n_features()), 1));
}
inline std::uint64_t row_cost(const LogisticRegression& m) {
    return cost_add(cost_mul(cost_mul(2, count(m.coef.rows())), cost_add(count(m.n_features()), 1)),
                    count(m.n_classes()));
}
inline std::uint64_t row_cost(const DecisionTree& m) {
    // One walk for the output, one more behind a pipeline's transforms (for the rounding bound).
    return cost_add(cost_mul(2, cost_add(static_cast<std::uint64_t>(m.depth()), 1)),
                    count(m.value.cols()));
}
inline std::uint64_t row_cost(const TreeEnsemble& m) {
    // Depths from the node arrays in one pass (children come after their parent in each tree):
    // time and memory linear in the nodes, which the file holds.
    std::vector<std::int32_t> depth(static_cast<std::size_t>(m.n_nodes()), 0);
    std::uint64_t c = cost_add(cost_mul(2, count(m.n_scores())), count(m.n_classes()));
    for (Eigen::Index t = 0; t < m.n_trees(); ++t) {
        const Eigen::Index first = m.tree_offsets(t), size = m.tree_size(t);
        std::int32_t deepest = 0;
        for (Eigen::Index i = 0; i < size; ++i) {
            const auto d = depth[static_cast<std::size_t>(first + i)];
            deepest = std::max(deepest, d);
            if (m.children_left(first + i) == TreeEnsemble::leaf) continue;
            for (const std::int32_t child :
                 {m.children_left(first + i), m.children_right(first + i)})
                depth[static_cast<std::size_t>(first + child)] = d + 1;
        }
        c = cost_add(c, cost_add(cost_mul(2, cost_add(count(deepest), 1)), count(m.leaf_width())));
    }
    return c;
}
template <class = void>
std::uint64_t row_cost(const ColumnTransformer& m);
template <class = void>
std::uint64_t row_cost(const std::vector<Transform>& steps) {
    std::uint64_t c = 0;
    for (const auto& s : steps)
        c = cost_add(c, std::visit([](const auto& x) { return row_cost(x); }, s));
    return c;
}
template <class>
std::uint64_t row_cost(const ColumnTransformer& m) {
    std::uint64_t c = 1;
    detail::for_each_branch(m, [&](const ColumnBranch& b, const std::string&) {
        c = cost_add(c, cost_add(1 + count(b.columns.size()), row_cost(b.steps)));
    });
    return c;
}
template <class = void>
std::uint64_t row_cost(const Pipeline& m) {
    std::uint64_t c = std::visit([](const auto& x) { return row_cost(x); }, m.estimator);
    for (const auto& s : m.steps)
        c = cost_add(c, std::visit([](const auto& x) { return row_cost(x); }, s));
    return c;
}

/// The number of outputs per row a reference check compares: predict_proba's width for
/// classifiers, the number of targets for regressors, the width for scalers and transforms.
inline Eigen::Index reference_width(const StandardScaler& m) { return m.n_features(); }
inline Eigen::Index reference_width(const MinMaxScaler& m) { return m.n_features(); }
inline Eigen::Index reference_width(const MaxAbsScaler& m) { return m.n_features(); }
inline Eigen::Index reference_width(const RobustScaler& m) { return m.n_features(); }
inline Eigen::Index reference_width(const ColumnTransformer& m) { return m.n_features_out(); }
inline Eigen::Index reference_width(const SimpleImputer& m) { return m.n_features_out(); }
/// A one-hot encoder's reference outputs are its whole output: up to one column per category, so
/// rows x width is a product of two lengths the reference budget bounds.
inline Eigen::Index reference_width(const OneHotEncoder& m) { return m.n_features_out(); }
inline Eigen::Index reference_width(const LinearRegression& m) { return m.n_targets(); }
inline Eigen::Index reference_width(const LogisticRegression& m) { return m.n_classes(); }
inline Eigen::Index reference_width(const DecisionTree& m) {
    return m.is_classifier() ? m.n_classes() : 1;
}
inline Eigen::Index reference_width(const TreeEnsemble& m) {
    return m.is_classifier() ? m.n_classes() : 1;
}
template <class = void>
Eigen::Index reference_width(const Pipeline& m) {
    return std::visit([](const auto& e) { return reference_width(e); }, m.estimator);
}

/// W: the work of checking `rows` reference rows: rows x (n_features + n_outputs + C(m)).
template <class Model>
std::uint64_t reference_work(const Model& m, Eigen::Index rows) {
    const std::uint64_t per_row =
        cost_add(cost_add(count(m.n_features()), count(reference_width(m))), row_cost(m));
    return cost_mul(count(rows), per_row);
}

/// The budget for W: base + per_element x (E(m) + stored reference values). Both terms are
/// linear in the file's size, so a load whose check fits costs time linear in that size.
inline std::uint64_t reference_budget(std::uint64_t base, std::uint64_t per_element,
                                      std::uint64_t model_elems, std::uint64_t reference_elems) {
    return cost_add(base, cost_mul(per_element, cost_add(model_elems, reference_elems)));
}

}  // namespace brine::detail
