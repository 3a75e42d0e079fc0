// Number text for brine's JSON archives: exact double formatting and parsing, integers.
// SPDX-License-Identifier: MIT
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>

#include "brine/detail/rapidjson.hpp"

#if !(defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L)
#include <locale.h>
#include <cstdlib>
#if defined(__APPLE__) || defined(__FreeBSD__)
#include <xlocale.h>
#endif
#endif

namespace brine::detail {

/// Bytes enough for any token format_double or format_integer writes.
inline constexpr std::size_t kNumberBufferSize = 32;

/// Writes a finite double as the shortest-ish decimal that reads back to the same bits
/// (RapidJSON's Grisu2, which always round-trips and is shortest in nearly every case). The text
/// always has a '.' or an exponent ("1.0", "-0.0", "1e300", "5e-324"), so a reader can tell it
/// from an integer. Returns one past the last character written; `value` must be finite.
inline char* format_double(double value, char* buffer) noexcept {
    return rj::internal::dtoa(value, buffer, 324);
}

/// Writes an integer in decimal. Returns one past the last character written.
template <class Int>
char* format_integer(Int value, char* buffer) noexcept {
    return std::to_chars(buffer, buffer + kNumberBufferSize, value).ptr;
}

/// Saturating decimal exponent of a JSON number token: where its first non-zero digit sits
/// relative to the decimal point, plus the exponent. Only its sign matters: it tells an
/// underflow (the value rounds to zero) from an overflow. Assumes a valid JSON number token.
inline long long decimal_magnitude(std::string_view token) noexcept {
    std::size_t i = token.empty() || token[0] != '-' ? 0 : 1;
    long long position = 0;  // digits before the point, minus leading zeros after it
    bool seen_nonzero = false;
    bool after_point = false;
    for (; i < token.size() && token[i] != 'e' && token[i] != 'E'; ++i) {
        const char c = token[i];
        if (c == '.') {
            after_point = true;
        } else if (!seen_nonzero) {
            if (c != '0') {
                seen_nonzero = true;
                if (!after_point) ++position;
            } else if (after_point) {
                --position;
            }
        } else if (!after_point) {
            ++position;
        }
    }
    if (!seen_nonzero) return std::numeric_limits<long long>::min();  // the value is zero
    long long exponent = 0;
    bool negative = false;
    if (i < token.size()) {
        ++i;
        if (i < token.size() && (token[i] == '+' || token[i] == '-')) negative = token[i++] == '-';
        for (; i < token.size(); ++i) {
            if (exponent < 1'000'000'000'000LL) exponent = exponent * 10 + (token[i] - '0');
        }
    }
    return position + (negative ? -exponent : exponent);
}

/// Converts a JSON number token (already checked against the JSON grammar) to the nearest double,
/// correctly rounded; values too small for a double become ±0.0. Returns false when the value is
/// too large for a double. Uses std::from_chars, which does not depend on the C locale.
inline bool parse_double(std::string_view token, double& out) noexcept {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
    double value = 0.0;
    const auto result = std::from_chars(token.data(), token.data() + token.size(), value,
                                        std::chars_format::general);
    if (result.ec == std::errc() && result.ptr == token.data() + token.size()) {
        out = value;
        return true;
    }
    if (result.ec != std::errc::result_out_of_range) return false;
#else
    // No floating-point from_chars (older libc++): strtod_l in the "C" locale, so a program's
    // setlocale() cannot turn "0.5" into 0. The token is copied to add the terminating NUL.
    static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", locale_t{});
    char buffer[512];
    if (token.size() >= sizeof buffer || c_locale == locale_t{}) return false;
    for (std::size_t i = 0; i < token.size(); ++i) buffer[i] = token[i];
    buffer[token.size()] = '\0';
    char* end = nullptr;
    const double value = strtod_l(buffer, &end, c_locale);
    if (end != buffer + token.size()) return false;
    if (std::isfinite(value)) {
        out = value;
        return true;
    }
#endif
    if (decimal_magnitude(token) >= 0) return false;
    out = token[0] == '-' ? -0.0 : 0.0;
    return true;
}

}  // namespace brine::detail
