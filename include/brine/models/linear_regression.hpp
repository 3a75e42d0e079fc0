// brine::LinearRegression: a linear model y = X * coef^T + intercept (OLS or ridge).
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/models/common.hpp"

namespace brine {

/// Linear regression with one or more targets, as fitted by scikit-learn's LinearRegression or
/// Ridge. `coef` has one row per target and one column per feature (scikit-learn's `coef_`,
/// reshaped to 2-D); `intercept` one entry per target.
///
/// ```
/// brine::LinearRegression m(coef, 0.5);   // one target: coef is an Eigen::VectorXd
/// Eigen::VectorXd y = m.predict(X);
/// ```
struct LinearRegression {
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

    /// Throws Error(Errc::invalid_model) unless at least one target and one feature, intercept size
    /// equal to the number of targets, and every parameter finite.
    void validate() const {
        constexpr const char* name = "LinearRegression";
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
        detail::require_finite(coef, name, "coef");
        detail::require_finite(intercept, name, "intercept");
    }

    /// Predictions for every row of X (one target). Throws Errc::shape_mismatch on a wrong column
    /// count, Errc::invalid_argument if the model has several targets (use predict_targets).
    Eigen::VectorXd predict(const MatrixRef& X) const {
        require_single_target();
        detail::check_columns(X.cols(), n_features(), "LinearRegression");
        Eigen::VectorXd y = X * coef.row(0).transpose();
        y.array() += intercept(0);
        return y;
    }

    /// Predictions for every row of X, one column per target.
    Eigen::MatrixXd predict_targets(const MatrixRef& X) const {
        detail::check_columns(X.cols(), n_features(), "LinearRegression");
        Eigen::MatrixXd y = X * coef.transpose();
        y.rowwise() += intercept.transpose();
        return y;
    }

    /// Prediction for one sample (one target), without heap allocation.
    double predict_one(const RowRef& x) const {
        require_single_target();
        detail::check_columns(x.size(), n_features(), "LinearRegression");
        return x.dot(coef.row(0)) + intercept(0);
    }

    friend bool operator==(const LinearRegression& a, const LinearRegression& b) {
        return detail::same_bits(a.coef, b.coef) && detail::same_bits(a.intercept, b.intercept);
    }
    friend bool operator!=(const LinearRegression& a, const LinearRegression& b) {
        return !(a == b);
    }

private:
    void require_single_target() const {
        if (coef.rows() != 1) {
            throw Error(Errc::invalid_argument,
                        "LinearRegression has " + std::to_string(coef.rows()) +
                            " targets; predict() needs one, use predict_targets()");
        }
    }
};

}  // namespace brine
