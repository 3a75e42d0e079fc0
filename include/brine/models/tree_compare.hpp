// How a tree's split nodes compare an input with their threshold, and route a missing value:
// shared by brine::DecisionTree and brine::TreeEnsemble.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

#include "brine/models/common.hpp"

namespace brine {

/// The comparison of a split node: a sample goes left when
///  - `double_le`:  `x <= threshold` in double (brine's own trees);
///  - `float32_le`: `float(x) <= threshold`, the threshold a double (scikit-learn's DecisionTree,
///    RandomForest, ExtraTrees and GradientBoosting cast X to float32 before every walk);
///  - `float32_lt`: `float(x) < threshold`, thresholds float32 values (XGBoost).
/// float(x) rounds to nearest, ties to even (a finite x beyond float32's range becomes
/// +-infinity or +-FLT_MAX by that rule).
enum class TreeCompare : std::uint8_t { double_le = 0, float32_le = 1, float32_lt = 2 };

/// Per-node flags of a tree (0 or 1).
using FlagVector = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, 1>;

namespace detail {

/// float32 rounding of an input, as a double (NaN stays NaN).
inline double round_to_float32(double v) noexcept {
    return static_cast<double>(static_cast<float>(v));
}

inline bool is_float32_value(double v) noexcept { return round_to_float32(v) == v; }

inline bool known_compare(TreeCompare c) noexcept { return static_cast<int>(c) <= 2; }

/// The decision of one split node for the input v: left under `c`, or when v is NaN (missing),
/// left when `missing_left`. A NaN fails both comparisons, so it goes left exactly when the
/// default says so.
inline bool goes_left(double v, double threshold, TreeCompare c, bool missing_left) noexcept {
    if (c != TreeCompare::double_le) v = round_to_float32(v);
    const bool less = c == TreeCompare::float32_lt ? v < threshold : v <= threshold;
    return less || (v != v && missing_left);
}

/// The node arrays of one tree, as a walk reads them (indices local to the tree).
struct TreeNodes {
    const std::int32_t* left;
    const std::int32_t* right;
    const std::int32_t* feature;
    const double* threshold;
    const std::uint8_t* default_left;  ///< null: no node routes missing values (NaN goes right)
    std::uint32_t size;                ///< nodes of the tree
    std::uint32_t n_features;
};

/// The walk of one tree from its root to a leaf (a node whose left child is -1), reading
/// x[feature * stride], shared by brine::DecisionTree and brine::TreeEnsemble. Round: compare
/// float(x) (the inputs are not rounded yet); Strict: `<` rather than `<=`; Missing: a NaN input
/// takes the node's default direction (without, a NaN fails the comparison and goes right).
/// Checked: each step checks the feature it reads and that the next node comes after the current
/// one and within the tree, calling bad_feature(node) or bad_step(node, next) (which throw), so the
/// walk stays in bounds and ends within the tree's size in steps. Unchecked: after every node was
/// checked once.
template <bool Round, bool Strict, bool Missing, bool Checked, class BadFeature, class BadStep>
std::int32_t walk_tree(const TreeNodes& t, const double* x, Eigen::Index stride,
                       BadFeature&& bad_feature, BadStep&& bad_step) {
    std::int32_t node = 0;
    for (;;) {
        const std::int32_t l = t.left[node];
        if (l == -1) return node;
        const std::int32_t f = t.feature[node];
        if (Checked && static_cast<std::uint32_t>(f) >= t.n_features) bad_feature(node);
        double v = x[f * stride];
        if (Round) v = round_to_float32(v);
        const double thr = t.threshold[node];
        bool go_left = Strict ? v < thr : v <= thr;
        // A NaN fails both comparisons, so it goes left exactly when the default says so.
        if (Missing) go_left = go_left || (v != v && t.default_left[node] != 0);
        const std::int32_t next = go_left ? l : t.right[node];
        if (Checked && (next <= node || static_cast<std::uint32_t>(next) >= t.size))
            bad_step(node, next);
        node = next;
    }
}

}  // namespace detail
}  // namespace brine
