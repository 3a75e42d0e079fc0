// brine::StandardScaler and brine::MinMaxScaler: per-feature affine preprocessing steps.
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/models/blocks.hpp"
#include "brine/models/common.hpp"

namespace brine {

struct Pipeline;

namespace detail {

/// out(i, j) = f(x(i, j), p(j), q(j)) for every entry of X (any layout, double or float; a float
/// is converted to the double it equals): a per-feature map of a scaler, written once as a
/// function of arrays, `f(values, p, q)`, applied to a column with the scalars p(j), q(j), or to
/// a row with the arrays p, q (a vector f does not use may be empty). The same operations apply
/// to every value in every layout, so every layout gives the same bits.
///
/// Column-major input is mapped column by column, in blocks of 1024 values, each checked right
/// after it was transformed, while it is still in cache. Other layouts go in tiles of tile_rows
/// rows: each row mapped along its features into a row-major tile (which stays in L1), then the
/// tile copied into the output's columns, so the input is read once in its own order.
///
/// With `refuse_infinity`, an infinite input is refused (Errc::invalid_input, the first in row
/// order; NaN passes through), as scikit-learn 1.2's scalers do. Without it infinities pass
/// through too (a Pipeline's predict, whose estimator refuses every non-finite value the
/// transforms produce).
template <class T, class F>
void scale_block(const InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out, const char* model, F f,
                 const Eigen::VectorXd& p, const Eigen::VectorXd& q, bool refuse_infinity) {
    const Eigen::Index rows = X.rows(), cols = X.cols();
    if (rows == 0 || cols == 0) return;
    if (X.innerStride() == 1) {
        constexpr Eigen::Index block = 1024;
        for (Eigen::Index j = 0; j < cols; ++j) {
            const double pj = p.size() ? p(j) : 0.0, qj = q.size() ? q(j) : 0.0;
            for (Eigen::Index first = 0; first < rows; first += block) {
                const Eigen::Index n = std::min(block, rows - first);
                const T* in = X.data() + j * X.outerStride() + first;
                out.col(j).segment(first, n) =
                    f(Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>>(in, n)
                          .template cast<double>()
                          .array(),
                      pj, qj);
                // The cheaper test first: data without NaN or infinity (the usual case) stops
                // there.
                if (refuse_infinity && any_non_finite_of(in, n) && any_infinite_of(in, n))
                    check_rows(X, 0, rows, model, true);
            }
        }
        return;
    }
    constexpr Eigen::Index tile = tile_rows;
    using RowArray = Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using Params = Eigen::Map<const Eigen::Array<double, 1, Eigen::Dynamic>>;
    const Params P(p.data(), p.size()), Q(q.data(), q.size());
    double* buf = scratch_doubles<tile_slot>(tile * cols);
    for (Eigen::Index first = 0; first < rows; first += tile) {
        const Eigen::Index n = std::min(tile, rows - first);
        Eigen::Map<RowArray> A(buf, n, cols);
        for (Eigen::Index r = 0; r < n; ++r) {
            const T* in = X.data() + (first + r) * X.innerStride();
            if (X.outerStride() == 1) {
                A.row(r) = f(Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>(in, cols)
                                 .template cast<double>()
                                 .array(),
                             P, Q);
            } else {
                A.row(r) = f(
                    Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>, 0, Eigen::InnerStride<>>(
                        in, cols, Eigen::InnerStride<>(X.outerStride()))
                        .template cast<double>()
                        .array(),
                    P, Q);
            }
        }
        // A non-finite input always makes a non-finite output (x - m, x * s and x / s of a
        // non-finite x are never finite), so only a tile with a non-finite output is searched.
        if (refuse_infinity && any_non_finite(buf, n * cols)) check_rows(X, first, n, model, true);
        out.middleRows(first, n) = A.matrix();
    }
}

/// A scaler's transform_one: the shape checks, the refusal of an infinity (NaN passes), then
/// out[j] = f(j, x(j)) for each feature.
template <class F>
void scale_one(const RowRef& x, double* out, Eigen::Index size, Eigen::Index n_features,
               const char* model, F f) {
    check_columns(x.size(), n_features, model);
    check_output_size(size, n_features, model, "transform_one");
    check_sample(x, model, true);
    for (Eigen::Index j = 0; j < x.size(); ++j) out[j] = f(j, x(j));
}

/// Throws Errc::shape_mismatch unless `out` has X's shape (the scalers' transform_into).
template <class M>
void check_out_shape(const M& X, const Eigen::Ref<Eigen::MatrixXd>& out, const char* model) {
    if (out.rows() != X.rows() || out.cols() != X.cols()) {
        throw Error(Errc::shape_mismatch,
                    std::string(model) + "::transform_into writes " + std::to_string(X.rows()) +
                        " x " + std::to_string(X.cols()) + " values, the output is " +
                        std::to_string(out.rows()) + " x " + std::to_string(out.cols()));
    }
}

/// The forms every per-feature scaler shares, written once over the scaler's own parts: its
/// `name`, `n_features()`, `check_shape()` (what its transforms rely on to stay in bounds, in O(1),
/// checked on every call), `map_block(X, out, refuse_infinity)` (detail::scale_block with the
/// scaler's map) and `map_one(j, v)` (the same map on one value of feature j). A scaler derives
/// from ScalerForms<Scaler> and declares `friend class detail::ScalerForms<Scaler>;`.
template <class Scaler>
class ScalerForms : public RowsForms<Scaler> {
public:
    /// The batch forms read every layout and float input in place (see detail::reads_any_input).
    static constexpr bool reads_any_input = true;

    /// Output width of transform: n_features (a scaler keeps the width).
    Eigen::Index n_features_out() const noexcept { return self().n_features(); }
    /// Values per sample of transform: n_features.
    Eigen::Index n_outputs() const noexcept { return self().n_features(); }
    /// A scaler has no classes: 0.
    Eigen::Index n_classes() const noexcept { return 0; }
    /// A scaler has no class labels: an empty vector.
    const Eigen::VectorXd& class_labels() const noexcept { return no_class_labels(); }

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
    using RowsForms<Scaler>::transform;

    /// transform into `out` (X.rows() x n_features, e.g. a map of the caller's column-major
    /// buffer), without heap allocation; `out` may be X's own storage. Throws as transform, and
    /// Errc::shape_mismatch unless `out` has X's shape.
    template <class = void>
    void transform_into(const MatrixRef& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        transform_block(in_block(X), out, true);
    }
    /// transform_into for a block of any layout, double or float (an InBlock, as a Pipeline and the
    /// Rows forms pass it), read in place: the same bits as the column-major double form of the
    /// same values. Throws as transform_into.
    template <class T>
    void transform_into(const InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        transform_block(X, out, true);
    }

    /// Transforms one sample into out[0 .. n_features), without heap allocation; out may alias x's
    /// storage when contiguous. Throws Errc::shape_mismatch unless x has n_features entries and
    /// `size` >= n_features (nothing is written then), Errc::invalid_input if x holds an infinity.
    template <class = void>
    void transform_one(const RowRef& x, double* out, Eigen::Index size) const {
        self().check_shape();
        scale_one(x, out, size, self().n_features(), Scaler::name,
                  [this](Eigen::Index j, double v) { return self().map_one(j, v); });
    }

    /// transform_one into a contiguous buffer (std::vector<double>, std::array<double, N>, Eigen
    /// vector) of at least n_features entries; throws as above.
    template <class Buffer, enable_if_double_buffer<Buffer> = 0>
    void transform_one(const RowRef& x, Buffer&& out) const {
        transform_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

private:
    const Scaler& self() const noexcept { return static_cast<const Scaler&>(*this); }

    // A Pipeline's predict transforms its blocks without the infinity check: an infinite input
    // makes an infinite or NaN output (through any finite or non-finite parameters), which the
    // pipeline's estimator refuses; the pipeline then reports the input it came from.
    friend struct brine::Pipeline;

    template <class = void>
    Eigen::MatrixXd transform_rows(const MatrixRef& X, bool refuse_infinity) const {
        Eigen::MatrixXd Z(X.rows(), X.cols());
        transform_block(in_block(X), Z, refuse_infinity);
        return Z;
    }

    /// The block kernel of every batch form: the shape checks, then the scaler's map_block (see
    /// detail::scale_block).
    template <class T>
    void transform_block(const InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out,
                         bool refuse_infinity) const {
        self().check_shape();
        check_columns(X.cols(), self().n_features(), Scaler::name);
        check_out_shape(X, out, Scaler::name);
        self().map_block(X, out, refuse_infinity);
    }
};

}  // namespace detail

/// Standardisation as scikit-learn's StandardScaler: x' = (x - mean) / scale, per feature.
///
/// Non-finite inputs, as scikit-learn 1.2: NaN passes through (a missing value stays missing), an
/// infinity is refused (Errc::invalid_input). Every transform checks that mean and scale have the
/// same length (O(1)), so no change to the public fields makes it read out of bounds. The
/// transforms (batch, into a buffer, one sample) are detail::ScalerForms'.
struct StandardScaler : detail::ScalerForms<StandardScaler> {
    Eigen::VectorXd mean;   ///< per feature
    Eigen::VectorXd scale;  ///< per feature; scikit-learn uses 1 where the std is 0

    StandardScaler() = default;
    StandardScaler(Eigen::VectorXd mean_, Eigen::VectorXd scale_)
        : mean(std::move(mean_)), scale(std::move(scale_)) {}

    Eigen::Index n_features() const noexcept { return mean.size(); }

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

    using detail::ScalerForms<StandardScaler>::transform_one;

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
    friend class detail::ScalerForms<StandardScaler>;

    template <class T>
    void map_block(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out,
                   bool refuse_infinity) const {
        detail::scale_block(
            X, out, name, [](const auto& x, const auto& m, const auto& s) { return (x - m) / s; },
            mean, scale, refuse_infinity);
    }
    double map_one(Eigen::Index j, double v) const { return (v - mean(j)) / scale(j); }

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
/// Non-finite inputs, public fields and transforms: as StandardScaler.
struct MinMaxScaler : detail::ScalerForms<MinMaxScaler> {
    Eigen::VectorXd scale;  ///< per feature (scikit-learn's scale_)
    Eigen::VectorXd min;    ///< per feature (scikit-learn's min_)

    MinMaxScaler() = default;
    MinMaxScaler(Eigen::VectorXd scale_, Eigen::VectorXd min_)
        : scale(std::move(scale_)), min(std::move(min_)) {}

    Eigen::Index n_features() const noexcept { return scale.size(); }

    /// Throws Error(Errc::invalid_model) unless >= 1 feature, scale and min of equal length and
    /// all finite.
    void validate() const {
        check_shape();
        detail::require_finite(scale, name, "scale");
        detail::require_finite(min, name, "min");
    }

    using detail::ScalerForms<MinMaxScaler>::transform_one;

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
    friend class detail::ScalerForms<MinMaxScaler>;

    template <class T>
    void map_block(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out,
                   bool refuse_infinity) const {
        detail::scale_block(
            X, out, name, [](const auto& x, const auto& m, const auto& s) { return x * s + m; },
            min, scale, refuse_infinity);
    }
    double map_one(Eigen::Index j, double v) const { return v * scale(j) + min(j); }

    void check_shape() const {
        if (scale.size() < 1) detail::invalid_model(name, "has no features");
        if (min.size() != scale.size()) {
            detail::invalid_model(name, "min has " + std::to_string(min.size()) +
                                            " entries, scale has " + std::to_string(scale.size()));
        }
    }
};

}  // namespace brine
