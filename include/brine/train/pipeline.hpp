// brine::train::pipeline: fits preprocessing steps in order, then an estimator on their output.
// SPDX-License-Identifier: MIT
#pragma once

#include <variant>

#include "brine/models/pipeline.hpp"
#include "brine/train/linear.hpp"
#include "brine/train/logistic.hpp"
#include "brine/train/robust_scalers.hpp"
#include "brine/train/scalers.hpp"
#include "brine/train/tree.hpp"

namespace brine::train {

/// A preprocessing step to fit; the options type chooses the kind of step.
using StepOptions = std::variant<StandardScalerOptions, MinMaxScalerOptions, MaxAbsScalerOptions,
                                 RobustScalerOptions>;
/// The estimator to fit last; the options type chooses the kind of estimator (trees by
/// TreeClassifierOptions or TreeRegressorOptions, which are TreeOptions).
using EstimatorOptions =
    std::variant<LinearOptions, LogisticOptions, TreeClassifierOptions, TreeRegressorOptions>;

/// What pipeline() fits: the steps, in order, then the estimator.
struct PipelineOptions {
    std::vector<StepOptions> steps;
    EstimatorOptions estimator;

    /// "steps[i]" and "estimator" name each part's kind ("standard_scaler", "logistic_regression",
    /// ...); each part's own options follow as "steps[i].<name>" and "estimator.<name>".
    OptionList describe() const {
        OptionList out;
        for (std::size_t i = 0; i < steps.size(); ++i) {
            const std::string prefix = "steps[" + std::to_string(i) + "]";
            std::visit([&](const auto& o) { append(out, prefix, kind_of(o), o.describe()); },
                       steps[i]);
        }
        std::visit([&](const auto& o) { append(out, "estimator", kind_of(o), o.describe()); },
                   estimator);
        return out;
    }

    /// The kind names used by describe().
    static const char* kind_of(const StandardScalerOptions&) { return "standard_scaler"; }
    static const char* kind_of(const MinMaxScalerOptions&) { return "min_max_scaler"; }
    static const char* kind_of(const MaxAbsScalerOptions&) { return "max_abs_scaler"; }
    static const char* kind_of(const RobustScalerOptions&) { return "robust_scaler"; }
    static const char* kind_of(const LinearOptions&) { return "linear_regression"; }
    static const char* kind_of(const LogisticOptions&) { return "logistic_regression"; }
    static const char* kind_of(const TreeClassifierOptions&) { return "decision_tree_classifier"; }
    static const char* kind_of(const TreeRegressorOptions&) { return "decision_tree_regressor"; }

private:
    static void append(OptionList& out, const std::string& prefix, const char* kind,
                       const OptionList& own) {
        out.emplace_back(prefix, kind);
        for (const auto& [name, value] : own) out.emplace_back(prefix + "." + name, value);
    }
};

/// Fits each step on the output of the steps before it, then the estimator on the last output,
/// and returns them as one Pipeline (scikit-learn's `make_pipeline(...).fit(X, y)`).
///
/// ```
/// brine::Pipeline p = brine::train::pipeline(X, y, {{brine::train::StandardScalerOptions{}},
///                                                   brine::train::LogisticOptions{}});
/// ```
///
/// Throws what the step and estimator functions throw (Error(Errc::invalid_argument)); every
/// option is validated before anything is fitted.
template <class = void>
Pipeline pipeline(const Eigen::Ref<const Eigen::MatrixXd>& X,
                  const Eigen::Ref<const Eigen::VectorXd>& y, const PipelineOptions& options) {
    for (const auto& step : options.steps) {
        std::visit([](const auto& o) { o.validate(PipelineOptions::kind_of(o)); }, step);
    }
    std::visit([](const auto& o) { o.validate(PipelineOptions::kind_of(o)); }, options.estimator);

    std::vector<Transform> steps;
    Eigen::MatrixXd Z = X;
    for (const auto& step : options.steps) {
        Transform t = std::visit(
            [&](const auto& o) -> Transform {
                using O = std::decay_t<decltype(o)>;
                if constexpr (std::is_same_v<O, StandardScalerOptions>)
                    return standard_scaler(Z, o);
                else if constexpr (std::is_same_v<O, MinMaxScalerOptions>)
                    return min_max_scaler(Z, o);
                else if constexpr (std::is_same_v<O, MaxAbsScalerOptions>)
                    return max_abs_scaler(Z, o);
                else
                    return robust_scaler(Z, o);
            },
            step);
        Z = std::visit([&](const auto& s) { return s.transform(Z); }, t);
        steps.push_back(std::move(t));
    }
    Estimator estimator = std::visit(
        [&](const auto& o) -> Estimator {
            using O = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<O, LinearOptions>)
                return linear_regression(Z, y, o);
            else if constexpr (std::is_same_v<O, LogisticOptions>)
                return logistic_regression(Z, y, o);
            else if constexpr (std::is_same_v<O, TreeClassifierOptions>)
                return decision_tree_classifier(Z, y, o);
            else
                return decision_tree_regressor(Z, y, o);
        },
        options.estimator);
    return Pipeline(std::move(steps), std::move(estimator));
}

/// The same, with the steps and the estimator given separately:
/// `pipeline(X, y, {StandardScalerOptions{}}, LogisticOptions{})`.
template <class = void>
Pipeline pipeline(const Eigen::Ref<const Eigen::MatrixXd>& X,
                  const Eigen::Ref<const Eigen::VectorXd>& y, std::vector<StepOptions> steps,
                  EstimatorOptions estimator) {
    return pipeline(X, y, PipelineOptions{std::move(steps), std::move(estimator)});
}

#ifdef BRINE_COMPILED
// The compiled mode (brine::compiled) instantiates these once, in src/brine_train.cpp.
extern template Pipeline pipeline<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                    const Eigen::Ref<const Eigen::VectorXd>&,
                                    const PipelineOptions&);
extern template Pipeline pipeline<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                    const Eigen::Ref<const Eigen::VectorXd>&,
                                    std::vector<StepOptions>, EstimatorOptions);
#endif

}  // namespace brine::train
