// brine::save, brine::load, brine::load_any and brine::inspect: model files on disk.
// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "brine/io/codec.hpp"
#include "brine/io/file.hpp"
#include "brine/io/streamed.hpp"

namespace brine {

/// The format `save` uses for `path` when SaveOptions::format is unset: JSON for a ".json"
/// extension (any case), binary otherwise.
inline Format format_for_path(const std::string& path) {
    if (path.size() >= 5) {
        std::string ext = path.substr(path.size() - 5);
        for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (ext == ".json") return Format::json;
    }
    return Format::binary;
}

/// Saves a model to `path`, atomically: the path holds either its old content or the complete new
/// file, even if the process is killed or the disk fills up.
///
/// ```
/// brine::save(model, "model.brine");                 // binary
/// brine::SaveOptions so; so.format = brine::Format::json;
/// brine::save(model, "model.json", so);
/// ```
/// Throws Error: Errc::invalid_model (model does not validate), Errc::io (OS error, with reason).
template <class Model>
void save(const Model& model, const std::string& path, const SaveOptions& options = {}) {
    const Format f = options.format ? *options.format : format_for_path(path);
    detail::save_model_file(model, path, f, options);
}

/// Loads a model of type Model from `path` (binary or JSON, detected from the content): checks the
/// container, the versions, the checksum, the model's invariants and its reference predictions.
/// Throws Error with Errc::io for a missing, unreadable or non-regular path, Errc::kind_mismatch
/// when the file holds another kind, and the code of any other failure; every message names the
/// file ("brine: malformed file: 'm.json': duplicate key 'coef' at $.payload").
///
/// Large binary files are read straight into the model's arrays, with no copy of the whole file in
/// memory; the result and the errors are the same as from_bytes on the file's bytes.
template <class Model>
Model load(const std::string& path, const LoadOptions& options = {}) {
    return detail::naming_file(path, [&] { return detail::load_model_file<Model>(path, options); });
}

/// Loads whatever built-in model `path` holds.
inline AnyModel load_any(const std::string& path, const LoadOptions& options = {}) {
    return detail::naming_file(path, [&] { return detail::load_any_file(path, options); });
}

namespace detail {

/// For inspect: refuses, from its first bytes `head` and its size, a file that is not binary and
/// that a JSON load would not read either: one whose first non-blank byte does not open a JSON
/// object (Errc::not_brine_file), and a JSON document over max_json_bytes (Errc::limit_exceeded).
inline void refuse_oversized_json(std::string_view head, std::uint64_t file_size,
                                  const Limits& limits) {
    const std::string_view rest = head.substr(0, 3) == "\xEF\xBB\xBF" ? head.substr(3) : head;
    if (rest.find_first_not_of(" \t\r\n") != std::string_view::npos) (void)detect_format(head);
    check_json_size(file_size, limits);
}

}  // namespace detail

/// Header, versions and metadata of a model file without decoding its parameters. For a binary
/// file only the prefix and header are read (the checksum, which covers the whole file, is not
/// verified: FileInfo::checksum_verified is false); a JSON file is read whole, and refused unread
/// when it is over Limits::max_json_bytes, as load does. Errors name the file, as load's do.
inline FileInfo inspect(const std::string& path, const Limits& limits = {}) {
    return detail::naming_file(path, [&]() -> FileInfo {
        // Read the fixed prefix first to learn the header's length, then exactly the header.
        const auto head =
            detail::FileBytes::read(path, limits.max_file_bytes, detail::binary_prefix_size);
        if (head.size() == 0) throw Error(Errc::truncated, "empty file");
        if (head.view()[0] != detail::binary_magic[0]) {
            // Not binary: never read more than a JSON load would (see refuse_oversized_json).
            detail::refuse_oversized_json(head.view(), head.file_size(), limits);
            const auto file = detail::FileBytes::read(
                path, std::min(limits.max_file_bytes, limits.max_json_bytes));
            return inspect_bytes(file.view(), limits);
        }
        if (head.size() < detail::binary_prefix_size) {
            return detail::guarded("inspecting", [&] {
                return detail::inspect_binary_prefix(head.view(), head.file_size(), limits);
            });
        }
        const std::uint64_t header_len = detail::get_u64(head.view(), 12);
        std::size_t want = detail::binary_prefix_size;
        if (header_len <= head.file_size() - detail::binary_prefix_size)
            want += static_cast<std::size_t>(header_len);
        const auto prefix = detail::FileBytes::read(path, limits.max_file_bytes, want);
        return detail::guarded("inspecting", [&] {
            return detail::inspect_binary_prefix(prefix.view(), prefix.file_size(), limits);
        });
    });
}

}  // namespace brine
