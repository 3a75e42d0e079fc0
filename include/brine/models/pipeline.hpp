// brine::Pipeline: preprocessing steps followed by one estimator, each from a closed set of kinds.
// SPDX-License-Identifier: MIT
#pragma once

#include <variant>
#include <vector>

#include "brine/models/decision_tree.hpp"
#include "brine/models/linear_regression.hpp"
#include "brine/models/logistic_regression.hpp"
#include "brine/models/scalers.hpp"

namespace brine {

/// A preprocessing step of a pipeline.
using Transform = std::variant<StandardScaler, MinMaxScaler>;
/// The final step of a pipeline.
using Estimator = std::variant<LinearRegression, LogisticRegression, DecisionTree>;

/// Zero or more transforms, then one estimator (scikit-learn's Pipeline with those steps).
///
/// ```
/// brine::Pipeline pipe({scaler}, logistic);
/// Eigen::MatrixXd p = pipe.predict_proba(X);
/// ```
struct Pipeline {
    std::vector<Transform> steps;
    Estimator estimator;

    Pipeline() = default;
    Pipeline(std::vector<Transform> steps_, Estimator estimator_)
        : steps(std::move(steps_)), estimator(std::move(estimator_)) {}

    /// Number of input features: the first step's, or the estimator's when there are no steps.
    Eigen::Index n_features() const {
        if (!steps.empty()) return std::visit([](const auto& s) { return s.n_features(); }, steps.front());
        return std::visit([](const auto& e) { return e.n_features(); }, estimator);
    }

    bool is_classifier() const {
        if (std::holds_alternative<LogisticRegression>(estimator)) return true;
        if (const auto* t = std::get_if<DecisionTree>(&estimator)) return t->is_classifier();
        return false;
    }

    /// Validates every step and the estimator, and that each step's output width is the next
    /// step's input width. Throws Error(Errc::invalid_model) naming the step.
    void validate() const {
        Eigen::Index width = -1;
        for (std::size_t i = 0; i < steps.size(); ++i) {
            std::visit([&](const auto& s) { validate_part(s, "step " + std::to_string(i)); }, steps[i]);
            const Eigen::Index w = std::visit([](const auto& s) { return s.n_features(); }, steps[i]);
            check_width(width, w, "step " + std::to_string(i));
            width = w;
        }
        std::visit([&](const auto& e) { validate_part(e, "estimator"); }, estimator);
        check_width(width, std::visit([](const auto& e) { return e.n_features(); }, estimator), "estimator");
    }

    /// Runs the transforms only.
    Eigen::MatrixXd transform(const MatrixRef& X) const {
        detail::check_columns(X.cols(), n_features(), "Pipeline");
        Eigen::MatrixXd Z = X;
        for (const auto& s : steps) Z = std::visit([&](const auto& t) { return t.transform(Z); }, s);
        return Z;
    }

    /// Predictions (values or class labels) for every row of X.
    Eigen::VectorXd predict(const MatrixRef& X) const {
        if (steps.empty()) return std::visit([&](const auto& e) { return e.predict(X); }, estimator);
        const Eigen::MatrixXd Z = transform(X);
        return std::visit([&](const auto& e) { return e.predict(Z); }, estimator);
    }

    /// Class probabilities; the estimator must be a classifier (else Errc::invalid_argument).
    Eigen::MatrixXd predict_proba(const MatrixRef& X) const {
        const Eigen::MatrixXd Z = transform(X);
        return std::visit(
            [&](const auto& e) -> Eigen::MatrixXd {
                using E = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<E, LinearRegression>) {
                    throw Error(Errc::invalid_argument,
                                "predict_proba needs a classifier; this Pipeline ends in LinearRegression");
                } else {
                    return e.predict_proba(Z);
                }
            },
            estimator);
    }

    /// Prediction for one sample. Uses a per-thread scratch row that grows once, so steady-state
    /// calls do not allocate.
    double predict_one(const RowRef& x) const {
        detail::check_columns(x.size(), n_features(), "Pipeline");
        if (steps.empty()) return std::visit([&](const auto& e) { return e.predict_one(x); }, estimator);
        double* buf = scratch(x.size());
        const RowRef first = x;
        bool in_buf = false;
        for (const auto& s : steps) {
            std::visit(
                [&](const auto& t) {
                    if (in_buf) {
                        t.transform_one(Eigen::Map<const Eigen::RowVectorXd>(buf, x.size()), buf);
                    } else {
                        t.transform_one(first, buf);
                    }
                },
                s);
            in_buf = true;
        }
        const Eigen::Map<const Eigen::RowVectorXd> z(buf, x.size());
        return std::visit([&](const auto& e) { return e.predict_one(z); }, estimator);
    }

    friend bool operator==(const Pipeline& a, const Pipeline& b) {
        return a.steps == b.steps && a.estimator == b.estimator;
    }
    friend bool operator!=(const Pipeline& a, const Pipeline& b) { return !(a == b); }

private:
    template <class Part>
    static void validate_part(const Part& p, const std::string& where) {
        try {
            p.validate();
        } catch (const Error& e) {
            throw Error(Errc::invalid_model, "Pipeline " + where + ": " + strip(e.what()));
        }
    }

    static std::string strip(const std::string& what) {
        const std::string prefix = std::string("brine: ") + errc_name(Errc::invalid_model) + ": ";
        return what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
    }

    static void check_width(Eigen::Index previous, Eigen::Index next, const std::string& where) {
        if (previous >= 0 && previous != next) {
            detail::invalid_model("Pipeline", where + " expects " + std::to_string(next) +
                                                  " features but the step before it produces " +
                                                  std::to_string(previous));
        }
    }

    static double* scratch(Eigen::Index n) {
        thread_local std::vector<double> buf;
        if (buf.size() < static_cast<std::size_t>(n)) buf.resize(static_cast<std::size_t>(n));
        return buf.data();
    }
};

}  // namespace brine
