// The brine command: what inspect and verify report about a model and its file.
// SPDX-License-Identifier: MIT
#include "model_info.hpp"

#include <sys/stat.h>

#include <type_traits>
#include <variant>

namespace brine::cli {

namespace {

template <class M, class = void>
struct has_n_nodes : std::false_type {};
template <class M>
struct has_n_nodes<M, std::void_t<decltype(std::declval<const M&>().n_nodes())>> : std::true_type {
};

template <class M, class = void>
struct has_n_trees : std::false_type {};
template <class M>
struct has_n_trees<M, std::void_t<decltype(std::declval<const M&>().n_trees())>> : std::true_type {
};

template <class M, class = void>
struct has_steps : std::false_type {};
template <class M>
struct has_steps<M, std::void_t<decltype(std::declval<const M&>().steps),
                                decltype(std::declval<const M&>().estimator)>> : std::true_type {};

using Facts = std::vector<std::pair<std::string, std::string>>;

template <class M>
std::string kind_of(const M&) {
    return std::string(kind_name(model_kind_v<M>));
}

/// Facts about one part (a model, a pipeline step or estimator): nodes, trees.
template <class M>
void part_facts(const M& m, const std::string& prefix, Facts& f) {
    if constexpr (has_n_trees<M>::value)
        f.emplace_back(prefix + "trees", std::to_string(m.n_trees()));
    if constexpr (has_n_nodes<M>::value)
        f.emplace_back(prefix + "nodes", std::to_string(m.n_nodes()));
}

std::string labels_text(const Eigen::VectorXd& labels) {
    std::string s;
    for (Eigen::Index i = 0; i < labels.size(); ++i) s += (i ? " " : "") + format_number(labels(i));
    return s;
}

}  // namespace

Facts model_shapes(const AnyModel& any) {
    Facts f;
    f.emplace_back("features", std::to_string(any.n_features()));
    f.emplace_back("outputs", std::to_string(any.n_outputs()));
    if (any.is_classifier()) {
        f.emplace_back("classes", std::to_string(any.n_classes()));
        f.emplace_back("class values", labels_text(any.class_labels()));
    }
    std::visit(
        [&](const auto& m) {
            using M = std::decay_t<decltype(m)>;
            if constexpr (has_steps<M>::value) {
                std::string steps;
                for (const auto& s : m.steps)
                    steps += (steps.empty() ? "" : ", ") +
                             std::visit([](const auto& t) { return kind_of(t); }, s);
                f.emplace_back("steps", steps.empty() ? "none" : steps);
                std::visit(
                    [&](const auto& e) {
                        f.emplace_back("estimator", kind_of(e));
                        part_facts(e, "estimator ", f);
                    },
                    m.estimator);
            } else {
                part_facts(m, "", f);
            }
        },
        any.variant());
    return f;
}

void model_shapes_json(const AnyModel& any, JsonOut& j) {
    j.key("features").value(static_cast<std::int64_t>(any.n_features()));
    j.key("outputs").value(static_cast<std::int64_t>(any.n_outputs()));
    j.key("classifier").value(any.is_classifier());
    if (any.is_classifier()) {
        j.key("classes").value(static_cast<std::int64_t>(any.n_classes()));
        j.key("class_values").begin_array();
        for (Eigen::Index i = 0; i < any.class_labels().size(); ++i) j.value(any.class_labels()(i));
        j.end_array();
    }
    const auto part = [&](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        j.key("kind").value(kind_of(m));
        if constexpr (has_n_trees<M>::value)
            j.key("trees").value(static_cast<std::int64_t>(m.n_trees()));
        if constexpr (has_n_nodes<M>::value)
            j.key("nodes").value(static_cast<std::int64_t>(m.n_nodes()));
    };
    std::visit(
        [&](const auto& m) {
            using M = std::decay_t<decltype(m)>;
            if constexpr (has_steps<M>::value) {
                j.key("steps").begin_array();
                for (const auto& s : m.steps) {
                    j.begin_object();
                    std::visit(part, s);
                    j.end_object();
                }
                j.end_array();
                j.key("estimator").begin_object();
                std::visit(part, m.estimator);
                j.end_object();
            } else {
                if constexpr (has_n_trees<M>::value)
                    j.key("trees").value(static_cast<std::int64_t>(m.n_trees()));
                if constexpr (has_n_nodes<M>::value)
                    j.key("nodes").value(static_cast<std::int64_t>(m.n_nodes()));
            }
        },
        any.variant());
}

namespace {

void string_list(JsonOut& j, const std::vector<std::string>& v) {
    j.begin_array();
    for (const auto& s : v) j.value(s);
    j.end_array();
}

void matrix_json(JsonOut& j, const RowMatrix& m) {
    j.begin_array();
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        j.begin_array();
        for (Eigen::Index k = 0; k < m.cols(); ++k) j.value(m(i, k));
        j.end_array();
    }
    j.end_array();
}

std::string hex16(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

}  // namespace

void file_info_json(const FileInfo& info, JsonOut& j, bool reference_rows) {
    j.key("format").value(format_name(info.format));
    j.key("format_version")
        .value(std::to_string(info.format_major) + "." + std::to_string(info.format_minor));
    j.key("kind").value(std::string(kind_name(info.kind)));
    j.key("schema_version").value(static_cast<std::uint64_t>(info.schema_version));
    j.key("library_version").value(info.library_version);
    j.key("created").value(info.created);
    j.key("file_size").value(info.file_size);
    const Metadata& md = info.metadata;
    j.key("metadata").begin_object();
    j.key("feature_names");
    string_list(j, md.feature_names);
    j.key("target_name").value(md.target_name);
    j.key("class_labels");
    string_list(j, md.class_labels);
    j.key("extra").begin_object();
    for (const auto& [k, v] : md.extra) j.key(k).value(v);
    j.end_object();
    const Provenance& p = md.provenance;
    j.key("provenance").begin_object();
    j.key("library_version").value(p.library_version);
    j.key("trainer").value(p.trainer);
    j.key("options").begin_object();
    for (const auto& [k, v] : p.options) j.key(k).value(v);
    j.end_object();
    j.key("data_hash").value(p.data_hash);
    j.key("n_samples").value(p.n_samples);
    j.key("metrics").begin_object();
    for (const auto& [k, v] : p.metrics) j.key(k).value(v);
    j.end_object();
    j.end_object();
    j.end_object();
    const Reference& r = info.reference;
    j.key("reference").begin_object();
    j.key("rows").value(static_cast<std::int64_t>(r.inputs.rows()));
    j.key("tolerance").value(r.tolerance);
    j.key("build").value(r.build);
    if (reference_rows) {
        j.key("inputs");
        matrix_json(j, r.inputs);
        j.key("outputs");
        matrix_json(j, r.outputs);
    }
    j.end_object();
}

std::string file_info_text(const FileInfo& info) {
    std::string s;
    const auto line = [&](const std::string& k, const std::string& v) {
        s += "  " + k + ": " + v + "\n";
    };
    line("format", std::string(format_name(info.format)) + " " + std::to_string(info.format_major) +
                       "." + std::to_string(info.format_minor) + ", " +
                       std::to_string(info.file_size) + " bytes");
    line("kind", std::string(kind_name(info.kind)) + " (schema " +
                     std::to_string(info.schema_version) + ")");
    line("written by", "brine " + info.library_version);
    line("created", info.created);
    const Metadata& md = info.metadata;
    if (!md.feature_names.empty()) line("feature names", joined(md.feature_names));
    if (!md.target_name.empty()) line("target", md.target_name);
    if (!md.class_labels.empty()) line("class labels", joined(md.class_labels));
    for (const auto& [k, v] : md.extra) line("extra " + k, v);
    const Provenance& p = md.provenance;
    if (!p.empty()) {
        if (!p.trainer.empty())
            line("trained by", p.trainer + " (brine " + p.library_version + ")");
        for (const auto& [k, v] : p.options) line("training option " + k, v);
        if (!p.data_hash.empty()) line("training data", p.data_hash);
        if (p.n_samples) line("training rows", std::to_string(p.n_samples));
        for (const auto& [k, v] : p.metrics) line("metric " + k, format_number(v));
    }
    const Reference& r = info.reference;
    if (r.empty()) {
        line("reference rows", "none");
    } else {
        line("reference rows", std::to_string(r.inputs.rows()) + " (tolerance " +
                                   format_number(r.tolerance) + ", written by " + r.build + ")");
    }
    if (info.checksum_verified) line("checksum", "xxh64:" + hex16(info.checksum) + " (verified)");
    return s;
}

std::string signature_file_of(const std::string& path) {
    const std::string sig = path + ".minisig";
    struct stat st {};
    return ::stat(sig.c_str(), &st) == 0 ? sig : std::string();
}

}  // namespace brine::cli
