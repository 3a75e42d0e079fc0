// brine::save, brine::load, brine::load_any and brine::inspect: model files on disk.
// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "brine/io/api.hpp"
#include "brine/io/binary_codec.hpp"
#include "brine/io/codec.hpp"
#include "brine/io/file.hpp"

namespace brine {
namespace detail {

/// brine::load: binary files of at least `stream_from` bytes are decoded as they are read, every
/// other file (and every JSON document) read whole, then decoded.
/// With `info`, also the file's information (load_with_info).
template <class Model>
Model load_model_file(const std::string& path, const LoadOptions& o,
                      std::uint64_t stream_from = stream_threshold, FileInfo* info = nullptr) {
    return load_file(
        path, o, stream_from,
        [&](FileInput& in) { return decode_binary_model<Model>(in, o, info); },
        [&](std::string_view bytes) { return decode<Model>(bytes, o, info); });
}

template <class Tag = void>
AnyModel load_any_file(const std::string& path, const LoadOptions& o,
                       std::uint64_t stream_from = stream_threshold, FileInfo* info = nullptr) {
    return load_file(
        path, o, stream_from, [&](FileInput& in) { return decode_binary_any(in, o, info); },
        [&](std::string_view bytes) { return decode_any(bytes, o, info); });
}

/// brine::save: binary files go through save_binary_file, JSON documents are encoded whole, then
/// written.
template <class Model>
void save_model_file(const Model& m, const std::string& path, Format f, const SaveOptions& o,
                     std::uint64_t stream_from = stream_threshold) {
    if (f == Format::binary) {
        save_binary_file(m, path, o, stream_from);
    } else {
        const Encoded e = encode(m, f, o);
        write_file_atomic(path, e.view());
    }
}

}  // namespace detail

template <class Model>
void save(const Model& model, const FilePath& path, const SaveOptions& options) {
    const Format f = options.format ? *options.format : format_for_path(path);
    detail::save_model_file(model, path, f, options);
}

template <class Model>
Model load(const FilePath& path, const LoadOptions& options) {
    return detail::naming_file(path, [&] { return detail::load_model_file<Model>(path, options); });
}

template <class Tag>
AnyModel load_any(const FilePath& path, const LoadOptions& options) {
    return detail::naming_file(path, [&] { return detail::load_any_file(path, options); });
}

template <class Model>
Loaded<Model> load_with_info(const FilePath& path, const LoadOptions& options) {
    Loaded<Model> r;
    r.model = detail::naming_file(path, [&] {
        return detail::load_model_file<Model>(path, options, detail::stream_threshold, &r.info);
    });
    return r;
}

template <class Tag>
Loaded<AnyModel> load_any_with_info(const FilePath& path, const LoadOptions& options) {
    Loaded<AnyModel> r;
    r.model = detail::naming_file(path, [&] {
        return detail::load_any_file(path, options, detail::stream_threshold, &r.info);
    });
    return r;
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

template <class Tag>
FileInfo inspect(const FilePath& path, const Limits& limits) {
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
