// Strict, bounded JSON parsing into a RapidJSON DOM for brine's JSON input archive.
// SPDX-License-Identifier: MIT
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "brine/detail/json_number.hpp"
#include "brine/detail/rapidjson.hpp"
#include "brine/detail/text.hpp"
#include "brine/error.hpp"
#include "brine/serialization/archive.hpp"

namespace brine::detail {

/// Appends a JSON path step for an object member: `.name`, the name escaped and cut as
/// append_escaped does (a key comes from the file).
inline void append_path_key(std::string& path, const char* key, std::size_t length) {
    path += '.';
    append_escaped(path, std::string_view(key, length), '\0');
}

/// SipHash-2-4 (Aumasson and Bernstein, 2012) of `data` under the 128-bit key `k`: a keyed hash
/// whose collisions cannot be found without the key.
inline std::uint64_t siphash24(const std::array<std::uint64_t, 2>& k, const void* data,
                               std::size_t n) noexcept {
    const auto rotl = [](std::uint64_t x, int b) { return x << b | x >> (64 - b); };
    std::uint64_t v0 = k[0] ^ 0x736f6d6570736575u, v1 = k[1] ^ 0x646f72616e646f6du;
    std::uint64_t v2 = k[0] ^ 0x6c7967656e657261u, v3 = k[1] ^ 0x7465646279746573u;
    const auto sip_round = [&] {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    };
    const auto* p = static_cast<const unsigned char*>(data);
    const auto word = [](const unsigned char* q, std::size_t len) {
        std::uint64_t m = 0;
        for (std::size_t i = 0; i < len; ++i) m |= std::uint64_t{q[i]} << (8 * i);
        return m;
    };
    const std::size_t whole = n & ~std::size_t{7};
    for (std::size_t i = 0; i < whole; i += 8) {
        const std::uint64_t m = word(p + i, 8);
        v3 ^= m;
        sip_round();
        sip_round();
        v0 ^= m;
    }
    const std::uint64_t last = word(p + whole, n & 7) | static_cast<std::uint64_t>(n) << 56;
    v3 ^= last;
    sip_round();
    sip_round();
    v0 ^= last;
    v2 ^= 0xff;
    for (int i = 0; i < 4; ++i) sip_round();
    return v0 ^ v1 ^ v2 ^ v3;
}

/// The process's key for hashing JSON object keys, drawn once from /dev/urandom (mixed with the
/// clock, the process id and an address, in case the device is unavailable): a document cannot be
/// built in advance to make the keys of one object collide. (Read directly rather than through
/// std::random_device, whose <random> would cost every program that includes the JSON reader.)
inline const std::array<std::uint64_t, 2>& json_key_hash_seed() {
    static const std::array<std::uint64_t, 2> seed = [] {
        std::array<std::uint64_t, 2> k{};
        const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {  // no entropy source: the fallbacks below still differ per process
            unsigned char* at = reinterpret_cast<unsigned char*>(k.data());
            std::size_t left = sizeof k;
            while (left > 0) {
                const ::ssize_t n = ::read(fd, at, left);
                if (n <= 0) break;
                at += n;
                left -= static_cast<std::size_t>(n);
            }
            ::close(fd);
        }
        const std::uint64_t now =
            static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
        const std::uint64_t extra[3] = {now, static_cast<std::uint64_t>(::getpid()),
                                        reinterpret_cast<std::uintptr_t>(&k)};
        k[0] ^= siphash24({k[1], now}, extra, sizeof extra);
        k[1] ^= siphash24({k[0], ~now}, extra, sizeof extra);
        return k;
    }();
    return seed;
}

/// Hash of a JSON object key for the duplicate check: SipHash-2-4 under the process's random key.
/// Deliberately not noexcept: libstdc++ then stores each key's hash in the set, so a lookup
/// compares strings only on equal 64-bit hashes and never rehashes a key to walk a bucket.
struct JsonKeyHash {
    std::size_t operator()(std::string_view key) const {
        return static_cast<std::size_t>(siphash24(json_key_hash_seed(), key.data(), key.size()));
    }
};

/// Appends a JSON path step for an array element: `[index]`.
inline void append_path_index(std::string& path, std::uint64_t index) {
    char buffer[kNumberBufferSize];
    path += '[';
    path.append(buffer, format_integer(index, buffer));
    path += ']';
}

/// RapidJSON SAX handler that builds a Document (through Document::Populate) while enforcing
/// brine's rules for untrusted input: nesting depth, duplicate keys, string and array lengths,
/// keys without NUL characters, no unpaired surrogates, and exact number conversion. A violation
/// is recorded as a brine::Error and stops the parser (the handler returns false, so no exception
/// crosses RapidJSON's code).
class StrictJsonHandler {
public:
    using Ch = char;

    StrictJsonHandler(rj::Document& document, const Limits& limits)
        : document_(document), limits_(limits) {}

    /// The violation that stopped parsing, if any.
    const std::unique_ptr<Error>& error() const noexcept { return error_; }

    bool Null() { return on_value() && document_.Null(); }
    bool Bool(bool b) { return on_value() && document_.Bool(b); }
    bool Int(int i) { return on_value() && document_.Int(i); }
    bool Uint(unsigned u) { return on_value() && document_.Uint(u); }
    bool Int64(std::int64_t i) { return on_value() && document_.Int64(i); }
    bool Uint64(std::uint64_t u) { return on_value() && document_.Uint64(u); }
    bool Double(double d) { return on_value() && document_.Double(d); }

    // Numbers arrive as text (kParseNumbersAsStringsFlag) and are converted here: RapidJSON
    // 1.1.0's own conversion overflows a signed int on inputs like "1e-2147483639" (undefined
    // behaviour), and std::from_chars is correctly rounded and faster.
    bool RawNumber(const Ch* str, rj::SizeType length, bool /*copy*/) {
        if (!on_value()) return false;
        const std::string_view token(str, length);
        const bool integer = token.find_first_of(".eE") == std::string_view::npos;
        if (integer) {
            if (token[0] == '-') {
                std::int64_t value = 0;
                const auto result = std::from_chars(str, str + length, value);
                if (result.ec == std::errc() && result.ptr == str + length) {
                    return document_.Int64(value);
                }
            } else {
                std::uint64_t value = 0;
                const auto result = std::from_chars(str, str + length, value);
                if (result.ec == std::errc() && result.ptr == str + length) {
                    return document_.Uint64(value);
                }
            }
            // An integer beyond 64 bits is kept as a double: a double field may use it, an
            // integer field reports it out of range.
        }
        double value = 0.0;
        if (!parse_double(token, value)) {
            return fail_at(Errc::malformed,
                           "number " + escaped(token) + " is out of range for a double", path());
        }
        return document_.Double(value);
    }

    bool String(const Ch* str, rj::SizeType length, bool /*copy*/) {
        return on_value() && check_string(str, length, "string", false) &&
               document_.String(str, length, true);
    }

    bool StartObject() { return on_value() && push(true) && document_.StartObject(); }

    bool Key(const Ch* str, rj::SizeType length, bool /*copy*/) {
        Frame& frame = frames_.back();
        if (!check_string(str, length, "key", true)) return false;
        if (std::memchr(str, '\0', length) != nullptr) {
            return fail_at(Errc::malformed, "key contains a NUL character", path(true));
        }
        if (frame.count >= limits_.max_elements) {
            return fail_at(
                Errc::limit_exceeded,
                "object has more than " + std::to_string(limits_.max_elements) + " members",
                path(true), limits_.max_elements, "max_elements");
        }
        const std::string_view key(str, length);
        if (is_duplicate(frame, key)) {
            return fail_at(Errc::malformed, "duplicate key " + ::brine::detail::quoted(key),
                           path(true));
        }
        keys_.emplace_back(key);
        ++frame.count;
        if (frame.index) frame.index->insert(keys_.back());
        return document_.Key(str, length, true);
    }

    bool EndObject(rj::SizeType member_count) {
        pop();
        return document_.EndObject(member_count);
    }

    bool StartArray() { return on_value() && push(false) && document_.StartArray(); }

    bool EndArray(rj::SizeType element_count) {
        pop();
        return document_.EndArray(element_count);
    }

    /// The JSON path of the value being parsed, e.g. "$.payload.steps[3]"; without its last
    /// step (the path of the innermost open object or array) when `container` is true.
    std::string path(bool container = false) const {
        std::string out = "$";
        const std::size_t steps =
            container && !frames_.empty() ? frames_.size() - 1 : frames_.size();
        for (std::size_t i = 0; i < steps; ++i) {
            const Frame& frame = frames_[i];
            if (frame.count == 0) continue;
            if (frame.is_object) {
                const std::string& key = keys_[frame.keys_begin + frame.count - 1];
                append_path_key(out, key.data(), key.size());
            } else {
                append_path_index(out, frame.count - 1);
            }
        }
        return out;
    }

private:
    /// Objects with more members than this get a hash index for the duplicate check, so a
    /// hostile object with a million keys costs linear, not quadratic, time. The index hashes
    /// with a keyed hash under a per-process random key (JsonKeyHash): with a fixed, public hash
    /// a document could hold keys that all collide and make each lookup scan all the others.
    static constexpr std::uint64_t kLinearScanKeys = 32;

    using KeyIndex = std::unordered_set<std::string_view, JsonKeyHash>;

    struct Frame {
        bool is_object;
        std::uint64_t count;     // members (object) or elements (array) started so far
        std::size_t keys_begin;  // this object's keys in keys_
        std::unique_ptr<KeyIndex> index;
    };

    /// fail(code, "<what> at <where>"), with `where` as the error's JSON path and, for a limit,
    /// the limit's value and name.
    bool fail_at(Errc code, const std::string& what, const std::string& where,
                 std::uint64_t limit = 0, const char* limit_name = nullptr) {
        error_ = std::make_unique<Error>(code, what + " at " + where);
        error_->with_json_path(where);
        if (limit_name != nullptr) error_->with_limit(limit, limit_name);
        return false;
    }

    // Every value (scalar or container) passes here first: counts array elements.
    bool on_value() {
        if (frames_.empty()) return true;
        Frame& frame = frames_.back();
        if (frame.is_object) return true;  // members are counted in Key()
        if (frame.count >= limits_.max_elements) {
            return fail_at(
                Errc::limit_exceeded,
                "array has more than " + std::to_string(limits_.max_elements) + " elements",
                path(true), limits_.max_elements, "max_elements");
        }
        ++frame.count;
        return true;
    }

    bool check_string(const Ch* str, std::size_t length, const char* what, bool container) {
        if (length > limits_.max_string_length) {
            return fail_at(Errc::limit_exceeded,
                           std::string(what) + " of " + std::to_string(length) +
                               " bytes exceeds the limit of " +
                               std::to_string(limits_.max_string_length),
                           path(container), limits_.max_string_length, "max_string_length");
        }
        // RapidJSON accepts a lone low-surrogate escape such as "\udc00" and stores its CESU-8
        // bytes, which are not UTF-8. Encoded surrogates, and only they, start with ED A0..ED BF.
        const char* end = str + length;
        for (const char* p = str; p < end; ++p) {
            p = static_cast<const char*>(std::memchr(p, '\xED', static_cast<std::size_t>(end - p)));
            if (p == nullptr) break;
            if (p + 1 < end && static_cast<unsigned char>(p[1]) >= 0xA0) {
                return fail_at(Errc::malformed,
                               std::string(what) + " contains an unpaired UTF-16 surrogate",
                               path(container));
            }
        }
        return true;
    }

    bool is_duplicate(Frame& frame, std::string_view key) {
        if (frame.index) return frame.index->count(key) != 0;
        for (std::size_t i = frame.keys_begin; i < keys_.size(); ++i) {
            if (keys_[i] == key) return true;
        }
        if (frame.count + 1 > kLinearScanKeys) {
            // keys_ is a deque: its strings never move, so views into them stay valid.
            frame.index = std::make_unique<KeyIndex>();
            for (std::size_t i = frame.keys_begin; i < keys_.size(); ++i) {
                frame.index->insert(keys_[i]);
            }
        }
        return false;
    }

    bool push(bool is_object) {
        if (frames_.size() >= limits_.max_nesting) {
            return fail_at(Errc::limit_exceeded,
                           "nesting deeper than " + std::to_string(limits_.max_nesting), path(),
                           limits_.max_nesting, "max_nesting");
        }
        frames_.push_back(Frame{is_object, 0, keys_.size(), nullptr});
        return true;
    }

    void pop() {
        keys_.resize(frames_.back().keys_begin);
        frames_.pop_back();
    }

    rj::Document& document_;
    const Limits& limits_;
    std::vector<Frame> frames_;
    std::deque<std::string> keys_;  // keys of every open object, innermost last
    std::unique_ptr<Error> error_;
};

/// Parses `text` as exactly one standard (RFC 8259) JSON document into `document`, enforcing
/// `limits`. Throws brine::Error: Errc::truncated when the text ends inside the document (an
/// unclosed object, array or string, a cut literal, number or escape: the parser needed more
/// bytes than there are); Errc::malformed for other syntax errors (with RapidJSON's message and
/// the byte offset), invalid UTF-8, duplicate keys, trailing bytes and empty input;
/// Errc::limit_exceeded for input size, nesting depth (max_nesting), string or key length
/// (max_string_length), or array elements or object members (max_elements) over the limits.
inline void parse_strict_json(std::string_view text, const Limits& limits, rj::Document& document) {
    // RapidJSON measures strings and arrays in 32-bit SizeType.
    constexpr std::uint64_t kMaxText = 0xFFFFFFF0u;
    if (text.size() > limits.max_file_bytes || text.size() > kMaxText) {
        const bool file_limit = text.size() > limits.max_file_bytes;
        throw Error(Errc::limit_exceeded,
                    "JSON document of " + std::to_string(text.size()) + " bytes is over the limit")
            .with_limit(file_limit ? limits.max_file_bytes : kMaxText,
                        file_limit ? "max_file_bytes" : "json_text_bytes");
    }
    // Iterative: no recursion, so nesting cannot exhaust the stack even before the depth check.
    // No kParseNanAndInfFlag: only standard JSON; non-finite doubles are written as strings.
    constexpr unsigned kFlags =
        rj::kParseIterativeFlag | rj::kParseValidateEncodingFlag | rj::kParseNumbersAsStringsFlag;
    rj::MemoryStream stream(text.data(), text.size());
    rj::Reader reader;
    StrictJsonHandler handler(document, limits);
    rj::ParseResult result;
    auto generator = [&](rj::Document&) {
        result = reader.Parse<kFlags>(stream, handler);
        return !result.IsError();
    };
    document.Populate(generator);
    if (handler.error()) throw *handler.error();
    if (result.IsError()) {
        if (result.Code() == rj::kParseErrorDocumentRootNotSingular) {
            throw Error(Errc::malformed, "trailing characters after the JSON document at byte " +
                                             std::to_string(result.Offset()))
                .with_byte_offset(result.Offset());
        }
        std::string message = rj::GetParseError_En(result.Code());
        if (!message.empty() && message.back() == '.') message.pop_back();
        // The reader consumed every byte and wanted more: the document was cut short. (A NUL
        // byte also stops the reader, but then bytes remain.) An empty document is malformed.
        if (stream.Tell() == text.size() && result.Code() != rj::kParseErrorDocumentEmpty) {
            throw Error(Errc::truncated, "the JSON document ends after " +
                                             std::to_string(text.size()) +
                                             " bytes, inside a value (" + message + " at byte " +
                                             std::to_string(result.Offset()) + ")")
                .with_byte_offset(result.Offset());
        }
        throw Error(Errc::malformed,
                    "invalid JSON: " + message + " at byte " + std::to_string(result.Offset()))
            .with_byte_offset(result.Offset());
    }
    // The reader stops at a NUL byte as if the input ended there; anything after it is trailing.
    if (stream.Tell() != text.size()) {
        throw Error(Errc::malformed, "trailing characters after the JSON document at byte " +
                                         std::to_string(stream.Tell()))
            .with_byte_offset(stream.Tell());
    }
}

}  // namespace brine::detail
