// brine::AnyModel and brine::ModelKind: the closed set of built-in model kinds.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <variant>

#include "brine/models/pipeline.hpp"
#include "brine/models/tree_ensemble.hpp"

namespace brine {

/// The built-in model kinds. The numeric values are written into files: never renumber.
enum class ModelKind : std::uint16_t {
    linear_regression = 1,
    logistic_regression = 2,
    decision_tree = 3,
    standard_scaler = 4,
    min_max_scaler = 5,
    pipeline = 6,
    tree_ensemble = 7,
};

/// The stable name of a kind, as written in JSON files and shown by inspect().
constexpr std::string_view kind_name(ModelKind k) noexcept {
    switch (k) {
        case ModelKind::linear_regression: return "linear_regression";
        case ModelKind::logistic_regression: return "logistic_regression";
        case ModelKind::decision_tree: return "decision_tree";
        case ModelKind::standard_scaler: return "standard_scaler";
        case ModelKind::min_max_scaler: return "min_max_scaler";
        case ModelKind::pipeline: return "pipeline";
        case ModelKind::tree_ensemble: return "tree_ensemble";
    }
    return "unknown";
}

/// Maps a model type to its kind; specialised for every built-in model.
template <class Model>
struct model_kind;
template <>
struct model_kind<LinearRegression> {
    static constexpr ModelKind value = ModelKind::linear_regression;
};
template <>
struct model_kind<LogisticRegression> {
    static constexpr ModelKind value = ModelKind::logistic_regression;
};
template <>
struct model_kind<DecisionTree> {
    static constexpr ModelKind value = ModelKind::decision_tree;
};
template <>
struct model_kind<StandardScaler> {
    static constexpr ModelKind value = ModelKind::standard_scaler;
};
template <>
struct model_kind<MinMaxScaler> {
    static constexpr ModelKind value = ModelKind::min_max_scaler;
};
template <>
struct model_kind<Pipeline> {
    static constexpr ModelKind value = ModelKind::pipeline;
};
template <>
struct model_kind<TreeEnsemble> {
    static constexpr ModelKind value = ModelKind::tree_ensemble;
};
template <class Model>
inline constexpr ModelKind model_kind_v = model_kind<Model>::value;

/// Any built-in model, for programs that load a file without knowing its kind at compile time.
/// The set is closed: a file can only ever produce one of these types.
class AnyModel {
public:
    using Variant = std::variant<LinearRegression, LogisticRegression, DecisionTree, StandardScaler,
                                 MinMaxScaler, Pipeline, TreeEnsemble>;

    /// Holds a default-constructed (empty, invalid) LinearRegression.
    AnyModel() = default;
    template <class Model, class = std::enable_if_t<std::is_constructible_v<Variant, Model&&> &&
                                                    !std::is_same_v<std::decay_t<Model>, AnyModel>>>
    AnyModel(Model&& m) : model_(std::forward<Model>(m)) {}  // NOLINT: implicit by design

    /// The kind of the model held.
    ModelKind kind() const {
        return std::visit([](const auto& m) { return model_kind_v<std::decay_t<decltype(m)>>; },
                          model_);
    }
    /// Number of input features of the model held.
    Eigen::Index n_features() const {
        return std::visit([](const auto& m) { return m.n_features(); }, model_);
    }
    /// Values per sample of the model's main output: predict_proba's width for a classifier, the
    /// number of targets of a regressor (predict_targets; 1 for a regression tree), transform's
    /// width for a scaler; a pipeline's estimator's. This is the width of reference outputs.
    Eigen::Index n_outputs() const {
        return std::visit([](const auto& m) { return m.n_outputs(); }, model_);
    }
    /// Number of classes of a classifier (the width of predict_proba); 0 for other kinds.
    Eigen::Index n_classes() const {
        return std::visit([](const auto& m) { return m.n_classes(); }, model_);
    }
    /// Class labels of a classifier, in the order of predict_proba's columns; empty otherwise.
    const Eigen::VectorXd& class_labels() const {
        return std::visit([](const auto& m) -> const Eigen::VectorXd& { return m.class_labels(); },
                          model_);
    }
    /// Validates the model held (Errc::invalid_model, as that model's validate()).
    void validate() const {
        std::visit([](const auto& m) { m.validate(); }, model_);
    }
    /// True for a LogisticRegression, a classification tree or ensemble, or a pipeline ending in
    /// one.
    bool is_classifier() const {
        return std::visit(
            [](const auto& m) {
                using M = std::decay_t<decltype(m)>;
                if constexpr (std::is_same_v<M, LogisticRegression>)
                    return true;
                else if constexpr (std::is_same_v<M, DecisionTree> ||
                                   std::is_same_v<M, TreeEnsemble> || std::is_same_v<M, Pipeline>)
                    return m.is_classifier();
                else
                    return false;
            },
            model_);
    }

    /// Predictions of an estimator or pipeline; a lone scaler has none (Errc::invalid_argument).
    Eigen::VectorXd predict(const MatrixRef& X) const {
        return std::visit(
            [&](const auto& m) -> Eigen::VectorXd {
                using M = std::decay_t<decltype(m)>;
                if constexpr (std::is_same_v<M, StandardScaler> ||
                              std::is_same_v<M, MinMaxScaler>) {
                    throw Error(Errc::invalid_argument,
                                std::string("predict needs an estimator; this model is a ") +
                                    std::string(kind_name(model_kind_v<M>)) + ", use transform");
                } else {
                    return m.predict(X);
                }
            },
            model_);
    }

    /// Prediction for one sample of an estimator or pipeline, without heap allocation in steady
    /// state; a lone scaler has none (Errc::invalid_argument).
    double predict_one(const RowRef& x) const {
        return std::visit(
            [&](const auto& m) -> double {
                using M = std::decay_t<decltype(m)>;
                if constexpr (std::is_same_v<M, StandardScaler> ||
                              std::is_same_v<M, MinMaxScaler>) {
                    throw Error(Errc::invalid_argument,
                                std::string("predict needs an estimator; this model is a ") +
                                    std::string(kind_name(model_kind_v<M>)) + ", use transform");
                } else {
                    return m.predict_one(x);
                }
            },
            model_);
    }

    /// Class probabilities of a classifier (Errc::invalid_argument for other kinds).
    Eigen::MatrixXd predict_proba(const MatrixRef& X) const {
        return std::visit(
            [&](const auto& m) -> Eigen::MatrixXd {
                using M = std::decay_t<decltype(m)>;
                if constexpr (std::is_same_v<M, LogisticRegression> ||
                              std::is_same_v<M, DecisionTree> || std::is_same_v<M, TreeEnsemble> ||
                              std::is_same_v<M, Pipeline>) {
                    return m.predict_proba(X);
                } else {
                    throw Error(Errc::invalid_argument,
                                std::string("predict_proba needs a classifier; this model is a ") +
                                    std::string(kind_name(model_kind_v<M>)));
                }
            },
            model_);
    }

    /// Class probabilities of one sample of a classifier into out[0 .. n_classes()), without heap
    /// allocation in steady state. Throws Errc::invalid_argument for other kinds,
    /// Errc::shape_mismatch if x has the wrong width or `size` < n_classes() (nothing is written
    /// then), Errc::invalid_input if x holds a NaN or an infinity.
    void predict_proba_one(const RowRef& x, double* out, Eigen::Index size) const {
        std::visit(
            [&](const auto& m) {
                using M = std::decay_t<decltype(m)>;
                if constexpr (std::is_same_v<M, LogisticRegression> ||
                              std::is_same_v<M, DecisionTree> || std::is_same_v<M, TreeEnsemble> ||
                              std::is_same_v<M, Pipeline>) {
                    m.predict_proba_one(x, out, size);
                } else {
                    throw Error(Errc::invalid_argument,
                                std::string("predict_proba needs a classifier; this model is a ") +
                                    std::string(kind_name(model_kind_v<M>)));
                }
            },
            model_);
    }

    /// Class probabilities of one sample into a contiguous buffer (std::vector<double>,
    /// std::array<double, N>, Eigen vector) of at least n_classes() entries; throws as above.
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void predict_proba_one(const RowRef& x, Buffer&& out) const {
        predict_proba_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    /// Unsized form: writes n_classes() values to `out` whatever its size.
    [[deprecated("pass the buffer's size: predict_proba_one(x, out, size) or a sized buffer")]] void
    predict_proba_one(const RowRef& x, double* out) const {
        predict_proba_one(x, out, n_classes());
    }

    /// Output of a scaler or of a pipeline's transforms (Errc::invalid_argument for estimators).
    Eigen::MatrixXd transform(const MatrixRef& X) const {
        return std::visit(
            [&](const auto& m) -> Eigen::MatrixXd {
                using M = std::decay_t<decltype(m)>;
                if constexpr (std::is_same_v<M, StandardScaler> ||
                              std::is_same_v<M, MinMaxScaler> || std::is_same_v<M, Pipeline>) {
                    return m.transform(X);
                } else {
                    throw Error(
                        Errc::invalid_argument,
                        std::string("transform needs a scaler or pipeline; this model is a ") +
                            std::string(kind_name(model_kind_v<M>)));
                }
            },
            model_);
    }

    /// The model as type Model, or nullptr if it holds another kind.
    template <class Model>
    const Model* get_if() const noexcept {
        return std::get_if<Model>(&model_);
    }
    template <class Model>
    bool holds() const noexcept {
        return std::holds_alternative<Model>(model_);
    }
    const Variant& variant() const noexcept { return model_; }
    Variant& variant() noexcept { return model_; }

    friend bool operator==(const AnyModel& a, const AnyModel& b) { return a.model_ == b.model_; }
    friend bool operator!=(const AnyModel& a, const AnyModel& b) { return !(a == b); }

private:
    Variant model_;
};

}  // namespace brine
