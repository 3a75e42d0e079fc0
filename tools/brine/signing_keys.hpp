// The brine command: signed loads for brine verify --key (built with signing only).
// SPDX-License-Identifier: MIT
#pragma once

#include <brine/models/any_model.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace brine::cli {

/// Loads files only when a trusted key signed them (brine::load_any_signed).
class SignedLoader {
public:
    /// `keys`: .pub files or "RW..." key lines. Throws UsageError for a bad --min-version.
    SignedLoader(const std::vector<std::string>& keys, const std::optional<std::string>& name,
                 const std::optional<std::string>& min_version);
    ~SignedLoader();
    /// Loads `path` with every check; returns its kind and sets `detail` to what the signature
    /// binds.
    ModelKind load(const std::string& path, std::string& detail);

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace brine::cli
