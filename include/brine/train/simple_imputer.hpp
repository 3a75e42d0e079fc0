// brine::train::simple_imputer: per-feature fill values as scikit-learn 1.2's SimpleImputer
// computes them on dense numeric data.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "brine/models/simple_imputer.hpp"
#include "brine/train/checks.hpp"

namespace brine::train {

/// Options of simple_imputer(), as scikit-learn's SimpleImputer's.
struct SimpleImputerOptions {
    /// mean, median, most_frequent or constant.
    ImputeStrategy strategy = ImputeStrategy::mean;
    /// The marker of a missing value: NaN (the default), or a finite number.
    double missing_value = std::numeric_limits<double>::quiet_NaN();
    /// The value strategy constant fills in (scikit-learn's default for numeric data: 0).
    double fill_value = 0.0;
    /// Append a missing-indicator column for each feature that has missing values in X.
    bool add_indicator = false;
    /// Keep a feature whose values are all missing, filled with 0 (scikit-learn 1.2's
    /// keep_empty_features), instead of dropping it from the output.
    bool keep_empty_features = false;

    OptionList describe() const {
        return {{"strategy", strategy_name(strategy)},
                {"missing_values", detail::number_text(missing_value)},
                {"fill_value", detail::number_text(fill_value)},
                {"add_indicator", detail::bool_text(add_indicator)},
                {"keep_empty_features", detail::bool_text(keep_empty_features)}};
    }
    /// Throws Error(Errc::invalid_argument) for an unknown strategy, an infinite marker, or a
    /// fill value that is not finite.
    void validate(const char* fn = "simple_imputer") const {
        if (static_cast<unsigned>(strategy) > static_cast<unsigned>(ImputeStrategy::constant)) {
            detail::invalid(fn, "strategy " + std::to_string(unsigned(strategy)) +
                                    " is not mean, median, most_frequent or constant");
        }
        if (std::isinf(missing_value)) {
            detail::invalid(fn, "missing_value " + detail::number_text(missing_value) +
                                    " must be NaN or a finite number");
        }
        if (!std::isfinite(fill_value)) {
            detail::invalid(
                fn, "fill_value " + detail::number_text(fill_value) + " must be a finite number");
        }
    }
};

namespace detail {

/// The most frequent of the values v (sorted), the smallest of equally frequent ones, as
/// scipy.stats.mode (through numpy.unique). Zeros of either sign count as one value.
inline double most_frequent_sorted(const std::vector<double>& v) {
    double best = v.front();
    std::size_t best_count = 0;
    for (std::size_t i = 0; i < v.size();) {
        std::size_t j = i;
        while (j < v.size() && v[j] == v[i]) ++j;
        if (j - i > best_count) {
            best_count = j - i;
            best = v[i];
        }
        i = j;
    }
    return best;
}

}  // namespace detail

/// Fits a SimpleImputer as scikit-learn 1.2's SimpleImputer.fit on a dense float64 array:
///  - mean: the sum of the observed values, added row by row from +0.0 with a missing value
///    counted as 0 (numpy's reduction of a C-ordered array along its rows, which scikit-learn's
///    masked mean is), divided by their count;
///  - median: numpy.ma.median's (low + high) / 2 of the sorted observed values (low = high for
///    an odd count);
///  - most_frequent: the most frequent observed value, the smallest on ties (of 0.0 and -0.0,
///    which count as one value, the first in X for up to 16 values, as numpy's sort; beyond,
///    numpy's sort order of equal zeros is its own);
///  - constant: fill_value for every feature.
/// A feature without observed values gets NaN (it is dropped from the output), or 0 with
/// keep_empty_features; strategy constant keeps every feature. With add_indicator the features
/// that have a missing value in X get indicator columns.
///
/// scikit-learn's mean of a Fortran-ordered array sums pairwise instead (numpy's reduction along
/// contiguous memory): its result may then differ from this one in the last bits.
///
/// Throws Error(Errc::invalid_argument) for an empty X, an infinity (or, with a numeric marker,
/// a NaN) in X as scikit-learn refuses it, a statistic that overflows to infinity, or a fit in
/// which every feature is dropped and no indicator column remains (no output at all).
template <class = void>
SimpleImputer simple_imputer(const Eigen::Ref<const Eigen::MatrixXd>& X,
                             const SimpleImputerOptions& options = {}) {
    constexpr const char* fn = "simple_imputer";
    options.validate(fn);
    const bool nan_marker = std::isnan(options.missing_value);
    detail::check_nan_tolerant_features(
        X, fn,
        nan_marker ? nullptr
                   : "with a numeric missing_value, NaN is refused, as scikit-learn does");
    const auto missing = [&](double v) { return nan_marker ? v != v : v == options.missing_value; };
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double empty = options.keep_empty_features ? 0.0 : nan;

    Eigen::VectorXd stats(X.cols());
    std::vector<std::int32_t> indicator;
    std::vector<double> observed;
    observed.reserve(static_cast<std::size_t>(X.rows()));
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        observed.clear();
        for (Eigen::Index i = 0; i < X.rows(); ++i)
            if (!missing(X(i, j))) observed.push_back(X(i, j));
        if (observed.size() != static_cast<std::size_t>(X.rows()))
            indicator.push_back(static_cast<std::int32_t>(j));
        double s = empty;
        switch (options.strategy) {
            case ImputeStrategy::constant: s = options.fill_value; break;
            case ImputeStrategy::mean:
                if (!observed.empty()) {
                    // numpy's order: from its identity +0.0 (so a sum of -0.0 is +0.0), row by
                    // row, a missing value adding 0.
                    double sum = 0.0;
                    for (Eigen::Index i = 0; i < X.rows(); ++i)
                        sum += missing(X(i, j)) ? 0.0 : X(i, j);
                    s = sum / static_cast<double>(observed.size());
                }
                break;
            case ImputeStrategy::median:
                if (!observed.empty()) {
                    std::sort(observed.begin(), observed.end());
                    const std::size_t n = observed.size(), h = n / 2;
                    const double lo = observed[n % 2 == 1 ? h : h - 1], hi = observed[h];
                    // numpy.ma.median: the sum of [low, high] (from +0.0, as every numpy sum),
                    // halved.
                    s = ((0.0 + lo) + hi) / 2.0;
                }
                break;
            case ImputeStrategy::most_frequent:
                if (!observed.empty()) {
                    // Stable, as numpy sorts small arrays: of 0.0 and -0.0, the first seen.
                    std::stable_sort(observed.begin(), observed.end());
                    s = detail::most_frequent_sorted(observed);
                }
                break;
        }
        if (std::isinf(s)) {
            detail::invalid(fn, std::string("the ") + strategy_name(options.strategy) +
                                    " of column " + std::to_string(j) +
                                    " overflows to infinity; brine keeps finite fill values only");
        }
        stats(j) = s;
    }
    IndexVector ind;
    if (options.add_indicator) {
        ind.resize(static_cast<Eigen::Index>(indicator.size()));
        for (std::size_t k = 0; k < indicator.size(); ++k)
            ind(static_cast<Eigen::Index>(k)) = indicator[k];
    }
    SimpleImputer m(options.strategy, options.missing_value, std::move(stats),
                    options.add_indicator, std::move(ind));
    if (m.n_features_out() == 0) {
        detail::invalid(fn,
                        "every column of X is all missing, so the imputer has no output columns "
                        "(use keep_empty_features, add_indicator or strategy constant)");
    }
    return m;
}

#ifdef BRINE_COMPILED
// The compiled mode (brine::compiled) instantiates it once, in src/brine_train.cpp.
extern template SimpleImputer simple_imputer<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                               const SimpleImputerOptions&);
#endif

}  // namespace brine::train
