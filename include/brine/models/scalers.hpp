// brine::StandardScaler and brine::MinMaxScaler: per-feature affine preprocessing steps.
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/models/common.hpp"
#include "brine/models/rows.hpp"

namespace brine {

namespace detail {

/// Applies a per-feature affine map f(x, j) to X, refusing infinite inputs (Errc::invalid_input)
/// and passing NaN through, as scikit-learn 1.2's scalers do. The check is fused with the
/// transform: it runs on each block of a column right after the block was transformed, while it is
/// still in cache. Without `refuse_infinity` infinities pass through too (a Pipeline's predict,
/// whose estimator refuses every non-finite value the transforms produce).
template <class F>
void scale_columns_into(const MatrixRef& X, Eigen::Ref<Eigen::MatrixXd> Z, const char* model, F f,
                        bool refuse_infinity = true) {
    constexpr Eigen::Index block = 1024;
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        for (Eigen::Index first = 0; first < X.rows(); first += block) {
            const Eigen::Index n = std::min(block, X.rows() - first);
            const auto in = X.col(j).segment(first, n);
            Z.col(j).segment(first, n) = f(in.array(), j);
            // The cheaper test first: data without NaN or infinity (the usual case) stops there.
            if (refuse_infinity && any_non_finite(in.data(), n) && any_infinite(in.data(), n))
                check_rows(X, first, n, model, true);
        }
    }
}

template <class F>
Eigen::MatrixXd scale_columns(const MatrixRef& X, const char* model, F f,
                              bool refuse_infinity = true) {
    Eigen::MatrixXd Z(X.rows(), X.cols());
    scale_columns_into(X, Z, model, f, refuse_infinity);
    return Z;
}

/// Throws Errc::shape_mismatch unless `out` has X's shape (the scalers' transform_into).
inline void check_out_shape(const MatrixRef& X, const Eigen::Ref<Eigen::MatrixXd>& out,
                            const char* model) {
    if (out.rows() != X.rows() || out.cols() != X.cols()) {
        throw Error(Errc::shape_mismatch,
                    std::string(model) + "::transform_into writes " + std::to_string(X.rows()) +
                        " x " + std::to_string(X.cols()) + " values, the output is " +
                        std::to_string(out.rows()) + " x " + std::to_string(out.cols()));
    }
}

}  // namespace detail

/// Standardisation as scikit-learn's StandardScaler: x' = (x - mean) / scale, per feature.
///
/// Non-finite inputs, as scikit-learn 1.2: NaN passes through (a missing value stays missing), an
/// infinity is refused (Errc::invalid_input). Every transform checks that mean and scale have the
/// same length (O(1)), so no change to the public fields makes it read out of bounds.
struct StandardScaler : RowsForms<StandardScaler> {
    Eigen::VectorXd mean;   ///< per feature
    Eigen::VectorXd scale;  ///< per feature; scikit-learn uses 1 where the std is 0

    StandardScaler() = default;
    StandardScaler(Eigen::VectorXd mean_, Eigen::VectorXd scale_)
        : mean(std::move(mean_)), scale(std::move(scale_)) {}

    Eigen::Index n_features() const noexcept { return mean.size(); }
    /// Output width of transform: n_features (a scaler keeps the width).
    Eigen::Index n_features_out() const noexcept { return mean.size(); }
    /// Values per sample of transform: n_features.
    Eigen::Index n_outputs() const noexcept { return mean.size(); }
    /// A scaler has no classes: 0.
    Eigen::Index n_classes() const noexcept { return 0; }
    /// A scaler has no class labels: an empty vector.
    const Eigen::VectorXd& class_labels() const noexcept { return detail::no_class_labels(); }

    /// Throws Error(Errc::invalid_model) unless >= 1 feature, mean and scale of equal length, all
    /// finite, and every scale non-zero.
    void validate() const {
        check_shape();
        detail::require_finite(mean, name, "mean");
        detail::require_finite(scale, name, "scale");
        for (Eigen::Index i = 0; i < scale.size(); ++i) {
            if (scale(i) == 0.0)
                detail::invalid_model(name, "scale[" + std::to_string(i) + "] is 0");
        }
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
    using RowsForms<StandardScaler>::transform;

    /// transform into `out` (X.rows() x n_features, e.g. a map of the caller's column-major
    /// buffer), without heap allocation; `out` may be X's own storage. Throws as transform, and
    /// Errc::shape_mismatch unless `out` has X's shape.
    template <class = void>
    void transform_into(const MatrixRef& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        detail::check_out_shape(X, out, name);
        detail::scale_columns_into(
            X, out, name, [&](const auto& x, Eigen::Index j) { return (x - mean(j)) / scale(j); });
    }

    /// Transforms one sample into out[0 .. n_features), without heap allocation; out may alias x's
    /// storage when contiguous. Throws Errc::shape_mismatch unless x has n_features entries and
    /// `size` >= n_features (nothing is written then), Errc::invalid_input if x holds an infinity.
    template <class = void>
    void transform_one(const RowRef& x, double* out, Eigen::Index size) const {
        check_shape();
        detail::check_columns(x.size(), n_features(), name);
        detail::check_output_size(size, n_features(), name, "transform_one");
        detail::check_sample(x, name, true);
        for (Eigen::Index j = 0; j < x.size(); ++j) out[j] = (x(j) - mean(j)) / scale(j);
    }

    /// transform_one into a contiguous buffer (std::vector<double>, std::array<double, N>, Eigen
    /// vector) of at least n_features entries; throws as above.
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void transform_one(const RowRef& x, Buffer&& out) const {
        transform_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    /// Unsized form: writes n_features values to `out` whatever its size.
    template <class = void>
    [[deprecated("pass the buffer's size: transform_one(x, out, size) or a sized buffer")]] void
    transform_one(const RowRef& x, double* out) const {
        transform_one(x, out, n_features());
    }

    friend bool operator==(const StandardScaler& a, const StandardScaler& b) {
        return detail::same_bits(a.mean, b.mean) && detail::same_bits(a.scale, b.scale);
    }
    friend bool operator!=(const StandardScaler& a, const StandardScaler& b) { return !(a == b); }

private:
    static constexpr const char* name = "StandardScaler";
    friend class RowsForms<StandardScaler>;

    // A Pipeline's predict transforms its blocks without the infinity check: an infinite input
    // makes an infinite or NaN output (through any finite or non-finite parameters), which the
    // pipeline's estimator refuses; the pipeline then reports the input it came from.
    friend struct Pipeline;

    template <class = void>
    Eigen::MatrixXd transform_rows(const MatrixRef& X, bool refuse_infinity) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        return detail::scale_columns(
            X, name, [&](const auto& x, Eigen::Index j) { return (x - mean(j)) / scale(j); },
            refuse_infinity);
    }

    /// What transforms rely on to stay in bounds, in O(1), checked on every call.
    void check_shape() const {
        if (mean.size() < 1) detail::invalid_model(name, "has no features");
        if (scale.size() != mean.size()) {
            detail::invalid_model(name, "scale has " + std::to_string(scale.size()) +
                                            " entries, mean has " + std::to_string(mean.size()));
        }
    }
};

/// Scaling to a range as scikit-learn's MinMaxScaler: x' = x * scale + min, per feature, where
/// scale = (range_max - range_min) / (data_max - data_min) and min = range_min - data_min * scale
/// (scikit-learn's `scale_` and `min_`).
///
/// Non-finite inputs and public fields: as StandardScaler.
struct MinMaxScaler : RowsForms<MinMaxScaler> {
    Eigen::VectorXd scale;  ///< per feature (scikit-learn's scale_)
    Eigen::VectorXd min;    ///< per feature (scikit-learn's min_)

    MinMaxScaler() = default;
    MinMaxScaler(Eigen::VectorXd scale_, Eigen::VectorXd min_)
        : scale(std::move(scale_)), min(std::move(min_)) {}

    Eigen::Index n_features() const noexcept { return scale.size(); }
    /// Output width of transform: n_features (a scaler keeps the width).
    Eigen::Index n_features_out() const noexcept { return scale.size(); }
    /// Values per sample of transform: n_features.
    Eigen::Index n_outputs() const noexcept { return scale.size(); }
    /// A scaler has no classes: 0.
    Eigen::Index n_classes() const noexcept { return 0; }
    /// A scaler has no class labels: an empty vector.
    const Eigen::VectorXd& class_labels() const noexcept { return detail::no_class_labels(); }

    /// Throws Error(Errc::invalid_model) unless >= 1 feature, scale and min of equal length and
    /// all finite.
    void validate() const {
        check_shape();
        detail::require_finite(scale, name, "scale");
        detail::require_finite(min, name, "min");
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
    using RowsForms<MinMaxScaler>::transform;

    /// As StandardScaler::transform_into.
    template <class = void>
    void transform_into(const MatrixRef& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        detail::check_out_shape(X, out, name);
        detail::scale_columns_into(
            X, out, name, [&](const auto& x, Eigen::Index j) { return x * scale(j) + min(j); });
    }

    /// As StandardScaler::transform_one.
    template <class = void>
    void transform_one(const RowRef& x, double* out, Eigen::Index size) const {
        check_shape();
        detail::check_columns(x.size(), n_features(), name);
        detail::check_output_size(size, n_features(), name, "transform_one");
        detail::check_sample(x, name, true);
        for (Eigen::Index j = 0; j < x.size(); ++j) out[j] = x(j) * scale(j) + min(j);
    }

    /// transform_one into a contiguous buffer of at least n_features entries.
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void transform_one(const RowRef& x, Buffer&& out) const {
        transform_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    /// Unsized form: writes n_features values to `out` whatever its size.
    template <class = void>
    [[deprecated("pass the buffer's size: transform_one(x, out, size) or a sized buffer")]] void
    transform_one(const RowRef& x, double* out) const {
        transform_one(x, out, n_features());
    }

    friend bool operator==(const MinMaxScaler& a, const MinMaxScaler& b) {
        return detail::same_bits(a.scale, b.scale) && detail::same_bits(a.min, b.min);
    }
    friend bool operator!=(const MinMaxScaler& a, const MinMaxScaler& b) { return !(a == b); }

private:
    static constexpr const char* name = "MinMaxScaler";
    friend class RowsForms<MinMaxScaler>;

    // A Pipeline's predict transforms its blocks without the infinity check: an infinite input
    // makes an infinite or NaN output (through any finite or non-finite parameters), which the
    // pipeline's estimator refuses; the pipeline then reports the input it came from.
    friend struct Pipeline;

    template <class = void>
    Eigen::MatrixXd transform_rows(const MatrixRef& X, bool refuse_infinity) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        return detail::scale_columns(
            X, name, [&](const auto& x, Eigen::Index j) { return x * scale(j) + min(j); },
            refuse_infinity);
    }

    void check_shape() const {
        if (scale.size() < 1) detail::invalid_model(name, "has no features");
        if (min.size() != scale.size()) {
            detail::invalid_model(name, "min has " + std::to_string(min.size()) +
                                            " entries, scale has " + std::to_string(scale.size()));
        }
    }
};

}  // namespace brine
