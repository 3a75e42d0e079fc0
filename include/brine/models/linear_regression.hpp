// brine::LinearRegression: a linear model y = X * coef^T + intercept (OLS or ridge).
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/models/common.hpp"
#include "brine/models/linear_kernel.hpp"
#include "brine/models/rows.hpp"

namespace brine {

/// Linear regression with one or more targets, as fitted by scikit-learn's LinearRegression or
/// Ridge. `coef` has one row per target and one column per feature (scikit-learn's `coef_`,
/// reshaped to 2-D); `intercept` one entry per target.
///
/// Non-finite inputs: every prediction call refuses a sample with a NaN or an infinity in any
/// feature (Errc::invalid_input, naming the row and column), as scikit-learn 1.2 does; a finite
/// sample whose prediction overflows gets +-inf. The parameters are public fields: every prediction
/// checks their shapes in O(1), so no change to them makes a prediction read out of bounds.
///
/// ```
/// brine::LinearRegression m(coef, 0.5);   // one target: coef is an Eigen::VectorXd
/// Eigen::VectorXd y = m.predict(X);
/// ```
struct LinearRegression : RowsForms<LinearRegression> {
    /// Batches of doubles are read in place in every layout: the products of a row are summed in
    /// the order of the features whatever the layout (detail::linear_scores), so every layout
    /// gives the same bits.
    static constexpr bool reads_any_layout = true;

    RowMatrix coef;             ///< n_targets x n_features
    Eigen::VectorXd intercept;  ///< n_targets

    LinearRegression() = default;
    /// One target: `coef` holds one weight per feature.
    LinearRegression(const Eigen::VectorXd& coef_, double intercept_)
        : coef(coef_.transpose()), intercept(Eigen::VectorXd::Constant(1, intercept_)) {}
    /// Several targets: `coef` is n_targets x n_features, `intercept` has n_targets entries.
    LinearRegression(RowMatrix coef_, Eigen::VectorXd intercept_)
        : coef(std::move(coef_)), intercept(std::move(intercept_)) {}

    Eigen::Index n_features() const noexcept { return coef.cols(); }
    Eigen::Index n_targets() const noexcept { return coef.rows(); }
    /// Values per sample of the model's output: one per target (the width of predict_targets).
    Eigen::Index n_outputs() const noexcept { return coef.rows(); }
    /// A regressor has no classes: 0.
    Eigen::Index n_classes() const noexcept { return 0; }
    /// A regressor has no class labels: an empty vector.
    const Eigen::VectorXd& class_labels() const noexcept { return detail::no_class_labels(); }

    /// Throws Error(Errc::invalid_model) unless at least one target and one feature, intercept size
    /// equal to the number of targets, and every parameter finite.
    void validate() const {
        check_shape();
        detail::require_finite(coef, name, "coef");
        detail::require_finite(intercept, name, "intercept");
    }

    /// Predictions for every row of X (one target). Throws Errc::shape_mismatch on a wrong column
    /// count, Errc::invalid_argument if the model has several targets (use predict_targets),
    /// Errc::invalid_input if a row holds a NaN or an infinity (naming the first such entry).
    template <class = void>
    Eigen::VectorXd predict(const MatrixRef& X) const {
        check_shape();
        require_single_target();
        detail::check_columns(X.cols(), n_features(), name);
        Eigen::VectorXd y(X.rows());
        predict_into(X, y.data());
        return y;
    }

    /// Predictions for every row of X, one column per target. Throws as predict (but any number of
    /// targets is fine).
    template <class = void>
    Eigen::MatrixXd predict_targets(const MatrixRef& X) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        Eigen::MatrixXd y(X.rows(), coef.rows());
        detail::linear_scores(X, coef, intercept, y.data(), 1, X.rows());
        detail::check_rows_of_non_finite_outputs(X, y, name);
        return y;
    }

    /// predict for a row-major or float batch, or any Rows view, read in place (see brine::Rows),
    /// and into a caller's buffer: `predict(X)`, `predict(rows, out, size)`, `predict(rows,
    /// buffer)` (RowsForms). Floats are converted to double exactly, as scikit-learn computes a
    /// float32 batch against its float64 coefficients. Every form gives the same bits as the
    /// column-major double form of the same values. Throws as predict, and Errc::shape_mismatch
    /// for a buffer smaller than X.rows() (nothing is written then); no heap allocation.
    using RowsForms<LinearRegression>::predict;

    /// The batch kernel behind every predict form (one target): X is an Eigen double matrix
    /// (column-major, row-major or strided map, read in place), `out` takes X.rows() values.
    /// Throws as predict.
    template <class M>
    void predict_into(const M& X, double* out) const {
        check_shape();
        require_single_target();
        detail::check_columns(X.cols(), n_features(), name);
        detail::linear_scores(X, coef, intercept, out, 1, 1);
        detail::check_rows_of_non_finite_outputs(X, Eigen::Map<Eigen::VectorXd>(out, X.rows()),
                                                 name);
    }

    /// Prediction for one sample (one target), without heap allocation. Throws as predict.
    template <class = void>
    double predict_one(const RowRef& x) const {
        check_shape();
        require_single_target();
        detail::check_columns(x.size(), n_features(), name);
        const double y = x.dot(coef.row(0)) + intercept(0);
        if (!std::isfinite(y)) detail::check_sample(x, name);
        return y;
    }

    friend bool operator==(const LinearRegression& a, const LinearRegression& b) {
        return detail::same_bits(a.coef, b.coef) && detail::same_bits(a.intercept, b.intercept);
    }
    friend bool operator!=(const LinearRegression& a, const LinearRegression& b) {
        return !(a == b);
    }

private:
    static constexpr const char* name = "LinearRegression";
    friend class RowsForms<LinearRegression>;

    /// What every prediction relies on to stay in bounds, in O(1): checked on every call, so no
    /// change to the public fields can make a prediction read outside them.
    void check_shape() const {
        if (coef.rows() < 1 || coef.cols() < 1) {
            detail::invalid_model(name, "coef must be at least 1 x 1, is " +
                                            std::to_string(coef.rows()) + " x " +
                                            std::to_string(coef.cols()));
        }
        if (intercept.size() != coef.rows()) {
            detail::invalid_model(name, "intercept has " + std::to_string(intercept.size()) +
                                            " entries for " + std::to_string(coef.rows()) +
                                            " targets");
        }
    }

    void require_single_target() const {
        if (coef.rows() != 1) {
            throw Error(Errc::invalid_argument,
                        "LinearRegression has " + std::to_string(coef.rows()) +
                            " targets; predict() needs one, use predict_targets()");
        }
    }
};

}  // namespace brine
