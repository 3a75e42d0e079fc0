// The text writer behind brine's JSON output archive: layout, escaping, numbers, paths.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "brine/detail/json_dom.hpp"
#include "brine/detail/json_number.hpp"
#include "brine/detail/text.hpp"
#include "brine/error.hpp"

namespace brine::detail {

/// Writes one JSON document: an object at the top, objects one member per line indented by two
/// spaces, arrays whose first element is a number, string, boolean or null on one line, other
/// arrays one element per line. Containers open lazily, so a node becomes an array or an object
/// by what is written into it first (cereal's model: a size tag makes a node an array).
class JsonWriter {
public:
    JsonWriter() {
        out_ += '{';
        frames_.push_back(Frame{Kind::object, false, 0, {}});
    }

    /// Number of open containers, the top-level object included.
    std::size_t depth() const noexcept { return frames_.size(); }

    /// Members or elements written so far into the innermost container.
    std::uint64_t count() const noexcept { return frames_.back().count; }

    /// Starts a value in the innermost container: separator, indentation and, inside an object,
    /// `"name": `. `name` must be given inside objects and null inside arrays. `container` tells
    /// whether the value is an object or array (it decides the layout of the enclosing array).
    void begin_value(const char* name, bool container) {
        Frame& frame = frames_.back();
        if (frame.kind == Kind::pending) open(frame, Kind::object);
        if (frame.kind == Kind::object) {
            if (name == nullptr) {
                fail("unnamed value inside a JSON object (wrap it in cereal::make_nvp)");
            }
            out_ += frame.count == 0 ? "\n" : ",\n";
            indent(frames_.size());
            write_string(name, std::strlen(name), "field name");
            out_ += ": ";
        } else {
            if (name != nullptr) {
                fail(std::string("named value '") + name + "' inside a JSON array");
            }
            if (frame.count == 0) frame.multiline = container;
            if (frame.multiline) {
                out_ += frame.count == 0 ? "\n" : ",\n";
                indent(frames_.size());
            } else if (frame.count != 0) {
                out_ += ", ";
            }
        }
        if (container && name != nullptr) frame.step = name;  // only containers appear in paths
        ++frame.count;
    }

    /// Opens a node whose kind is decided by what is written into it; call after begin_value.
    void push_node() { frames_.push_back(Frame{Kind::pending, false, 0, {}}); }

    /// Makes the innermost, still empty node an array.
    void make_array() {
        Frame& frame = frames_.back();
        if (frame.kind == Kind::array) return;
        if (frame.kind != Kind::pending || frames_.size() == 1) {
            fail("a size tag (sequence) where a JSON object has already started");
        }
        open(frame, Kind::array);
    }

    /// Closes the innermost node; an empty node that never became an array is `{}`.
    void pop_node() {
        Frame& frame = frames_.back();
        if (frame.kind == Kind::pending) open(frame, Kind::object);
        close(frame);
        frames_.pop_back();
    }

    /// Closes the top-level object and hands over the document, ending in a newline.
    std::string finish() {
        if (frames_.size() != 1) fail("finish() with a JSON object or array still open");
        close(frames_.back());
        frames_.clear();
        out_ += '\n';
        return std::move(out_);
    }

    void write_null() { out_ += "null"; }
    void write_bool(bool value) { out_ += value ? "true" : "false"; }

    template <class Int>
    void write_integer(Int value) {
        char buffer[kNumberBufferSize];
        out_.append(buffer, format_integer(value, buffer));
    }

    /// Finite doubles as numbers that read back bit-exactly; NaN and ±infinity, which standard
    /// JSON cannot express, as the strings "NaN", "Infinity" and "-Infinity".
    void write_double(double value) {
        char buffer[kNumberBufferSize];
        out_.append(buffer, format_double_token(value, buffer));
    }

    /// Writes `size` values as one JSON array on one line, `[1.0, 2.5]`; for large arrays this is
    /// the hot path, so tokens go to a stack buffer and reach the string in large blocks.
    template <class T>
    void write_array(const T* data, std::size_t size) {
        // One allocation for a large array instead of repeated doubling; geometric, so that many
        // small arrays never reallocate once each.
        const std::size_t estimate = out_.size() + size * (std::is_floating_point_v<T> ? 22 : 8);
        if (estimate > out_.capacity()) out_.reserve(std::max(estimate, 2 * out_.capacity()));
        out_ += '[';
        constexpr std::size_t kBlock = 8192;
        char block[kBlock];
        std::size_t used = 0;
        for (std::size_t i = 0; i < size; ++i) {
            if (used > kBlock - kNumberBufferSize - 2) {
                out_.append(block, used);
                used = 0;
            }
            if (i != 0) {
                block[used++] = ',';
                block[used++] = ' ';
            }
            char* end;
            if constexpr (std::is_floating_point_v<T>) {
                end = format_double_token(static_cast<double>(data[i]), block + used);
            } else {
                end = format_integer(data[i], block + used);
            }
            used = static_cast<std::size_t>(end - block);
        }
        out_.append(block, used);
        out_ += ']';
    }

    /// A JSON string; `what` names the value in the error thrown when it is not valid UTF-8.
    void write_string(const char* data, std::size_t size, const char* what = "string") {
        static const char hex[] = "0123456789abcdef";
        const auto* s = reinterpret_cast<const unsigned char*>(data);
        out_ += '"';
        std::size_t plain = 0;  // start of the run of bytes that need no escaping
        for (std::size_t i = 0; i < size;) {
            const unsigned char c = s[i];
            if (c >= 0x80) {
                const std::size_t length = utf8_sequence_length(s + i, size - i);
                if (length == 0) {
                    fail(std::string(what) + " is not valid UTF-8 (byte " + std::to_string(i) +
                         ")");
                }
                i += length;
                continue;
            }
            if (c >= 0x20 && c != '"' && c != '\\') {
                ++i;
                continue;
            }
            out_.append(data + plain, i - plain);
            switch (c) {
                case '"': out_ += "\\\""; break;
                case '\\': out_ += "\\\\"; break;
                case '\n': out_ += "\\n"; break;
                case '\r': out_ += "\\r"; break;
                case '\t': out_ += "\\t"; break;
                case '\b': out_ += "\\b"; break;
                case '\f': out_ += "\\f"; break;
                default:
                    out_ += "\\u00";
                    out_ += hex[c >> 4];
                    out_ += hex[c & 0xF];
            }
            plain = ++i;
        }
        out_.append(data + plain, size - plain);
        out_ += '"';
    }

    /// The JSON path of the innermost container, e.g. "$.payload.steps[2]".
    std::string path() const {
        std::string out = "$";
        for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
            const Frame& frame = frames_[i];
            if (frame.kind == Kind::object) {
                append_path_key(out, frame.step.data(), frame.step.size());
            } else {
                append_path_index(out, frame.count - 1);
            }
        }
        return out;
    }

    /// Throws Errc::invalid_argument with the current path appended.
    [[noreturn]] BRINE_COLD void fail(const std::string& detail) const {
        throw Error(Errc::invalid_argument, detail + " at " + path());
    }

private:
    enum class Kind { pending, object, array };

    struct Frame {
        Kind kind;
        bool multiline;  // arrays: one element per line
        std::uint64_t count;
        std::string step;  // objects: name of the member being written (for paths)
    };

    static char* format_double_token(double value, char* buffer) noexcept {
        if (std::isfinite(value)) return format_double(value, buffer);
        const char* text = std::isnan(value) ? "\"NaN\""
                           : value > 0       ? "\"Infinity\""
                                             : "\"-Infinity\"";
        const std::size_t length = std::strlen(text);
        std::memcpy(buffer, text, length);
        return buffer + length;
    }

    void open(Frame& frame, Kind kind) {
        frame.kind = kind;
        out_ += kind == Kind::array ? '[' : '{';
    }

    void close(const Frame& frame) {
        const bool own_lines = frame.kind == Kind::object || frame.multiline;
        if (own_lines && frame.count != 0) {
            out_ += '\n';
            indent(frames_.size() - 1);
        }
        out_ += frame.kind == Kind::array ? ']' : '}';
    }

    void indent(std::size_t level) { out_.append(2 * level, ' '); }

    std::string out_;
    std::vector<Frame> frames_;
};

}  // namespace brine::detail
