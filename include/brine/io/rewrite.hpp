// Definitions of brine/rewrite.hpp: loading a file with its header, converting it between the
// encodings and resealing a hand-edited JSON document.
// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "brine/io/binary_codec.hpp"
#include "brine/io/codec.hpp"
#include "brine/io/file.hpp"
#include "brine/io/json_container.hpp"
#include "brine/rewrite.hpp"

namespace brine {
namespace detail {

/// A decoded model and the header it was stored with.
struct DecodedFile {
    AnyModel model;
    Header header;
    Format format = Format::binary;
    std::uint16_t major = 0, minor = 0;
    std::uint64_t checksum = 0;
};

/// Decodes a whole file, binary or JSON, of any kind, with every check of a load, keeping the
/// header for the caller.
template <class Tag = void>
DecodedFile decode_with_header(std::string_view bytes, const LoadOptions& o) {
    DecodedFile d;
    check_size(bytes, o);
    d.format = detect_format(bytes);
    if (d.format == Format::json) {
        JsonDocument doc(bytes, o);
        d.model = decode_json_any_as(doc, o);
        d.header = doc.header();
        d.major = doc.major();
        d.minor = doc.minor();
        d.checksum = doc.checksum();
        return d;
    }
    MemoryInput in(bytes);
    ReadAny<Tag> r;
    d.header = decode_binary(in, o, r);
    std::visit([&](auto& m) { m = finish_model(std::move(m), d.header, o); }, r.model.variant());
    d.model = std::move(r.model);
    // decode_binary checked the layout and the checksum; read where they are.
    const BinaryLayout l = check_binary_prefix(bytes, bytes.size());
    d.major = l.major;
    d.minor = l.minor;
    d.checksum = get_u64(bytes, bytes.size() - checksum_size);
    return d;
}

/// The payload of `doc` as whichever AnyModel alternative has the header's kind, without the
/// checksum comparison (reseal).
template <std::size_t I = 0>
AnyModel decode_json_any_unverified(JsonDocument& doc) {
    using V = AnyModel::Variant;
    if constexpr (I == std::variant_size_v<V>) {
        throw Error(Errc::unsupported_version, "unknown model kind");
    } else {
        using Alt = std::variant_alternative_t<I, V>;
        if (model_kind_v<Alt> == doc.header().kind)
            return AnyModel(doc.template payload_unverified<Alt>());
        return decode_json_any_unverified<I + 1>(doc);
    }
}

/// The file of `model` with header `h` (its schema version the one the model is written with) in
/// `to`.
inline std::string encode_with_header(const AnyModel& model, Header h, Format to) {
    return std::visit(
        [&](const auto& m) -> std::string {
            using M = std::decay_t<decltype(m)>;
            h.kind = model_kind_v<M>;
            h.schema_version = schema_version_of(m);
            if (to == Format::json) return encode_json(m, h);
            ByteBuffer out;
            encode_binary(out, m, h);
            return std::string(out.view());
        },
        model.variant());
}

}  // namespace detail

template <class Tag>
std::string convert_bytes(std::string_view bytes, Format to, const LoadOptions& options) {
    return detail::guarded("converting", [&] {
        const detail::DecodedFile d = detail::decode_with_header(bytes, options);
        return detail::encode_with_header(d.model, d.header, to);
    });
}

template <class Tag>
void convert_file(const std::string& in, const std::string& out, Format to,
                  const LoadOptions& options) {
    const std::string bytes = detail::naming_file(in, [&] {
        const auto file = detail::FileBytes::read(in, options.max_file_bytes);
        return convert_bytes(file.view(), to, options);
    });
    detail::write_file_atomic(out, bytes);
}

template <class Tag>
std::string reseal_bytes(std::string_view json, const ResealOptions& options) {
    return detail::guarded("resealing", [&] {
        const LoadOptions& o = options.load;
        detail::check_size(json, o);
        if (detail::detect_format(json) != Format::json) {
            throw Error(Errc::invalid_argument,
                        "reseal rewrites JSON documents, and this is a binary brine file (its "
                        "checksum protects bytes that are not edited by hand; convert it to JSON, "
                        "edit, then reseal)");
        }
        detail::JsonDocument doc(json, o);
        AnyModel model = detail::decode_json_any_unverified(doc);
        detail::Header h = doc.header();
        std::visit(
            [&](auto& m) {
                LoadOptions checks = o;
                checks.verify_reference = !options.recompute_reference;
                m = detail::finish_model(std::move(m), h, checks);
                if (options.recompute_reference && !h.reference.empty()) {
                    h.reference =
                        detail::make_reference(m, h.reference.inputs, h.reference.tolerance);
                }
            },
            model.variant());
        std::string out = detail::encode_with_header(model, h, Format::json);
        (void)detail::decode_any(out, o);  // what is returned loads
        return out;
    });
}

template <class Tag>
void reseal_file(const std::string& in, const std::string& out, const ResealOptions& options) {
    const std::string bytes = detail::naming_file(in, [&] {
        const auto file = detail::FileBytes::read(in, options.load.max_file_bytes);
        return reseal_bytes(file.view(), options);
    });
    detail::write_file_atomic(out, bytes);
}

}  // namespace brine
