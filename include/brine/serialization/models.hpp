// How every brine model maps onto an archive: named fields, a schema version per model kind,
// and checks on every count before storage for it is allocated.
// SPDX-License-Identifier: MIT
#pragma once

#include <cereal/cereal.hpp>

#include <string>

#include "brine/detail/text.hpp"
#include "brine/models/any_model.hpp"
#include "brine/serialization/archive.hpp"
#include "brine/serialization/eigen.hpp"

namespace brine {

/// The schema version a model is written with: its kind's current one, except a multinomial or
/// binary LogisticRegression, which schema 1 holds (so older readers still read it).
template <class Model>
std::uint32_t schema_version_of(const Model&) {
    return schema_version_v<Model>;
}
inline std::uint32_t schema_version_of(const LogisticRegression& m) {
    return m.multi_class == LogisticRegression::MultiClass::multinomial ? 1 : 2;
}

namespace detail {

inline std::string unsupported_schema_message(ModelKind kind, std::uint32_t found) {
    return std::string(kind_name(kind)) + " schema version " + std::to_string(found) +
           ", this build of brine reads versions 1 to " +
           std::to_string(current_schema_version(kind));
}

/// Every model object starts with its schema version: written as `written` (the current one
/// unless a model needs no newer than an older one), checked on load.
template <class Model, class Archive>
std::uint32_t schema_field(Archive& ar, std::uint32_t written = schema_version_v<Model>) {
    std::uint32_t v = written;
    ar(cereal::make_nvp("schema_version", v));
    if constexpr (is_brine_input_archive_v<Archive>) {
        if (v == 0 || v > schema_version_v<Model>) {
            ar.fail(Errc::unsupported_version, unsupported_schema_message(model_kind_v<Model>, v));
        }
    }
    return v;
}

/// One element of a closed variant, written as {"kind": <name>, "model": {...}}.
template <class Variant>
struct KindSlot {
    Variant* value;

    template <class Archive>
    void save(Archive& ar) const {
        std::string kind = std::visit(
            [](const auto& m) {
                return std::string(kind_name(model_kind_v<std::decay_t<decltype(m)>>));
            },
            *value);
        ar(cereal::make_nvp("kind", kind));
        std::visit([&](const auto& m) { ar(cereal::make_nvp("model", m)); }, *value);
    }

    template <class Archive>
    void load(Archive& ar) {
        std::string kind;
        ar(cereal::make_nvp("kind", kind));
        ModelKind k{};
        if (!kind_from_name(kind, k)) {
            ar.fail(Errc::unsupported_version,
                    "unknown model kind " + detail::quoted(kind) + " (written by a newer brine?)");
        }
        if (!try_load<0>(ar, k)) {
            ar.fail(Errc::malformed, "a " + kind + " cannot stand here");
        }
    }

private:
    template <std::size_t I, class Archive>
    bool try_load(Archive& ar, ModelKind k) {
        if constexpr (I == std::variant_size_v<Variant>) {
            return false;
        } else {
            using Alt = std::variant_alternative_t<I, Variant>;
            if (model_kind_v<Alt> != k) return try_load<I + 1>(ar, k);
            Alt m;
            ar(cereal::make_nvp("model", m));
            *value = std::move(m);
            return true;
        }
    }
};

/// A pipeline's steps: a sized list of KindSlots. Elements are appended one at a time, so a
/// hostile count costs nothing before the elements themselves are present.
struct StepList {
    std::vector<Transform>* steps;

    template <class Archive>
    void save(Archive& ar) const {
        ar(cereal::make_size_tag(static_cast<std::uint64_t>(steps->size())));
        for (auto& s : *steps) ar(KindSlot<Transform>{&s});
    }

    template <class Archive>
    void load(Archive& ar) {
        std::uint64_t n = 0;
        ar(cereal::make_size_tag(n));
        steps->clear();
        for (std::uint64_t i = 0; i < n; ++i) {
            Transform t;
            ar(KindSlot<Transform>{&t});
            steps->push_back(std::move(t));
        }
    }
};

}  // namespace detail

template <class Archive>
void serialize(Archive& ar, LinearRegression& m) {
    detail::schema_field<LinearRegression>(ar);
    ar(cereal::make_nvp("coef", m.coef), cereal::make_nvp("intercept", m.intercept));
}

/// Schema 1: classes, coef, intercept, with softmax for K >= 3 classes. Schema 2 adds
/// `multi_class` ("multinomial" or "ovr"). A multinomial model is still written as schema 1, so
/// readers that know only schema 1 keep reading every file whose meaning they know.
template <class Archive>
void serialize(Archive& ar, LogisticRegression& m) {
    const std::uint32_t v = detail::schema_field<LogisticRegression>(ar, schema_version_of(m));
    ar(cereal::make_nvp("classes", m.classes), cereal::make_nvp("coef", m.coef),
       cereal::make_nvp("intercept", m.intercept));
    if constexpr (detail::is_brine_input_archive_v<Archive>) {
        m.multi_class = LogisticRegression::MultiClass::multinomial;
        if (v < 2) return;
        std::string mc;
        ar(cereal::make_nvp("multi_class", mc));
        if (mc == "ovr") {
            m.multi_class = LogisticRegression::MultiClass::ovr;
        } else if (mc != "multinomial") {
            ar.fail(Errc::malformed,
                    "multi_class " + detail::quoted(mc) + ", expected 'multinomial' or 'ovr'");
        }
    } else {
        if (v < 2) return;
        std::string mc =
            m.multi_class == LogisticRegression::MultiClass::ovr ? "ovr" : "multinomial";
        ar(cereal::make_nvp("multi_class", mc));
    }
}

template <class Archive>
void serialize(Archive& ar, StandardScaler& m) {
    detail::schema_field<StandardScaler>(ar);
    ar(cereal::make_nvp("mean", m.mean), cereal::make_nvp("scale", m.scale));
}

template <class Archive>
void serialize(Archive& ar, MinMaxScaler& m) {
    detail::schema_field<MinMaxScaler>(ar);
    ar(cereal::make_nvp("scale", m.scale), cereal::make_nvp("min", m.min));
}

template <class Archive>
void serialize(Archive& ar, MaxAbsScaler& m) {
    detail::schema_field<MaxAbsScaler>(ar);
    ar(cereal::make_nvp("scale", m.scale));
}

/// `center` and `scale` are empty when the scaler was fitted without centering or scaling.
template <class Archive>
void serialize(Archive& ar, RobustScaler& m) {
    detail::schema_field<RobustScaler>(ar);
    ar(cereal::make_nvp("n_features", m.n_features_in), cereal::make_nvp("center", m.center),
       cereal::make_nvp("scale", m.scale));
}

template <class Archive>
void save(Archive& ar, const DecisionTree& t) {
    detail::schema_field<DecisionTree>(ar);
    std::string task = t.is_classifier() ? "classification" : "regression";
    const auto n_nodes = static_cast<std::uint64_t>(t.n_nodes());
    ar(cereal::make_nvp("task", task), cereal::make_nvp("n_features", t.n_features_in),
       cereal::make_nvp("n_nodes", n_nodes), cereal::make_nvp("classes", t.classes),
       cereal::make_nvp("children_left", t.children_left),
       cereal::make_nvp("children_right", t.children_right), cereal::make_nvp("feature", t.feature),
       cereal::make_nvp("threshold", t.threshold), cereal::make_nvp("value", t.value));
}

template <class Archive>
void load(Archive& ar, DecisionTree& t) {
    detail::schema_field<DecisionTree>(ar);
    std::string task;
    std::uint64_t n_nodes = 0;
    ar(cereal::make_nvp("task", task));
    if (task == "classification") {
        t.task = DecisionTree::Task::classification;
    } else if (task == "regression") {
        t.task = DecisionTree::Task::regression;
    } else {
        ar.fail(Errc::malformed, "tree task " + detail::quoted(task) +
                                     ", expected 'classification' or 'regression'");
    }
    ar(cereal::make_nvp("n_features", t.n_features_in), cereal::make_nvp("n_nodes", n_nodes));
    if (n_nodes > ar.limits().max_nodes) {
        ar.fail(Errc::limit_exceeded, "tree of " + std::to_string(n_nodes) +
                                          " nodes exceeds the limit of " +
                                          std::to_string(ar.limits().max_nodes));
    }
    ar(cereal::make_nvp("classes", t.classes), cereal::make_nvp("children_left", t.children_left));
    if (static_cast<std::uint64_t>(t.children_left.size()) != n_nodes) {
        ar.fail(Errc::malformed, "children_left has " + std::to_string(t.children_left.size()) +
                                     " entries for n_nodes " + std::to_string(n_nodes));
    }
    ar(cereal::make_nvp("children_right", t.children_right), cereal::make_nvp("feature", t.feature),
       cereal::make_nvp("threshold", t.threshold), cereal::make_nvp("value", t.value));
}

template <class Archive>
void save(Archive& ar, const Pipeline& p) {
    detail::schema_field<Pipeline>(ar);
    auto& steps = const_cast<std::vector<Transform>&>(p.steps);  // StepList::save does not modify
    auto& est = const_cast<Estimator&>(p.estimator);
    ar(cereal::make_nvp("steps", detail::StepList{&steps}),
       cereal::make_nvp("estimator", detail::KindSlot<Estimator>{&est}));
}

template <class Archive>
void load(Archive& ar, Pipeline& p) {
    detail::schema_field<Pipeline>(ar);
    ar(cereal::make_nvp("steps", detail::StepList{&p.steps}),
       cereal::make_nvp("estimator", detail::KindSlot<Estimator>{&p.estimator}));
}

}  // namespace brine
