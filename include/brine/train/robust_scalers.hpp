// brine::train::max_abs_scaler and robust_scaler: per-feature statistics as scikit-learn 1.2
// computes them, NaN ignored.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <limits>
#include <vector>

#include "brine/models/robust_scalers.hpp"
#include "brine/train/checks.hpp"

namespace brine::train {

/// Options of max_abs_scaler(). There are none (scikit-learn's MaxAbsScaler has none but copy).
struct MaxAbsScalerOptions {
    OptionList describe() const { return {}; }
    void validate(const char* = "max_abs_scaler") const {}
};

/// Options of robust_scaler(), as scikit-learn's RobustScaler's (quantile_range is (25, 75) and
/// unit_variance False, not yet options).
struct RobustScalerOptions {
    /// Subtract each feature's median.
    bool with_centering = true;
    /// Divide by each feature's interquartile range.
    bool with_scaling = true;

    OptionList describe() const {
        return {{"with_centering", detail::bool_text(with_centering)},
                {"with_scaling", detail::bool_text(with_scaling)}};
    }
    void validate(const char* = "robust_scaler") const {}
};

namespace detail {

/// X must be non-empty, hold no infinity, and each column at least one number: scikit-learn's
/// scalers ignore NaN when fitting. Names the first bad entry or column.
template <class Derived>
void check_features_allow_nan(const Eigen::MatrixBase<Derived>& X, const char* fn) {
    if (X.rows() == 0 || X.cols() == 0) {
        invalid(fn, "X is empty (" + std::to_string(X.rows()) + " x " + std::to_string(X.cols()) +
                        "); need at least one row and one column");
    }
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        bool any_number = false;
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            const double v = X(i, j);
            if (std::isinf(v)) {
                invalid(fn, "X has an infinite value (" + number_text(v) + ") at row " +
                                std::to_string(i) + ", column " + std::to_string(j));
            }
            any_number |= !std::isnan(v);
        }
        if (!any_number) invalid(fn, "column " + std::to_string(j) + " of X is all NaN");
    }
}

/// scikit-learn's _handle_zeros_in_scale: a scale below 10 machine epsilons counts as 1.
inline double handle_zero_scale(double s) {
    return s < 10 * std::numeric_limits<double>::epsilon() ? 1.0 : s;
}

/// The numbers (not NaN) of column j of X, sorted.
template <class Derived>
std::vector<double> sorted_numbers(const Eigen::MatrixBase<Derived>& X, Eigen::Index j) {
    std::vector<double> v;
    v.reserve(static_cast<std::size_t>(X.rows()));
    for (Eigen::Index i = 0; i < X.rows(); ++i)
        if (!std::isnan(X(i, j))) v.push_back(X(i, j));
    std::sort(v.begin(), v.end());
    return v;
}

/// numpy.percentile(v, 100 q) of sorted v, method 'linear' as numpy 1.24 computes it: index
/// (n - 1) q, then numpy's _lerp (from the upper point when the fraction is >= 0.5).
inline double percentile_linear(const std::vector<double>& v, double q) {
    const double index = static_cast<double>(v.size() - 1) * q;
    const double lo_index = std::floor(index);
    const double t = index - lo_index;
    const auto lo = static_cast<std::size_t>(lo_index);
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    const double a = v[lo], b = v[hi], d = b - a;
    return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/// numpy.median of sorted v: the middle value, or the mean of the two middle values.
inline double median_sorted(const std::vector<double>& v) {
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace detail

/// Fits a MaxAbsScaler: per feature the largest absolute value, NaN ignored, with 1 where it is
/// below 10 machine epsilons (scikit-learn's scale_).
///
/// Throws Error(Errc::invalid_argument) for an empty X, an infinity or an all-NaN column.
template <class = void>
MaxAbsScaler max_abs_scaler(const Eigen::Ref<const Eigen::MatrixXd>& X,
                            const MaxAbsScalerOptions& options = {}) {
    constexpr const char* fn = "max_abs_scaler";
    options.validate(fn);
    detail::check_features_allow_nan(X, fn);
    Eigen::VectorXd scale(X.cols());
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        double m = 0;
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            const double a = std::abs(X(i, j));
            if (a > m) m = a;  // false for NaN
        }
        scale(j) = detail::handle_zero_scale(m);
    }
    return MaxAbsScaler(std::move(scale));
}

/// Fits a RobustScaler: per feature the median (center_) and the range between the 25th and 75th
/// percentiles (scale_, with 1 where it is below 10 machine epsilons), NaN ignored, computed as
/// numpy's nanmedian and nanpercentile (linear interpolation).
///
/// Throws Error(Errc::invalid_argument) for an empty X, an infinity or an all-NaN column.
template <class = void>
RobustScaler robust_scaler(const Eigen::Ref<const Eigen::MatrixXd>& X,
                           const RobustScalerOptions& options = {}) {
    constexpr const char* fn = "robust_scaler";
    options.validate(fn);
    detail::check_features_allow_nan(X, fn);
    if (X.cols() > std::numeric_limits<std::int32_t>::max())
        detail::invalid(fn, "X has more than 2^31 - 1 columns");
    Eigen::VectorXd center(options.with_centering ? X.cols() : 0);
    Eigen::VectorXd scale(options.with_scaling ? X.cols() : 0);
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const std::vector<double> v = detail::sorted_numbers(X, j);
        if (options.with_centering) center(j) = detail::median_sorted(v);
        if (options.with_scaling) {
            scale(j) = detail::handle_zero_scale(detail::percentile_linear(v, 0.75) -
                                                 detail::percentile_linear(v, 0.25));
        }
    }
    return RobustScaler(static_cast<std::int32_t>(X.cols()), std::move(center), std::move(scale));
}

#ifdef BRINE_COMPILED
// The compiled mode (brine::compiled) instantiates these once, in src/brine_train.cpp.
extern template MaxAbsScaler max_abs_scaler<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                              const MaxAbsScalerOptions&);
extern template RobustScaler robust_scaler<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                             const RobustScalerOptions&);
#endif

}  // namespace brine::train
