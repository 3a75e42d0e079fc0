// The header section of a binary brine file, written and read field by field: the same bytes,
// checks and messages as the Header's archive functions, without cereal's per-type dispatch (which
// made the header the costliest part of a binary load to compile). docs/format.md has the layout.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "brine/io/container.hpp"

namespace brine::detail {

// ---- writing -------------------------------------------------------------------------------
// Field order is the layout; names are not written. Strings go through the archive's own string
// writer (UTF-8 check included), sizes are u64.

/// A u64 count, then each string.
inline void write_header_strings(BinaryOutputArchive& ar, const std::vector<std::string>& items) {
    ar.write_scalar(static_cast<std::uint64_t>(items.size()));
    for (const std::string& s : items) ::brine::save(ar, s);
}

/// A u64 count, then each key and value, in key order.
inline void write_header_map(BinaryOutputArchive& ar, const std::map<std::string, std::string>& m) {
    ar.write_scalar(static_cast<std::uint64_t>(m.size()));
    for (const auto& kv : m) {
        ::brine::save(ar, kv.first);
        ::brine::save(ar, kv.second);
    }
}
inline void write_header_map(BinaryOutputArchive& ar, const std::map<std::string, double>& m) {
    ar.write_scalar(static_cast<std::uint64_t>(m.size()));
    for (const auto& kv : m) {
        ::brine::save(ar, kv.first);
        ar.write_scalar(kv.second);
    }
}

/// rows (u64), cols (u64), then the entries in row-major order.
inline void write_header_matrix(BinaryOutputArchive& ar, const RowMatrix& m) {
    ar.write_scalar(static_cast<std::uint64_t>(m.rows()));
    ar.write_scalar(static_cast<std::uint64_t>(m.cols()));
    ar.write_array(m.data(), static_cast<std::size_t>(m.size()));
}

/// The header section: kind, schema version, library version, creation time, metadata (feature
/// names, target name, class labels, extra, provenance) and reference (inputs, outputs,
/// tolerance, build). A template so that only a program that writes binary files compiles it.
template <class Tag = void>
void write_binary_header(BinaryOutputArchive& ar, const Header& h) {
    ::brine::save(ar, std::string(kind_name(h.kind)));
    ar.write_scalar(h.schema_version);
    ::brine::save(ar, h.library_version);
    ::brine::save(ar, h.created);
    const Metadata& m = h.metadata;
    write_header_strings(ar, m.feature_names);
    ::brine::save(ar, m.target_name);
    write_header_strings(ar, m.class_labels);
    write_header_map(ar, m.extra);
    const Provenance& p = m.provenance;
    ::brine::save(ar, p.library_version);
    ::brine::save(ar, p.trainer);
    write_header_map(ar, p.options);
    ::brine::save(ar, p.data_hash);
    ar.write_scalar(p.n_samples);
    write_header_map(ar, p.metrics);
    const Reference& r = h.reference;
    write_header_matrix(ar, r.inputs);
    write_header_matrix(ar, r.outputs);
    ar.write_scalar(r.tolerance);
    ::brine::save(ar, r.build);
}

/// The prefix (magic, format version, header length) and the header. A template so that only a
/// program that writes binary files compiles the header's encoder.
template <class Tag = void>
void encode_binary_head(BinaryOutputArchive& ar, const Header& h, std::uint16_t major,
                        std::uint16_t minor) {
    ar.write_bytes(binary_magic, sizeof binary_magic);
    ar.write_scalar(major);
    ar.write_scalar(minor);
    const std::size_t header_len_at = ar.size();
    ar.write_scalar(std::uint64_t{0});
    write_binary_header(ar, h);
    put_u64_at(ar, header_len_at, ar.size() - binary_prefix_size);
}

// ---- reading -------------------------------------------------------------------------------
// Each field is read under its name, as the archive's name-value pairs push them, so messages
// name the same dotted path ("header.metadata.extra.key") and byte offset as before.

/// The field `name` is read while in scope.
class HeaderField {
public:
    HeaderField(BinaryInputArchive& ar, const char* name) : ar_(ar) { ar_.push_name(name); }
    ~HeaderField() { ar_.pop_name(); }
    HeaderField(const HeaderField&) = delete;
    HeaderField& operator=(const HeaderField&) = delete;

private:
    BinaryInputArchive& ar_;
};

inline void read_header_string(BinaryInputArchive& ar, const char* name, std::string& s) {
    HeaderField f(ar, name);
    ::brine::load(ar, s);
}

/// A u64 count (each string takes at least its 8-byte length, but the count is checked against
/// one byte per string, as for any list), then the strings.
inline void read_header_strings(BinaryInputArchive& ar, const char* name,
                                std::vector<std::string>& items) {
    HeaderField f(ar, name);
    const std::uint64_t n = ar.read_size();
    items.clear();
    for (std::uint64_t i = 0; i < n; ++i) {
        std::string s;
        ::brine::load(ar, s);
        items.push_back(std::move(s));
    }
}

inline void read_header_value(BinaryInputArchive& ar, std::string& v) { ::brine::load(ar, v); }
inline void read_header_value(BinaryInputArchive& ar, double& v) { v = ar.read_scalar<double>(); }

/// A u64 count, then key and value pairs; a key that appears twice is Errc::malformed.
template <class V>
void read_header_map(BinaryInputArchive& ar, const char* name, std::map<std::string, V>& items) {
    HeaderField f(ar, name);
    const std::uint64_t n = ar.read_size();
    items.clear();
    for (std::uint64_t i = 0; i < n; ++i) {
        std::string key;
        V value{};
        {
            HeaderField k(ar, "key");
            ::brine::load(ar, key);
        }
        {
            HeaderField v(ar, "value");
            read_header_value(ar, value);
        }
        if (!items.emplace(key, std::move(value)).second) {
            ar.fail(Errc::malformed, "key " + ::brine::detail::quoted(key) + " appears twice");
        }
    }
}

/// rows, cols and the row-major entries of a reference matrix; the shape is checked (overflow,
/// limits, bytes present) before the matrix is allocated.
inline void read_header_matrix(BinaryInputArchive& ar, const char* name, RowMatrix& m) {
    HeaderField f(ar, name);
    std::uint64_t rows = 0, cols = 0;
    {
        HeaderField r(ar, "rows");
        rows = ar.read_scalar<std::uint64_t>();
    }
    {
        HeaderField c(ar, "cols");
        cols = ar.read_scalar<std::uint64_t>();
    }
    constexpr auto max_extent =
        static_cast<std::uint64_t>(std::numeric_limits<Eigen::Index>::max() / 2);
    std::uint64_t n = 0;
    if (mul_overflows(rows, cols, n) || n > max_extent || rows > max_extent || cols > max_extent) {
        ar.fail(Errc::malformed, "array shape " + std::to_string(rows) + " x " +
                                     std::to_string(cols) + " overflows");
    }
    ar.check_array(n, sizeof(double), "data");
    m.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    HeaderField d(ar, "data");
    ar.read_array(m.data(), static_cast<std::size_t>(n));
}

/// Reads the header's fields into h, checking the kind and schema version as soon as they are
/// read.
template <class Tag = void>
void read_binary_header(BinaryInputArchive& ar, Header& h) {
    HeaderField header(ar, "header");
    std::string kind_text;
    read_header_string(ar, "kind", kind_text);
    if (!kind_from_name(kind_text, h.kind)) {
        ar.fail(Errc::unsupported_version, "unknown model kind " +
                                               ::brine::detail::quoted(kind_text) +
                                               " (written by a newer brine?)");
    }
    {
        HeaderField f(ar, "schema_version");
        h.schema_version = ar.read_scalar<std::uint32_t>();
    }
    const std::uint32_t current = current_schema_version(h.kind);
    if (h.schema_version == 0 || h.schema_version > current) {
        const std::uint32_t found = h.schema_version;
        ar.fail(Errc::unsupported_version, unsupported_schema_message(h.kind, found),
                [&](Error& e) { e.with_versions(found, current); });
    }
    read_header_string(ar, "library_version", h.library_version);
    read_header_string(ar, "created", h.created);
    {
        HeaderField metadata(ar, "metadata");
        Metadata& m = h.metadata;
        read_header_strings(ar, "feature_names", m.feature_names);
        read_header_string(ar, "target_name", m.target_name);
        read_header_strings(ar, "class_labels", m.class_labels);
        read_header_map(ar, "extra", m.extra);
        HeaderField provenance(ar, "provenance");
        Provenance& p = m.provenance;
        read_header_string(ar, "library_version", p.library_version);
        read_header_string(ar, "trainer", p.trainer);
        read_header_map(ar, "options", p.options);
        read_header_string(ar, "data_hash", p.data_hash);
        {
            HeaderField f(ar, "n_samples");
            p.n_samples = ar.read_scalar<std::uint64_t>();
        }
        read_header_map(ar, "metrics", p.metrics);
    }
    HeaderField reference(ar, "reference");
    Reference& r = h.reference;
    read_header_matrix(ar, "inputs", r.inputs);
    read_header_matrix(ar, "outputs", r.outputs);
    {
        HeaderField f(ar, "tolerance");
        r.tolerance = ar.read_scalar<double>();
    }
    read_header_string(ar, "build", r.build);
}

/// Decodes the header section (which must be consumed exactly). A template so that only a
/// program that reads binary files compiles the header's decoder.
template <class Tag = void>
Header decode_binary_header(std::string_view header, const Limits& limits) {
    BinaryInputArchive ar(header, limits, binary_prefix_size);
    Header h;
    read_binary_header(ar, h);
    if (ar.remaining() != 0) {
        ar.fail(Errc::malformed,
                std::to_string(ar.remaining()) + " unread bytes at the end of the header");
    }
    return h;
}

}  // namespace brine::detail
