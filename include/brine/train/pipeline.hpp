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

namespace detail {

/// Whether O is one of EstimatorOptions' alternatives.
template <class O, class = EstimatorOptions>
struct is_estimator_options : std::false_type {};
template <class O, class... Alternatives>
struct is_estimator_options<O, std::variant<Alternatives...>>
    : std::disjunction<std::is_same<O, Alternatives>...> {};

/// Fits the estimator that `o` chooses on Z.
template <class O>
Estimator fit_estimator(const Eigen::MatrixXd& Z, const Eigen::Ref<const Eigen::VectorXd>& y,
                        const O& o) {
    if constexpr (std::is_same_v<O, LinearOptions>)
        return linear_regression(Z, y, o);
    else if constexpr (std::is_same_v<O, LogisticOptions>)
        return logistic_regression(Z, y, o);
    else if constexpr (std::is_same_v<O, TreeClassifierOptions>)
        return decision_tree_classifier(Z, y, o);
    else
        return decision_tree_regressor(Z, y, o);
}

/// Fits the step that `o` chooses on Z, then replaces Z by the step's output.
template <class O>
Transform fit_step(Eigen::MatrixXd& Z, const O& o) {
    auto fitted = [&] {
        if constexpr (std::is_same_v<O, StandardScalerOptions>)
            return standard_scaler(Z, o);
        else if constexpr (std::is_same_v<O, MinMaxScalerOptions>)
            return min_max_scaler(Z, o);
        else if constexpr (std::is_same_v<O, MaxAbsScalerOptions>)
            return max_abs_scaler(Z, o);
        else
            return robust_scaler(Z, o);
    }();
    Z = fitted.transform(Z);  // the step's own type: no visit over every kind of Transform
    return Transform(std::move(fitted));
}

}  // namespace detail

/// Fits each step on the output of the steps before it, then the estimator on the last output,
/// and returns them as one Pipeline (scikit-learn's `make_pipeline(...).fit(X, y)`). The
/// estimator's options type chooses the estimator, and only its trainer is compiled into the
/// program: `pipeline(X, y, {StandardScalerOptions{}}, LogisticOptions{})`.
///
/// Throws what the step and estimator functions throw (Error(Errc::invalid_argument)); every
/// option is validated before anything is fitted.
template <class Options, std::enable_if_t<detail::is_estimator_options<Options>::value, int> = 0>
Pipeline pipeline(const Eigen::Ref<const Eigen::MatrixXd>& X,
                  const Eigen::Ref<const Eigen::VectorXd>& y, const std::vector<StepOptions>& steps,
                  const Options& estimator) {
    for (const auto& step : steps) {
        std::visit([](const auto& o) { o.validate(PipelineOptions::kind_of(o)); }, step);
    }
    estimator.validate(PipelineOptions::kind_of(estimator));

    std::vector<Transform> fitted;
    fitted.reserve(steps.size());
    Eigen::MatrixXd Z = X;
    for (const auto& step : steps) {
        fitted.push_back(std::visit([&](const auto& o) { return detail::fit_step(Z, o); }, step));
    }
    Estimator e = detail::fit_estimator(Z, y, estimator);
    return Pipeline(std::move(fitted), std::move(e));
}

/// The same with options chosen at run time (PipelineOptions):
///
/// ```
/// brine::Pipeline p = brine::train::pipeline(X, y, {{brine::train::StandardScalerOptions{}},
///                                                   brine::train::LogisticOptions{}});
/// ```
///
/// This compiles the trainer of every estimator kind the options could choose.
template <class = void>
Pipeline pipeline(const Eigen::Ref<const Eigen::MatrixXd>& X,
                  const Eigen::Ref<const Eigen::VectorXd>& y, const PipelineOptions& options) {
    return std::visit([&](const auto& o) { return pipeline(X, y, options.steps, o); },
                      options.estimator);
}

/// The same, with the steps and the estimator given separately, the estimator's kind chosen at
/// run time.
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
#define BRINE_TRAIN_PIPELINE_EXTERN(Options)                                             \
    extern template Pipeline pipeline<Options>(const Eigen::Ref<const Eigen::MatrixXd>&, \
                                               const Eigen::Ref<const Eigen::VectorXd>&, \
                                               const std::vector<StepOptions>&, const Options&);
BRINE_TRAIN_PIPELINE_EXTERN(LinearOptions)
BRINE_TRAIN_PIPELINE_EXTERN(LogisticOptions)
BRINE_TRAIN_PIPELINE_EXTERN(TreeClassifierOptions)
BRINE_TRAIN_PIPELINE_EXTERN(TreeRegressorOptions)
#undef BRINE_TRAIN_PIPELINE_EXTERN
#endif

}  // namespace brine::train
