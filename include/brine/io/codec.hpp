// Encoding models into brine files and decoding them back, in memory, for both formats.
// SPDX-License-Identifier: MIT
#pragma once

#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "brine/io/container.hpp"
#include "brine/io/json_container.hpp"

namespace brine {
namespace detail {

/// Runs f, turning anything that is not a brine::Error into one: no cereal, RapidJSON or standard
/// library exception crosses brine's API.
template <class F>
decltype(auto) guarded(const char* action, F&& f) {
    try {
        return f();
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw Error(Errc::limit_exceeded, std::string(action) + ": out of memory");
    } catch (const std::exception& e) {
        throw Error(Errc::malformed, std::string(action) + ": " + e.what());
    }
}

/// The format of a buffer, from its first bytes: the binary magic's first byte, or a JSON object
/// (after optional whitespace or a UTF-8 byte-order mark).
inline Format detect_format(std::string_view bytes) {
    if (!bytes.empty() && bytes[0] == binary_magic[0]) return Format::binary;
    std::size_t i = 0;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
    while (i < bytes.size() &&
           (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r'))
        ++i;
    if (i < bytes.size() && bytes[i] == '{') return Format::json;
    if (bytes.empty())
        throw Error(Errc::truncated, "empty input: 0 bytes, a brine file has at least 36");
    not_brine(bytes);
}

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
        m.validate();
        const Header h = make_header(m, o);
        Encoded e;
        guarded("saving", [&] {
            if (f == Format::json) {
                e.json = encode_json(m, h);
                e.is_json = true;
            } else {
                encode_binary(e.binary, m, h);
            }
        });
        return e;
    }
}

inline void check_size(std::string_view bytes, const Limits& limits) {
    if (bytes.size() > limits.max_file_bytes) {
        throw Error(Errc::limit_exceeded, "input of " + std::to_string(bytes.size()) +
                                              " bytes exceeds the limit of " +
                                              std::to_string(limits.max_file_bytes));
    }
}

/// Errc::kind_mismatch unless the header announces a Model.
template <class Model>
void require_kind(const Header& h) {
    if (h.kind != model_kind_v<Model>) {
        throw Error(Errc::kind_mismatch, "the file holds a " + std::string(kind_name(h.kind)) +
                                             ", not a " +
                                             std::string(kind_name(model_kind_v<Model>)));
    }
}

/// A whole file opened for decoding: the container is checked and the header decoded on
/// construction; the payload is decoded on request, as the model type the caller names.
class Reader {
public:
    Reader(std::string_view bytes, const Limits& limits) : limits_(limits) {
        check_size(bytes, limits);
        format_ = detect_format(bytes);
        if (format_ == Format::json) {
            json_.emplace(bytes, limits);
            header_ = json_->header();
        } else {
            sections_ = split_binary(bytes);
            header_ = decode_binary_header(sections_.header, limits);
        }
    }

    Format format() const noexcept { return format_; }
    const Header& header() const noexcept { return header_; }

    template <class Model>
    Model payload() {
        require_kind<Model>(header_);
        if (format_ == Format::json) return json_->template payload<Model>();
        return decode_binary_payload<Model>(sections_, limits_);
    }

private:
    const Limits& limits_;
    Format format_ = Format::binary;
    std::optional<JsonDocument> json_;
    BinarySections sections_;
    Header header_;
};

template <class Model>
Model finish_model(Model m, const Header& h, const LoadOptions& o) {
    m.validate();
    if (o.verify_reference) check_reference(m, h.reference, o);
    return m;
}

/// Decodes a whole file as Model: container checks, kind check, payload, validate(), reference.
template <class Model>
Model decode(std::string_view bytes, const LoadOptions& o) {
    return guarded("loading", [&]() -> Model {
        Reader r(bytes, o);
        return finish_model(r.template payload<Model>(), r.header(), o);
    });
}

template <std::size_t I = 0>
AnyModel decode_any_as(Reader& r, const LoadOptions& o) {
    using V = AnyModel::Variant;
    if constexpr (I == std::variant_size_v<V>) {
        throw Error(Errc::unsupported_version, "unknown model kind");
    } else {
        using Alt = std::variant_alternative_t<I, V>;
        if (model_kind_v<Alt> == r.header().kind) {
            return AnyModel(finish_model(r.template payload<Alt>(), r.header(), o));
        }
        return decode_any_as<I + 1>(r, o);
    }
}

inline FileInfo info_from(Format f, std::uint16_t major, std::uint16_t minor, const Header& h,
                          std::uint64_t size, std::uint64_t checksum, bool verified) {
    FileInfo i;
    i.format = f;
    i.format_major = major;
    i.format_minor = minor;
    i.kind = h.kind;
    i.schema_version = h.schema_version;
    i.library_version = h.library_version;
    i.created = h.created;
    i.metadata = h.metadata;
    i.reference = h.reference;
    i.file_size = size;
    i.checksum = checksum;
    i.checksum_verified = verified;
    return i;
}

/// Reads the header of a binary file from its first bytes only. `file_size` is the whole
/// file's size (the prefix may be shorter).
inline FileInfo inspect_binary_prefix(std::string_view prefix, std::uint64_t file_size,
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

/// Encodes a model as a complete brine file in memory.
///
/// Throws Error(Errc::invalid_model) if the model does not validate, Errc::shape_mismatch if
/// reference inputs have the wrong width.
template <class Model>
std::string to_bytes(const Model& model, Format format = Format::binary,
                     const SaveOptions& options = {}) {
    detail::Encoded e = detail::encode(model, format, options);
    if (e.is_json) return std::move(e.json);
    return std::string(e.view());
}

/// Decodes a brine file held in memory as a Model; the format is detected from the content.
/// Throws Error: Errc::kind_mismatch if the file holds another kind, and every container, payload,
/// validation and reference error.
template <class Model>
Model from_bytes(std::string_view bytes, const LoadOptions& options = {}) {
    return detail::decode<Model>(bytes, options);
}

/// Decodes a brine file held in memory, whatever built-in kind it holds.
inline AnyModel from_bytes_any(std::string_view bytes, const LoadOptions& options = {}) {
    return detail::guarded("loading", [&] {
        detail::Reader r(bytes, options);
        return detail::decode_any_as(r, options);
    });
}

/// Header and metadata of a brine file held in memory, without decoding the model's parameters.
/// For a binary file the checksum is verified (the whole file is at hand); a JSON file's checksum
/// covers the decoded payload, so inspect cannot verify it.
inline FileInfo inspect_bytes(std::string_view bytes, const Limits& limits = {}) {
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
