// brine::train::linear_regression: ordinary least squares and ridge, as scikit-learn fits them.
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>
#include <Eigen/QR>
#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
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

namespace detail {

/// The minimum-norm least-squares solution W (d x k) of A W = B (A: n x d, B: n x k), with
/// numpy.linalg.lstsq's default rank cutoff: singular values of A at or below
/// eps * max(n, d) * s_max count as zero.
///
/// A Householder QR reduces the problem to a square triangular one with the same singular values,
/// whose one-sided Jacobi SVD (no preconditioner: the matrix is square) gives them to high
/// relative accuracy. For n >= d, A = Q R with Q orthonormal (n x d) and R (d x d): then
/// ||A W - B|| differs from ||R W - Q^T B|| by a constant, so both have the same minimum-norm
/// solution. For n < d, A^T = Q R with Q (d x n) and R (n x n): A W = R^T Q^T W depends only on
/// Z = Q^T W, and ||W||^2 = ||Z||^2 + ||W - Q Z||^2, so W = Q Z with Z the minimum-norm solution of
/// R^T Z = B. The same answer as an SVD of A itself (Golub and Van Loan, Matrix Computations,
/// ch. 5) at a fraction of the compile time of Eigen's BDCSVD.
template <class = void>
Eigen::MatrixXd min_norm_least_squares(const Eigen::Ref<const Eigen::MatrixXd>& A,
                                       const Eigen::Ref<const Eigen::MatrixXd>& B) {
    using Svd = Eigen::JacobiSVD<Eigen::MatrixXd, Eigen::NoQRPreconditioner>;
    const Eigen::Index n = A.rows(), d = A.cols();
    const double cutoff =
        std::numeric_limits<double>::epsilon() * static_cast<double>(std::max(n, d));
    if (n >= d) {
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(A);
        Eigen::MatrixXd QtB = B;
        QtB.applyOnTheLeft(qr.householderQ().adjoint());
        const Eigen::MatrixXd R = qr.matrixQR().topRows(d).triangularView<Eigen::Upper>();
        Svd svd(R, Eigen::ComputeFullU | Eigen::ComputeFullV);
        svd.setThreshold(cutoff);
        return svd.solve(QtB.topRows(d));
    }
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(A.transpose());
    const Eigen::MatrixXd Rt =
        qr.matrixQR().topRows(n).triangularView<Eigen::Upper>().toDenseMatrix().transpose();
    Svd svd(Rt, Eigen::ComputeFullU | Eigen::ComputeFullV);
    svd.setThreshold(cutoff);
    Eigen::MatrixXd W = Eigen::MatrixXd::Zero(d, B.cols());
    W.topRows(n) = svd.solve(B);
    W.applyOnTheLeft(qr.householderQ());  // W = Q Z: the full Q applied to [Z; 0]
    return W;
}

/// linear_regression() on plain column-major views: the one definition every argument type shares
/// (and the one the compiled mode instantiates).
template <class = void>
LinearRegression fit_linear(const Eigen::Ref<const Eigen::MatrixXd>& X,
                            const Eigen::Ref<const Eigen::MatrixXd>& Y,
                            const LinearOptions& options) {
    constexpr const char* fn = "linear_regression";
    options.validate(fn);
    check_features(X, fn);
    check_targets(X, Y, fn);

    const Eigen::Index n = X.rows(), d = X.cols();
    Eigen::RowVectorXd x_mean = Eigen::RowVectorXd::Zero(d);
    Eigen::RowVectorXd y_mean = Eigen::RowVectorXd::Zero(Y.cols());
    if (options.fit_intercept) {
        x_mean = X.colwise().mean();
        y_mean = Y.colwise().mean();
    }

    Eigen::MatrixXd W;  // d x n_targets
    if (options.l2 == 0.0) {
        // Singular values below eps * max(n, d) * s_max count as zero: numpy.linalg.lstsq's
        // default cutoff. (scipy's lstsq, which scikit-learn calls, keeps them and returns huge
        // weights when a column is a sum of others up to rounding.)
        W = min_norm_least_squares(X.rowwise() - x_mean, Y.rowwise() - y_mean);
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

}  // namespace detail

/// Fits a linear model: one row of coef and one intercept per column of Y.
///
/// With `l2 == 0` this minimises ||Y - X W^T - b||^2: X and Y are centred (when fitting an
/// intercept) and the least-squares problem is solved through the SVD (of the R factor of a
/// Householder QR), so a rank-deficient X, or one with fewer rows than columns, gives the
/// minimum-norm weights with numpy.linalg.lstsq's rank cutoff (singular values below
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
LinearRegression linear_regression(const Eigen::MatrixBase<DX>& X, const Eigen::MatrixBase<DY>& Y,
                                   const LinearOptions& options = {}) {
    // Views without a copy when the inputs are already plain column-major storage.
    return detail::fit_linear(Eigen::Ref<const Eigen::MatrixXd>(X.derived()),
                              Eigen::Ref<const Eigen::MatrixXd>(Y.derived()), options);
}

#ifdef BRINE_COMPILED
// The compiled mode (brine::compiled) instantiates these once, in src/brine_train.cpp.
extern template Eigen::MatrixXd detail::min_norm_least_squares<>(
    const Eigen::Ref<const Eigen::MatrixXd>&, const Eigen::Ref<const Eigen::MatrixXd>&);
extern template LinearRegression detail::fit_linear<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                      const Eigen::Ref<const Eigen::MatrixXd>&,
                                                      const LinearOptions&);
#endif

}  // namespace brine::train
