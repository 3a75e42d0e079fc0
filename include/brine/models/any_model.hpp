// brine::AnyModel and brine::ModelKind: the closed set of built-in model kinds.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "brine/models/column_transformer.hpp"
#include "brine/models/columns.hpp"
#include "brine/models/kinds.hpp"
#include "brine/models/one_hot_encoder.hpp"
#include "brine/models/pipeline.hpp"
#include "brine/models/simple_imputer.hpp"
#include "brine/models/tree_ensemble.hpp"

namespace brine {

/// The built-in model kinds (one per row of BRINE_MODEL_KINDS). The numeric values are written
/// into files: never renumber.
enum class ModelKind : std::uint16_t {
#define BRINE_KIND_ENUMERATOR(Type, name, number, schema) name = number,
    BRINE_MODEL_KINDS(BRINE_KIND_ENUMERATOR)
#undef BRINE_KIND_ENUMERATOR
};

/// The stable name of a kind, as written in JSON files and shown by inspect().
constexpr std::string_view kind_name(ModelKind k) noexcept {
    switch (k) {
#define BRINE_KIND_NAME_CASE(Type, name, number, schema) \
    case ModelKind::name: return #name;
        BRINE_MODEL_KINDS(BRINE_KIND_NAME_CASE)
#undef BRINE_KIND_NAME_CASE
    }
    return "unknown";
}

/// Every built-in kind, in the order of BRINE_MODEL_KINDS.
inline constexpr ModelKind all_model_kinds[] = {
#define BRINE_KIND_VALUE(Type, name, number, schema) ModelKind::name,
    BRINE_MODEL_KINDS(BRINE_KIND_VALUE)
#undef BRINE_KIND_VALUE
};

/// The kind with the given stable name, if any.
inline bool kind_from_name(std::string_view name, ModelKind& out) noexcept {
    for (ModelKind k : all_model_kinds) {
        if (kind_name(k) == name) {
            out = k;
            return true;
        }
    }
    return false;
}

/// Maps a model type to its kind; specialised for every built-in model.
template <class Model>
struct model_kind;
#define BRINE_KIND_TRAIT(Type, name, number, schema)            \
    template <>                                                 \
    struct model_kind<Type> {                                   \
        static constexpr ModelKind value = ModelKind::name;     \
        static constexpr std::uint32_t schema_version = schema; \
    };
BRINE_MODEL_KINDS(BRINE_KIND_TRAIT)
#undef BRINE_KIND_TRAIT
template <class Model>
inline constexpr ModelKind model_kind_v = model_kind<Model>::value;

/// Current schema version of each model kind's payload. A kind's schema version changes when its
/// fields change; readers keep loading every older version (see docs/compatibility.md).
template <class Model>
struct schema_version {
    static constexpr std::uint32_t value = model_kind<Model>::schema_version;
};
template <class Model>
inline constexpr std::uint32_t schema_version_v = schema_version<Model>::value;

/// Current schema version of a kind known at run time (0 for an unknown kind).
constexpr std::uint32_t current_schema_version(ModelKind kind) noexcept {
    switch (kind) {
#define BRINE_KIND_SCHEMA_CASE(Type, name, number, schema) \
    case ModelKind::name: return schema;
        BRINE_MODEL_KINDS(BRINE_KIND_SCHEMA_CASE)
#undef BRINE_KIND_SCHEMA_CASE
    }
    return 0;
}

namespace detail {

template <class First, class... Rest>
struct variant_of_rest {
    using type = std::variant<Rest...>;
};

/// What a model can do, detected from its members: AnyModel dispatches on these, so a new kind
/// needs no entry in AnyModel.
template <class M, class = void>
struct has_predict : std::false_type {};
template <class M>
struct has_predict<
    M, std::void_t<decltype(std::declval<const M&>().predict(std::declval<const MatrixRef&>()))>>
    : std::true_type {};
template <class M, class = void>
struct has_predict_proba : std::false_type {};
template <class M>
struct has_predict_proba<M, std::void_t<decltype(std::declval<const M&>().predict_proba(
                                std::declval<const MatrixRef&>()))>> : std::true_type {};
template <class M, class = void>
struct has_transform : std::false_type {};
template <class M>
struct has_transform<
    M, std::void_t<decltype(std::declval<const M&>().transform(std::declval<const MatrixRef&>()))>>
    : std::true_type {};
template <class M, class = void>
struct has_is_classifier : std::false_type {};
template <class M>
struct has_is_classifier<M, std::void_t<decltype(std::declval<const M&>().is_classifier())>>
    : std::true_type {};

/// The errors of an AnyModel call the kind held cannot answer (one out-of-line copy each, instead
/// of one per kind and member).
[[noreturn]] BRINE_COLD inline void not_an_estimator(ModelKind k) {
    throw Error(Errc::invalid_argument,
                std::string("predict needs an estimator; this model is a ") +
                    std::string(kind_name(k)) + ", use transform");
}
[[noreturn]] BRINE_COLD inline void not_a_classifier(ModelKind k) {
    throw Error(Errc::invalid_argument,
                std::string("predict_proba needs a classifier; this model is a ") +
                    std::string(kind_name(k)));
}
[[noreturn]] BRINE_COLD inline void not_a_transformer(ModelKind k) {
    throw Error(Errc::invalid_argument,
                std::string("transform needs a scaler or pipeline; this model is a ") +
                    std::string(kind_name(k)));
}

}  // namespace detail

/// Any built-in model, for programs that load a file without knowing its kind at compile time.
/// The set is closed: a file can only ever produce one of these types.
///
/// Every member that visits the model held is a template (`template <class = void>`, called as
/// usual): it is compiled only in a program that calls it, not for every kind in every translation
/// unit that includes this header; in compiled mode (brine::compiled), not in the program at all
/// but once in the brine library.
class AnyModel : public RowsForms<AnyModel> {
public:
    /// One alternative per row of BRINE_MODEL_KINDS, in its order.
#define BRINE_KIND_TYPE(Type, name, number, schema) , Type
    using Variant = detail::variant_of_rest<void BRINE_MODEL_KINDS(BRINE_KIND_TYPE)>::type;
#undef BRINE_KIND_TYPE

    /// Holds a default-constructed (empty, invalid) LinearRegression.
    AnyModel() = default;
    template <class Model, class = std::enable_if_t<std::is_constructible_v<Variant, Model&&> &&
                                                    !std::is_same_v<std::decay_t<Model>, AnyModel>>>
    AnyModel(Model&& m) : model_(std::forward<Model>(m)) {}  // NOLINT: implicit by design

    /// The kind of the model held.
    template <class = void>
    ModelKind kind() const;
    /// Number of input features of the model held.
    template <class = void>
    Eigen::Index n_features() const;
    /// Values per sample of the model's main output: predict_proba's width for a classifier, the
    /// number of targets of a regressor (predict_targets; 1 for a regression tree), transform's
    /// width for a scaler; a pipeline's estimator's. This is the width of reference outputs.
    template <class = void>
    Eigen::Index n_outputs() const;
    /// Number of classes of a classifier (the width of predict_proba); 0 for other kinds.
    template <class = void>
    Eigen::Index n_classes() const;
    /// Class labels of a classifier, in the order of predict_proba's columns; empty otherwise.
    template <class = void>
    const Eigen::VectorXd& class_labels() const;
    /// Validates the model held (Errc::invalid_model, as that model's validate()).
    template <class = void>
    void validate() const;
    /// True for a LogisticRegression, a classification tree or ensemble, or a pipeline ending in
    /// one.
    template <class = void>
    bool is_classifier() const;

    /// Predictions of an estimator or pipeline; a lone scaler has none (Errc::invalid_argument).
    template <class = void>
    Eigen::VectorXd predict(const MatrixRef& X) const;

    /// predict and predict_proba for a row-major or float batch, or any Rows view, read in place,
    /// and into caller buffers: the forms of the model held (see brine::Rows, RowsForms). Throw as
    /// the MatrixRef forms, and Errc::shape_mismatch for a buffer smaller than the result
    /// (predict: X.rows(); predict_proba: X.rows() * n_classes(), row-major).
    using RowsForms<AnyModel>::predict;
    using RowsForms<AnyModel>::predict_proba;
    /// The Rows forms go to the kind held, which reads every layout it can in place (see
    /// detail::held_kind_or).
    static constexpr bool dispatches_rows = true;

    /// The kernels of the model held (every kind that has them; Errc::invalid_argument for the
    /// others, as predict and predict_proba).
    template <class M>
    void predict_into(const M& X, double* out) const {
        std::visit(
            [&](const auto& m) {
                using K = std::decay_t<decltype(m)>;
                if constexpr (has_predict_into<K, M>::value) {
                    m.predict_into(X, out);
                } else {
                    detail::not_an_estimator(model_kind_v<K>);
                }
            },
            model_);
    }
    template <class M>
    void predict_proba_into(const M& X, double* out, Eigen::Index row_stride,
                            Eigen::Index col_stride) const {
        std::visit(
            [&](const auto& m) {
                using K = std::decay_t<decltype(m)>;
                if constexpr (has_predict_proba_into<K, M>::value) {
                    m.predict_proba_into(X, out, row_stride, col_stride);
                } else {
                    detail::not_a_classifier(model_kind_v<K>);
                }
            },
            model_);
    }

    /// Prediction for one sample of an estimator or pipeline, without heap allocation in steady
    /// state; a lone scaler has none (Errc::invalid_argument).
    template <class = void>
    double predict_one(const RowRef& x) const;

    /// Class probabilities of a classifier (Errc::invalid_argument for other kinds).
    template <class = void>
    Eigen::MatrixXd predict_proba(const MatrixRef& X) const;

    /// Class probabilities of one sample of a classifier into out[0 .. n_classes()), without heap
    /// allocation in steady state. Throws Errc::invalid_argument for other kinds,
    /// Errc::shape_mismatch if x has the wrong width or `size` < n_classes() (nothing is written
    /// then), Errc::invalid_input if x holds a NaN or an infinity.
    template <class = void>
    void predict_proba_one(const RowRef& x, double* out, Eigen::Index size) const;

    /// Class probabilities of one sample into a contiguous buffer (std::vector<double>,
    /// std::array<double, N>, Eigen vector) of at least n_classes() entries; throws as above.
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void predict_proba_one(const RowRef& x, Buffer&& out) const {
        predict_proba_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    /// Unsized form: writes n_classes() values to `out` whatever its size.
    template <class = void>
    [[deprecated("pass the buffer's size: predict_proba_one(x, out, size) or a sized buffer")]] void
    predict_proba_one(const RowRef& x, double* out) const {
        predict_proba_one(x, out, n_classes());
    }

    /// Output of a scaler or of a pipeline's transforms (Errc::invalid_argument for estimators).
    template <class = void>
    Eigen::MatrixXd transform(const MatrixRef& X) const;

    /// Names of the model's input features, in its order, as its file's metadata gives them
    /// (load_any, from_bytes_any and their _with_info forms fill them in; empty when the file
    /// names none, and for a model made in code until set_feature_names). Not part of ==, which
    /// compares models.
    const std::vector<std::string>& feature_names() const noexcept { return feature_names_; }
    void set_feature_names(std::vector<std::string> names) { feature_names_ = std::move(names); }

    /// The mapping from a caller's columns, named `caller_names` in the caller's order, to this
    /// model's features (brine::map_columns with feature_names()), made once and applied to each
    /// batch: `m.predict(cols.apply(X, buffer))`. Throws Errc::shape_mismatch naming the features
    /// missing from caller_names (or the caller's names that repeat), Errc::invalid_argument if
    /// the model has no feature names, Errc::invalid_model if its names repeat or do not count
    /// n_features().
    template <class CallerNames>
    ColumnMapping columns(const CallerNames& caller_names) const {
        return detail::map_model_columns(feature_names_, n_features(), caller_names);
    }
    template <class = void>
    ColumnMapping columns(std::initializer_list<std::string_view> caller_names) const;

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

    template <class V = Variant>
    friend bool operator==(const AnyModel& a, const AnyModel& b) {
        return static_cast<const V&>(a.model_) == b.model_;  // dependent: not compiled until used
    }
    template <class = void>
    friend bool operator!=(const AnyModel& a, const AnyModel& b) {
        return !(a == b);
    }

private:
    static constexpr const char* name = "AnyModel";
    friend class RowsForms<AnyModel>;

    template <class K, class M, class = void>
    struct has_predict_into : std::false_type {};
    template <class K, class M>
    struct has_predict_into<K, M,
                            std::void_t<decltype(std::declval<const K&>().predict_into(
                                std::declval<const M&>(), std::declval<double*>()))>>
        : std::true_type {};
    template <class K, class M, class = void>
    struct has_predict_proba_into : std::false_type {};
    template <class K, class M>
    struct has_predict_proba_into<
        K, M,
        std::void_t<decltype(std::declval<const K&>().predict_proba_into(
            std::declval<const M&>(), std::declval<double*>(), Eigen::Index{}, Eigen::Index{}))>>
        : std::true_type {};

    Variant model_;
    std::vector<std::string> feature_names_;
};

// The members that visit the model held, defined out of the class and `inline` only in the
// header-only mode (BRINE_MODELS_INLINE): in compiled mode (BRINE_COMPILED) brine/models/extern.hpp
// declares their instantiations `extern`, so a translation unit that calls them compiles none of
// the kinds.

template <class>
BRINE_MODELS_INLINE ModelKind AnyModel::kind() const {
    return std::visit([](const auto& m) { return model_kind_v<std::decay_t<decltype(m)>>; },
                      model_);
}

template <class>
BRINE_MODELS_INLINE Eigen::Index AnyModel::n_features() const {
    return std::visit([](const auto& m) { return m.n_features(); }, model_);
}

template <class>
BRINE_MODELS_INLINE Eigen::Index AnyModel::n_outputs() const {
    return std::visit([](const auto& m) { return m.n_outputs(); }, model_);
}

template <class>
BRINE_MODELS_INLINE Eigen::Index AnyModel::n_classes() const {
    return std::visit([](const auto& m) { return m.n_classes(); }, model_);
}

template <class>
BRINE_MODELS_INLINE const Eigen::VectorXd& AnyModel::class_labels() const {
    return std::visit([](const auto& m) -> const Eigen::VectorXd& { return m.class_labels(); },
                      model_);
}

template <class>
BRINE_MODELS_INLINE void AnyModel::validate() const {
    std::visit([](const auto& m) { m.validate(); }, model_);
}

template <class>
BRINE_MODELS_INLINE bool AnyModel::is_classifier() const {
    return std::visit(
        [](const auto& m) {
            using M = std::decay_t<decltype(m)>;
            if constexpr (detail::has_is_classifier<M>::value)
                return m.is_classifier();
            else
                return detail::has_predict_proba<M>::value;
        },
        model_);
}

template <class>
BRINE_MODELS_INLINE Eigen::VectorXd AnyModel::predict(const MatrixRef& X) const {
    return std::visit(
        [&](const auto& m) -> Eigen::VectorXd {
            using M = std::decay_t<decltype(m)>;
            if constexpr (!detail::has_predict<M>::value) {
                detail::not_an_estimator(model_kind_v<M>);
            } else {
                return m.predict(X);
            }
        },
        model_);
}

template <class>
BRINE_MODELS_INLINE double AnyModel::predict_one(const RowRef& x) const {
    return std::visit(
        [&](const auto& m) -> double {
            using M = std::decay_t<decltype(m)>;
            if constexpr (!detail::has_predict<M>::value) {
                detail::not_an_estimator(model_kind_v<M>);
            } else {
                return m.predict_one(x);
            }
        },
        model_);
}

template <class>
BRINE_MODELS_INLINE Eigen::MatrixXd AnyModel::predict_proba(const MatrixRef& X) const {
    return std::visit(
        [&](const auto& m) -> Eigen::MatrixXd {
            using M = std::decay_t<decltype(m)>;
            if constexpr (detail::has_predict_proba<M>::value) {
                return m.predict_proba(X);
            } else {
                detail::not_a_classifier(model_kind_v<M>);
            }
        },
        model_);
}

template <class>
BRINE_MODELS_INLINE void AnyModel::predict_proba_one(const RowRef& x, double* out,
                                                     Eigen::Index size) const {
    std::visit(
        [&](const auto& m) {
            using M = std::decay_t<decltype(m)>;
            if constexpr (detail::has_predict_proba<M>::value) {
                m.predict_proba_one(x, out, size);
            } else {
                detail::not_a_classifier(model_kind_v<M>);
            }
        },
        model_);
}

template <class>
BRINE_MODELS_INLINE Eigen::MatrixXd AnyModel::transform(const MatrixRef& X) const {
    return std::visit(
        [&](const auto& m) -> Eigen::MatrixXd {
            using M = std::decay_t<decltype(m)>;
            if constexpr (detail::has_transform<M>::value) {
                return m.transform(X);
            } else {
                detail::not_a_transformer(model_kind_v<M>);
            }
        },
        model_);
}

template <class>
BRINE_MODELS_INLINE ColumnMapping
AnyModel::columns(std::initializer_list<std::string_view> caller_names) const {
    return detail::map_model_columns(feature_names_, n_features(),
                                     std::vector<std::string_view>(caller_names));
}

}  // namespace brine

#if defined(BRINE_COMPILED)
#include "brine/models/extern.hpp"
#endif
