// Options and result types of brine's file API: Format, SaveOptions, LoadOptions, FileInfo.
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <string>

#include "brine/metadata.hpp"
#include "brine/models/any_model.hpp"
#include "brine/serialization/archive.hpp"

namespace brine {

/// The two encodings of a brine file. Both hold the same content; a reader detects which one a
/// file uses from its first bytes, never from its name.
enum class Format { binary, json };

constexpr const char* format_name(Format f) noexcept {
    return f == Format::json ? "json" : "binary";
}

/// Reference predictions: input rows and the outputs the model gave for them when it was saved.
/// Outputs are predict_proba for classifiers, the targets for regressors (one column each) and
/// transform for scalers. On load they are computed again and must agree within the rounding
/// bound of the model's arithmetic (what any build of the same source may legitimately compute:
/// another summation order, SIMD width or compiler), plus, when the file was written by another
/// build (`build` differs), `tolerance` relative to max(1, |stored|). docs/threat-model.md gives
/// the bound.
struct Reference {
    RowMatrix inputs;      ///< n_rows x n_features
    RowMatrix outputs;     ///< n_rows x n_outputs
    double tolerance = 0;  ///< allowed |stored - computed| / max(1, |stored|) across builds
    std::string build;     ///< the writing build: brine version, compiler, architecture

    bool empty() const noexcept { return inputs.rows() == 0; }
    friend bool operator==(const Reference& a, const Reference& b) {
        return detail::same_bits(a.inputs, b.inputs) && detail::same_bits(a.outputs, b.outputs) &&
               a.tolerance == b.tolerance && a.build == b.build;
    }
};

/// How to save. Every field has a sensible default: `brine::save(model, "m.brine")` just works.
struct SaveOptions {
    /// Encoding; when unset, ".json" paths get JSON and every other path binary.
    std::optional<Format> format;
    /// Feature names, target name, class labels, free key/values, provenance.
    Metadata metadata;
    /// Rows whose outputs are stored as reference predictions (none when empty). Use a few
    /// training rows, e.g. `X.topRows(5)`.
    Eigen::MatrixXd reference_inputs;
    /// Tolerance stored with the reference predictions for loads by a different build, added to
    /// the rounding bound every check allows.
    double reference_tolerance = 1e-9;
    /// Creation time written in the header, ISO 8601 UTC; empty means now. Set it for
    /// reproducible files.
    std::string created;
};

/// How to load. The Limits (inherited) bound what a file may make brine read and allocate.
struct LoadOptions : Limits {
    /// Recompute the stored reference predictions and refuse a model that disagrees.
    bool verify_reference = true;
    /// When set, refuse (Errc::shape_mismatch) a model that does not take exactly this many input
    /// features, so a service never holds a model of another shape than it feeds.
    std::optional<std::int64_t> expected_features;
    /// When set, refuse (Errc::shape_mismatch) a model whose output has another width:
    /// n_outputs() (classes of a classifier, targets of a regressor, features of a scaler).
    std::optional<std::int64_t> expected_outputs;
    /// The work budget of the reference check, checked before it runs (Errc::limit_exceeded):
    /// rows x (n_features + n_outputs + C(model)) operations may not exceed
    /// reference_work_base + reference_work_per_element x (parameters + stored reference values).
    /// Both terms keep the check's time linear in the file's size; docs/threat-model.md gives
    /// C(model) per kind. Saving refuses reference rows that the defaults would refuse.
    std::uint64_t reference_work_base = std::uint64_t{1} << 24;
    std::uint64_t reference_work_per_element = 16;  ///< see reference_work_base
};

namespace detail {

/// Throws Errc::shape_mismatch unless the loaded model has the shape LoadOptions asks for; the
/// message names what was expected and what the file holds.
template <class Model>
void check_expected_shape(const Model& m, const LoadOptions& o) {
    auto check = [](std::int64_t found, const std::optional<std::int64_t>& expected,
                    const char* what, const char* option) {
        if (expected && *expected != found) {
            throw Error(Errc::shape_mismatch, "the model in the file has " + std::to_string(found) +
                                                  " " + what + ", expected " +
                                                  std::to_string(*expected) +
                                                  " (LoadOptions::" + option + ")");
        }
    };
    check(static_cast<std::int64_t>(m.n_features()), o.expected_features, "input features",
          "expected_features");
    check(static_cast<std::int64_t>(m.n_outputs()), o.expected_outputs, "outputs",
          "expected_outputs");
}

}  // namespace detail

/// What brine::inspect tells about a file without decoding the model's parameters.
struct FileInfo {
    Format format = Format::binary;
    std::uint16_t format_major = 0;
    std::uint16_t format_minor = 0;
    ModelKind kind = ModelKind::linear_regression;
    std::uint32_t schema_version = 0;
    std::string library_version;  ///< brine version that wrote the file
    std::string created;          ///< ISO 8601 UTC
    Metadata metadata;
    Reference reference;
    std::uint64_t file_size = 0;
    std::uint64_t checksum = 0;  ///< stored XXH64
    /// Whether the stored checksum was verified. True only from inspect_bytes of a binary file
    /// (the whole file is at hand). False from inspect of a binary file (only its header is
    /// read) and from inspect or inspect_bytes of a JSON document (its checksum covers the
    /// decoded payload, which inspect does not decode); load and from_bytes always verify it.
    bool checksum_verified = false;
};

}  // namespace brine
