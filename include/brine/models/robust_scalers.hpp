// brine::MaxAbsScaler and brine::RobustScaler: per-feature scaling steps that keep sparse data's
// zeros (MaxAbsScaler) or resist outliers (RobustScaler), as scikit-learn's.
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/models/scalers.hpp"

namespace brine {

namespace detail {

/// Throws Errc::invalid_model naming the first zero entry of `field`.
inline void require_non_zero(const Eigen::VectorXd& v, const char* model, const char* field) {
    for (Eigen::Index i = 0; i < v.size(); ++i) {
        if (v(i) == 0.0)
            invalid_model(model, std::string(field) + "[" + std::to_string(i) + "] is 0");
    }
}

}  // namespace detail

/// Scaling by the largest absolute value as scikit-learn's MaxAbsScaler: x' = x / scale, per
/// feature, where scale is scikit-learn's `scale_` (the fitted max_abs_, with 1 where it is 0).
///
/// Non-finite inputs, public fields and transforms: as StandardScaler.
struct MaxAbsScaler : detail::ScalerForms<MaxAbsScaler> {
    Eigen::VectorXd scale;  ///< per feature (scikit-learn's scale_)

    MaxAbsScaler() = default;
    explicit MaxAbsScaler(Eigen::VectorXd scale_) : scale(std::move(scale_)) {}

    Eigen::Index n_features() const noexcept { return scale.size(); }

    /// Throws Error(Errc::invalid_model) unless >= 1 feature and every scale finite and non-zero.
    void validate() const {
        check_shape();
        detail::require_finite(scale, name, "scale");
        detail::require_non_zero(scale, name, "scale");
    }

    friend bool operator==(const MaxAbsScaler& a, const MaxAbsScaler& b) {
        return detail::same_bits(a.scale, b.scale);
    }
    friend bool operator!=(const MaxAbsScaler& a, const MaxAbsScaler& b) { return !(a == b); }

private:
    static constexpr const char* name = "MaxAbsScaler";
    friend class RowsForms<MaxAbsScaler>;
    friend class detail::ScalerForms<MaxAbsScaler>;

    template <class T>
    void map_block(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out,
                   bool refuse_infinity) const {
        detail::scale_block(
            X, out, name, [](const auto& x, const auto&, const auto& s) { return x / s; }, scale,
            scale, refuse_infinity);
    }
    double map_one(Eigen::Index j, double v) const { return v / scale(j); }

    void check_shape() const {
        if (scale.size() < 1) detail::invalid_model(name, "has no features");
    }
};

/// Scaling by median and quantile range as scikit-learn's RobustScaler: x' = (x - center) / scale,
/// per feature. `center` is scikit-learn's `center_` (the medians), empty when fitted with
/// with_centering=False (no subtraction); `scale` is `scale_` (the quantile ranges, with 1 where
/// a range is 0), empty when fitted with with_scaling=False (no division). As in scikit-learn,
/// the steps left out are not applied at all (not replaced by 0 and 1).
///
/// Non-finite inputs, public fields and transforms: as StandardScaler.
struct RobustScaler : detail::ScalerForms<RobustScaler> {
    std::int32_t n_features_in = 0;  ///< input width (scikit-learn's n_features_in_)
    Eigen::VectorXd center;          ///< per feature, or empty: with_centering=False
    Eigen::VectorXd scale;           ///< per feature, or empty: with_scaling=False

    RobustScaler() = default;
    RobustScaler(std::int32_t n_features_, Eigen::VectorXd center_, Eigen::VectorXd scale_)
        : n_features_in(n_features_), center(std::move(center_)), scale(std::move(scale_)) {}

    Eigen::Index n_features() const noexcept { return n_features_in; }
    /// scikit-learn's with_centering: whether medians are subtracted.
    bool with_centering() const noexcept { return center.size() != 0; }
    /// scikit-learn's with_scaling: whether values are divided by the quantile ranges.
    bool with_scaling() const noexcept { return scale.size() != 0; }

    /// Throws Error(Errc::invalid_model) unless >= 1 feature, center and scale each empty or of
    /// n_features entries, all finite, and every scale non-zero.
    void validate() const {
        check_shape();
        detail::require_finite(center, name, "center");
        detail::require_finite(scale, name, "scale");
        detail::require_non_zero(scale, name, "scale");
    }

    friend bool operator==(const RobustScaler& a, const RobustScaler& b) {
        return a.n_features_in == b.n_features_in && detail::same_bits(a.center, b.center) &&
               detail::same_bits(a.scale, b.scale);
    }
    friend bool operator!=(const RobustScaler& a, const RobustScaler& b) { return !(a == b); }

private:
    static constexpr const char* name = "RobustScaler";
    friend class RowsForms<RobustScaler>;
    friend class detail::ScalerForms<RobustScaler>;

    /// Only the operations the scaler was fitted with.
    template <class T>
    void map_block(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out,
                   bool refuse_infinity) const {
        const bool refuse = refuse_infinity;
        if (with_centering() && with_scaling()) {
            detail::scale_block(
                X, out, name,
                [](const auto& x, const auto& c, const auto& s) { return (x - c) / s; }, center,
                scale, refuse);
        } else if (with_centering()) {
            detail::scale_block(
                X, out, name, [](const auto& x, const auto& c, const auto&) { return x - c; },
                center, center, refuse);
        } else if (with_scaling()) {
            detail::scale_block(
                X, out, name, [](const auto& x, const auto&, const auto& s) { return x / s; },
                scale, scale, refuse);
        } else {
            detail::scale_block(
                X, out, name, [](const auto& x, const auto&, const auto&) { return x; }, scale,
                scale, refuse);
        }
    }

    double map_one(Eigen::Index j, double v) const {
        if (with_centering()) v -= center(j);
        if (with_scaling()) v /= scale(j);
        return v;
    }

    /// What transforms rely on to stay in bounds, in O(1), checked on every call.
    void check_shape() const {
        if (n_features_in < 1) detail::invalid_model(name, "has no features");
        if (center.size() != 0 && center.size() != n_features_in) {
            detail::invalid_model(name, "center has " + std::to_string(center.size()) +
                                            " entries for " + std::to_string(n_features_in) +
                                            " features (expected that many, or none)");
        }
        if (scale.size() != 0 && scale.size() != n_features_in) {
            detail::invalid_model(name, "scale has " + std::to_string(scale.size()) +
                                            " entries for " + std::to_string(n_features_in) +
                                            " features (expected that many, or none)");
        }
    }
};

}  // namespace brine
