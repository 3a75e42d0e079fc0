// brine::SimpleImputer: fills missing values per feature with a fitted statistic, as
// scikit-learn 1.2's SimpleImputer (optionally appending its missing-indicator columns).
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "brine/models/blocks.hpp"
#include "brine/models/common.hpp"

namespace brine {

/// How an imputer's statistics were fitted (scikit-learn's `strategy`). The values are written
/// into files: never renumber.
enum class ImputeStrategy : std::uint8_t {
    mean = 0,           ///< the mean of the observed values of each feature
    median = 1,         ///< their median
    most_frequent = 2,  ///< their most frequent value (the smallest of equally frequent ones)
    constant = 3,       ///< one fill value for every feature
};

/// The stable name of a strategy ("mean", "median", "most_frequent", "constant"), as
/// scikit-learn spells it; "unknown" for a value outside the enum.
constexpr const char* strategy_name(ImputeStrategy s) noexcept {
    switch (s) {
        case ImputeStrategy::mean: return "mean";
        case ImputeStrategy::median: return "median";
        case ImputeStrategy::most_frequent: return "most_frequent";
        case ImputeStrategy::constant: return "constant";
    }
    return "unknown";
}

/// Imputation of missing values as scikit-learn 1.2's SimpleImputer on numeric data.
///
/// A value is missing when it equals `missing_value` (a finite number), or, when `missing_value`
/// is NaN (scikit-learn's default), when it is NaN. A missing value of feature j becomes
/// `statistics(j)`; other values pass through unchanged.
///
/// Output columns, in scikit-learn's order:
///  - the features whose statistic is a number, in input order. A feature whose statistic is NaN
///    (every value was missing at fit, and the strategy is not constant) is dropped from the
///    output, as scikit-learn 1.2 drops it (fitted with keep_empty_features=True, scikit-learn
///    stores 0 for such a feature instead, and keeps it);
///  - then, with `add_indicator`, one column per entry of `indicator_features` (the features that
///    had missing values at fit: scikit-learn's MissingIndicator with features='missing-only'),
///    1.0 where that feature's input is missing and 0.0 elsewhere.
///
/// Non-finite inputs, as scikit-learn 1.2: with a NaN marker, NaN is missing and an infinity is
/// refused (Errc::invalid_input); with a numeric marker, NaN and infinities are both refused.
/// Every transform checks the shape of the public fields (O(n_features)), so no change to them
/// makes it read or write out of bounds.
///
/// ```
/// brine::SimpleImputer imp(brine::ImputeStrategy::mean, nan, stats);
/// Eigen::MatrixXd Z = imp.transform(X);
/// ```
struct SimpleImputer : RowsForms<SimpleImputer> {
    /// The batch forms read every layout and float input in place (see detail::reads_any_input).
    static constexpr bool reads_any_input = true;

    ImputeStrategy strategy = ImputeStrategy::mean;
    /// The marker of a missing value: NaN, or a finite number (scikit-learn's missing_values).
    double missing_value = std::numeric_limits<double>::quiet_NaN();
    /// Per input feature: the fill value (scikit-learn's statistics_); NaN drops the feature.
    Eigen::VectorXd statistics;
    /// Whether missing-indicator columns are appended (scikit-learn's add_indicator).
    bool add_indicator = false;
    /// The features whose indicator columns are appended, strictly increasing (scikit-learn's
    /// indicator_.features_); empty without add_indicator.
    IndexVector indicator_features;

    SimpleImputer() = default;
    SimpleImputer(ImputeStrategy strategy_, double missing_value_, Eigen::VectorXd statistics_,
                  bool add_indicator_ = false, IndexVector indicator_features_ = IndexVector())
        : strategy(strategy_),
          missing_value(missing_value_),
          statistics(std::move(statistics_)),
          add_indicator(add_indicator_),
          indicator_features(std::move(indicator_features_)) {}

    /// Input width.
    Eigen::Index n_features() const noexcept { return statistics.size(); }
    /// Output width: the kept features plus the indicator columns.
    Eigen::Index n_features_out() const noexcept {
        return n_kept() + (add_indicator ? indicator_features.size() : 0);
    }
    /// Values per sample of transform: n_features_out.
    Eigen::Index n_outputs() const noexcept { return n_features_out(); }
    /// Features whose statistic is a number (the imputed columns of the output).
    Eigen::Index n_kept() const noexcept {
        Eigen::Index n = 0;
        for (Eigen::Index j = 0; j < statistics.size(); ++j) n += statistics(j) == statistics(j);
        return n;
    }
    /// An imputer has no classes: 0.
    Eigen::Index n_classes() const noexcept { return 0; }
    /// An imputer has no class labels: an empty vector.
    const Eigen::VectorXd& class_labels() const noexcept { return detail::no_class_labels(); }
    /// Whether the marker of a missing value is NaN.
    bool missing_is_nan() const noexcept { return missing_value != missing_value; }

    /// Throws Error(Errc::invalid_model) unless: >= 1 feature; a known strategy; the marker NaN
    /// or finite; no infinite statistic; with strategy constant, every statistic the same finite
    /// value; indicator features strictly increasing feature indices, none without add_indicator,
    /// and (with add_indicator) every dropped feature among them; and >= 1 output column.
    void validate() const {
        check_shape();
        if (static_cast<unsigned>(strategy) > static_cast<unsigned>(ImputeStrategy::constant)) {
            detail::invalid_model(name, "strategy is " + std::to_string(unsigned(strategy)) +
                                            "; expected 0 (mean), 1 (median), 2 (most_frequent) "
                                            "or 3 (constant)");
        }
        if (!missing_is_nan() && !std::isfinite(missing_value)) {
            detail::invalid_model(name, "missing_value is " +
                                            detail::describe_value(missing_value) +
                                            "; expected NaN or a finite number");
        }
        for (Eigen::Index j = 0; j < statistics.size(); ++j) {
            const double s = statistics(j);
            if (std::isinf(s)) {
                detail::invalid_model(name, "statistics[" + std::to_string(j) + "] is " +
                                                detail::describe_value(s) +
                                                "; expected a finite number or NaN (dropped)");
            }
            if (strategy == ImputeStrategy::constant) {
                if (s != s) {
                    detail::invalid_model(name, "statistics[" + std::to_string(j) +
                                                    "] is NaN; strategy constant fills every "
                                                    "feature with one finite value");
                }
                if (!detail::same_bits(statistics.segment(j, 1), statistics.segment(0, 1))) {
                    detail::invalid_model(name, "statistics[" + std::to_string(j) +
                                                    "] differs from statistics[0]; strategy "
                                                    "constant fills every feature with one value");
                }
            }
        }
        if (add_indicator) {
            Eigen::Index k = 0;
            for (Eigen::Index j = 0; j < statistics.size(); ++j) {
                while (k < indicator_features.size() && indicator_features(k) < j) ++k;
                const bool listed = k < indicator_features.size() && indicator_features(k) == j;
                if (statistics(j) != statistics(j) && !listed) {
                    detail::invalid_model(name, "feature " + std::to_string(j) +
                                                    " is dropped (all missing at fit) but has no "
                                                    "indicator column; expected it among "
                                                    "indicator_features");
                }
            }
        }
        if (n_features_out() < 1) {
            detail::invalid_model(name,
                                  "has no output columns (every feature dropped, no indicator)");
        }
    }

    /// transform for a row-major or float batch, or any Rows view (see brine::Rows), and into a
    /// row-major buffer of the caller's (RowsForms); every form gives the same bits as the
    /// column-major double form. Throw as transform, and Errc::shape_mismatch for a buffer smaller
    /// than the result (nothing is written then).
    using RowsForms<SimpleImputer>::transform;

    /// The imputed rows (X.rows() x n_features_out()). Throws Errc::shape_mismatch unless X has
    /// n_features columns, Errc::invalid_input for an input value the imputer refuses (see the
    /// type's comment), naming its row and column (the first in row order).
    template <class = void>
    Eigen::MatrixXd transform(const MatrixRef& X) const {
        check_shape();
        Eigen::MatrixXd Z(X.rows(), n_features_out());
        transform_into(X, Z);
        return Z;
    }

    /// transform into `out` (X.rows() x n_features_out(), a caller's buffer), without heap
    /// allocation unless `out` overlaps X's storage (then X is copied first). Throws as
    /// transform, and Errc::shape_mismatch unless `out` has that shape (nothing is written then).
    template <class = void>
    void transform_into(const MatrixRef& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        transform_rows_into(detail::in_block(X), out, true);
    }

    /// transform_into for a block of any layout, double or float (an InBlock, as a Pipeline and the
    /// Rows forms pass it), read in place: the same bits as the column-major double form of the
    /// same values. Throws as transform_into.
    template <class T>
    void transform_into(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        transform_rows_into(X, out, true);
    }

    /// Transforms one sample into out[0 .. n_features_out()), without heap allocation in steady
    /// state; `out` may overlap x's storage (x is then copied to a per-thread buffer first).
    /// Throws Errc::shape_mismatch unless x has n_features entries and `size` >= n_features_out()
    /// (nothing is written then), Errc::invalid_input as transform.
    template <class = void>
    void transform_one(const RowRef& x, double* out, Eigen::Index size) const {
        check_shape();
        detail::check_columns(x.size(), n_features(), name);
        detail::check_output_size(size, n_features_out(), name, "transform_one");
        detail::check_sample(x, name, missing_is_nan());
        const Eigen::Index w = x.size();
        const double* first = x.data();
        const double* last = x.data() + (w - 1) * x.innerStride();
        if (w > 0 && overlaps(first, last + 1, out, out + n_features_out())) {
            thread_local std::vector<double> copy;
            copy.resize(static_cast<std::size_t>(w));
            for (Eigen::Index j = 0; j < w; ++j) copy[static_cast<std::size_t>(j)] = x(j);
            write_one(Eigen::Map<const Eigen::RowVectorXd>(copy.data(), w), out);
            return;
        }
        write_one(x, out);
    }

    /// transform_one into a contiguous buffer (std::vector<double>, std::array<double, N>, Eigen
    /// vector) of at least n_features_out() entries; throws as above.
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void transform_one(const RowRef& x, Buffer&& out) const {
        transform_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    friend bool operator==(const SimpleImputer& a, const SimpleImputer& b) {
        return a.strategy == b.strategy &&
               detail::same_bits(Eigen::Matrix<double, 1, 1>(a.missing_value),
                                 Eigen::Matrix<double, 1, 1>(b.missing_value)) &&
               detail::same_bits(a.statistics, b.statistics) &&
               a.add_indicator == b.add_indicator && a.indicator_features == b.indicator_features;
    }
    friend bool operator!=(const SimpleImputer& a, const SimpleImputer& b) { return !(a == b); }

private:
    static constexpr const char* name = "SimpleImputer";
    friend class RowsForms<SimpleImputer>;

    // For a Pipeline: transform_rows(X, false) lets infinities pass through (an estimator after it
    // refuses them); NaN is still refused under a numeric marker, as scikit-learn refuses it.
    friend struct Pipeline;

    template <class = void>
    Eigen::MatrixXd transform_rows(const MatrixRef& X, bool refuse_infinity) const {
        check_shape();
        Eigen::MatrixXd Z(X.rows(), n_features_out());
        transform_rows_into(detail::in_block(X), Z, refuse_infinity);
        return Z;
    }

    static bool overlaps(const double* a0, const double* a1, const double* b0, const double* b1) {
        const std::less<const double*> lt;
        return lt(a0, b1) && lt(b0, a1);
    }

    bool is_missing(double v) const noexcept {
        return missing_is_nan() ? v != v : v == missing_value;
    }

    template <class Row>
    void write_one(const Row& x, double* out) const {
        Eigen::Index p = 0;
        for (Eigen::Index j = 0; j < x.size(); ++j) {
            const double s = statistics(j);
            if (s != s) continue;
            const double v = x(j);
            out[p++] = is_missing(v) ? s : v;
        }
        if (!add_indicator) return;
        for (Eigen::Index i = 0; i < indicator_features.size(); ++i)
            out[p + i] = is_missing(x(indicator_features(i))) ? 1.0 : 0.0;
    }

    /// The block kernel of every batch form: X of any layout, double or float.
    template <class T>
    void transform_rows_into(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out,
                             bool refuse_infinity) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        if (out.rows() != X.rows() || out.cols() != n_features_out()) {
            throw Error(Errc::shape_mismatch,
                        std::string(name) + "::transform_into writes " + std::to_string(X.rows()) +
                            " x " + std::to_string(n_features_out()) + " values, the output is " +
                            std::to_string(out.rows()) + " x " + std::to_string(out.cols()));
        }
        check_input(X, refuse_infinity);
        if (X.size() == 0 || out.size() == 0) return;
        if constexpr (std::is_same_v<T, double>) {
            const double* x0 = X.data();
            const double* x1 =
                X.data() + (X.rows() - 1) * X.innerStride() + (X.cols() - 1) * X.outerStride() + 1;
            const double* o0 = out.data();
            const double* o1 = out.data() + (out.cols() - 1) * out.outerStride() + out.rows();
            if (overlaps(x0, x1, o0, o1)) {
                const Eigen::MatrixXd copy = X;
                write_columns(copy, out);
                return;
            }
        }
        detail::visit_layout(X, [&](const auto& M) {
            detail::for_each_row_tile(M, [&](const auto& rows, Eigen::Index first) {
                write_columns(rows, out.middleRows(first, rows.rows()));
            });
        });
    }

    /// Errc::invalid_input for the first refused value in row order: infinities (with
    /// `refuse_infinity`), and NaN under a numeric marker. Every column is checked, dropped ones
    /// too (scikit-learn validates its whole input).
    template <class T>
    void check_input(const detail::InBlock<T>& X, bool refuse_infinity) const {
        const bool nan_ok = missing_is_nan();
        if (nan_ok && !refuse_infinity) return;
        if (X.innerStride() != 1) {  // not column-major: row by row, each row's test vectorized
            for (Eigen::Index i = 0; i < X.rows(); ++i) {
                const T* row = X.data() + i * X.innerStride();
                if (X.outerStride() == 1 && !detail::any_non_finite_of(row, X.cols())) continue;
                for (Eigen::Index j = 0; j < X.cols(); ++j) {
                    const double v = static_cast<double>(row[j * X.outerStride()]);
                    if ((v != v && !nan_ok) || (refuse_infinity && std::isinf(v)))
                        detail::refuse_input(name, i, j, v, nan_ok);
                }
            }
            return;
        }
        for (Eigen::Index j = 0; j < X.cols(); ++j) {
            if (!detail::column_has(X, j, 0, X.rows(), false)) continue;
            if (nan_ok && !detail::column_has(X, j, 0, X.rows(), true)) continue;
            if (refuse_infinity) {
                detail::check_rows(X, 0, X.rows(), name, nan_ok);
            } else {  // only NaN is refused (numeric marker), infinities pass
                for (Eigen::Index i = 0; i < X.rows(); ++i) {
                    for (Eigen::Index k = 0; k < X.cols(); ++k) {
                        if (X(i, k) != X(i, k)) detail::refuse_input(name, i, k, X(i, k), false);
                    }
                }
            }
            return;
        }
    }

    template <class M>
    void write_columns(const M& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        Eigen::Index p = 0;
        const bool nan_marker = missing_is_nan();
        for (Eigen::Index j = 0; j < X.cols(); ++j) {
            const double s = statistics(j);
            if (s != s) continue;
            const auto in = X.col(j).template cast<double>().array();
            if (nan_marker) {
                out.col(p).array() = (in != in).select(s, in);
            } else {
                out.col(p).array() = (in == missing_value).select(s, in);
            }
            ++p;
        }
        if (!add_indicator) return;
        for (Eigen::Index i = 0; i < indicator_features.size(); ++i) {
            const auto in = X.col(indicator_features(i)).template cast<double>().array();
            if (nan_marker) {
                out.col(p + i).array() = (in != in).template cast<double>();
            } else {
                out.col(p + i).array() = (in == missing_value).template cast<double>();
            }
        }
    }

    /// What transforms rely on to stay in bounds, in O(n_features), checked on every call.
    void check_shape() const {
        if (statistics.size() < 1) detail::invalid_model(name, "has no features");
        if (!add_indicator && indicator_features.size() != 0) {
            detail::invalid_model(name, "indicator_features has " +
                                            std::to_string(indicator_features.size()) +
                                            " entries without add_indicator (expected none)");
        }
        for (Eigen::Index i = 0; i < indicator_features.size(); ++i) {
            const std::int32_t f = indicator_features(i);
            if (f < 0 || f >= statistics.size()) {
                detail::invalid_model(
                    name, "indicator_features[" + std::to_string(i) + "] is " + std::to_string(f) +
                              "; expected a feature index < " + std::to_string(statistics.size()));
            }
            if (i > 0 && f <= indicator_features(i - 1)) {
                detail::invalid_model(name, "indicator_features[" + std::to_string(i) + "] is " +
                                                std::to_string(f) + " after " +
                                                std::to_string(indicator_features(i - 1)) +
                                                "; expected strictly increasing indices");
            }
        }
    }
};

}  // namespace brine
