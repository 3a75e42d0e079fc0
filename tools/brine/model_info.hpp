// The brine command: what inspect and verify report about a model and its file.
// SPDX-License-Identifier: MIT
#pragma once

#include <brine/io/options.hpp>

#include <string>
#include <utility>
#include <vector>

#include "cli.hpp"

namespace brine::cli {

/// Shape facts of a decoded model, as (name, value) pairs in display order: features, outputs,
/// classes, class labels, nodes, steps, ...
std::vector<std::pair<std::string, std::string>> model_shapes(const AnyModel& m);

/// The same facts as JSON members of the object being written.
void model_shapes_json(const AnyModel& m, JsonOut& j);

/// The header of a file as JSON members (format, versions, kind, created, metadata, reference).
void file_info_json(const FileInfo& info, JsonOut& j, bool reference_rows);

/// The header of a file as text lines, "name: value".
std::string file_info_text(const FileInfo& info);

/// "path.minisig" when it exists, else empty.
std::string signature_file_of(const std::string& path);

}  // namespace brine::cli
