// Strict, bounded JSON parsing into a RapidJSON DOM for brine's JSON input archive.
// SPDX-License-Identifier: MIT
#pragma once

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
#include "brine/error.hpp"
#include "brine/serialization/archive.hpp"

namespace brine::detail {

/// Appends a JSON path step for an object member: `.name`.
inline void append_path_key(std::string& path, const char* key, std::size_t length) {
    path += '.';
    path.append(key, length);
}

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
            return fail(Errc::malformed, "number " + std::string(token) +
                                             " is out of range for a double at " + path());
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
            return fail(Errc::malformed, "key contains a NUL character at " + path(true));
        }
        if (frame.count >= limits_.max_elements) {
            return fail(Errc::limit_exceeded, "object has more than " +
                                                  std::to_string(limits_.max_elements) +
                                                  " members at " + path(true));
        }
        const std::string_view key(str, length);
        if (is_duplicate(frame, key)) {
            return fail(Errc::malformed,
                        "duplicate key '" + std::string(key) + "' at " + path(true));
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
    /// hostile object with a million keys costs linear, not quadratic, time.
    static constexpr std::uint64_t kLinearScanKeys = 32;

    struct Frame {
        bool is_object;
        std::uint64_t count;     // members (object) or elements (array) started so far
        std::size_t keys_begin;  // this object's keys in keys_
        std::unique_ptr<std::unordered_set<std::string_view>> index;
    };

    bool fail(Errc code, std::string detail) {
        error_ = std::make_unique<Error>(code, detail);
        return false;
    }

    // Every value (scalar or container) passes here first: counts array elements.
    bool on_value() {
        if (frames_.empty()) return true;
        Frame& frame = frames_.back();
        if (frame.is_object) return true;  // members are counted in Key()
        if (frame.count >= limits_.max_elements) {
            return fail(Errc::limit_exceeded, "array has more than " +
                                                  std::to_string(limits_.max_elements) +
                                                  " elements at " + path(true));
        }
        ++frame.count;
        return true;
    }

    bool check_string(const Ch* str, std::size_t length, const char* what, bool container) {
        if (length > limits_.max_string_length) {
            return fail(Errc::limit_exceeded, std::string(what) + " of " + std::to_string(length) +
                                                  " bytes exceeds the limit of " +
                                                  std::to_string(limits_.max_string_length) +
                                                  " at " + path(container));
        }
        // RapidJSON accepts a lone low-surrogate escape such as "\udc00" and stores its CESU-8
        // bytes, which are not UTF-8. Encoded surrogates, and only they, start with ED A0..ED BF.
        const char* end = str + length;
        for (const char* p = str; p < end; ++p) {
            p = static_cast<const char*>(std::memchr(p, '\xED', static_cast<std::size_t>(end - p)));
            if (p == nullptr) break;
            if (p + 1 < end && static_cast<unsigned char>(p[1]) >= 0xA0) {
                return fail(Errc::malformed, std::string(what) +
                                                 " contains an unpaired UTF-16 surrogate at " +
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
            frame.index = std::make_unique<std::unordered_set<std::string_view>>();
            for (std::size_t i = frame.keys_begin; i < keys_.size(); ++i) {
                frame.index->insert(keys_[i]);
            }
        }
        return false;
    }

    bool push(bool is_object) {
        if (frames_.size() >= limits_.max_nesting) {
            return fail(
                Errc::limit_exceeded,
                "nesting deeper than " + std::to_string(limits_.max_nesting) + " at " + path());
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
/// `limits`. Throws brine::Error: Errc::malformed for syntax errors (with RapidJSON's message and
/// the byte offset), invalid UTF-8, duplicate keys, trailing bytes and empty input;
/// Errc::limit_exceeded for input size, nesting depth (max_nesting), string or key length
/// (max_string_length), or array elements or object members (max_elements) over the limits.
inline void parse_strict_json(std::string_view text, const Limits& limits, rj::Document& document) {
    // RapidJSON measures strings and arrays in 32-bit SizeType.
    constexpr std::uint64_t kMaxText = 0xFFFFFFF0u;
    if (text.size() > limits.max_file_bytes || text.size() > kMaxText) {
        throw Error(Errc::limit_exceeded,
                    "JSON document of " + std::to_string(text.size()) + " bytes is over the limit");
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
                                             std::to_string(result.Offset()));
        }
        std::string message = rj::GetParseError_En(result.Code());
        if (!message.empty() && message.back() == '.') message.pop_back();
        throw Error(Errc::malformed,
                    "invalid JSON: " + message + " at byte " + std::to_string(result.Offset()));
    }
    // The reader stops at a NUL byte as if the input ended there; anything after it is trailing.
    if (stream.Tell() != text.size()) {
        throw Error(Errc::malformed, "trailing characters after the JSON document at byte " +
                                         std::to_string(stream.Tell()));
    }
}

}  // namespace brine::detail
