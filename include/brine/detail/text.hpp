// Text from untrusted files: UTF-8 validation, and escaping and cutting before it enters a message.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace brine::detail {

/// Length of the UTF-8 sequence starting at `s[0]`, or 0 when it is not valid UTF-8 (overlong
/// forms, surrogates and code points above U+10FFFF are invalid, as RFC 3629 says).
inline std::size_t utf8_sequence_length(const unsigned char* s, std::size_t available) noexcept {
    const unsigned char c = s[0];
    std::size_t length = 0;
    std::uint32_t lowest = 0;
    std::uint32_t code = 0;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        length = 2, lowest = 0x80, code = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3, lowest = 0x800, code = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4, lowest = 0x10000, code = c & 0x07u;
    } else {
        return 0;
    }
    if (available < length) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((s[i] & 0xC0u) != 0x80u) return 0;
        code = (code << 6) | (s[i] & 0x3Fu);
    }
    if (code < lowest || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

/// Length of the well-formed UTF-8 sequence that starts at `s[i]`, or 0 when the bytes there are
/// not one (see above).
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
    return utf8_sequence_length(reinterpret_cast<const unsigned char*>(s.data()) + i, s.size() - i);
}

/// Offset of the first byte of `s` that does not start a well-formed UTF-8 sequence, or npos when
/// all of `s` is UTF-8. Linear in the size of `s`.
inline std::size_t invalid_utf8_offset(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        // ASCII eight bytes at a time: the common case for names and labels.
        if (i + 8 <= s.size()) {
            std::uint64_t word;
            std::memcpy(&word, s.data() + i, 8);
            if ((word & 0x8080808080808080u) == 0) {
                i += 8;
                continue;
            }
        }
        const std::size_t n = utf8_sequence_length(s, i);
        if (n == 0) return i;
        i += n;
    }
    return std::string_view::npos;
}

/// Two lower-case hex digits of a byte: "ff".
inline std::string hex_byte(unsigned char b) {
    static constexpr char hex[] = "0123456789abcdef";
    return {hex[b >> 4], hex[b & 15]};
}

/// How many bytes of a file's text go into a message; the rest is cut.
inline constexpr std::size_t message_text_bytes = 64;

/// Appends `text` to `out` so that it cannot forge or garble a message: the first `max_bytes`
/// bytes of it (cut at a character boundary, then "..."), with backslash and `quote` escaped,
/// control characters as \n, \r, \t or \xNN, bytes that are not UTF-8 as \xNN, and the invisible
/// characters that reorder or break lines (U+0080..U+009F, U+200E, U+200F, U+2028, U+2029,
/// U+202A..U+202E, U+2066..U+2069) as \uXXXX. Other UTF-8 passes through. Returns whether the text
/// was cut.
inline bool append_escaped(std::string& out, std::string_view text, char quote = '\'',
                           std::size_t max_bytes = message_text_bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t i = 0;
    while (i < text.size()) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        std::size_t n = c < 0x80 ? 1 : utf8_sequence_length(text, i);
        if (i + (n ? n : 1) > max_bytes) break;
        if (n == 0) {  // not UTF-8: show the byte
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
            ++i;
            continue;
        }
        if (n == 1) {
            if (c == '\\' || (quote != '\0' && c == static_cast<unsigned char>(quote))) {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c == '\n') {
                out += "\\n";
            } else if (c == '\r') {
                out += "\\r";
            } else if (c == '\t') {
                out += "\\t";
            } else if (c < 0x20 || c == 0x7F) {
                out += "\\x";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        std::uint32_t cp = n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
        for (std::size_t k = 1; k < n; ++k) {
            cp = cp << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
        }
        const bool invisible = (cp >= 0x80 && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
                               cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
                               (cp >= 0x2066 && cp <= 0x2069);
        if (invisible) {
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4) out += hex[(cp >> shift) & 15];
        } else {
            out.append(text.data() + i, n);
        }
        i += n;
    }
    if (i < text.size()) {
        out += "...";
        return true;
    }
    return false;
}

/// `text` escaped and cut as append_escaped does, between `quote`s, followed by its length when
/// it was cut: `'feature_1'`, `'aaaa…aaa...' (1048576 bytes)`.
inline std::string quoted(std::string_view text, char quote = '\'',
                          std::size_t max_bytes = message_text_bytes) {
    std::string out(1, quote);
    const bool cut = append_escaped(out, text, quote, max_bytes);
    out += quote;
    if (cut) out += " (" + std::to_string(text.size()) + " bytes)";
    return out;
}

/// `text` escaped and cut as append_escaped does, without quotes (for JSON path steps and numbers).
inline std::string escaped(std::string_view text, std::size_t max_bytes = message_text_bytes) {
    std::string out;
    append_escaped(out, text, '\0', max_bytes);
    return out;
}

namespace strerror_form {
// strerror_r has two forms: glibc's GNU one (the default with _GNU_SOURCE, which g++ and clang++
// define) returns the text, in `buf` or in static storage; the XSI one (POSIX, musl, the BSDs)
// fills `buf` and returns 0 or an error number. Overloads on the return type take either.
inline std::string text(const char* gnu, const char*, int) { return gnu; }
inline std::string text(int xsi, const char* buf, int err) {
    return xsi == 0 ? std::string(buf) : "error " + std::to_string(err);
}
}  // namespace strerror_form

/// The text of the errno value `err`, as std::strerror gives it, without the static buffer that
/// makes std::strerror unsafe when another thread calls it at the same time.
inline std::string os_error_text(int err) {
    char buf[256] = "";
    return strerror_form::text(::strerror_r(err, buf, sizeof buf), buf, err);
}

}  // namespace brine::detail
