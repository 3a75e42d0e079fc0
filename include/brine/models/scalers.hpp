// brine::StandardScaler and brine::MinMaxScaler: per-feature affine preprocessing steps.
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/models/common.hpp"

namespace brine {

/// Standardisation as scikit-learn's StandardScaler: x' = (x - mean) / scale, per feature.
struct StandardScaler {
    Eigen::VectorXd mean;   ///< per feature
    Eigen::VectorXd scale;  ///< per feature; scikit-learn uses 1 where the std is 0

    StandardScaler() = default;
    StandardScaler(Eigen::VectorXd mean_, Eigen::VectorXd scale_)
        : mean(std::move(mean_)), scale(std::move(scale_)) {}

    Eigen::Index n_features() const noexcept { return mean.size(); }

    /// Throws Error(Errc::invalid_model) unless >= 1 feature, mean and scale of equal length, all
    /// finite, and every scale non-zero.
    void validate() const {
        constexpr const char* name = "StandardScaler";
        if (mean.size() < 1) detail::invalid_model(name, "has no features");
        if (scale.size() != mean.size()) {
            detail::invalid_model(name, "scale has " + std::to_string(scale.size()) +
                                            " entries, mean has " + std::to_string(mean.size()));
        }
        detail::require_finite(mean, name, "mean");
        detail::require_finite(scale, name, "scale");
        for (Eigen::Index i = 0; i < scale.size(); ++i) {
            if (scale(i) == 0.0)
                detail::invalid_model(name, "scale[" + std::to_string(i) + "] is 0");
        }
    }

    Eigen::MatrixXd transform(const MatrixRef& X) const {
        detail::check_columns(X.cols(), n_features(), "StandardScaler");
        return (X.rowwise() - mean.transpose()).array().rowwise() / scale.transpose().array();
    }

    /// Transforms one sample into out[0 .. n_features); out may alias x's storage when contiguous.
    void transform_one(const RowRef& x, double* out) const {
        detail::check_columns(x.size(), n_features(), "StandardScaler");
        for (Eigen::Index j = 0; j < x.size(); ++j) out[j] = (x(j) - mean(j)) / scale(j);
    }

    friend bool operator==(const StandardScaler& a, const StandardScaler& b) {
        return detail::same_bits(a.mean, b.mean) && detail::same_bits(a.scale, b.scale);
    }
    friend bool operator!=(const StandardScaler& a, const StandardScaler& b) { return !(a == b); }
};

/// Scaling to a range as scikit-learn's MinMaxScaler: x' = x * scale + min, per feature, where
/// scale = (range_max - range_min) / (data_max - data_min) and min = range_min - data_min * scale
/// (scikit-learn's `scale_` and `min_`).
struct MinMaxScaler {
    Eigen::VectorXd scale;  ///< per feature (scikit-learn's scale_)
    Eigen::VectorXd min;    ///< per feature (scikit-learn's min_)

    MinMaxScaler() = default;
    MinMaxScaler(Eigen::VectorXd scale_, Eigen::VectorXd min_)
        : scale(std::move(scale_)), min(std::move(min_)) {}

    Eigen::Index n_features() const noexcept { return scale.size(); }

    /// Throws Error(Errc::invalid_model) unless >= 1 feature, scale and min of equal length and
    /// all finite.
    void validate() const {
        constexpr const char* name = "MinMaxScaler";
        if (scale.size() < 1) detail::invalid_model(name, "has no features");
        if (min.size() != scale.size()) {
            detail::invalid_model(name, "min has " + std::to_string(min.size()) +
                                            " entries, scale has " + std::to_string(scale.size()));
        }
        detail::require_finite(scale, name, "scale");
        detail::require_finite(min, name, "min");
    }

    Eigen::MatrixXd transform(const MatrixRef& X) const {
        detail::check_columns(X.cols(), n_features(), "MinMaxScaler");
        return (X.array().rowwise() * scale.transpose().array()).rowwise() +
               min.transpose().array();
    }

    void transform_one(const RowRef& x, double* out) const {
        detail::check_columns(x.size(), n_features(), "MinMaxScaler");
        for (Eigen::Index j = 0; j < x.size(); ++j) out[j] = x(j) * scale(j) + min(j);
    }

    friend bool operator==(const MinMaxScaler& a, const MinMaxScaler& b) {
        return detail::same_bits(a.scale, b.scale) && detail::same_bits(a.min, b.min);
    }
    friend bool operator!=(const MinMaxScaler& a, const MinMaxScaler& b) { return !(a == b); }
};

}  // namespace brine
