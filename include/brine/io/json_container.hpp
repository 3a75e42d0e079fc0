// The JSON encoding of the brine container: one document holding the same content as the binary
// file, with a checksum that equals the binary file's.
// SPDX-License-Identifier: MIT
#pragma once

#include <cereal/cereal.hpp>

#include <string>
#include <string_view>

#include "brine/io/binary_codec.hpp"
#include "brine/serialization/json_archive.hpp"

namespace brine::detail {

struct FormatVersion {
    std::uint16_t major = 0;
    std::uint16_t minor = 0;

    template <class Archive>
    void serialize(Archive& ar) {
        ar(cereal::make_nvp("major", major), cereal::make_nvp("minor", minor));
    }
};

inline constexpr std::string_view checksum_prefix = "xxh64:";

/// Writes the JSON document. Its "checksum" is the XXH64 of the binary encoding of the same
/// header and payload (without its checksum), so it changes exactly when the content does, not
/// with whitespace or field order.
template <class Model>
std::string encode_json(const Model& m, const Header& h) {
    std::string checksum =
        std::string(checksum_prefix) +
        hex64(binary_body_checksum(m, h, format_version_major, format_version_minor));
    std::string format = "brine";
    FormatVersion version{format_version_major, format_version_minor};
    std::string out;
    {
        JsonOutputArchive ar(out);
        ar(cereal::make_nvp("format", format), cereal::make_nvp("format_version", version),
           cereal::make_nvp("header", h), cereal::make_nvp("payload", m),
           cereal::make_nvp("checksum", checksum));
        ar.finish();
    }
    return out;
}

inline std::string_view within_json_limit(std::string_view text, const Limits& limits) {
    check_json_size(text.size(), limits);
    return text;
}

/// A parsed JSON brine document: the container fields are read on construction, the payload on
/// request (then the checksum is verified against the decoded content). A template (JsonDocument
/// is BasicJsonDocument<>) so that only a program that reads JSON compiles the header's decoder.
template <class Tag = void>
class BasicJsonDocument {
public:
    /// A leading UTF-8 byte-order mark is skipped (RFC 8259 lets a parser ignore one).
    BasicJsonDocument(std::string_view text, const Limits& limits)
        : ar_(without_bom(within_json_limit(text, limits)), limits) {
        std::string format;
        try {
            ar_(cereal::make_nvp("format", format));
        } catch (const Error& e) {
            if (e.code() == Errc::limit_exceeded) throw;
            throw Error(Errc::not_brine_file, "a JSON document without \"format\": \"brine\"");
        }
        if (format != "brine") {
            throw Error(Errc::not_brine_file,
                        "a JSON document with \"format\": " + ::brine::detail::quoted(format, '"') +
                            ", expected \"brine\"");
        }
        ar_(cereal::make_nvp("format_version", version_));
        check_format_version(version_.major, version_.minor);
        // A newer minor version may add fields; an older reader skips them.
        if (version_.major == format_version_major && version_.minor > format_version_minor) {
            ar_.set_allow_unknown_fields(true);
        }
        ar_(cereal::make_nvp("header", header_));
        std::string checksum;
        ar_(cereal::make_nvp("checksum", checksum));
        if (checksum.size() != checksum_prefix.size() + 16 ||
            checksum.compare(0, checksum_prefix.size(), checksum_prefix) != 0 ||
            !parse_hex(checksum.substr(checksum_prefix.size()), checksum_)) {
            ar_.fail(Errc::malformed, "checksum " + ::brine::detail::quoted(checksum, '"') +
                                          " is not \"xxh64:\" followed by 16 hex digits");
        }
    }

    const Header& header() const noexcept { return header_; }
    std::uint16_t major() const noexcept { return version_.major; }
    std::uint16_t minor() const noexcept { return version_.minor; }
    std::uint64_t checksum() const noexcept { return checksum_; }

    template <class Model>
    Model payload() {
        Model m = payload_unverified<Model>();
#if !defined(FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
        // Each tree ensemble is re-encoded at the schema version the document gave it.
        EnsembleSchemas ensembles;
        ensembles.versions = ar_.ensemble_schemas();
        const std::uint64_t computed =
            binary_body_checksum(m, header_, version_.major, version_.minor, &ensembles);
        if (computed != checksum_) {
            throw Error(Errc::checksum_mismatch,
                        "stored xxh64:" + hex64(checksum_) + ", computed xxh64:" + hex64(computed) +
                            " from the decoded header and payload: the document "
                            "was changed or damaged");
        }
#endif
        return m;
    }

    /// The payload without comparing the stored checksum: for brine::reseal_bytes, which writes
    /// a new one after a deliberate edit. Every other check of the payload applies.
    template <class Model>
    Model payload_unverified() {
        Model m;
        ar_(cereal::make_nvp("payload", m));
        ar_.finish();
        return m;
    }

private:
    static std::string_view without_bom(std::string_view text) {
        return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
    }

    static bool parse_hex(const std::string& s, std::uint64_t& out) {
        out = 0;
        for (char c : s) {
            int d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else
                return false;
            out = out << 4 | static_cast<std::uint64_t>(d);
        }
        return true;
    }

    JsonInputArchive ar_;
    FormatVersion version_;
    Header header_;
    std::uint64_t checksum_ = 0;
};

using JsonDocument = BasicJsonDocument<>;

/// A JSON document held in memory as a Model: container, kind, payload and its checksum,
/// validate(), reference.
/// The information of a JSON document whose payload was decoded (so its checksum verified).
template <class Tag = void>
FileInfo json_info(const BasicJsonDocument<Tag>& doc, std::uint64_t size) {
#if defined(FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
    constexpr bool verified = false;
#else
    constexpr bool verified = true;
#endif
    return info_from(Format::json, doc.major(), doc.minor(), doc.header(), size, doc.checksum(),
                     verified);
}

/// With `info`, also the document's information (as load_with_info returns it).
template <class Model>
Model decode_json_model(std::string_view text, const LoadOptions& o, FileInfo* info = nullptr) {
    JsonDocument doc(text, o);
    require_kind<Model>(doc.header());
    Model m = finish_model(doc.template payload<Model>(), doc.header(), o);
    if (info) *info = json_info(doc, text.size());
    return m;
}

/// Decodes the payload of `doc` as whichever AnyModel alternative has the header's kind.
template <std::size_t I = 0>
AnyModel decode_json_any_as(JsonDocument& doc, const LoadOptions& o) {
    using V = AnyModel::Variant;
    if constexpr (I == std::variant_size_v<V>) {
        throw Error(Errc::unsupported_version, "unknown model kind");
    } else {
        using Alt = std::variant_alternative_t<I, V>;
        if (model_kind_v<Alt> == doc.header().kind) {
            AnyModel m(finish_model(doc.template payload<Alt>(), doc.header(), o));
            m.set_feature_names(doc.header().metadata.feature_names);
            return m;
        }
        return decode_json_any_as<I + 1>(doc, o);
    }
}

}  // namespace brine::detail
