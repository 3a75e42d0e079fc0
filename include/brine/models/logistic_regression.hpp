// brine::LogisticRegression: binary (sigmoid) and multinomial (softmax) logistic regression.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>

#include "brine/models/common.hpp"

namespace brine {

/// Logistic regression with the sorted class labels it was trained on, laid out as scikit-learn's
/// LogisticRegression: two classes give one row of `coef` (the score of `classes[1]`), K >= 3
/// classes give K rows (multinomial, softmax over the K scores).
struct LogisticRegression {
    RowMatrix coef;            ///< 1 x n_features (binary) or n_classes x n_features
    Eigen::VectorXd intercept; ///< one per row of coef
    Eigen::VectorXd classes;   ///< class labels, strictly increasing

    LogisticRegression() = default;
    LogisticRegression(RowMatrix coef_, Eigen::VectorXd intercept_, Eigen::VectorXd classes_)
        : coef(std::move(coef_)), intercept(std::move(intercept_)), classes(std::move(classes_)) {}

    Eigen::Index n_features() const noexcept { return coef.cols(); }
    Eigen::Index n_classes() const noexcept { return classes.size(); }
    bool is_binary() const noexcept { return classes.size() == 2; }

    /// Throws Error(Errc::invalid_model) unless: >= 2 classes, strictly increasing and finite;
    /// coef has 1 row for 2 classes or n_classes rows otherwise, and >= 1 column; intercept
    /// matches coef's rows; all parameters finite.
    void validate() const {
        constexpr const char* name = "LogisticRegression";
        if (classes.size() < 2) {
            detail::invalid_model(name, "needs at least 2 classes, has " +
                                            std::to_string(classes.size()));
        }
        detail::require_finite(classes, name, "classes");
        for (Eigen::Index k = 1; k < classes.size(); ++k) {
            if (!(classes(k - 1) < classes(k))) {
                detail::invalid_model(name, "classes must be strictly increasing, but classes[" +
                                                std::to_string(k) + "] <= classes[" +
                                                std::to_string(k - 1) + "]");
            }
        }
        const Eigen::Index rows = is_binary() ? 1 : classes.size();
        if (coef.rows() != rows || coef.cols() < 1) {
            detail::invalid_model(name, "coef is " + std::to_string(coef.rows()) + " x " +
                                            std::to_string(coef.cols()) + ", expected " +
                                            std::to_string(rows) + " x n_features (n_features >= 1) for " +
                                            std::to_string(classes.size()) + " classes");
        }
        if (intercept.size() != rows) {
            detail::invalid_model(name, "intercept has " + std::to_string(intercept.size()) +
                                            " entries, expected " + std::to_string(rows));
        }
        detail::require_finite(coef, name, "coef");
        detail::require_finite(intercept, name, "intercept");
    }

    /// Raw scores, one column per row of coef (scikit-learn's decision_function).
    Eigen::MatrixXd decision_function(const MatrixRef& X) const {
        detail::check_columns(X.cols(), n_features(), "LogisticRegression");
        Eigen::MatrixXd s = X * coef.transpose();
        s.rowwise() += intercept.transpose();
        return s;
    }

    /// Class probabilities, one column per class in the order of `classes`.
    Eigen::MatrixXd predict_proba(const MatrixRef& X) const {
        Eigen::MatrixXd s = decision_function(X);
        Eigen::MatrixXd p(X.rows(), n_classes());
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            if (is_binary()) {
                const double q = sigmoid(s(i, 0));
                p(i, 0) = 1.0 - q;
                p(i, 1) = q;
            } else {
                softmax(s.row(i), p.row(i));
            }
        }
        return p;
    }

    /// Predicted class labels for every row of X.
    Eigen::VectorXd predict(const MatrixRef& X) const {
        const Eigen::MatrixXd s = decision_function(X);
        Eigen::VectorXd y(X.rows());
        for (Eigen::Index i = 0; i < X.rows(); ++i) y(i) = label_of(s.row(i));
        return y;
    }

    /// Predicted label of one sample, without heap allocation.
    double predict_one(const RowRef& x) const {
        detail::check_columns(x.size(), n_features(), "LogisticRegression");
        if (is_binary()) return x.dot(coef.row(0)) + intercept(0) > 0.0 ? classes(1) : classes(0);
        Eigen::Index best = 0;
        double best_score = -std::numeric_limits<double>::infinity();
        for (Eigen::Index k = 0; k < coef.rows(); ++k) {
            const double score = x.dot(coef.row(k)) + intercept(k);
            if (score > best_score) {
                best_score = score;
                best = k;
            }
        }
        return classes(best);
    }

    /// Class probabilities of one sample into out[0 .. n_classes), without heap allocation.
    void predict_proba_one(const RowRef& x, double* out) const {
        detail::check_columns(x.size(), n_features(), "LogisticRegression");
        if (is_binary()) {
            const double q = sigmoid(x.dot(coef.row(0)) + intercept(0));
            out[0] = 1.0 - q;
            out[1] = q;
            return;
        }
        double top = -std::numeric_limits<double>::infinity();
        for (Eigen::Index k = 0; k < coef.rows(); ++k) {
            out[k] = x.dot(coef.row(k)) + intercept(k);
            top = std::max(top, out[k]);
        }
        double sum = 0.0;
        for (Eigen::Index k = 0; k < coef.rows(); ++k) sum += (out[k] = std::exp(out[k] - top));
        for (Eigen::Index k = 0; k < coef.rows(); ++k) out[k] /= sum;
    }

    friend bool operator==(const LogisticRegression& a, const LogisticRegression& b) {
        return detail::same_bits(a.coef, b.coef) && detail::same_bits(a.intercept, b.intercept) &&
               detail::same_bits(a.classes, b.classes);
    }
    friend bool operator!=(const LogisticRegression& a, const LogisticRegression& b) { return !(a == b); }

    /// 1 / (1 + exp(-z)), computed without overflow for large |z|.
    static double sigmoid(double z) noexcept {
        if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
        const double e = std::exp(z);
        return e / (1.0 + e);
    }

private:
    template <class In, class Out>
    static void softmax(const In& s, Out&& p) {
        const double top = s.maxCoeff();
        double sum = 0.0;
        for (Eigen::Index k = 0; k < s.size(); ++k) sum += (p(k) = std::exp(s(k) - top));
        p /= sum;
    }

    template <class Row>
    double label_of(const Row& s) const {
        if (is_binary()) return s(0) > 0.0 ? classes(1) : classes(0);
        Eigen::Index best = 0;
        s.maxCoeff(&best);  // first maximum wins, as numpy.argmax
        return classes(best);
    }
};

}  // namespace brine
