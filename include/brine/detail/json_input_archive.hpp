// brine::JsonInputArchive: the cereal input archive reading untrusted JSON documents strictly.
// SPDX-License-Identifier: MIT
#pragma once

// Part of brine/serialization/json_archive.hpp, which documents the format; include that header.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <cereal/cereal.hpp>

#include "brine/detail/json_dom.hpp"
#include "brine/detail/json_number.hpp"
#include "brine/detail/rapidjson.hpp"
#include "brine/error.hpp"
#include "brine/serialization/archive.hpp"

namespace brine {

/// Reads one JSON document written by JsonOutputArchive (or by hand, or by another language),
/// treating it as untrusted: the whole text is parsed and checked against `limits` in the
/// constructor, in one pass and without recursion, before any value is handed to a serializer.
///
/// The constructor throws brine::Error: Errc::truncated when the text ends inside the document
/// (an unclosed object, array or string, a cut literal or number); Errc::malformed for any other
/// syntax error ("invalid JSON: … at byte 17"), invalid UTF-8, a duplicate key, trailing bytes, a
/// top level that is not an object, and for empty input (no document at all); Errc::limit_exceeded
/// when the text, the nesting, a string or an array is over `limits`.
///
/// Besides cereal's interface it offers brine's archive contract (serialization/archive.hpp):
/// `limits()`, `check_array()`, `fail()`, plus `set_allow_unknown_fields()` and `finish()`.
class JsonInputArchive : public cereal::InputArchive<JsonInputArchive>,
                         public cereal::traits::TextArchive {
public:
    /// Parses `text`; it need not outlive the archive (strings are copied into the DOM).
    JsonInputArchive(std::string_view text, const Limits& limits)
        : cereal::InputArchive<JsonInputArchive>(this), limits_(limits) {
        detail::parse_strict_json(text, limits_, document_);
        if (!document_.IsObject()) {
            throw Error(Errc::malformed,
                        std::string("expected an object at $, got ") + type_name(document_));
        }
        push_frame(document_, Step{});
    }

    JsonInputArchive(const JsonInputArchive&) = delete;
    JsonInputArchive& operator=(const JsonInputArchive&) = delete;

    /// The limits in force.
    const Limits& limits() const noexcept { return limits_; }

    /// The schema version of every tree_ensemble read so far, in order (the binary re-encoding
    /// behind the document's checksum writes each at its version).
    std::vector<std::uint32_t>& ensemble_schemas() noexcept { return ensemble_schemas_; }

    /// Whether members no serializer reads are accepted (a file written by a newer minor format
    /// version may add fields). Off by default: an unread member is Errc::malformed.
    void set_allow_unknown_fields(bool allow) noexcept { allow_unknown_ = allow; }

    /// Checks the top-level object for members nobody read; call after the last value. (A class
    /// loaded unnamed at the top level, `ar(model)`, checks it by itself.)
    void finish() {
        if (frames_.size() != 1) fail(Errc::invalid_argument, "finish() inside an open object");
        check_unknown(1);
    }

    /// Called before allocating `count` entries of `elem_size` bytes that the member `name` of the
    /// current object will fill: throws Errc::limit_exceeded when count > limits().max_elements,
    /// and Errc::malformed unless that member exists and is an array of exactly `count` entries.
    void check_array(std::uint64_t count, std::size_t elem_size, const char* name) {
        std::uint64_t bytes = 0;
        if (count > limits_.max_elements || detail::mul_overflows(count, elem_size, bytes)) {
            fail(Errc::limit_exceeded,
                 "'" + std::string(name) + "' has " + std::to_string(count) +
                     " entries, more than the limit of " + std::to_string(limits_.max_elements),
                 [&](Error& e) { e.with_limit(limits_.max_elements, "max_elements"); });
        }
        const Frame& frame = frames_.back();
        if (!frame.node->IsObject()) {
            fail_with(Errc::malformed, "expected an object",
                      std::string(", got ") + type_name(*frame.node));
        }
        const detail::rj::SizeType index = find_member(frames_.back(), name, std::strlen(name));
        if (index == kNotFound) fail(Errc::malformed, "missing field '" + std::string(name) + "'");
        const auto& member = frame.node->MemberBegin()[index];
        Step step;
        step.key = member.name.GetString();
        step.key_length = member.name.GetStringLength();
        if (!member.value.IsArray()) {
            fail_at(step, Errc::malformed, "expected an array",
                    std::string(", got ") + type_name(member.value));
        }
        if (member.value.Size() != count) {
            fail_at(step, Errc::malformed, "expected " + std::to_string(count) + " entries",
                    ", got " + std::to_string(member.value.Size()));
        }
    }

    /// Throws brine::Error(code, detail + " at " + JSON path of the current object or array).
    [[noreturn]] BRINE_COLD void fail(Errc code, const std::string& detail) const {
        throw Error(code, detail + " at " + path()).with_json_path(path());
    }
    /// fail(code, detail) with more of the error's fields, set by `fields(Error&)` (the limit or
    /// the versions involved).
    template <class Fields>
    [[noreturn]] void fail(Errc code, const std::string& detail, Fields&& fields) const {
        Error e(code, detail + " at " + path());
        e.with_json_path(path());
        fields(e);
        throw e;
    }

    /// \name cereal glue, called by the prologue/epilogue and load functions below.
    ///@{
    void set_next_name(const char* name) noexcept { next_name_ = name; }

    void start_node() {
        if (frames_.size() == 1 && next_name_ == nullptr && !root_merged_) {
            root_merged_ = true;  // an unnamed class at the top level is the top-level object
            pushed_.push_back(false);
            return;
        }
        Step step;
        const detail::rj::Value& value = next_value(step);
        if (!value.IsObject() && !value.IsArray()) {
            fail_at(step, Errc::malformed, "expected an object or array",
                    std::string(", got ") + type_name(value));
        }
        push_frame(value, step);
        pushed_.push_back(true);
    }

    void finish_node() {
        const bool pushed = pushed_.back();
        pushed_.pop_back();
        if (!pushed) {
            check_unknown(1);
            return;
        }
        const Frame& frame = frames_.back();
        if (frame.node->IsObject()) {
            check_unknown(frames_.size());
        } else if (frame.next != frame.node->Size()) {
            fail(Errc::malformed,
                 std::to_string(frame.node->Size() - frame.next) + " array elements were not read");
        }
        seen_.resize(frame.seen_begin);
        frames_.pop_back();
    }

    void load_size(std::uint64_t& size) {
        const Frame& frame = frames_.back();
        if (!frame.node->IsArray()) {
            fail_with(Errc::malformed, "expected an array",
                      std::string(", got ") + type_name(*frame.node));
        }
        size = frame.node->Size();
    }

    template <class T>
    void load_value(T& out) {
        static_assert(!std::is_same_v<T, long double>, "brine: long double is not supported");
        Step step;
        const detail::rj::Value& value = next_value(step);
        convert(value, out, step);
    }

    void load_string(std::string& out) {
        Step step;
        const detail::rj::Value& value = next_value(step);
        if (!value.IsString()) {
            fail_at(step, Errc::malformed, "expected a string",
                    std::string(", got ") + type_name(value));
        }
        out.assign(value.GetString(), value.GetStringLength());
    }

    template <class T>
    void load_array(T* data, std::size_t size) {
        Step step;
        const detail::rj::Value& value = next_value(step);
        if (!value.IsArray()) {
            fail_at(step, Errc::malformed, "expected an array",
                    std::string(", got ") + type_name(value));
        }
        if (value.Size() != size) {
            fail_at(step, Errc::malformed, "expected " + std::to_string(size) + " entries",
                    ", got " + std::to_string(value.Size()));
        }
        const detail::rj::Value* element = value.Begin();
        for (std::size_t i = 0; i < size; ++i, ++element) {
            if constexpr (std::is_same_v<T, double>) {
                // The common case first: a plain double needs no further checks.
                if (element->IsDouble()) {
                    data[i] = element->GetDouble();
                    continue;
                }
            }
            Step element_step = step;
            element_step.has_element = true;
            element_step.element = i;
            convert(*element, data[i], element_step);
        }
    }
    ///@}

private:
    static constexpr detail::rj::SizeType kNotFound =
        std::numeric_limits<detail::rj::SizeType>::max();

    /// Where a value sits: a member of the current object (key) or an element of the current
    /// array (index); `has_element` adds an element of the array found there (`.data[3]`).
    struct Step {
        const char* key = nullptr;
        std::size_t key_length = 0;
        std::uint64_t index = 0;
        bool has_element = false;
        std::uint64_t element = 0;
    };

    struct Frame {
        const detail::rj::Value* node;  // an object or an array
        Step step;                      // where node sits in its parent
        detail::rj::SizeType next;  // arrays: next element to read; objects: where to look first
        std::size_t seen_begin;     // objects: the members' read flags in seen_
    };

    static const char* type_name(const detail::rj::Value& value) noexcept {
        switch (value.GetType()) {
            case detail::rj::kNullType: return "null";
            case detail::rj::kFalseType:
            case detail::rj::kTrueType: return "boolean";
            case detail::rj::kObjectType: return "object";
            case detail::rj::kArrayType: return "array";
            case detail::rj::kStringType: return "string";
            case detail::rj::kNumberType: return "number";
        }
        return "unknown";
    }

    void push_frame(const detail::rj::Value& node, const Step& step) {
        frames_.push_back(Frame{&node, step, 0, seen_.size()});
        if (node.IsObject()) seen_.resize(seen_.size() + node.MemberCount(), 0);
    }

    /// The JSON path of the innermost open object or array, or of the first `depth` frames.
    std::string path(std::size_t depth = std::numeric_limits<std::size_t>::max()) const {
        std::string out = "$";
        for (std::size_t i = 1; i < frames_.size() && i < depth; ++i) {
            append_step(out, frames_[i].step);
        }
        return out;
    }

    static void append_step(std::string& out, const Step& step) {
        if (step.key != nullptr) {
            detail::append_path_key(out, step.key, step.key_length);
        } else {
            detail::append_path_index(out, step.index);
        }
        if (step.has_element) detail::append_path_index(out, step.element);
    }

    /// Throws "<detail> at <path><tail>" for the innermost open object or array.
    [[noreturn]] BRINE_COLD void fail_with(Errc code, const std::string& detail,
                                           const std::string& tail) const {
        throw Error(code, detail + " at " + path() + tail).with_json_path(path());
    }

    /// Throws "<detail> at <path of step><tail>", e.g. "expected a number at $.x, got string".
    [[noreturn]] BRINE_COLD void fail_at(const Step& step, Errc code, const std::string& detail,
                                         const std::string& tail = {}) const {
        std::string where = path();
        append_step(where, step);
        throw Error(code, detail + " at " + where + tail).with_json_path(where);
    }

    detail::rj::SizeType find_member(const Frame& frame, const char* name,
                                     std::size_t length) const {
        const detail::rj::SizeType count = frame.node->MemberCount();
        const auto members = frame.node->MemberBegin();
        // Serializers read fields in the order they were written, so the member after the last
        // one found is nearly always the one wanted.
        for (detail::rj::SizeType k = 0; k < count; ++k) {
            detail::rj::SizeType i = frame.next + k;
            if (i >= count) i -= count;
            const detail::rj::Value& key = members[i].name;
            if (key.GetStringLength() == length &&
                std::memcmp(key.GetString(), name, length) == 0) {
                return i;
            }
        }
        return kNotFound;
    }

    const detail::rj::Value& next_value(Step& step) {
        Frame& frame = frames_.back();
        const char* name = next_name_;
        next_name_ = nullptr;
        if (frame.node->IsObject()) {
            if (name == nullptr) {
                fail(Errc::invalid_argument,
                     "unnamed value inside a JSON object (wrap it in cereal::make_nvp)");
            }
            const std::size_t length = std::strlen(name);
            const detail::rj::SizeType index = find_member(frame, name, length);
            if (index == kNotFound)
                fail(Errc::malformed, "missing field '" + std::string(name) + "'");
            seen_[frame.seen_begin + index] = 1;
            frame.next = index + 1 < frame.node->MemberCount() ? index + 1 : 0;
            const auto& member = frame.node->MemberBegin()[index];
            step = Step{};
            step.key = member.name.GetString();
            step.key_length = member.name.GetStringLength();
            return member.value;
        }
        if (name != nullptr) {
            fail_with(Errc::malformed, "expected an object",
                      ", got array (reading field '" + std::string(name) + "')");
        }
        if (frame.next >= frame.node->Size()) {
            fail(Errc::malformed,
                 "array has only " + std::to_string(frame.node->Size()) + " elements");
        }
        step = Step{};
        step.index = frame.next;
        return frame.node->Begin()[frame.next++];
    }

    // Reports the first member of frames_[depth - 1] that no serializer read.
    void check_unknown(std::size_t depth) const {
        if (allow_unknown_) return;
        const Frame& frame = frames_[depth - 1];
        const detail::rj::SizeType count = frame.node->MemberCount();
        for (detail::rj::SizeType i = 0; i < count; ++i) {
            if (seen_[frame.seen_begin + i] == 0) {
                const detail::rj::Value& key = frame.node->MemberBegin()[i].name;
                throw Error(Errc::malformed, "unknown field " +
                                                 detail::quoted(std::string_view(
                                                     key.GetString(), key.GetStringLength())) +
                                                 " at " + path(depth));
            }
        }
    }

    // Doubles accept any JSON number and the strings "NaN", "Infinity", "-Infinity".
    void convert(const detail::rj::Value& value, double& out, const Step& step) const {
        if (value.IsNumber()) {
            out = value.GetDouble();
            return;
        }
        if (value.IsString()) {
            const std::string_view text(value.GetString(), value.GetStringLength());
            if (text == "NaN") {
                out = std::numeric_limits<double>::quiet_NaN();
                return;
            }
            if (text == "Infinity" || text == "-Infinity") {
                out = text[0] == '-' ? -std::numeric_limits<double>::infinity()
                                     : std::numeric_limits<double>::infinity();
                return;
            }
        }
        fail_at(step, Errc::malformed, "expected a number",
                std::string(", got ") + type_name(value));
    }

    void convert(const detail::rj::Value& value, float& out, const Step& step) const {
        double wide = 0.0;
        convert(value, wide, step);
        if (std::isfinite(wide) && std::abs(wide) > std::numeric_limits<float>::max()) {
            fail_at(step, Errc::malformed, "number out of range for float");
        }
        out = static_cast<float>(wide);
    }

    void convert(const detail::rj::Value& value, bool& out, const Step& step) const {
        if (!value.IsBool()) {
            fail_at(step, Errc::malformed, "expected a boolean",
                    std::string(", got ") + type_name(value));
        }
        out = value.GetBool();
    }

    template <class Int, std::enable_if_t<std::is_integral_v<Int>, int> = 0>
    void convert(const detail::rj::Value& value, Int& out, const Step& step) const {
        // One body for every integer type (convert_integer), here only the range.
        if constexpr (std::is_signed_v<Int>) {
            out = static_cast<Int>(static_cast<std::int64_t>(convert_integer(
                value, step, true, static_cast<std::uint64_t>(std::numeric_limits<Int>::max()),
                integer_type_name<Int>())));
        } else {
            out = static_cast<Int>(convert_integer(
                value, step, false, static_cast<std::uint64_t>(std::numeric_limits<Int>::max()),
                integer_type_name<Int>()));
        }
    }

    /// The integer in `value`, within [-max - 1, max] if `is_signed` (returned as its two's
    /// complement bits), else within [0, max]; `type` names the type in messages.
    std::uint64_t convert_integer(const detail::rj::Value& value, const Step& step, bool is_signed,
                                  std::uint64_t max, const char* type) const {
        if (!value.IsNumber()) {
            fail_at(step, Errc::malformed, "expected an integer",
                    std::string(", got ") + type_name(value));
        }
        if (value.IsDouble()) {
            // Integers are written without fraction or exponent; RapidJSON also keeps integers
            // beyond 64 bits as doubles, which no integer type can hold.
            const double d = value.GetDouble();
            char buffer[detail::kNumberBufferSize];
            const std::string text(buffer, detail::format_double(d, buffer));
            if (d == std::trunc(d) && std::abs(d) >= 9223372036854775808.0) {
                fail_at(step, Errc::malformed, "integer " + text + " out of range for " + type);
            }
            fail_at(step, Errc::malformed, "expected an integer", ", got " + text);
        }
        if (is_signed) {
            if (value.IsInt64()) {
                const std::int64_t v = value.GetInt64();
                // The minimum of a signed type of `max` is -max - 1.
                if (v >= -static_cast<std::int64_t>(max) - 1 &&
                    (v < 0 || static_cast<std::uint64_t>(v) <= max)) {
                    return static_cast<std::uint64_t>(v);
                }
            }
        } else {
            if (value.IsUint64()) {
                const std::uint64_t v = value.GetUint64();
                if (v <= max) return v;
            }
        }
        char buffer[detail::kNumberBufferSize];
        const std::string text(buffer, value.IsUint64()
                                           ? detail::format_integer(value.GetUint64(), buffer)
                                           : detail::format_integer(value.GetInt64(), buffer));
        fail_at(step, Errc::malformed, "integer " + text + " out of range for " + type);
    }

    template <class Int>
    static const char* integer_type_name() noexcept {
        constexpr bool s = std::is_signed_v<Int>;
        switch (sizeof(Int)) {
            case 1: return s ? "int8" : "uint8";
            case 2: return s ? "int16" : "uint16";
            case 4: return s ? "int32" : "uint32";
            default: return s ? "int64" : "uint64";
        }
    }

    Limits limits_;
    std::vector<std::uint32_t> ensemble_schemas_;
    detail::rj::Document document_;  // MemoryPoolAllocator: destroyed without recursion
    std::vector<Frame> frames_;
    std::vector<unsigned char> seen_;  // per member of each open object: was it read
    std::vector<bool> pushed_;         // per open class node: whether it opened a frame
    const char* next_name_ = nullptr;
    bool root_merged_ = false;
    bool allow_unknown_ = false;
};

}  // namespace brine
