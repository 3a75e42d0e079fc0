// brine::Metadata and brine::Provenance: what a model file says about the model besides its
// parameters. Plain values; written into the file header and returned by brine::inspect.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace brine {

/// Where a model came from: filled in by brine::train::provenance(), editable by the user.
struct Provenance {
    std::string library_version;                 ///< brine version that trained the model
    std::string trainer;                         ///< e.g. "brine::train::logistic_regression"
    std::map<std::string, std::string> options;  ///< training options, as text
    std::string data_hash;                       ///< "xxh64:<16 hex digits>" of X and y
    std::uint64_t n_samples = 0;                 ///< rows of the training data
    std::map<std::string, double> metrics;       ///< e.g. {"accuracy", 0.97}, {"r2", 0.51}

    /// True when nothing has been recorded.
    bool empty() const noexcept {
        return library_version.empty() && trainer.empty() && options.empty() && data_hash.empty() &&
               n_samples == 0 && metrics.empty();
    }

    friend bool operator==(const Provenance& a, const Provenance& b) {
        return a.library_version == b.library_version && a.trainer == b.trainer &&
               a.options == b.options && a.data_hash == b.data_hash && a.n_samples == b.n_samples &&
               a.metrics == b.metrics;
    }
    friend bool operator!=(const Provenance& a, const Provenance& b) { return !(a == b); }
};

/// Descriptive data stored with a model. Every field is optional (empty means absent).
struct Metadata {
    std::vector<std::string> feature_names;    ///< one per input column, if given
    std::string target_name;                   ///< what the model predicts
    std::vector<std::string> class_labels;     ///< human names of the classes, in class order
    std::map<std::string, std::string> extra;  ///< free key/value pairs
    Provenance provenance;                     ///< how the model was trained (may be empty)

    friend bool operator==(const Metadata& a, const Metadata& b) {
        return a.feature_names == b.feature_names && a.target_name == b.target_name &&
               a.class_labels == b.class_labels && a.extra == b.extra &&
               a.provenance == b.provenance;
    }
    friend bool operator!=(const Metadata& a, const Metadata& b) { return !(a == b); }
};

}  // namespace brine
