// The minisign text formats brine's signatures use: base64, key ids, public keys, `.minisig`
// files and the trusted comment that binds a model's name, version and kind. Parsing only; no
// cryptography here (see brine/signing/keys.hpp and brine/signing/files.hpp).
// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "brine/error.hpp"

namespace brine {

/// The 8 random bytes minisign stores with a key and with every signature made by it.
struct KeyId {
    std::array<unsigned char, 8> bytes{};

    /// As minisign prints it: the bytes read as a little-endian integer, 16 upper-case hex digits
    /// ("minisign public key 4A1F..." in a public key file's comment).
    std::string hex() const {
        static const char digits[] = "0123456789ABCDEF";
        std::string out(16, '0');
        for (int i = 0; i < 8; ++i) {
            const unsigned char b = bytes[static_cast<std::size_t>(7 - i)];
            out[static_cast<std::size_t>(2 * i)] = digits[b >> 4];
            out[static_cast<std::size_t>(2 * i + 1)] = digits[b & 15];
        }
        return out;
    }
    friend bool operator==(const KeyId& a, const KeyId& b) { return a.bytes == b.bytes; }
    friend bool operator!=(const KeyId& a, const KeyId& b) { return !(a == b); }
};

namespace detail {

/// Standard base64 with padding, as minisign writes it.
inline std::string base64_encode(const unsigned char* data, std::size_t n) {
    static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        const std::uint32_t t =
            (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
        out += chars[(t >> 18) & 63];
        out += chars[(t >> 12) & 63];
        out += chars[(t >> 6) & 63];
        out += chars[t & 63];
    }
    if (n - i == 1) {
        const std::uint32_t t = std::uint32_t{data[i]} << 16;
        out += chars[(t >> 18) & 63];
        out += chars[(t >> 12) & 63];
        out += "==";
    } else if (n - i == 2) {
        const std::uint32_t t = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
        out += chars[(t >> 18) & 63];
        out += chars[(t >> 12) & 63];
        out += chars[(t >> 6) & 63];
        out += '=';
    }
    return out;
}

inline int base64_value(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/// Decodes exactly `n` bytes of canonical padded base64 from `text` into `out`, or throws
/// Errc::malformed naming `what` (e.g. "signature 'm.brine.minisig' line 2") and the column.
inline void base64_decode_exact(std::string_view text, unsigned char* out, std::size_t n,
                                const std::string& what) {
    const std::size_t want = (n + 2) / 3 * 4;
    if (text.size() != want) {
        throw Error(Errc::malformed, what + ": " + std::to_string(text.size()) +
                                         " base64 characters, expected " + std::to_string(want) +
                                         " (" + std::to_string(n) + " bytes)");
    }
    const std::size_t pad = n % 3 == 0 ? 0 : 3 - n % 3;
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t o = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (i >= want - pad) {
            if (c != '=') {
                throw Error(Errc::malformed,
                            what + ": expected padding '=' at column " + std::to_string(i + 1));
            }
            continue;
        }
        const int v = base64_value(c);
        if (v < 0) {
            const unsigned char u = static_cast<unsigned char>(c);
            const std::string shown =
                u >= 0x20 && u < 0x7f ? std::string("'") + c + "'" : "byte " + std::to_string(u);
            throw Error(Errc::malformed, what + ": bad base64 character " + shown + " at column " +
                                             std::to_string(i + 1) + ", expected A-Z a-z 0-9 + /");
        }
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = static_cast<unsigned char>((acc >> bits) & 0xFF);
        }
    }
    // The bits left over before the padding must be zero: one text per value, so that a .minisig
    // cannot be altered without changing what it decodes to.
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
        throw Error(Errc::malformed,
                    what + ": non-canonical base64 (unused bits before the padding)");
    }
}

inline constexpr std::string_view untrusted_prefix = "untrusted comment: ";
inline constexpr std::string_view trusted_prefix = "trusted comment: ";
/// minisign's own limits on the comment lines (COMMENTMAXBYTES, TRUSTEDCOMMENTMAXBYTES).
inline constexpr std::size_t max_untrusted_comment = 1024;
inline constexpr std::size_t max_trusted_comment = 8192;
/// The largest `.minisig` brine reads: both comments at their limits, the two base64 lines and
/// line ends. Bigger files are refused before they are read.
inline constexpr std::size_t max_signature_file_bytes = 12 * 1024;

/// Splits `text` into lines at '\n', dropping one '\r' before each '\n' (CRLF files). A final line
/// without '\n' counts.
inline std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

/// Errc::malformed unless a comment holds only printable text (tab allowed): no control bytes,
/// which would let one line pass for two.
inline void check_comment_text(std::string_view text, const std::string& what) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            throw Error(Errc::malformed, what + ": control byte " + std::to_string(c) +
                                             " at column " + std::to_string(i + 1));
        }
    }
}

}  // namespace detail

/// A minisign Ed25519 public key: `base64("Ed" ‖ key_id[8] ‖ key[32])`, the `RW…` line of a
/// `minisign.pub` file.
struct PublicKey {
    KeyId id;
    std::array<unsigned char, 32> key{};

    /// The `RW…` base64 line.
    std::string to_base64() const {
        unsigned char raw[42];
        raw[0] = 'E';
        raw[1] = 'd';
        std::memcpy(raw + 2, id.bytes.data(), 8);
        std::memcpy(raw + 10, key.data(), 32);
        return detail::base64_encode(raw, sizeof raw);
    }
    /// The contents of a `.pub` file as `minisign -G` writes it.
    std::string to_file_text() const {
        return std::string(detail::untrusted_prefix) + "minisign public key " + id.hex() + "\n" +
               to_base64() + "\n";
    }

    /// Parses a public key from its `RW…` line alone or from a whole `.pub` file (an
    /// "untrusted comment: " line, then the key line). `source` names it in error messages.
    /// Throws Errc::malformed (bad layout or base64), Errc::bad_algorithm (not Ed25519).
    static PublicKey parse(std::string_view text, const std::string& source = "public key") {
        const auto lines = detail::split_lines(text);
        std::string_view line;
        std::size_t line_no = 1;
        if (lines.size() == 1) {
            line = lines[0];
        } else if (lines.size() == 2 && lines[0].substr(0, detail::untrusted_prefix.size()) ==
                                            detail::untrusted_prefix) {
            line = lines[1];
            line_no = 2;
        } else {
            throw Error(Errc::malformed,
                        source +
                            ": expected a base64 key line, or an \"untrusted comment: \" "
                            "line and a key line, found " +
                            std::to_string(lines.size()) + " lines");
        }
        unsigned char raw[42];
        detail::base64_decode_exact(line, raw, sizeof raw,
                                    source + " line " + std::to_string(line_no));
        if (raw[0] != 'E' || raw[1] != 'd') {
            throw Error(Errc::bad_algorithm, source + ": algorithm '" +
                                                 std::string(reinterpret_cast<char*>(raw), 2) +
                                                 "', expected 'Ed' (Ed25519)");
        }
        PublicKey k;
        std::memcpy(k.id.bytes.data(), raw + 2, 8);
        std::memcpy(k.key.data(), raw + 10, 32);
        return k;
    }
};

/// The parts of a `.minisig` file:
/// ```
/// untrusted comment: <text>
/// base64(algorithm[2] ‖ key_id[8] ‖ signature[64])
/// trusted comment: <text>
/// base64(global_signature[64])      Ed25519 over signature ‖ trusted comment
/// ```
/// Algorithm "ED" signs the BLAKE2b-512 digest of the file; legacy "Ed" signs the file itself.
struct MinisignSignature {
    std::string untrusted_comment;
    std::array<unsigned char, 2> algorithm{{'E', 'D'}};
    KeyId key_id;
    std::array<unsigned char, 64> signature{};
    std::string trusted_comment;
    std::array<unsigned char, 64> global_signature{};

    bool prehashed() const noexcept { return algorithm[0] == 'E' && algorithm[1] == 'D'; }

    /// The file's text, as minisign writes it (four lines, each ending in '\n').
    std::string to_text() const {
        unsigned char raw[74];
        std::memcpy(raw, algorithm.data(), 2);
        std::memcpy(raw + 2, key_id.bytes.data(), 8);
        std::memcpy(raw + 10, signature.data(), 64);
        return std::string(detail::untrusted_prefix) + untrusted_comment + "\n" +
               detail::base64_encode(raw, sizeof raw) + "\n" + std::string(detail::trusted_prefix) +
               trusted_comment + "\n" +
               detail::base64_encode(global_signature.data(), global_signature.size()) + "\n";
    }

    /// Parses a `.minisig` file's text; `source` (its path) names it in error messages. Nothing
    /// is verified here. Throws Errc::limit_exceeded (over max_signature_file_bytes or a comment
    /// over minisign's limits), Errc::truncated (fewer than four lines), Errc::malformed (layout,
    /// base64, control bytes, extra lines), Errc::bad_algorithm (an algorithm other than
    /// "ED" or legacy "Ed").
    static MinisignSignature parse(std::string_view text, const std::string& source) {
        const std::string what = "signature '" + source + "'";
        if (text.size() > detail::max_signature_file_bytes) {
            throw Error(Errc::limit_exceeded, what + " has " + std::to_string(text.size()) +
                                                  " bytes, the limit is " +
                                                  std::to_string(detail::max_signature_file_bytes));
        }
        const auto lines = detail::split_lines(text);
        if (lines.size() < 4) {
            throw Error(Errc::truncated, what + " ends after " + std::to_string(lines.size()) +
                                             " lines, a minisign signature has 4");
        }
        if (lines.size() > 4) {
            throw Error(Errc::malformed, what +
                                             ": unexpected text on line 5, a minisign "
                                             "signature has 4 lines");
        }
        MinisignSignature s;
        auto line_what = [&](int n) { return what + " line " + std::to_string(n); };
        if (lines[0].substr(0, detail::untrusted_prefix.size()) != detail::untrusted_prefix) {
            throw Error(Errc::malformed, line_what(1) + ": expected \"untrusted comment: \"");
        }
        if (lines[0].size() > detail::max_untrusted_comment) {
            throw Error(Errc::limit_exceeded, line_what(1) + ": " +
                                                  std::to_string(lines[0].size()) +
                                                  " bytes, the limit is " +
                                                  std::to_string(detail::max_untrusted_comment));
        }
        s.untrusted_comment = std::string(lines[0].substr(detail::untrusted_prefix.size()));
        detail::check_comment_text(s.untrusted_comment, line_what(1));

        unsigned char raw[74];
        detail::base64_decode_exact(lines[1], raw, sizeof raw, line_what(2));
        std::memcpy(s.algorithm.data(), raw, 2);
        if (!(raw[0] == 'E' && (raw[1] == 'D' || raw[1] == 'd'))) {
            auto shown = [](unsigned char c) {
                static const char hex[] = "0123456789abcdef";
                return c >= 0x20 && c < 0x7f ? std::string(1, static_cast<char>(c))
                                             : std::string("\\x") + hex[c >> 4] + hex[c & 15];
            };
            throw Error(Errc::bad_algorithm,
                        what + ": algorithm '" + shown(raw[0]) + shown(raw[1]) +
                            "', expected 'ED' (Ed25519 over the BLAKE2b-512 of the file)");
        }
        std::memcpy(s.key_id.bytes.data(), raw + 2, 8);
        std::memcpy(s.signature.data(), raw + 10, 64);

        if (lines[2].substr(0, detail::trusted_prefix.size()) != detail::trusted_prefix) {
            throw Error(Errc::malformed, line_what(3) + ": expected \"trusted comment: \"");
        }
        const std::string_view trusted = lines[2].substr(detail::trusted_prefix.size());
        if (trusted.size() >= detail::max_trusted_comment - detail::trusted_prefix.size()) {
            throw Error(Errc::limit_exceeded,
                        line_what(3) + ": trusted comment of " + std::to_string(trusted.size()) +
                            " bytes, the limit is " +
                            std::to_string(detail::max_trusted_comment -
                                           detail::trusted_prefix.size() - 1));
        }
        detail::check_comment_text(trusted, line_what(3));
        s.trusted_comment = std::string(trusted);
        detail::base64_decode_exact(lines[3], s.global_signature.data(), 64, line_what(4));
        return s;
    }
};

/// What a brine signature's trusted comment binds:
/// `brine-v1 name=<name> version=<n> kind=<kind> [key=value ...]`. Extra `key=value` fields
/// (brine writes `timestamp=<unix seconds>`) are kept in the comment and ignored here.
struct ModelBinding {
    std::string name;           ///< 1 to 128 of A-Z a-z 0-9 . _ -
    std::uint64_t version = 0;  ///< decimal, no leading zeros
    std::string kind;           ///< brine::kind_name of the model's kind

    /// Parses a trusted comment. Throws Errc::malformed, naming `what` and the field, when the
    /// comment is not of this form (a missing, repeated or ill-formed field).
    static ModelBinding parse(std::string_view comment, const std::string& what) {
        constexpr std::string_view tag = "brine-v1";
        auto bad = [&](const std::string& why) {
            return Error(Errc::malformed,
                         what + ": trusted comment \"" + std::string(comment.substr(0, 200)) +
                             "\" " + why +
                             "; brine signs \"brine-v1 name=<name> version=<n> kind=<kind>\"");
        };
        if (comment.substr(0, tag.size()) != tag ||
            (comment.size() > tag.size() && comment[tag.size()] != ' ')) {
            throw bad("does not bind a brine model");
        }
        ModelBinding b;
        bool have_name = false, have_version = false, have_kind = false;
        std::vector<std::string_view> seen;
        std::size_t pos = tag.size();
        while (pos < comment.size()) {
            ++pos;  // the single space before each field
            std::size_t end = comment.find(' ', pos);
            if (end == std::string_view::npos) end = comment.size();
            const std::string_view field = comment.substr(pos, end - pos);
            const std::size_t eq = field.find('=');
            if (field.empty() || eq == std::string_view::npos || eq == 0) {
                throw bad("has a field that is not key=value at column " + std::to_string(pos + 1));
            }
            const std::string_view key = field.substr(0, eq), value = field.substr(eq + 1);
            for (std::string_view k : seen)
                if (k == key) throw bad("repeats '" + std::string(key) + "'");
            seen.push_back(key);
            if (key == "name") {
                check_name(value, [&](const std::string& why) { return bad(why); });
                b.name = std::string(value);
                have_name = true;
            } else if (key == "version") {
                if (!parse_version(value, b.version))
                    throw bad("has version '" + std::string(value) + "', expected 0 to 2^64-1");
                have_version = true;
            } else if (key == "kind") {
                for (char c : value)
                    if (!((c >= 'a' && c <= 'z') || c == '_')) throw bad("has a malformed kind");
                if (value.empty()) throw bad("has an empty kind");
                b.kind = std::string(value);
                have_kind = true;
            }
            pos = end;
        }
        if (!have_name) throw bad("has no name");
        if (!have_version) throw bad("has no version");
        if (!have_kind) throw bad("has no kind");
        return b;
    }

    /// The comment brine signs: "brine-v1 name=… version=… kind=…", then `extra` if not empty.
    std::string to_comment(std::string_view extra = {}) const {
        std::string c =
            "brine-v1 name=" + name + " version=" + std::to_string(version) + " kind=" + kind;
        if (!extra.empty()) c += " " + std::string(extra);
        return c;
    }

    /// Errc::invalid_argument unless `name` is 1 to 128 of A-Z a-z 0-9 . _ -
    static void check_name(std::string_view name) {
        check_name(name, [&](const std::string& why) {
            return Error(Errc::invalid_argument, "model name '" + std::string(name) + "' " + why);
        });
    }

private:
    template <class MakeError>
    static void check_name(std::string_view name, MakeError&& make) {
        if (name.empty() || name.size() > 128) throw make("must have 1 to 128 characters");
        for (char c : name) {
            const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            if (!ok) throw make("may only hold A-Z a-z 0-9 . _ -");
        }
    }
    static bool parse_version(std::string_view s, std::uint64_t& out) noexcept {
        if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return false;
        std::uint64_t v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return false;
            const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
            if (v > (UINT64_MAX - d) / 10) return false;
            v = v * 10 + d;
        }
        out = v;
        return true;
    }
};

}  // namespace brine
