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
/// Non-finite inputs and public fields: as StandardScaler.
struct MaxAbsScaler : RowsForms<MaxAbsScaler> {
    /// The batch forms read every layout and float input in place (see detail::reads_any_input).
    static constexpr bool reads_any_input = true;

    Eigen::VectorXd scale;  ///< per feature (scikit-learn's scale_)

    MaxAbsScaler() = default;
    explicit MaxAbsScaler(Eigen::VectorXd scale_) : scale(std::move(scale_)) {}

    Eigen::Index n_features() const noexcept { return scale.size(); }
    /// Output width of transform: n_features (a scaler keeps the width).
    Eigen::Index n_features_out() const noexcept { return scale.size(); }
    /// Values per sample of transform: n_features.
    Eigen::Index n_outputs() const noexcept { return scale.size(); }
    /// A scaler has no classes: 0.
    Eigen::Index n_classes() const noexcept { return 0; }
    /// A scaler has no class labels: an empty vector.
    const Eigen::VectorXd& class_labels() const noexcept { return detail::no_class_labels(); }

    /// Throws Error(Errc::invalid_model) unless >= 1 feature and every scale finite and non-zero.
    void validate() const {
        check_shape();
        detail::require_finite(scale, name, "scale");
        detail::require_non_zero(scale, name, "scale");
    }

    /// The transformed rows. Throws Errc::shape_mismatch unless X has n_features columns,
    /// Errc::invalid_input if X holds an infinity.
    template <class = void>
    Eigen::MatrixXd transform(const MatrixRef& X) const {
        return transform_rows(X, true);
    }

    /// transform for a row-major or float batch, or any Rows view (see brine::Rows), and into a
    /// row-major buffer of the caller's (`transform(rows, out, size)`, `transform(rows, buffer)`;
    /// sample i's values together) (RowsForms). Every form gives the same bits as the column-major
    /// double form of the same values. Throw as transform, and Errc::shape_mismatch for a buffer
    /// smaller than the result (nothing is written then).
    using RowsForms<MaxAbsScaler>::transform;

    /// transform into `out` (X's shape; a caller's buffer), without heap allocation; `out` may be
    /// X's own storage. Throws as transform, and Errc::shape_mismatch unless `out` has X's shape.
    template <class = void>
    void transform_into(const MatrixRef& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        transform_block(detail::in_block(X), out, true);
    }
    /// transform_into for a block of any layout, double or float (an InBlock, as a Pipeline and the
    /// Rows forms pass it), read in place: the same bits as the column-major double form of the
    /// same values. Throws as transform_into.
    template <class T>
    void transform_into(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        transform_block(X, out, true);
    }

    /// As StandardScaler::transform_one.
    template <class = void>
    void transform_one(const RowRef& x, double* out, Eigen::Index size) const {
        check_shape();
        detail::scale_one(x, out, size, n_features(), name,
                          [&](Eigen::Index j, double v) { return v / scale(j); });
    }

    /// transform_one into a contiguous buffer of at least n_features entries.
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void transform_one(const RowRef& x, Buffer&& out) const {
        transform_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    friend bool operator==(const MaxAbsScaler& a, const MaxAbsScaler& b) {
        return detail::same_bits(a.scale, b.scale);
    }
    friend bool operator!=(const MaxAbsScaler& a, const MaxAbsScaler& b) { return !(a == b); }

private:
    static constexpr const char* name = "MaxAbsScaler";
    friend class RowsForms<MaxAbsScaler>;

    // As StandardScaler: a Pipeline's predict leaves the infinity check to its estimator.
    friend struct Pipeline;

    template <class = void>
    Eigen::MatrixXd transform_rows(const MatrixRef& X, bool refuse_infinity) const {
        Eigen::MatrixXd Z(X.rows(), X.cols());
        transform_block(detail::in_block(X), Z, refuse_infinity);
        return Z;
    }

    /// The block kernel of every batch form (see detail::scale_block).
    template <class T>
    void transform_block(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out,
                         bool refuse_infinity) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        detail::check_out_shape(X, out, name);
        detail::scale_block(
            X, out, name, [](const auto& x, const auto&, const auto& s) { return x / s; }, scale,
            scale, refuse_infinity);
    }

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
/// Non-finite inputs and public fields: as StandardScaler.
struct RobustScaler : RowsForms<RobustScaler> {
    /// The batch forms read every layout and float input in place (see detail::reads_any_input).
    static constexpr bool reads_any_input = true;

    std::int32_t n_features_in = 0;  ///< input width (scikit-learn's n_features_in_)
    Eigen::VectorXd center;          ///< per feature, or empty: with_centering=False
    Eigen::VectorXd scale;           ///< per feature, or empty: with_scaling=False

    RobustScaler() = default;
    RobustScaler(std::int32_t n_features_, Eigen::VectorXd center_, Eigen::VectorXd scale_)
        : n_features_in(n_features_), center(std::move(center_)), scale(std::move(scale_)) {}

    Eigen::Index n_features() const noexcept { return n_features_in; }
    /// Output width of transform: n_features (a scaler keeps the width).
    Eigen::Index n_features_out() const noexcept { return n_features_in; }
    /// Values per sample of transform: n_features.
    Eigen::Index n_outputs() const noexcept { return n_features_in; }
    /// A scaler has no classes: 0.
    Eigen::Index n_classes() const noexcept { return 0; }
    /// A scaler has no class labels: an empty vector.
    const Eigen::VectorXd& class_labels() const noexcept { return detail::no_class_labels(); }
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

    /// The transformed rows. Throws Errc::shape_mismatch unless X has n_features columns,
    /// Errc::invalid_input if X holds an infinity.
    template <class = void>
    Eigen::MatrixXd transform(const MatrixRef& X) const {
        return transform_rows(X, true);
    }

    /// transform for a row-major or float batch, or any Rows view (see brine::Rows), and into a
    /// row-major buffer of the caller's (`transform(rows, out, size)`, `transform(rows, buffer)`;
    /// sample i's values together) (RowsForms). Every form gives the same bits as the column-major
    /// double form of the same values. Throw as transform, and Errc::shape_mismatch for a buffer
    /// smaller than the result (nothing is written then).
    using RowsForms<RobustScaler>::transform;

    /// transform into `out` (X's shape; a caller's buffer), without heap allocation; `out` may be
    /// X's own storage. Throws as transform, and Errc::shape_mismatch unless `out` has X's shape.
    template <class = void>
    void transform_into(const MatrixRef& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        transform_block(detail::in_block(X), out, true);
    }
    /// transform_into for a block of any layout, double or float (an InBlock, as a Pipeline and the
    /// Rows forms pass it), read in place: the same bits as the column-major double form of the
    /// same values. Throws as transform_into.
    template <class T>
    void transform_into(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        transform_block(X, out, true);
    }

    /// As StandardScaler::transform_one.
    template <class = void>
    void transform_one(const RowRef& x, double* out, Eigen::Index size) const {
        check_shape();
        detail::scale_one(x, out, size, n_features(), name,
                          [&](Eigen::Index j, double v) { return apply(v, j); });
    }

    /// transform_one into a contiguous buffer of at least n_features entries.
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void transform_one(const RowRef& x, Buffer&& out) const {
        transform_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    friend bool operator==(const RobustScaler& a, const RobustScaler& b) {
        return a.n_features_in == b.n_features_in && detail::same_bits(a.center, b.center) &&
               detail::same_bits(a.scale, b.scale);
    }
    friend bool operator!=(const RobustScaler& a, const RobustScaler& b) { return !(a == b); }

private:
    static constexpr const char* name = "RobustScaler";
    friend class RowsForms<RobustScaler>;

    // As StandardScaler: a Pipeline's predict leaves the infinity check to its estimator.
    friend struct Pipeline;

    template <class = void>
    Eigen::MatrixXd transform_rows(const MatrixRef& X, bool refuse_infinity) const {
        Eigen::MatrixXd Z(X.rows(), X.cols());
        transform_block(detail::in_block(X), Z, refuse_infinity);
        return Z;
    }

    /// The block kernel of every batch form (see detail::scale_block): only the operations the
    /// scaler was fitted with.
    template <class T>
    void transform_block(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out,
                         bool refuse_infinity) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        detail::check_out_shape(X, out, name);
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

    double apply(double v, Eigen::Index j) const {
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
