// brine::train::linear_regression: ordinary least squares and ridge, as scikit-learn fits them.
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Dense>
#include <Eigen/SVD>

#include <algorithm>
#include <limits>

#include "brine/models/linear_regression.hpp"
#include "brine/train/checks.hpp"

namespace brine::train {

/// Options of linear_regression().
struct LinearOptions {
    /// Ridge penalty alpha >= 0 on the weights (scikit-learn's `Ridge(alpha)`); 0 gives ordinary
    /// least squares (scikit-learn's `LinearRegression`). The intercept is never penalised.
    double l2 = 0.0;
    /// Fit an intercept (true, as scikit-learn's default) or force it to 0.
    bool fit_intercept = true;

    /// Every option and its value as text, for provenance records.
    OptionList describe() const {
        return {{"l2", detail::number_text(l2)},
                {"fit_intercept", detail::bool_text(fit_intercept)}};
    }

    /// Throws Error(Errc::invalid_argument) when l2 is negative or not finite.
    void validate(const char* fn = "linear_regression") const {
        if (!(std::isfinite(l2) && l2 >= 0.0)) {
            detail::invalid(fn, "l2 must be finite and >= 0, is " + detail::number_text(l2));
        }
    }
};

/// Fits a linear model: one row of coef and one intercept per column of Y.
///
/// With `l2 == 0` this minimises ||Y - X W^T - b||^2: X and Y are centred (when fitting an
/// intercept) and the least-squares problem is solved through the SVD, so a rank-deficient X
/// gives the minimum-norm weights with numpy.linalg.lstsq's rank cutoff (singular values below
/// eps * max(n, d) times the largest are zero). scikit-learn's LinearRegression agrees on
/// full-rank X; on X that is rank-deficient up to rounding it does not cut and its weights blow up.
/// With `l2 = alpha > 0` it minimises ||Y - X W^T - b||^2 + alpha ||W||^2 (scikit-learn's Ridge),
/// solved as the least-squares problem [Xc; sqrt(alpha) I] W^T = [Yc; 0], which avoids squaring the
/// condition number as the normal equations would.
///
/// Throws Error(Errc::invalid_argument) for an empty X, a row count that differs from Y's, a
/// non-finite entry (named by row and column) or invalid options.
/// Y may be a vector (one target, the usual case) or a matrix with one column per target.
///
/// ```
/// brine::train::LinearOptions options;
/// options.l2 = 1.0;  // Ridge(alpha=1.0)
/// brine::LinearRegression model = brine::train::linear_regression(X, y, options);
/// ```
template <class DX, class DY>
LinearRegression linear_regression(const Eigen::MatrixBase<DX>& X_in,
                                   const Eigen::MatrixBase<DY>& Y_in,
                                   const LinearOptions& options = {}) {
    constexpr const char* fn = "linear_regression";
    // Views without a copy when the inputs are already plain column-major storage.
    const Eigen::Ref<const Eigen::MatrixXd> X(X_in.derived());
    const Eigen::Ref<const Eigen::MatrixXd> Y(Y_in.derived());
    options.validate(fn);
    detail::check_features(X, fn);
    detail::check_targets(X, Y, fn);

    const Eigen::Index n = X.rows(), d = X.cols();
    Eigen::RowVectorXd x_mean = Eigen::RowVectorXd::Zero(d);
    Eigen::RowVectorXd y_mean = Eigen::RowVectorXd::Zero(Y.cols());
    if (options.fit_intercept) {
        x_mean = X.colwise().mean();
        y_mean = Y.colwise().mean();
    }

    Eigen::MatrixXd W;  // d x n_targets
    if (options.l2 == 0.0) {
        const Eigen::MatrixXd Xc = X.rowwise() - x_mean;
        const Eigen::MatrixXd Yc = Y.rowwise() - y_mean;
        // Singular values below eps * max(n, d) * s_max count as zero: numpy.linalg.lstsq's
        // default cutoff. (scipy's lstsq, which scikit-learn calls, keeps them and returns huge
        // weights when a column is a sum of others up to rounding.)
        Eigen::BDCSVD<Eigen::MatrixXd> svd(Xc, Eigen::ComputeThinU | Eigen::ComputeThinV);
        svd.setThreshold(std::numeric_limits<double>::epsilon() *
                         static_cast<double>(std::max(n, d)));
        W = svd.solve(Yc);
    } else {
        Eigen::MatrixXd A(n + d, d);
        A.topRows(n) = X.rowwise() - x_mean;
        A.bottomRows(d) = std::sqrt(options.l2) * Eigen::MatrixXd::Identity(d, d);
        Eigen::MatrixXd B = Eigen::MatrixXd::Zero(n + d, Y.cols());
        B.topRows(n) = Y.rowwise() - y_mean;
        // A has full column rank (its bottom block is a positive multiple of I), so Householder
        // QR is exact up to rounding and cheaper than a rank-revealing decomposition.
        W = A.householderQr().solve(B);
    }

    RowMatrix coef = W.transpose();
    Eigen::VectorXd intercept = (y_mean - x_mean * W).transpose();
    return LinearRegression(std::move(coef), std::move(intercept));
}

}  // namespace brine::train
