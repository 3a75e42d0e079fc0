// Compact arrays of the binary encoding (tree_ensemble schema 2): int32 arrays at the narrowest
// width that holds their values, and 0/1 flags packed eight to a byte. The JSON encoding writes
// the same arrays as plain matrices.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "brine/models/common.hpp"
#include "brine/models/tree_compare.hpp"
#include "brine/serialization/binary_archive.hpp"

namespace brine::detail {

/// Bytes per value of the narrowest signed little-endian integer that holds every value in
/// [lo, hi]: 1, 2 or 4.
inline std::uint8_t packed_width(std::int32_t lo, std::int32_t hi) noexcept {
    if (lo >= -128 && hi <= 127) return 1;
    if (lo >= -32768 && hi <= 32767) return 2;
    return 4;
}

inline std::uint8_t packed_width(const IndexVector& a) noexcept {
    std::int32_t lo = 0, hi = 0;
    for (Eigen::Index i = 0; i < a.size(); ++i) {
        lo = std::min(lo, a[i]);
        hi = std::max(hi, a[i]);
    }
    return packed_width(lo, hi);
}

/// Writes `count: u64`, `width: u8` (packed_width), then count values of `width` bytes each,
/// two's complement little-endian.
inline void save_packed_ints(BinaryOutputArchive& ar, const IndexVector& a) {
    const auto n = static_cast<std::size_t>(a.size());
    const std::uint8_t width = packed_width(a);
    ar.write_scalar(static_cast<std::uint64_t>(n));
    ar.write_scalar(width);
    if (width == 4) {
        ar.write_array(a.data(), n);
        return;
    }
    constexpr std::size_t chunk = 16384;
    char buf[chunk * 2];
    for (std::size_t at = 0; at < n; at += chunk) {
        const std::size_t len = std::min(chunk, n - at);
        for (std::size_t i = 0; i < len; ++i) {
            const auto v = static_cast<std::uint32_t>(a[static_cast<Eigen::Index>(at + i)]);
            buf[i * width] = static_cast<char>(v & 0xFF);
            if (width == 2) buf[i * 2 + 1] = static_cast<char>((v >> 8) & 0xFF);
        }
        ar.write_bytes(buf, len * width);
    }
}

/// Reads what save_packed_ints wrote into `a`, which must have `want` entries (`field` has them
/// for `count`, e.g. "n_nodes"). Refused (Errc::malformed), each with the field and byte offset:
/// a count other than `want` (before anything is allocated), a width other than 1, 2 or 4, a
/// width wider than the values need (one model has one encoding). The values themselves are
/// validate()'s, as in every schema: a child index must lie inside its tree, and so on.
inline void load_packed_ints(BinaryInputArchive& ar, IndexVector& a, std::uint64_t want,
                             const char* field, const char* count) {
    ar.push_name(field);
    const auto n = ar.read_scalar<std::uint64_t>();
    if (n != want) {
        ar.fail(Errc::malformed, std::string(field) + " has " + std::to_string(n) +
                                     " entries for " + count + " " + std::to_string(want));
    }
    const auto width = ar.read_scalar<std::uint8_t>();
    if (width != 1 && width != 2 && width != 4) {
        ar.fail(Errc::malformed, std::string(field) + " width byte " + std::to_string(width) +
                                     ", expected 1, 2 or 4");
    }
    ar.check_array(n, width, field);
    const std::uint64_t width_at = ar.offset() - 1;
    a.resize(static_cast<Eigen::Index>(n));
    std::int32_t lo = 0, hi = 0;
    constexpr std::size_t chunk = 16384;
    for (std::size_t at = 0; at < n; at += chunk) {
        const std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, n - at));
        const std::string_view bytes = ar.read_bytes(len * width);
        const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
        std::int32_t* out = a.data() + at;
        if (width == 1) {
            for (std::size_t i = 0; i < len; ++i) out[i] = static_cast<std::int8_t>(b[i]);
        } else if (width == 2) {
            for (std::size_t i = 0; i < len; ++i)
                out[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(
                    b[2 * i] | static_cast<unsigned>(b[2 * i + 1]) << 8));
        } else {
            copy_le<std::int32_t>(out, b, len);
        }
        for (std::size_t i = 0; i < len; ++i) {
            lo = std::min(lo, out[i]);
            hi = std::max(hi, out[i]);
        }
    }
    if (packed_width(lo, hi) != width) {
        const std::uint64_t where = width_at;
        throw Error(Errc::malformed,
                    std::string(field) + " width byte " + std::to_string(width) +
                        " where its values (" + std::to_string(lo) + " to " + std::to_string(hi) +
                        ") need " + std::to_string(packed_width(lo, hi)) +
                        ": a writer uses the narrowest width, at byte " + std::to_string(where))
            .with_byte_offset(where);
    }
    ar.pop_name();
}

/// Writes `count: u64`, then ceil(count / 8) bytes: flag i is bit (i % 8) of byte i / 8, the
/// least significant bit first; the unused high bits of the last byte are 0.
inline void save_bits(BinaryOutputArchive& ar, const FlagVector& f) {
    const auto n = static_cast<std::size_t>(f.size());
    ar.write_scalar(static_cast<std::uint64_t>(n));
    constexpr std::size_t chunk = 8192;  // bytes
    char buf[chunk];
    const std::size_t n_bytes = (n + 7) / 8;
    for (std::size_t at = 0; at < n_bytes; at += chunk) {
        const std::size_t len = std::min(chunk, n_bytes - at);
        for (std::size_t k = 0; k < len; ++k) {
            unsigned byte = 0;
            const std::size_t first = (at + k) * 8;
            const std::size_t bits = std::min<std::size_t>(8, n - first);
            for (std::size_t j = 0; j < bits; ++j)
                byte |= static_cast<unsigned>(f[static_cast<Eigen::Index>(first + j)] != 0) << j;
            buf[k] = static_cast<char>(byte);
        }
        ar.write_bytes(buf, len);
    }
}

/// Reads what save_bits wrote into `f` (entries 0 or 1), which must have `want` entries.
/// Refused: another count (before anything is allocated), fewer bytes than the count needs, a
/// nonzero unused bit of the last byte.
inline void load_bits(BinaryInputArchive& ar, FlagVector& f, std::uint64_t want, const char* field,
                      const char* count) {
    ar.push_name(field);
    const auto n = ar.read_scalar<std::uint64_t>();
    if (n != want) {
        ar.fail(Errc::malformed, std::string(field) + " has " + std::to_string(n) +
                                     " entries for " + count + " " + std::to_string(want));
    }
    const std::uint64_t n_bytes = n / 8 + (n % 8 != 0);
    ar.check_array(n_bytes, 1, field);
    f.resize(static_cast<Eigen::Index>(n));
    constexpr std::size_t chunk = 8192;  // bytes
    for (std::uint64_t at = 0; at < n_bytes; at += chunk) {
        const auto len = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, n_bytes - at));
        const std::string_view bytes = ar.read_bytes(len);
        for (std::size_t k = 0; k < len; ++k) {
            const auto byte = static_cast<unsigned char>(bytes[k]);
            const std::uint64_t first = (at + k) * 8;
            const auto bits = static_cast<unsigned>(std::min<std::uint64_t>(8, n - first));
            if (bits < 8 && (byte >> bits) != 0) {
                const std::uint64_t where = ar.offset() - len + k;
                throw Error(Errc::malformed,
                            std::string(field) + ": the last byte is 0x" + hex_byte(byte) +
                                ", whose " + std::to_string(8 - bits) +
                                " unused high bits must be 0 (" + std::to_string(n) +
                                " flags), at byte " + std::to_string(where))
                    .with_byte_offset(where);
            }
            for (unsigned j = 0; j < bits; ++j)
                f[static_cast<Eigen::Index>(first + j)] =
                    static_cast<std::uint8_t>((byte >> j) & 1);
        }
    }
    ar.pop_name();
}

}  // namespace brine::detail
