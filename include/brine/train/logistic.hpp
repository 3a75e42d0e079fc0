// brine::train::logistic_regression: L2-penalised logistic regression as scikit-learn's lbfgs
// solver fits it. SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <deque>
#include <limits>

#include "brine/models/logistic_regression.hpp"
#include "brine/train/checks.hpp"

namespace brine::train {

/// Options of logistic_regression().
struct LogisticOptions {
    /// Inverse penalty strength, as scikit-learn's `C` (> 0): the objective is
    /// C * sum_i log_loss_i + 0.5 * ||coef||^2; the intercept is not penalised.
    double C = 1.0;
    /// Stop when every component of the objective's gradient, divided by C * n_samples, is at most
    /// tol in absolute value (the gradient of the mean log-loss plus the scaled penalty, so the
    /// test does not depend on the number of samples). The default is far tighter than
    /// scikit-learn's 1e-4 so that results are reproducible to many digits.
    double tol = 1e-8;
    /// Maximum number of L-BFGS iterations.
    int max_iter = 1000;

    OptionList describe() const {
        return {{"C", detail::number_text(C)},
                {"tol", detail::number_text(tol)},
                {"max_iter", detail::number_text(max_iter)}};
    }

    /// Throws Error(Errc::invalid_argument) unless C > 0 and tol >= 0 (both finite), max_iter >= 1.
    void validate(const char* fn = "logistic_regression") const {
        if (!(std::isfinite(C) && C > 0.0)) {
            detail::invalid(fn, "C must be finite and > 0, is " + detail::number_text(C));
        }
        if (!(std::isfinite(tol) && tol >= 0.0)) {
            detail::invalid(fn, "tol must be finite and >= 0, is " + detail::number_text(tol));
        }
        if (max_iter < 1)
            detail::invalid(fn, "max_iter must be >= 1, is " + std::to_string(max_iter));
    }
};

/// How an iterative fit ended. Not converging is not an error: the model of the last iterate is
/// returned, and this report says how far it is from the optimum.
struct FitReport {
    bool converged = false;  ///< the gradient test of LogisticOptions::tol was met
    int iterations = 0;      ///< L-BFGS iterations run
    double gradient = 0.0;   ///< final max |gradient| / (C * n_samples), compare with tol
    double objective = 0.0;  ///< final C * sum log-loss + 0.5 * ||coef||^2
};

namespace detail {

/// The penalised multinomial or binary log-loss and its gradient. Parameters are one column per
/// row of coef: the first d entries are the weights, the last the intercept. A template only so
/// that its products are instantiated where logistic_regression() is.
template <class = void>
class LogisticObjective {
public:
    LogisticObjective(const Eigen::Ref<const Eigen::MatrixXd>& X, const std::vector<int>& label,
                      Eigen::Index n_classes, double C)
        : X_(X), label_(label), binary_(n_classes == 2), C_(C) {
        rows_ = binary_ ? 1 : n_classes;
    }

    Eigen::Index columns() const { return rows_; }

    /// Objective at theta ((d + 1) x rows); the gradient is written to grad (same shape).
    double evaluate(const Eigen::MatrixXd& theta, Eigen::MatrixXd& grad) const {
        const Eigen::Index n = X_.rows(), d = X_.cols();
        // Row-major: the loop below works on one sample's scores at a time.
        Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Z =
            X_ * theta.topRows(d);
        Z.rowwise() += theta.row(d);
        double loss = 0.0;
        // Z becomes dloss/dZ in place.
        for (Eigen::Index i = 0; i < n; ++i) {
            const int yi = label_[static_cast<std::size_t>(i)];
            double* z = &Z(i, 0);
            if (binary_) {
                // log(1 + exp(-t z)) with t = +1 for classes[1] and -1 for classes[0], computed
                // without overflow; its derivative is sigmoid(z) - [yi == 1].
                const double tz = yi == 1 ? z[0] : -z[0];
                loss += tz > 0 ? std::log1p(std::exp(-tz)) : -tz + std::log1p(std::exp(tz));
                z[0] = LogisticRegression::sigmoid(z[0]) - (yi == 1 ? 1.0 : 0.0);
            } else {
                const double top = *std::max_element(z, z + rows_);
                const double own = z[yi];
                double sum = 0.0;
                for (Eigen::Index k = 0; k < rows_; ++k) sum += (z[k] = std::exp(z[k] - top));
                loss += top + std::log(sum) - own;
                for (Eigen::Index k = 0; k < rows_; ++k) z[k] /= sum;
                z[yi] -= 1.0;
            }
        }
        grad.resize(d + 1, rows_);
        grad.topRows(d).noalias() = C_ * (X_.transpose() * Z);
        grad.topRows(d) += theta.topRows(d);
        grad.row(d) = C_ * Z.colwise().sum();
        return C_ * loss + 0.5 * theta.topRows(d).squaredNorm();
    }

private:
    Eigen::Ref<const Eigen::MatrixXd> X_;
    const std::vector<int>& label_;
    bool binary_;
    double C_;
    Eigen::Index rows_ = 1;
};

}  // namespace detail

/// Fits L2-penalised logistic regression, minimising C * sum_i log_loss_i + 0.5 * ||coef||^2 with
/// an unpenalised intercept, as scikit-learn's `LogisticRegression(C=C, solver="lbfgs")`.
///
/// y holds class labels (any finite doubles); their sorted distinct values become `classes`.
/// Two classes give one row of coef, the score of classes[1]; K >= 3 classes give the multinomial
/// (softmax) model with K rows, the full parameterisation scikit-learn uses. Its intercepts are
/// only determined up to a common shift; they are returned with zero sum (the convention
/// scikit-learn's lbfgs iterates keep), and the coef rows sum to zero at the optimum.
///
/// The solver is L-BFGS (10 correction pairs) with a backtracking line search, started at 0;
/// each iteration costs a few passes over X (O(n_samples * n_features * rows of coef)).
/// The objective is strictly convex in the weights, so the optimum is unique and the result does
/// not depend on the solver beyond the tolerance. Pass `report` to learn whether it converged;
/// not converging within max_iter is not an error (the last iterate is returned).
///
/// Throws Error(Errc::invalid_argument) for an empty X, mismatched sizes, a non-finite entry, a
/// single class, or invalid options.
///
/// ```
/// brine::StandardScaler sc = brine::train::standard_scaler(X);
/// brine::train::FitReport report;
/// auto clf = brine::train::logistic_regression(sc.transform(X), y, {}, &report);
/// ```
template <class = void>
LogisticRegression logistic_regression(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                       const Eigen::Ref<const Eigen::VectorXd>& y,
                                       const LogisticOptions& options = {},
                                       FitReport* report = nullptr) {
    constexpr const char* fn = "logistic_regression";
    options.validate(fn);
    detail::check_features(X, fn);
    detail::check_targets(X, y, fn);
    const detail::EncodedLabels labels = detail::encode_labels(y, fn);

    const detail::LogisticObjective<> objective(X, labels.index, labels.classes.size(), options.C);
    const Eigen::Index d = X.cols(), rows = objective.columns();
    const double grad_scale = 1.0 / (options.C * static_cast<double>(X.rows()));
    const double eps = std::numeric_limits<double>::epsilon();

    Eigen::MatrixXd theta = Eigen::MatrixXd::Zero(d + 1, rows), grad, trial, trial_grad;
    double f = objective.evaluate(theta, grad);
    FitReport info;
    std::deque<std::pair<Eigen::MatrixXd, Eigen::MatrixXd>> pairs;  // (s, y), oldest first
    constexpr std::size_t memory = 10;

    while (true) {
        info.gradient = grad.cwiseAbs().maxCoeff() * grad_scale;
        if (info.gradient <= options.tol) {
            info.converged = true;
            break;
        }
        if (info.iterations >= options.max_iter) break;
        ++info.iterations;

        // Two-loop recursion: direction = -H grad, H the L-BFGS inverse-Hessian estimate.
        Eigen::MatrixXd q = grad;
        std::vector<double> alpha(pairs.size());
        for (std::size_t k = pairs.size(); k-- > 0;) {
            const auto& [s, yk] = pairs[k];
            alpha[k] = s.cwiseProduct(q).sum() / s.cwiseProduct(yk).sum();
            q -= alpha[k] * yk;
        }
        if (!pairs.empty()) {
            const auto& [s, yk] = pairs.back();
            q *= s.cwiseProduct(yk).sum() / yk.squaredNorm();
        } else {
            q /= std::max(1.0, grad.norm());  // first step: a unit-length gradient step at most
        }
        for (std::size_t k = 0; k < pairs.size(); ++k) {
            const auto& [s, yk] = pairs[k];
            const double beta = yk.cwiseProduct(q).sum() / s.cwiseProduct(yk).sum();
            q += (alpha[k] - beta) * s;
        }
        const Eigen::MatrixXd direction = -q;
        double slope = grad.cwiseProduct(direction).sum();
        if (!(slope < 0)) {  // rounding spoiled the estimate: restart from steepest descent
            pairs.clear();
            continue;
        }

        // Backtracking line search. Armijo's sufficient decrease is tested on the objective
        // while its change is measurable; near the optimum the change drowns in the objective's
        // rounding error (a few ulps of a large sum), so there the step is judged by the slope
        // along the direction instead (Hager and Zhang's approximate Wolfe condition, exact for
        // a quadratic). The gradient test above, not the objective, decides convergence.
        constexpr double c1 = 1e-4;
        double step = 1.0, f_new = f;
        bool accepted = false;
        for (int halvings = 0; halvings < 60; ++halvings, step *= 0.5) {
            trial = theta + step * direction;
            f_new = objective.evaluate(trial, trial_grad);
            if (f_new <= f + c1 * step * slope) {
                accepted = true;
                break;
            }
            const double new_slope = trial_grad.cwiseProduct(direction).sum();
            if (f_new <= f + 1e-10 * std::abs(f) && new_slope <= -(1.0 - 2.0 * c1) * slope) {
                accepted = true;
                break;
            }
        }
        if (!accepted) break;  // no further progress is possible in double precision

        Eigen::MatrixXd s = trial - theta, yk = trial_grad - grad;
        const double sy = s.cwiseProduct(yk).sum();
        theta.swap(trial);
        grad.swap(trial_grad);
        f = f_new;
        // Strict convexity makes s.y > 0 in exact arithmetic; skip pairs that rounding spoils.
        if (sy > eps * s.norm() * yk.norm()) {
            pairs.emplace_back(std::move(s), std::move(yk));
            if (pairs.size() > memory) pairs.pop_front();
        }
    }
    info.objective = f;
    if (report) *report = info;

    RowMatrix coef = theta.topRows(d).transpose();
    Eigen::VectorXd intercept = theta.row(d).transpose();
    if (rows > 1)
        intercept.array() -= intercept.mean();  // same probabilities; scikit-learn's convention
    return LogisticRegression(std::move(coef), std::move(intercept), labels.classes);
}

#ifdef BRINE_COMPILED
// The compiled mode (brine::compiled) instantiates this once, in src/brine_train.cpp.
extern template LogisticRegression logistic_regression<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                         const Eigen::Ref<const Eigen::VectorXd>&,
                                                         const LogisticOptions&, FitReport*);
#endif

}  // namespace brine::train
