// Input checks and option formatting shared by the training functions in brine::train.
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "brine/error.hpp"

namespace brine::train {

/// Option names and values as text, in declaration order; recorded as training provenance.
using OptionList = std::vector<std::pair<std::string, std::string>>;

namespace detail {

[[noreturn]] inline void invalid(const char* fn, const std::string& what) {
    throw Error(Errc::invalid_argument, std::string(fn) + ": " + what);
}

/// Shortest decimal text that reads back as the same double ("0.1", not "0.10000000000000001").
inline std::string number_text(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    return buf;
}

inline std::string number_text(int v) { return std::to_string(v); }
inline std::string bool_text(bool v) { return v ? "true" : "false"; }

/// X must have at least one row and one column.
template <class Derived>
void check_not_empty(const Eigen::MatrixBase<Derived>& X, const char* fn) {
    if (X.rows() == 0 || X.cols() == 0) {
        invalid(fn, "X is empty (" + std::to_string(X.rows()) + " x " + std::to_string(X.cols()) +
                        "); need at least one row and one column");
    }
}

/// X must be non-empty and finite. Names the first bad entry by row and column.
template <class Derived>
void check_features(const Eigen::MatrixBase<Derived>& X, const char* fn) {
    check_not_empty(X, fn);
    // Column by column: X is column-major, so this walks memory in order.
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            const double v = X(i, j);
            if (!std::isfinite(v)) {
                invalid(fn, "X has a non-finite value (" + number_text(v) + ") at row " +
                                std::to_string(i) + ", column " + std::to_string(j));
            }
        }
    }
}

/// X of a fit that takes NaN as a value (an encoder's category, an imputer's missing-value
/// marker), as scikit-learn's input check for such estimators: non-empty, at most 2^31 - 1
/// columns (feature indices are stored as int32), and no infinity. When `nan_refused` is given,
/// NaN is refused too and the message ends with it (the reason). Names the first bad entry by
/// row and column, walking X column by column (its memory order).
template <class Derived>
void check_nan_tolerant_features(const Eigen::MatrixBase<Derived>& X, const char* fn,
                                 const char* nan_refused = nullptr) {
    check_not_empty(X, fn);
    if (X.cols() > std::numeric_limits<std::int32_t>::max())
        invalid(fn, "X has more than 2^31 - 1 columns");
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            const double v = X(i, j);
            if (std::isfinite(v) || (std::isnan(v) && nan_refused == nullptr)) continue;
            const std::string at = " at row " + std::to_string(i) + ", column " + std::to_string(j);
            if (std::isinf(v)) invalid(fn, "X has an infinite value (" + number_text(v) + ")" + at);
            invalid(fn, "X has NaN" + at + " (" + nan_refused + ")");
        }
    }
}

/// Targets: one row per row of X, finite. Names the first bad entry by row (and column when
/// there are several targets).
template <class DX, class DY>
void check_targets(const Eigen::MatrixBase<DX>& X, const Eigen::MatrixBase<DY>& Y, const char* fn) {
    if (Y.rows() != X.rows()) {
        invalid(fn, "X has " + std::to_string(X.rows()) + " rows but y has " +
                        std::to_string(Y.rows()) + " entries; need one target per row");
    }
    if (Y.cols() == 0) invalid(fn, "y has no columns");
    for (Eigen::Index j = 0; j < Y.cols(); ++j) {
        for (Eigen::Index i = 0; i < Y.rows(); ++i) {
            const double v = Y(i, j);
            if (!std::isfinite(v)) {
                std::string where = "row " + std::to_string(i);
                if (Y.cols() > 1) where += ", column " + std::to_string(j);
                invalid(fn, "y has a non-finite value (" + number_text(v) + ") at " + where);
            }
        }
    }
}

/// Sorted distinct labels of y and, for each row, the index of its label in that list.
struct EncodedLabels {
    Eigen::VectorXd classes;
    std::vector<int> index;
};

template <class DY>
EncodedLabels encode_labels(const Eigen::MatrixBase<DY>& y, const char* fn) {
    std::vector<double> sorted(static_cast<std::size_t>(y.size()));
    for (Eigen::Index i = 0; i < y.size(); ++i) sorted[static_cast<std::size_t>(i)] = y(i);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (sorted.size() < 2) {
        invalid(fn, "y holds a single class (" + number_text(sorted.front()) +
                        "); a classifier needs at least 2 classes");
    }
    EncodedLabels out;
    out.classes =
        Eigen::Map<const Eigen::VectorXd>(sorted.data(), static_cast<Eigen::Index>(sorted.size()));
    out.index.resize(static_cast<std::size_t>(y.size()));
    for (Eigen::Index i = 0; i < y.size(); ++i) {
        out.index[static_cast<std::size_t>(i)] =
            static_cast<int>(std::lower_bound(sorted.begin(), sorted.end(), y(i)) - sorted.begin());
    }
    return out;
}

}  // namespace detail
}  // namespace brine::train
