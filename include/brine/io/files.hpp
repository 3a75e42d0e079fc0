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
template <class Model>
Model load_model_file(const std::string& path, const LoadOptions& o,
                      std::uint64_t stream_from = stream_threshold) {
    return load_file(
        path, o, stream_from, [&](FileInput& in) { return decode_binary_model<Model>(in, o); },
        [&](std::string_view bytes) { return decode<Model>(bytes, o); });
}

template <class Tag = void>
AnyModel load_any_file(const std::string& path, const LoadOptions& o,
                       std::uint64_t stream_from = stream_threshold) {
    return load_file(
        path, o, stream_from, [&](FileInput& in) { return decode_binary_any(in, o); },
        [&](std::string_view bytes) { return decode_any(bytes, o); });
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
void save(const Model& model, const std::string& path, const SaveOptions& options) {
    const Format f = options.format ? *options.format : format_for_path(path);
    detail::save_model_file(model, path, f, options);
}

template <class Model>
Model load(const std::string& path, const LoadOptions& options) {
    return detail::load_model_file<Model>(path, options);
}

template <class Tag>
AnyModel load_any(const std::string& path, const LoadOptions& options) {
    return detail::load_any_file(path, options);
}

template <class Tag>
FileInfo inspect(const std::string& path, const Limits& limits) {
    // Read the fixed prefix first to learn the header's length, then exactly the header.
    const auto head =
        detail::FileBytes::read(path, limits.max_file_bytes, detail::binary_prefix_size);
    if (head.size() == 0) throw Error(Errc::truncated, "empty file '" + path + "'");
    if (head.view()[0] != detail::binary_magic[0]) {
        const auto file = detail::FileBytes::read(path, limits.max_file_bytes);
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
}

}  // namespace brine
