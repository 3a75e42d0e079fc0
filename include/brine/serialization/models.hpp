// How every brine model maps onto an archive: named fields, a schema version per model kind,
// and checks on every count before storage for it is allocated.
// SPDX-License-Identifier: MIT
#pragma once

#include <cereal/cereal.hpp>

#include <array>
#include <string>
#include <type_traits>
#include <vector>

#include "brine/detail/text.hpp"
#include "brine/models/any_model.hpp"
#include "brine/serialization/archive.hpp"
#include "brine/serialization/eigen.hpp"
#include "brine/serialization/packed.hpp"

namespace brine {

/// The schema version a model is written with: its kind's current one, except a multinomial or
/// binary LogisticRegression, which schema 1 holds, and a DecisionTree that needs nothing of
/// schema 2 (so older readers still read them).
template <class Model>
std::uint32_t schema_version_of(const Model&) {
    return schema_version_v<Model>;
}
inline std::uint32_t schema_version_of(const LogisticRegression& m) {
    return m.multi_class == LogisticRegression::MultiClass::multinomial ? 1 : 2;
}
/// A DecisionTree that needs nothing of schema 2 (double `<=`, NaN refused) is written as
/// version 1, byte for byte as before.
inline std::uint32_t schema_version_of(const DecisionTree& t) { return t.needs_schema_2() ? 2 : 1; }

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
            ar.fail(Errc::unsupported_version, unsupported_schema_message(model_kind_v<Model>, v),
                    [&](Error& e) { e.with_versions(v, schema_version_v<Model>); });
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

/// Throws Errc::limit_exceeded at the archive's position, with `limit` as the error's field.
template <class Archive>
[[noreturn]] void fail_limit(Archive& ar, const std::string& what, std::uint64_t limit) {
    try {
        ar.fail(Errc::limit_exceeded, what);
    } catch (Error& e) {
        e.with_limit(limit);
        throw;
    }
}

/// What a load has open of the models that hold transforms (pipelines and ColumnTransformers), per
/// thread: how many are open, how deep ColumnTransformers nest, how many steps were read.
struct TransformNesting {
    std::uint32_t open = 0;
    std::uint32_t depth = 0;
    std::uint64_t steps = 0;
};
inline TransformNesting& transform_nesting() noexcept {
    thread_local TransformNesting n;
    return n;
}

/// Opens a pipeline or ColumnTransformer being read: the outermost one starts the step count of the
/// load, a ColumnTransformer is refused before anything nested in it is read if it is deeper than
/// Limits::max_transform_depth. Closed by the destructor, also when the load throws.
class NestingGuard {
public:
    template <class Archive>
    NestingGuard(Archive& ar, bool column_transformer)
        : n_(transform_nesting()), column_transformer_(column_transformer) {
        if (n_.open == 0) {
            n_.steps = 0;
            n_.depth = 0;
        }
        if (column_transformer_ && n_.depth + 1 > ar.limits().max_transform_depth) {
            fail_limit(ar,
                       "ColumnTransformer nested " + std::to_string(n_.depth + 1) +
                           " deep exceeds Limits::max_transform_depth (" +
                           std::to_string(ar.limits().max_transform_depth) + ")",
                       ar.limits().max_transform_depth);
        }
        ++n_.open;
        if (column_transformer_) ++n_.depth;
    }
    ~NestingGuard() {
        --n_.open;
        if (column_transformer_) --n_.depth;
    }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

private:
    TransformNesting& n_;
    bool column_transformer_;
};

/// A pipeline's or a branch's steps: a sized list of KindSlots. Elements are appended one at a
/// time, so a hostile count costs nothing before the elements themselves are present; each one
/// counts against Limits::max_transform_steps before it is read.
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
            TransformNesting& nest = transform_nesting();
            if (++nest.steps > ar.limits().max_transform_steps) {
                fail_limit(ar,
                           "more than Limits::max_transform_steps (" +
                               std::to_string(ar.limits().max_transform_steps) +
                               ") transform steps in the model",
                           ar.limits().max_transform_steps);
            }
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

namespace detail {

/// An enum of a tree or ensemble written as its name: the names are the format, the numbers are
/// not.
template <class Enum, std::size_t N>
struct EnumNames {
    const char* field;
    std::array<const char*, N> names;  ///< names[i] is the name of Enum(i)

    std::string name_of(Enum e) const { return names[static_cast<std::size_t>(e)]; }

    template <class Archive>
    Enum read(Archive& ar) const {
        std::string text;
        ar(cereal::make_nvp(field, text));
        for (std::size_t i = 0; i < N; ++i) {
            if (text == names[i]) return static_cast<Enum>(i);
        }
        std::string expected;
        for (std::size_t i = 0; i < N; ++i)
            expected +=
                (i == 0 ? "'" : (i + 1 == N ? " or '" : ", '")) + std::string(names[i]) + "'";
        ar.fail(Errc::malformed,
                std::string(field) + " " + detail::quoted(text) + ", expected " + expected);
    }

    template <class Archive>
    void write(Archive& ar, Enum e) const {
        if (static_cast<std::size_t>(e) >= N) {
            throw Error(Errc::invalid_model, std::string("unknown ") + field + " " +
                                                 std::to_string(static_cast<int>(e)));
        }
        std::string text = name_of(e);
        ar(cereal::make_nvp(field, text));
    }
};

inline const EnumNames<TreeEnsemble::Task, 2> ensemble_task{"task",
                                                            {"classification", "regression"}};
inline const EnumNames<TreeCompare, 3> tree_compare_names{
    "compare", {"double_le", "float32_le", "float32_lt"}};
inline const EnumNames<TreeEnsemble::Aggregation, 2> ensemble_aggregation{"aggregation",
                                                                          {"sum", "average"}};
inline const EnumNames<TreeEnsemble::Accumulation, 2> ensemble_accumulation{"accumulation",
                                                                            {"float64", "float32"}};
inline const EnumNames<TreeEnsemble::Link, 3> ensemble_link{"link",
                                                            {"identity", "logistic", "softmax"}};

/// Errc::malformed unless the array just read has the length its count field announced.
template <class Archive>
void check_count(Archive& ar, Eigen::Index got, std::uint64_t want, const char* field,
                 const char* count) {
    if (static_cast<std::uint64_t>(got) != want) {
        ar.fail(Errc::malformed, std::string(field) + " has " + std::to_string(got) +
                                     " entries for " + count + " " + std::to_string(want));
    }
}

}  // namespace detail

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

namespace detail {
inline const EnumNames<ImputeStrategy, 4> impute_strategy{
    "strategy", {"mean", "median", "most_frequent", "constant"}};
}  // namespace detail

/// strategy by name, the marker (NaN or a number), the per-feature statistics (NaN: a dropped
/// feature), and the missing-indicator columns.
template <class Archive>
void save(Archive& ar, const SimpleImputer& m) {
    detail::schema_field<SimpleImputer>(ar);
    detail::impute_strategy.write(ar, m.strategy);
    ar(cereal::make_nvp("missing_value", m.missing_value),
       cereal::make_nvp("statistics", m.statistics),
       cereal::make_nvp("add_indicator", m.add_indicator),
       cereal::make_nvp("indicator_features", m.indicator_features));
}

template <class Archive>
void load(Archive& ar, SimpleImputer& m) {
    detail::schema_field<SimpleImputer>(ar);
    m.strategy = detail::impute_strategy.read(ar);
    ar(cereal::make_nvp("missing_value", m.missing_value),
       cereal::make_nvp("statistics", m.statistics),
       cereal::make_nvp("add_indicator", m.add_indicator),
       cereal::make_nvp("indicator_features", m.indicator_features));
}

namespace detail {
inline const EnumNames<HandleUnknown, 2> handle_unknown_names{"handle_unknown",
                                                              {"error", "ignore"}};
}  // namespace detail

/// Schema 1: handle_unknown by name, then n_categories (per feature), every feature's categories
/// concatenated, and drop_idx (per feature, -1 for none; empty when nothing is dropped). Sizes are
/// each bounded by the bytes that hold them; that they agree (and the ordering of categories) is
/// validate()'s, on save and on load alike.
template <class Archive>
void save(Archive& ar, const OneHotEncoder& m) {
    detail::schema_field<OneHotEncoder>(ar);
    detail::handle_unknown_names.write(ar, m.handle_unknown);
    ar(cereal::make_nvp("n_categories", m.n_categories),
       cereal::make_nvp("categories", m.categories), cereal::make_nvp("drop_idx", m.drop_idx));
}

template <class Archive>
void load(Archive& ar, OneHotEncoder& m) {
    detail::schema_field<OneHotEncoder>(ar);
    m.handle_unknown = detail::handle_unknown_names.read(ar);
    ar(cereal::make_nvp("n_categories", m.n_categories),
       cereal::make_nvp("categories", m.categories), cereal::make_nvp("drop_idx", m.drop_idx));
}

template <class Archive>
void save(Archive& ar, const DecisionTree& t) {
    const std::uint32_t version = schema_version_of(t);
    detail::schema_field<DecisionTree>(ar, version);
    std::string task = t.is_classifier() ? "classification" : "regression";
    const auto n_nodes = static_cast<std::uint64_t>(t.n_nodes());
    ar(cereal::make_nvp("task", task), cereal::make_nvp("n_features", t.n_features_in),
       cereal::make_nvp("n_nodes", n_nodes), cereal::make_nvp("classes", t.classes),
       cereal::make_nvp("children_left", t.children_left),
       cereal::make_nvp("children_right", t.children_right), cereal::make_nvp("feature", t.feature),
       cereal::make_nvp("threshold", t.threshold), cereal::make_nvp("value", t.value));
    if (version >= 2) {
        detail::tree_compare_names.write(ar, t.compare);
        ar(cereal::make_nvp("default_left", t.default_left));
    }
}

template <class Archive>
void load(Archive& ar, DecisionTree& t) {
    const std::uint32_t version = detail::schema_field<DecisionTree>(ar);
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
        ar.fail(Errc::limit_exceeded,
                "tree of " + std::to_string(n_nodes) + " nodes exceeds the limit of " +
                    std::to_string(ar.limits().max_nodes),
                [&](Error& e) { e.with_limit(ar.limits().max_nodes, "max_nodes"); });
    }
    ar(cereal::make_nvp("classes", t.classes), cereal::make_nvp("children_left", t.children_left));
    if (static_cast<std::uint64_t>(t.children_left.size()) != n_nodes) {
        ar.fail(Errc::malformed, "children_left has " + std::to_string(t.children_left.size()) +
                                     " entries for n_nodes " + std::to_string(n_nodes));
    }
    ar(cereal::make_nvp("children_right", t.children_right), cereal::make_nvp("feature", t.feature),
       cereal::make_nvp("threshold", t.threshold), cereal::make_nvp("value", t.value));
    t.compare = TreeCompare::double_le;
    t.default_left.resize(0);
    if (version >= 2) {
        t.compare = detail::tree_compare_names.read(ar);
        ar(cereal::make_nvp("default_left", t.default_left));
        if (t.default_left.size() != 0 &&
            static_cast<std::uint64_t>(t.default_left.size()) != n_nodes) {
            ar.fail(Errc::malformed, "default_left has " + std::to_string(t.default_left.size()) +
                                         " entries for n_nodes " + std::to_string(n_nodes) +
                                         ", expected n_nodes or 0");
        }
    }
}

namespace detail {

/// The tree_ensemble schema versions a JSON document held, in the order its ensembles were read:
/// its checksum is over the binary encoding of each ensemble at the version it was written with
/// (schema 1 and 2 differ in the binary encoding only), so the checksum's re-encoding replays them.
struct EnsembleSchemas {
    std::vector<std::uint32_t> versions;
    std::size_t next = 0;
};

/// The schema version the binary encoding writes an ensemble with: the replayed one when the
/// archive replays a JSON document's, else the current one.
template <class Archive>
std::uint32_t ensemble_schema_to_write(Archive& ar) {
    if constexpr (std::is_same_v<Archive, BinaryOutputArchive>) {
        if (EnsembleSchemas* r = ar.ensemble_schemas()) {
            if (r->next < r->versions.size()) return r->versions[r->next++];
        }
    }
    (void)ar;
    return schema_version_v<TreeEnsemble>;
}

}  // namespace detail

/// A tree ensemble: its enums by name, its counts, then its arrays. n_trees and n_nodes come
/// before any array, so the limits are checked before anything is allocated (n_nodes, the nodes of
/// all trees together, against Limits::max_nodes), and each array is checked against them as soon
/// as it is read.
///
/// Schema 2 differs from schema 1 in the binary encoding only: the int32 arrays (tree_offsets,
/// tree_output, children_left, children_right, feature) are packed at their narrowest width (1, 2
/// or 4 bytes, save_packed_ints) and default_left as bits (save_bits); the JSON encoding writes
/// the fields of schema 1 under either number.
template <class Archive>
void save(Archive& ar, const TreeEnsemble& e) {
    const std::uint32_t version = detail::ensemble_schema_to_write(ar);
    detail::schema_field<TreeEnsemble>(ar, version);
    detail::ensemble_task.write(ar, e.task);
    ar(cereal::make_nvp("n_features", e.n_features_in));
    detail::tree_compare_names.write(ar, e.compare);
    detail::ensemble_aggregation.write(ar, e.aggregation);
    detail::ensemble_accumulation.write(ar, e.accumulation);
    detail::ensemble_link.write(ar, e.link);
    const auto n_trees = static_cast<std::uint64_t>(e.n_trees());
    const auto n_nodes = static_cast<std::uint64_t>(e.n_nodes());
    ar(cereal::make_nvp("n_trees", n_trees), cereal::make_nvp("n_nodes", n_nodes),
       cereal::make_nvp("classes", e.classes), cereal::make_nvp("base_score", e.base_score));
    if constexpr (std::is_same_v<Archive, BinaryOutputArchive>) {
        if (version >= 2) {
            detail::save_packed_ints(ar, e.tree_offsets);
            detail::save_packed_ints(ar, e.tree_output);
            detail::save_packed_ints(ar, e.children_left);
            detail::save_packed_ints(ar, e.children_right);
            detail::save_packed_ints(ar, e.feature);
            ar(e.threshold);
            detail::save_bits(ar, e.default_left);
            ar(e.value);
            return;
        }
    }
    ar(cereal::make_nvp("tree_offsets", e.tree_offsets),
       cereal::make_nvp("tree_output", e.tree_output),
       cereal::make_nvp("children_left", e.children_left),
       cereal::make_nvp("children_right", e.children_right), cereal::make_nvp("feature", e.feature),
       cereal::make_nvp("threshold", e.threshold), cereal::make_nvp("default_left", e.default_left),
       cereal::make_nvp("value", e.value));
}

template <class Archive>
void load(Archive& ar, TreeEnsemble& e) {
    const std::uint32_t version = detail::schema_field<TreeEnsemble>(ar);
    if constexpr (!std::is_same_v<Archive, BinaryInputArchive>)
        ar.ensemble_schemas().push_back(version);
    e.task = detail::ensemble_task.read(ar);
    ar(cereal::make_nvp("n_features", e.n_features_in));
    e.compare = detail::tree_compare_names.read(ar);
    e.aggregation = detail::ensemble_aggregation.read(ar);
    e.accumulation = detail::ensemble_accumulation.read(ar);
    e.link = detail::ensemble_link.read(ar);
    std::uint64_t n_trees = 0, n_nodes = 0;
    ar(cereal::make_nvp("n_trees", n_trees), cereal::make_nvp("n_nodes", n_nodes));
    if (n_nodes > ar.limits().max_nodes) {
        ar.fail(Errc::limit_exceeded,
                "tree ensemble of " + std::to_string(n_nodes) + " nodes exceeds the limit of " +
                    std::to_string(ar.limits().max_nodes),
                [&](Error& e) { e.with_limit(ar.limits().max_nodes, "max_nodes"); });
    }
    if (n_trees > n_nodes) {
        ar.fail(Errc::malformed, "tree ensemble of " + std::to_string(n_trees) + " trees and " +
                                     std::to_string(n_nodes) +
                                     " nodes: every tree has at least one node");
    }
    ar(cereal::make_nvp("classes", e.classes), cereal::make_nvp("base_score", e.base_score));
    if constexpr (std::is_same_v<Archive, BinaryInputArchive>) {
        if (version >= 2) {
            detail::load_packed_ints(ar, e.tree_offsets, n_trees + 1, "tree_offsets",
                                     "n_trees + 1 =");
            detail::load_packed_ints(ar, e.tree_output, n_trees, "tree_output", "n_trees");
            detail::load_packed_ints(ar, e.children_left, n_nodes, "children_left", "n_nodes");
            detail::load_packed_ints(ar, e.children_right, n_nodes, "children_right", "n_nodes");
            detail::load_packed_ints(ar, e.feature, n_nodes, "feature", "n_nodes");
            ar(cereal::make_nvp("threshold", e.threshold));
            detail::check_count(ar, e.threshold.size(), n_nodes, "threshold", "n_nodes");
            detail::load_bits(ar, e.default_left, n_nodes, "default_left", "n_nodes");
            ar(cereal::make_nvp("value", e.value));
            detail::check_count(ar, e.value.rows(), n_nodes, "value", "n_nodes");
            return;
        }
    }
    ar(cereal::make_nvp("tree_offsets", e.tree_offsets));
    detail::check_count(ar, e.tree_offsets.size(), n_trees + 1, "tree_offsets", "n_trees + 1 =");
    ar(cereal::make_nvp("tree_output", e.tree_output));
    detail::check_count(ar, e.tree_output.size(), n_trees, "tree_output", "n_trees");
    ar(cereal::make_nvp("children_left", e.children_left));
    detail::check_count(ar, e.children_left.size(), n_nodes, "children_left", "n_nodes");
    ar(cereal::make_nvp("children_right", e.children_right));
    detail::check_count(ar, e.children_right.size(), n_nodes, "children_right", "n_nodes");
    ar(cereal::make_nvp("feature", e.feature));
    detail::check_count(ar, e.feature.size(), n_nodes, "feature", "n_nodes");
    ar(cereal::make_nvp("threshold", e.threshold));
    detail::check_count(ar, e.threshold.size(), n_nodes, "threshold", "n_nodes");
    ar(cereal::make_nvp("default_left", e.default_left));
    detail::check_count(ar, e.default_left.size(), n_nodes, "default_left", "n_nodes");
    ar(cereal::make_nvp("value", e.value));
    detail::check_count(ar, e.value.rows(), n_nodes, "value", "n_nodes");
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
    const detail::NestingGuard open(ar, false);
    ar(cereal::make_nvp("steps", detail::StepList{&p.steps}),
       cereal::make_nvp("estimator", detail::KindSlot<Estimator>{&p.estimator}));
}

namespace detail {

inline const EnumNames<ColumnBranch::Action, 3> branch_action{"action",
                                                              {"drop", "passthrough", "steps"}};

/// A ColumnTransformer's branches: a sized list, appended one at a time (as StepList).
struct BranchList {
    std::vector<ColumnBranch>* branches;

    template <class Archive>
    void save(Archive& ar) const {
        ar(cereal::make_size_tag(static_cast<std::uint64_t>(branches->size())));
        for (const auto& b : *branches) ar(b);
    }

    template <class Archive>
    void load(Archive& ar) {
        std::uint64_t n = 0;
        ar(cereal::make_size_tag(n));
        branches->clear();
        for (std::uint64_t i = 0; i < n; ++i) {
            ColumnBranch b;
            ar(b);
            branches->push_back(std::move(b));
        }
    }
};

}  // namespace detail

/// A branch: name, columns (int32 vector), action by name, then its steps (empty unless the
/// action is "steps").
template <class Archive>
void save(Archive& ar, const ColumnBranch& b) {
    std::string name = b.name;
    ar(cereal::make_nvp("name", name), cereal::make_nvp("columns", b.columns));
    detail::branch_action.write(ar, b.action);
    auto& steps = const_cast<std::vector<Transform>&>(b.steps);  // StepList::save does not modify
    ar(cereal::make_nvp("steps", detail::StepList{&steps}));
}

template <class Archive>
void load(Archive& ar, ColumnBranch& b) {
    ar(cereal::make_nvp("name", b.name), cereal::make_nvp("columns", b.columns));
    b.action = detail::branch_action.read(ar);
    ar(cereal::make_nvp("steps", detail::StepList{&b.steps}));
}

/// Schema 1: n_features, the branches in order, then the remainder (a branch named "remainder"
/// listing the columns no branch takes). A nested ColumnTransformer is refused before it is read
/// when deeper than Limits::max_transform_depth.
template <class Archive>
void save(Archive& ar, const ColumnTransformer& m) {
    detail::schema_field<ColumnTransformer>(ar);
    auto& branches = const_cast<std::vector<ColumnBranch>&>(m.branches);  // not modified
    ar(cereal::make_nvp("n_features", m.n_features_in),
       cereal::make_nvp("branches", detail::BranchList{&branches}),
       cereal::make_nvp("remainder", m.remainder));
}

template <class Archive>
void load(Archive& ar, ColumnTransformer& m) {
    detail::schema_field<ColumnTransformer>(ar);
    const detail::NestingGuard open(ar, true);
    ar(cereal::make_nvp("n_features", m.n_features_in),
       cereal::make_nvp("branches", detail::BranchList{&m.branches}),
       cereal::make_nvp("remainder", m.remainder));
}

}  // namespace brine
