// brine::train::standard_scaler and min_max_scaler: per-feature statistics as scikit-learn computes
// them. SPDX-License-Identifier: MIT
#pragma once

#include "brine/models/scalers.hpp"
#include "brine/train/checks.hpp"

namespace brine::train {

/// Options of standard_scaler(). There are none yet (scikit-learn's with_mean and with_std are
/// always on); the struct exists so a pipeline step and provenance records have a type.
struct StandardScalerOptions {
    OptionList describe() const { return {}; }
    void validate(const char* = "standard_scaler") const {}
};

/// Options of min_max_scaler().
struct MinMaxScalerOptions {
    /// The range (min, max) every feature is mapped onto; min must be below max.
    std::pair<double, double> feature_range{0.0, 1.0};

    OptionList describe() const {
        return {{"feature_range", "(" + detail::number_text(feature_range.first) + ", " +
                                      detail::number_text(feature_range.second) + ")"}};
    }

    /// Throws Error(Errc::invalid_argument) unless both ends are finite and min < max.
    void validate(const char* fn = "min_max_scaler") const {
        const auto [lo, hi] = feature_range;
        if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi)) {
            detail::invalid(fn, "feature_range must be finite with min < max, is (" +
                                    detail::number_text(lo) + ", " + detail::number_text(hi) + ")");
        }
    }
};

/// Fits a StandardScaler: per feature the mean and the population standard deviation (divide by
/// n, as scikit-learn). A feature scikit-learn treats as constant gets scale 1: its variance is
/// at most n * eps * var + (n * mean * eps)^2, the rounding bound of the two-pass variance that
/// scikit-learn uses, so features that are constant up to rounding are not blown up.
///
/// Throws Error(Errc::invalid_argument) for an empty X or a non-finite entry.
template <class = void>
StandardScaler standard_scaler(const Eigen::Ref<const Eigen::MatrixXd>& X,
                               const StandardScalerOptions& options = {}) {
    constexpr const char* fn = "standard_scaler";
    options.validate(fn);
    detail::check_features(X, fn);
    const double n = static_cast<double>(X.rows());
    const double eps = std::numeric_limits<double>::epsilon();
    Eigen::VectorXd mean(X.cols()), scale(X.cols());
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const double m = X.col(j).sum() / n;
        // Two-pass variance with the compensating term sum(x - m)^2 / n, which removes the error
        // of a slightly wrong mean (Chan, Golub and LeVeque).
        const Eigen::ArrayXd t = X.col(j).array() - m;
        const double correction = t.sum();
        const double var = ((t * t).sum() - correction * correction / n) / n;
        const bool constant = var <= n * eps * var + (n * m * eps) * (n * m * eps);
        mean(j) = m;
        scale(j) = constant ? 1.0 : std::sqrt(var);
    }
    return StandardScaler(std::move(mean), std::move(scale));
}

/// Fits a MinMaxScaler mapping each feature's [data_min, data_max] onto `feature_range`:
/// scale = (max - min) / (data_max - data_min) and min = range_min - data_min * scale, as
/// scikit-learn's scale_ and min_. A data range below 10 * machine epsilon (a constant feature)
/// counts as 1, as scikit-learn does, so constant features map to range_min + (x - data_min).
///
/// Throws Error(Errc::invalid_argument) for an empty X, a non-finite entry or a bad range.
template <class = void>
MinMaxScaler min_max_scaler(const Eigen::Ref<const Eigen::MatrixXd>& X,
                            const MinMaxScalerOptions& options = {}) {
    constexpr const char* fn = "min_max_scaler";
    options.validate(fn);
    detail::check_features(X, fn);
    const auto [lo, hi] = options.feature_range;
    Eigen::VectorXd scale(X.cols()), min(X.cols());
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const double data_min = X.col(j).minCoeff();
        double range = X.col(j).maxCoeff() - data_min;
        if (range < 10 * std::numeric_limits<double>::epsilon()) range = 1.0;
        scale(j) = (hi - lo) / range;
        min(j) = lo - data_min * scale(j);
    }
    return MinMaxScaler(std::move(scale), std::move(min));
}

#ifdef BRINE_COMPILED
// The compiled mode (brine::compiled) instantiates these once, in src/brine_train.cpp.
extern template StandardScaler standard_scaler<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                 const StandardScalerOptions&);
extern template MinMaxScaler min_max_scaler<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                              const MinMaxScalerOptions&);
#endif

}  // namespace brine::train
