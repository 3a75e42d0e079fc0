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

}  // namespace detail
}  // namespace brine
