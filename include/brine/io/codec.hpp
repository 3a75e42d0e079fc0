// Encoding models into brine files and decoding them back, in memory, for both formats.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "brine/io/api.hpp"
#include "brine/io/binary_codec.hpp"
#include "brine/io/json_container.hpp"

namespace brine {
namespace detail {

/// An encoded file: binary files are built in a ByteBuffer (no zero-fill, no extra copy on the
/// way to disk), JSON documents in a string.
struct Encoded {
    ByteBuffer binary;
    std::string json;
    bool is_json = false;
    std::string_view view() const noexcept {
        return is_json ? std::string_view(json) : binary.view();
    }
};

template <class Model>
Encoded encode(const Model& m, Format f, const SaveOptions& o) {
    if constexpr (std::is_same_v<Model, AnyModel>) {
        return std::visit([&](const auto& alt) { return encode(alt, f, o); }, m.variant());
    } else {
        Encoded e;
        if (f == Format::json) {
            m.validate();
            const Header h = make_header(m, o);
            guarded("saving", [&] { e.json = encode_json(m, h); });
            e.is_json = true;
        } else {
            e.binary = encode_binary_file(m, o);
        }
        return e;
    }
}

/// Decodes a whole file, binary or JSON, as Model: container checks, kind check, payload,
/// validate(), reference.
/// With `info`, also the file's information (as load_with_info returns it).
template <class Model>
Model decode(std::string_view bytes, const LoadOptions& o, FileInfo* info = nullptr) {
    return guarded("loading", [&]() -> Model {
        check_size(bytes, o);
        if (detect_format(bytes) == Format::json) return decode_json_model<Model>(bytes, o, info);
        MemoryInput in(bytes);
        return decode_binary_model<Model>(in, o, info);
    });
}

/// Decodes a whole file, binary or JSON, whatever built-in kind it holds.
template <class Tag = void>
AnyModel decode_any(std::string_view bytes, const LoadOptions& o, FileInfo* info = nullptr) {
    return guarded("loading", [&]() -> AnyModel {
        check_size(bytes, o);
        if (detect_format(bytes) == Format::json) {
            JsonDocument doc(bytes, o);
            AnyModel m = decode_json_any_as(doc, o);
            if (info) *info = json_info(doc, bytes.size());
            return m;
        }
        MemoryInput in(bytes);
        return decode_binary_any(in, o, info);
    });
}

/// Reads the header of a binary file from its first bytes only. `file_size` is the whole
/// file's size (the prefix may be shorter).
template <class Tag = void>
FileInfo inspect_binary_prefix(std::string_view prefix, std::uint64_t file_size,
                               const Limits& limits) {
    if (prefix.size() < binary_prefix_size) {
        if (prefix.size() >= sizeof binary_magic &&
            std::memcmp(prefix.data(), binary_magic, 8) != 0)
            not_brine(prefix);
        throw Error(Errc::truncated, "needed " + std::to_string(binary_prefix_size) +
                                         " bytes for the file prefix, have " +
                                         std::to_string(prefix.size()));
    }
    if (std::memcmp(prefix.data(), binary_magic, sizeof binary_magic) != 0) not_brine(prefix);
    const std::uint16_t major = get_u16(prefix, 8), minor = get_u16(prefix, 10);
    check_format_version(major, minor);
    const std::uint64_t header_len = get_u64(prefix, 12);
    if (header_len > prefix.size() - binary_prefix_size) {
        throw Error(Errc::truncated,
                    "needed " + std::to_string(header_len) + " bytes for the header at byte " +
                        std::to_string(binary_prefix_size) + ", " +
                        std::to_string(prefix.size() - binary_prefix_size) + " left");
    }
    const Header h = decode_binary_header(
        prefix.substr(binary_prefix_size, static_cast<std::size_t>(header_len)), limits);
    return info_from(Format::binary, major, minor, h, file_size, 0, false);
}

}  // namespace detail

template <class Model>
std::string to_bytes(const Model& model, Format format, const SaveOptions& options) {
    detail::Encoded e = detail::encode(model, format, options);
    if (e.is_json) return std::move(e.json);
    return std::string(e.view());
}

template <class Model>
Model from_bytes(std::string_view bytes, const LoadOptions& options) {
    return detail::decode<Model>(bytes, options);
}

template <class Tag>
AnyModel from_bytes_any(std::string_view bytes, const LoadOptions& options) {
    return detail::decode_any(bytes, options);
}

template <class Model>
Loaded<Model> from_bytes_with_info(std::string_view bytes, const LoadOptions& options) {
    Loaded<Model> r;
    r.model = detail::decode<Model>(bytes, options, &r.info);
    return r;
}

template <class Tag>
Loaded<AnyModel> from_bytes_any_with_info(std::string_view bytes, const LoadOptions& options) {
    Loaded<AnyModel> r;
    r.model = detail::decode_any(bytes, options, &r.info);
    return r;
}

template <class Tag>
FileInfo inspect_bytes(std::string_view bytes, const Limits& limits) {
    return detail::guarded("inspecting", [&] {
        if (detail::detect_format(bytes) == Format::json) {
            detail::check_size(bytes, limits);
            detail::JsonDocument doc(bytes, limits);
            return detail::info_from(Format::json, doc.major(), doc.minor(), doc.header(),
                                     bytes.size(), doc.checksum(), false);
        }
        detail::check_size(bytes, limits);
        const auto s = detail::split_binary(bytes);
        return detail::info_from(Format::binary, s.major, s.minor,
                                 detail::decode_binary_header(s.header, limits), bytes.size(),
                                 s.checksum, true);
    });
}

}  // namespace brine
