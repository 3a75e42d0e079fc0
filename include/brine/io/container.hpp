// The brine container: magic, format version, header, payload and checksum, in the binary
// encoding; the same content as one JSON document. See docs/format.md for the byte layout.
// SPDX-License-Identifier: MIT
#pragma once

#include <cereal/cereal.hpp>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>

#include "brine/detail/text.hpp"
#include "brine/detail/xxhash64.hpp"
#include "brine/io/options.hpp"
#include "brine/io/reference.hpp"
#include "brine/serialization/binary_archive.hpp"
#include "brine/serialization/metadata.hpp"
#include "brine/serialization/models.hpp"
#include "brine/version.hpp"

namespace brine::detail {

/// First bytes of every binary brine file. 0x89 is not ASCII (a text transfer that strips the
/// high bit changes it) and "\r\n" catches newline translation, as in PNG's signature.
inline constexpr char binary_magic[8] = {'\x89', 'B', 'R', 'I', 'N', 'E', '\r', '\n'};
inline constexpr std::size_t binary_prefix_size = 20;  // magic, major, minor, header length
inline constexpr std::size_t checksum_size = 8;

/// What the header section holds; readable without touching the payload.
struct Header {
    ModelKind kind = ModelKind::linear_regression;
    std::uint32_t schema_version = 0;
    std::string library_version;
    std::string created;
    Metadata metadata;
    Reference reference;

    template <class Archive>
    void save(Archive& ar) const {
        std::string kind_text(kind_name(kind));
        ar(cereal::make_nvp("kind", kind_text), cereal::make_nvp("schema_version", schema_version),
           cereal::make_nvp("library_version", library_version),
           cereal::make_nvp("created", created), cereal::make_nvp("metadata", metadata),
           cereal::make_nvp("reference", reference));
    }

    template <class Archive>
    void load(Archive& ar) {
        std::string kind_text;
        ar(cereal::make_nvp("kind", kind_text));
        if (!kind_from_name(kind_text, kind)) {
            ar.fail(Errc::unsupported_version, "unknown model kind " +
                                                   ::brine::detail::quoted(kind_text) +
                                                   " (written by a newer brine?)");
        }
        ar(cereal::make_nvp("schema_version", schema_version));
        if (schema_version == 0 || schema_version > current_schema_version(kind)) {
            ar.fail(
                Errc::unsupported_version, unsupported_schema_message(kind, schema_version),
                [&](Error& e) { e.with_versions(schema_version, current_schema_version(kind)); });
        }
        ar(cereal::make_nvp("library_version", library_version),
           cereal::make_nvp("created", created), cereal::make_nvp("metadata", metadata),
           cereal::make_nvp("reference", reference));
    }
};

/// ISO 8601 UTC time of now, e.g. "2026-11-26T05:30:00Z".
inline std::string now_iso8601() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
#if defined(_WIN32)
    gmtime_s(&tm, &t);
#else
    gmtime_r(&t, &tm);
#endif
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

template <class Model>
Header make_header(const Model& m, const SaveOptions& o) {
    Header h;
    h.kind = model_kind_v<Model>;
    h.schema_version = schema_version_of(m);
    h.library_version = library_version_string;
    h.created = o.created.empty() ? now_iso8601() : o.created;
    h.metadata = o.metadata;
    h.reference = make_reference(m, o.reference_inputs, o.reference_tolerance);
    return h;
}

inline void put_u64_at(BinaryOutputArchive& ar, std::size_t at, std::uint64_t v) {
    copy_le<std::uint64_t>(ar.at(at), &v, 1);
}

inline std::uint64_t get_u64(std::string_view s, std::size_t at) {
    std::uint64_t v;
    copy_le<std::uint64_t>(&v, s.data() + at, 1);
    return v;
}

inline std::uint16_t get_u16(std::string_view s, std::size_t at) {
    std::uint16_t v;
    copy_le<std::uint16_t>(&v, s.data() + at, 1);
    return v;
}

inline std::string hex64(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

/// Where the sections of a binary file are, after the prefix and lengths have been checked.
struct BinarySections {
    std::uint16_t major = 0, minor = 0;
    std::string_view header;
    std::string_view payload;
    std::uint64_t payload_offset = 0;
    std::uint64_t checksum = 0;
};

[[noreturn]] BRINE_COLD inline void not_brine(std::string_view bytes) {
    std::string seen;
    for (std::size_t i = 0; i < bytes.size() && i < 8; ++i) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(bytes[i]));
        seen += (i ? " " : "") + std::string(buf);
    }
    std::string hint;
    if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x80 && bytes[1] >= 2 &&
        bytes[1] <= 5) {
        hint = " (looks like a Python pickle)";
    } else if (bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4)) {
        hint = " (looks like a ZIP archive, e.g. joblib or .npz)";
    } else if (bytes.substr(0, 6) == std::string_view("\x93NUMPY", 6)) {
        hint = " (looks like a .npy file)";
    }
    throw Error(Errc::not_brine_file,
                "the data starts with " + (seen.empty() ? std::string("nothing") : seen) + hint +
                    ", expected the brine magic 89 42 52 49 4e 45 0d 0a or a JSON object");
}

inline void check_format_version(std::uint16_t major, std::uint16_t minor) {
    if (major == 0 || major > format_version_major) {
        throw Error(Errc::unsupported_version, "file format version " + std::to_string(major) +
                                                   "." + std::to_string(minor) +
                                                   ", this build of brine reads versions 1.0 to " +
                                                   std::to_string(format_version_major) + "." +
                                                   std::to_string(format_version_minor))
            .with_versions(major, format_version_major);
    }
}

/// Where the sections of a binary file of `size` bytes lie, once checked against that size.
struct BinaryLayout {
    std::uint16_t major = 0, minor = 0;
    std::uint64_t header_len = 0;
    std::uint64_t payload_offset = 0;  ///< after the 8-byte payload length
    std::uint64_t payload_len = 0;
    std::uint64_t checksum_offset = 0;
};

/// Checks the magic, the format version and the header length. `head` holds the first
/// min(size, binary_prefix_size) bytes of a file of `size` bytes.
inline BinaryLayout check_binary_prefix(std::string_view head, std::uint64_t size) {
    const std::uint64_t n = size;
    if (n < sizeof binary_magic) {
        if (n > 0 && head == std::string_view(binary_magic, static_cast<std::size_t>(n))) {
            throw Error(Errc::truncated,
                        "file of " + std::to_string(n) + " bytes ends inside the magic");
        }
        if (n == 0)
            throw Error(Errc::truncated, "empty file: 0 bytes, a brine file has at least 36");
        not_brine(head);
    }
    if (std::memcmp(head.data(), binary_magic, sizeof binary_magic) != 0) not_brine(head);
    if (n < binary_prefix_size) {
        throw Error(Errc::truncated,
                    "needed " + std::to_string(binary_prefix_size) +
                        " bytes for the format version and header length, file has " +
                        std::to_string(n));
    }
    BinaryLayout l;
    l.major = get_u16(head, 8);
    l.minor = get_u16(head, 10);
    check_format_version(l.major, l.minor);
    l.header_len = get_u64(head, 12);
    if (l.header_len > n - binary_prefix_size || n - binary_prefix_size - l.header_len < 8) {
        throw Error(Errc::truncated,
                    "needed " + std::to_string(l.header_len) +
                        " bytes for the header and 8 for the payload length at byte " +
                        std::to_string(binary_prefix_size) + ", " +
                        std::to_string(n - binary_prefix_size) + " left")
            .with_byte_offset(binary_prefix_size);
    }
    l.payload_offset = binary_prefix_size + l.header_len + 8;
    return l;
}

/// Checks the payload length (the 8 bytes before payload_offset) against the file size: the
/// payload and the checksum must end exactly at the end of the file.
inline void check_binary_payload_len(BinaryLayout& l, std::uint64_t payload_len,
                                     std::uint64_t size) {
    const std::uint64_t left = size - l.payload_offset;
    if (payload_len > left || left - payload_len < checksum_size) {
        throw Error(Errc::truncated, "needed " + std::to_string(payload_len) +
                                         " bytes for the payload and 8 for the checksum at byte " +
                                         std::to_string(l.payload_offset) + ", " +
                                         std::to_string(left) + " left")
            .with_byte_offset(l.payload_offset);
    }
    const std::uint64_t end = l.payload_offset + payload_len + checksum_size;
    if (end != size) {
        throw Error(Errc::malformed, std::to_string(size - end) +
                                         " trailing bytes after the checksum at byte " +
                                         std::to_string(end))
            .with_byte_offset(end);
    }
    l.payload_len = payload_len;
    l.checksum_offset = end - checksum_size;
}

[[noreturn]] BRINE_COLD inline void checksum_error(std::uint64_t stored, std::uint64_t computed,
                                                   std::uint64_t covered) {
    throw Error(Errc::checksum_mismatch, "stored XXH64 " + hex64(stored) + ", computed " +
                                             hex64(computed) + " over bytes 0 to " +
                                             std::to_string(covered) + ": the file is damaged");
}

/// Splits a whole binary file into its sections. Checks, in order: magic, format version, section
/// lengths against the size (truncated / trailing bytes), then the checksum.
inline BinarySections split_binary(std::string_view bytes) {
    BinaryLayout l = check_binary_prefix(bytes, bytes.size());
    check_binary_payload_len(l, get_u64(bytes, static_cast<std::size_t>(l.payload_offset) - 8),
                             bytes.size());
    BinarySections s;
    s.major = l.major;
    s.minor = l.minor;
    s.header = bytes.substr(binary_prefix_size, static_cast<std::size_t>(l.header_len));
    s.payload = bytes.substr(static_cast<std::size_t>(l.payload_offset),
                             static_cast<std::size_t>(l.payload_len));
    s.payload_offset = l.payload_offset;
    s.checksum = get_u64(bytes, static_cast<std::size_t>(l.checksum_offset));
#if !defined(FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
    // Fuzz builds skip this comparison only, so that mutated inputs reach the parsers.
    const std::uint64_t computed =
        XxHash64::hash(bytes.data(), static_cast<std::size_t>(l.checksum_offset));
    if (computed != s.checksum) checksum_error(s.checksum, computed, l.checksum_offset);
#endif
    return s;
}

/// Errc::limit_exceeded for a JSON document of `size` bytes over Limits::max_json_bytes, before
/// it is parsed.
inline void check_json_size(std::uint64_t size, const Limits& limits) {
    if (size > limits.max_json_bytes) {
        throw Error(Errc::limit_exceeded,
                    "JSON document of " + std::to_string(size) + " bytes exceeds max_json_bytes, " +
                        std::to_string(limits.max_json_bytes) +
                        " (decoding JSON takes up to ~24x its size in memory; raise the limit or "
                        "use the binary encoding)")
            .with_limit(limits.max_json_bytes, "max_json_bytes");
    }
}

}  // namespace brine::detail
