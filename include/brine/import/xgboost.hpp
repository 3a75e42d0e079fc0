// brine::import_xgboost: XGBoost's JSON and UBJSON model files (gbtree) into a brine::TreeEnsemble
// that predicts what XGBoost predicts. Not included by <brine/brine.hpp>.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "brine/detail/json_dom.hpp"
#include "brine/error.hpp"
#include "brine/io/file.hpp"
#include "brine/models/tree_ensemble.hpp"
#include "brine/serialization/archive.hpp"

namespace brine {

/// How to import an XGBoost model. The Limits (inherited, the same fields and defaults as
/// LoadOptions') bound what the file may make brine read and allocate: max_file_bytes the file,
/// max_json_bytes a JSON or UBJSON document (both are decoded into a document tree first),
/// max_elements one array or object, max_string_length one string or key, max_nesting the depth,
/// max_nodes one tree.
struct XGBoostOptions : Limits {
    /// Predict with the first best_iteration + 1 boosting rounds when the model's attributes hold
    /// `best_iteration` (set by early stopping), as XGBClassifier / XGBRegressor.predict do. When
    /// false, or when the attribute is absent, every tree is used (Booster.predict's default).
    bool use_best_iteration = true;
};

/// An imported XGBoost model and what the import read besides the trees.
struct XGBoostModel {
    TreeEnsemble ensemble;
    std::string objective;                   ///< e.g. "binary:logistic"
    std::string xgboost_version;             ///< the writer's version, e.g. "1.7.4"
    std::string encoding;                    ///< "json" or "ubjson"
    std::vector<std::string> feature_names;  ///< `learner.feature_names` (empty when absent)
    std::int64_t trees_in_file = 0;          ///< trees the file holds
    std::int64_t rounds_in_file = 0;         ///< boosting rounds the file holds
    std::int64_t rounds_used = 0;            ///< rounds in `ensemble` (best_iteration + 1 or all)
    std::optional<std::int64_t> best_iteration;  ///< the attribute, when present
};

namespace detail::xgb {

// ---- errors and paths
// ----------------------------------------------------------------------------

[[noreturn]] inline void fail(Errc code, const std::string& detail) {
    throw Error(code, "XGBoost model: " + detail);
}

inline std::string key_path(const std::string& path, const char* key) {
    std::string out = path;
    append_path_key(out, key, std::strlen(key));
    return out;
}

inline std::string index_path(const std::string& path, std::uint64_t i) {
    std::string out = path;
    append_path_index(out, i);
    return out;
}

inline const char* type_name(const rj::Value& v) {
    if (v.IsNull()) return "null";
    if (v.IsBool()) return "a boolean";
    if (v.IsNumber()) return "a number";
    if (v.IsString()) return "a string";
    if (v.IsArray()) return "an array";
    return "an object";
}

[[noreturn]] inline void wrong_type(const rj::Value& v, const std::string& path,
                                    const char* expected) {
    fail(Errc::malformed,
         std::string("expected ") + expected + " at " + path + ", found " + type_name(v));
}

inline const rj::Value& object_at(const rj::Value& v, const std::string& path) {
    if (!v.IsObject()) wrong_type(v, path, "an object");
    return v;
}

inline const rj::Value& array_at(const rj::Value& v, const std::string& path) {
    if (!v.IsArray()) wrong_type(v, path, "an array");
    return v;
}

inline const rj::Value* find(const rj::Value& object, const char* key) {
    const auto it = object.FindMember(key);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

/// The member `key` of the object at `path`; Errc::malformed naming it when absent.
inline const rj::Value& member(const rj::Value& object, const std::string& path, const char* key,
                               const char* expected) {
    const rj::Value* v = find(object, key);
    if (v == nullptr) {
        fail(Errc::malformed,
             "no member '" + std::string(key) + "' (" + expected + ") in the object at " + path);
    }
    return *v;
}

inline std::string string_at(const rj::Value& v, const std::string& path) {
    if (!v.IsString()) wrong_type(v, path, "a string");
    return std::string(v.GetString(), v.GetStringLength());
}

/// An integer in [lo, hi]. XGBoost writes its parameters as decimal strings ("3"); a JSON
/// integer is taken too.
inline std::int64_t integer_at(const rj::Value& v, const std::string& path, std::int64_t lo,
                               std::int64_t hi) {
    std::int64_t value = 0;
    bool ok = false;
    if (v.IsString()) {
        const char* s = v.GetString();
        const char* e = s + v.GetStringLength();
        const auto r = std::from_chars(s, e, value);
        ok = r.ec == std::errc() && r.ptr == e && e != s;
        if (!ok) {
            fail(Errc::malformed,
                 "expected an integer at " + path + ", found the string " +
                     ::brine::detail::quoted(std::string_view(s, v.GetStringLength())));
        }
    } else if (v.IsInt64()) {
        value = v.GetInt64();
    } else if (v.IsUint64()) {
        value = std::numeric_limits<std::int64_t>::max();  // out of range below
    } else {
        wrong_type(v, path, "an integer");
    }
    if (value < lo || value > hi) {
        fail(Errc::malformed, "integer " + std::to_string(value) + " at " + path + " is outside [" +
                                  std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    return value;
}

/// Element i of the array at `path` as integer_at; the element's path is built only for a message.
inline std::int64_t integer_element(const rj::Value& array, std::size_t i, const std::string& path,
                                    std::int64_t lo, std::int64_t hi) {
    const rj::Value& v = array[static_cast<rj::SizeType>(i)];
    if (v.IsInt64()) {
        const std::int64_t x = v.GetInt64();
        if (x >= lo && x <= hi) return x;
    }
    return integer_at(v, index_path(path, i), lo, hi);
}

/// A number as the float32 value XGBoost holds. JSON numbers are read as the nearest double and
/// rounded to float32; XGBoost writes each float32 in a form that reads back exactly.
inline float float_at(const rj::Value& v, const std::string& path) {
    if (!v.IsNumber()) wrong_type(v, path, "a number");
    const double d = v.GetDouble();
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) {
        fail(Errc::malformed, "number at " + path + " is beyond float32's range");
    }
    return static_cast<float>(d);
}

/// A float32 written as text: XGBoost's base_score ("5E-1"). Errc::malformed unless it is a
/// number within float32's range.
inline float float_text(std::string_view text, const std::string& path) {
    double d = 0;
    const bool ok = !text.empty() &&
                    text.find_first_not_of("0123456789+-.eE") == std::string_view::npos &&
                    parse_double(text[0] == '+' ? text.substr(1) : text, d);
    if (!ok || !std::isfinite(d) ||
        std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) {
        fail(Errc::malformed,
             "expected a float32 number at " + path + ", found " + ::brine::detail::quoted(text));
    }
    return static_cast<float>(d);
}

/// Element i of the array at `path` as float_at; the element's path is built only for a message.
inline float float_element(const rj::Value& array, std::size_t i, const std::string& path) {
    const rj::Value& v = array[static_cast<rj::SizeType>(i)];
    if (v.IsDouble()) {
        const double d = v.GetDouble();
        if (!(std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) ||
            std::isinf(d)) {
            return static_cast<float>(d);
        }
    }
    return float_at(v, index_path(path, i));
}

// ---- decoding: JSON (XGBoost's, with NaN and Infinity) and UBJSON into one document tree -------

/// StrictJsonHandler (limits, duplicate keys, string checks) that also takes the non-standard
/// literals XGBoost writes for non-finite floats: NaN, Infinity, -Infinity.
class JsonHandler {
public:
    using Ch = char;
    explicit JsonHandler(StrictJsonHandler& inner) : h_(inner) {}

    bool Null() { return h_.Null(); }
    bool Bool(bool b) { return h_.Bool(b); }
    bool Int(int i) { return h_.Int(i); }
    bool Uint(unsigned u) { return h_.Uint(u); }
    bool Int64(std::int64_t i) { return h_.Int64(i); }
    bool Uint64(std::uint64_t u) { return h_.Uint64(u); }
    bool Double(double d) { return h_.Double(d); }
    bool RawNumber(const Ch* str, rj::SizeType length, bool copy) {
        const std::string_view t(str, length);
        if (t == "NaN" || t == "-NaN") return h_.Double(std::numeric_limits<double>::quiet_NaN());
        if (t == "Infinity" || t == "Inf")
            return h_.Double(std::numeric_limits<double>::infinity());
        if (t == "-Infinity" || t == "-Inf") {
            return h_.Double(-std::numeric_limits<double>::infinity());
        }
        return h_.RawNumber(str, length, copy);
    }
    bool String(const Ch* str, rj::SizeType length, bool copy) {
        return h_.String(str, length, copy);
    }
    bool StartObject() { return h_.StartObject(); }
    bool Key(const Ch* str, rj::SizeType length, bool copy) { return h_.Key(str, length, copy); }
    bool EndObject(rj::SizeType n) { return h_.EndObject(n); }
    bool StartArray() { return h_.StartArray(); }
    bool EndArray(rj::SizeType n) { return h_.EndArray(n); }

private:
    StrictJsonHandler& h_;
};

inline void check_document_size(std::string_view bytes, const Limits& limits, const char* what) {
    constexpr std::uint64_t kMaxText = 0xFFFFFFF0u;  // RapidJSON's 32-bit sizes
    const std::uint64_t limit = std::min<std::uint64_t>(limits.max_json_bytes, kMaxText);
    if (bytes.size() > limit || bytes.size() > limits.max_file_bytes) {
        fail(Errc::limit_exceeded, std::string(what) + " document of " +
                                       std::to_string(bytes.size()) +
                                       " bytes is over the limit (max_json_bytes " +
                                       std::to_string(limits.max_json_bytes) + ")");
    }
}

/// XGBoost's text JSON: RFC 8259 plus NaN / Infinity / -Infinity, with brine's JSON limits.
inline void parse_json(std::string_view text, const Limits& limits, rj::Document& document) {
    check_document_size(text, limits, "JSON");
    constexpr unsigned kFlags = rj::kParseIterativeFlag | rj::kParseValidateEncodingFlag |
                                rj::kParseNumbersAsStringsFlag | rj::kParseNanAndInfFlag;
    rj::MemoryStream stream(text.data(), text.size());
    rj::Reader reader;
    StrictJsonHandler strict(document, limits);
    JsonHandler handler(strict);
    rj::ParseResult result;
    auto generator = [&](rj::Document&) {
        result = reader.Parse<kFlags>(stream, handler);
        return !result.IsError();
    };
    document.Populate(generator);
    if (strict.error()) fail(strict.error()->code(), error_detail(*strict.error()));
    if (result.IsError()) {
        std::string message = rj::GetParseError_En(result.Code());
        if (!message.empty() && message.back() == '.') message.pop_back();
        if (result.Code() == rj::kParseErrorDocumentRootNotSingular) {
            fail(Errc::malformed, "trailing characters after the JSON document at byte " +
                                      std::to_string(result.Offset()));
        }
        if (stream.Tell() == text.size() && result.Code() != rj::kParseErrorDocumentEmpty) {
            fail(Errc::truncated, "the JSON document ends after " + std::to_string(text.size()) +
                                      " bytes, inside a value (" + message + " at byte " +
                                      std::to_string(result.Offset()) + ")");
        }
        fail(Errc::malformed,
             "invalid JSON: " + message + " at byte " + std::to_string(result.Offset()));
    }
    if (stream.Tell() != text.size()) {
        fail(Errc::malformed, "trailing characters after the JSON document at byte " +
                                  std::to_string(stream.Tell()));
    }
}

/// A bounded, iterative UBJSON decoder (the subset XGBoost writes and reads: big-endian numbers,
/// keys as length-prefixed bytes, counted and `]`/`}`-closed containers, typed arrays of numbers)
/// that feeds StrictJsonHandler, so the document obeys the same limits as a JSON one. Every count
/// is checked against the bytes left before anything is allocated for it: a container's elements
/// take at least one byte each (a typed array's, their size), so the tree stays a small multiple
/// of the input.
class UbjReader {
public:
    UbjReader(std::string_view bytes, StrictJsonHandler& handler)
        : begin_(reinterpret_cast<const unsigned char*>(bytes.data())),
          p_(begin_),
          end_(begin_ + bytes.size()),
          h_(handler) {}

    void parse() {
        if (!value(next_marker("the document"))) stop();
        while (!stack_.empty()) {
            Frame& f = stack_.back();
            if (f.counted) {
                if (f.remaining == 0) {
                    if (!close(f)) stop();
                    continue;
                }
                --f.remaining;
            } else {
                skip_noops();
                need(1, f.object ? "a key or '}'" : "a value or ']'");
                if (*p_ == (f.object ? '}' : ']')) {
                    ++p_;
                    if (!close(f)) stop();
                    continue;
                }
            }
            ++f.count;
            if (f.object) {
                const std::uint64_t n = length(next_marker("a key's length"), "key");
                need(n, "a key");
                if (!h_.Key(reinterpret_cast<const char*>(p_), static_cast<rj::SizeType>(n),
                            true)) {
                    stop();
                }
                p_ += n;
            }
            const char type = stack_.back().type;
            if (!value(type != 0 ? type : next_marker("a value"))) stop();
        }
        skip_noops();
        if (p_ != end_) {
            fail(Errc::malformed,
                 "trailing bytes after the UBJSON document at byte " + std::to_string(offset()));
        }
    }

private:
    struct Frame {
        bool object;
        bool counted;
        char type;  // element marker of a typed container, else 0
        std::uint64_t remaining;
        std::uint64_t count;
    };

    std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }

    [[noreturn]] void stop() {
        if (h_.error())
            fail(h_.error()->code(),
                 error_detail(*h_.error()) + " (UBJSON byte " + std::to_string(offset()) + ")");
        fail(Errc::malformed, "UBJSON value refused at byte " + std::to_string(offset()));
    }

    void need(std::uint64_t n, const char* what) {
        if (n > static_cast<std::uint64_t>(end_ - p_)) {
            fail(Errc::truncated, "the UBJSON document ends at byte " +
                                      std::to_string(end_ - begin_) + ", inside " + what +
                                      " that needs " + std::to_string(n) + " bytes from byte " +
                                      std::to_string(offset()));
        }
    }

    void skip_noops() {
        while (p_ != end_ && *p_ == 'N') ++p_;
    }

    char next_marker(const char* what) {
        skip_noops();
        need(1, what);
        return static_cast<char>(*p_++);
    }

    std::uint64_t big_endian(unsigned size) {
        need(size, "a number");
        std::uint64_t v = 0;
        for (unsigned i = 0; i < size; ++i) v = v << 8 | p_[i];
        p_ += size;
        return v;
    }

    /// An integer value of marker m; false (nothing read) when m is not an integer marker.
    bool integer(char m, std::int64_t& out) {
        switch (m) {
            case 'i': out = static_cast<std::int8_t>(big_endian(1)); return true;
            case 'U': out = static_cast<std::int64_t>(big_endian(1)); return true;
            case 'I': out = static_cast<std::int16_t>(big_endian(2)); return true;
            case 'l': out = static_cast<std::int32_t>(big_endian(4)); return true;
            case 'L': out = static_cast<std::int64_t>(big_endian(8)); return true;
            default: return false;
        }
    }

    /// A length or count (an integer marker and value, >= 0).
    std::uint64_t length(char m, const char* what) {
        const std::size_t at = offset() - 1;
        std::int64_t n = 0;
        if (!integer(m, n)) {
            fail(Errc::malformed, std::string("expected an integer marker for the length of ") +
                                      what + " at UBJSON byte " + std::to_string(at) + ", found " +
                                      marker_name(m));
        }
        if (n < 0) {
            fail(Errc::malformed, std::string("negative length ") + std::to_string(n) + " of " +
                                      what + " at UBJSON byte " + std::to_string(at));
        }
        return static_cast<std::uint64_t>(n);
    }

    static std::string marker_name(char m) {
        const auto u = static_cast<unsigned char>(m);
        if (u >= 0x21 && u < 0x7F) return std::string("'") + m + "'";
        static const char* hex = "0123456789abcdef";
        return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
    }

    /// Bytes of one element of a typed container, 0 for a marker that cannot type one.
    static unsigned element_size(char t) {
        switch (t) {
            case 'i':
            case 'U':
            case 'C': return 1;
            case 'I': return 2;
            case 'l':
            case 'd': return 4;
            case 'L':
            case 'D': return 8;
            case 'S': return 2;  // a length marker and at least one byte of length
            default: return 0;
        }
    }

    bool value(char m) {
        const std::size_t at = offset() - 1;
        std::int64_t i = 0;
        if (integer(m, i)) return h_.Int64(i);
        switch (m) {
            case 'Z': return h_.Null();
            case 'T': return h_.Bool(true);
            case 'F': return h_.Bool(false);
            case 'd': {
                const auto bits = static_cast<std::uint32_t>(big_endian(4));
                float f;
                std::memcpy(&f, &bits, 4);
                return h_.Double(static_cast<double>(f));
            }
            case 'D': {
                const std::uint64_t bits = big_endian(8);
                double d;
                std::memcpy(&d, &bits, 8);
                return h_.Double(d);
            }
            case 'C': {
                need(1, "a char");
                const char c = static_cast<char>(*p_++);
                return h_.String(&c, 1, true);
            }
            case 'S': {
                const std::uint64_t n = length(next_marker("a string's length"), "a string");
                need(n, "a string");
                const auto* s = reinterpret_cast<const char*>(p_);
                if (n > 0xFFFFFFF0u) need(std::numeric_limits<std::uint64_t>::max(), "a string");
                // UTF-8 is checked as RapidJSON's reader does for text JSON.
                if (!valid_utf8(s, n)) {
                    fail(Errc::malformed,
                         "string at UBJSON byte " + std::to_string(at) + " is not valid UTF-8");
                }
                p_ += n;
                return h_.String(s, static_cast<rj::SizeType>(n), true);
            }
            case '[':
            case '{': return open(m == '{', at);
            case 'H':
                fail(Errc::malformed, "high-precision number (UBJSON 'H') at byte " +
                                          std::to_string(at) + ": XGBoost never writes one");
            default:
                fail(Errc::malformed,
                     "unknown UBJSON marker " + marker_name(m) + " at byte " + std::to_string(at));
        }
    }

    static bool valid_utf8(const char* s, std::uint64_t n) {
        struct Discard {
            void Put(char) {}
        } sink;
        rj::MemoryStream in(s, static_cast<std::size_t>(n));
        while (in.Tell() < n) {
            if (!rj::UTF8<>::Validate(in, sink)) return false;
        }
        return true;
    }

    bool open(bool object, std::size_t at) {
        Frame f{object, false, 0, 0, 0};
        skip_noops();
        if (p_ != end_ && *p_ == '$') {
            ++p_;
            need(1, "a container's element type");
            f.type = static_cast<char>(*p_++);
            if (element_size(f.type) == 0) {
                fail(Errc::malformed, "typed container of " + marker_name(f.type) +
                                          " at UBJSON byte " + std::to_string(at) +
                                          ": only numbers, chars and strings are taken");
            }
            if (p_ == end_ || *p_ != '#') {
                need(1, "a typed container's count");
                fail(Errc::malformed,
                     "typed container without a count ('#') at UBJSON byte " + std::to_string(at));
            }
        }
        if (p_ != end_ && *p_ == '#') {
            ++p_;
            f.counted = true;
            f.remaining = length(next_marker("a container's count"), "a container");
            // Each element takes at least this many bytes: a count the rest of the input cannot
            // hold is refused before any element is decoded.
            const std::uint64_t min_bytes = f.type != 0 ? element_size(f.type) : (object ? 2 : 1);
            const auto left = static_cast<std::uint64_t>(end_ - p_);
            if (f.remaining > left / min_bytes) {
                fail(Errc::truncated, "UBJSON container at byte " + std::to_string(at) +
                                          " announces " + std::to_string(f.remaining) +
                                          " elements, more than the " + std::to_string(left) +
                                          " bytes left can hold");
            }
        }
        stack_.push_back(f);
        return object ? h_.StartObject() : h_.StartArray();
    }

    bool close(const Frame& f) {
        const auto n = static_cast<rj::SizeType>(f.count);
        const bool object = f.object;
        stack_.pop_back();
        return object ? h_.EndObject(n) : h_.EndArray(n);
    }

    const unsigned char* begin_;
    const unsigned char* p_;
    const unsigned char* end_;
    StrictJsonHandler& h_;
    std::vector<Frame> stack_;
};

inline void parse_ubjson(std::string_view bytes, const Limits& limits, rj::Document& document) {
    check_document_size(bytes, limits, "UBJSON");
    StrictJsonHandler handler(document, limits);
    UbjReader reader(bytes, handler);
    std::unique_ptr<Error> error;
    auto generator = [&](rj::Document&) {
        try {
            reader.parse();
        } catch (const Error& e) {
            error = std::make_unique<Error>(e);
            return false;
        }
        return true;
    };
    document.Populate(generator);
    if (error) throw *error;
}

/// UBJSON when the document starts with no-op bytes `N` or with '{' followed by a UBJSON marker
/// (XGBoost's writer: `{L`), JSON otherwise. Neither encoding is inferred from a file's name.
inline bool is_ubjson(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size() && bytes[i] == 'N') ++i;  // UBJSON's no-op bytes (never JSON)
    if (bytes.size() - i < 2 || bytes[i] != '{') return i > 0;
    const char m = bytes[i + 1];
    return i > 0 || m == 'L' || m == 'l' || m == 'I' || m == 'i' || m == 'U' || m == '#' ||
           m == '$' || m == 'N';
}

// ---- the model ----------------------------------------------------------------------------------

/// One tree's node arrays in brine's order (see read_tree()).
struct TreeArrays {
    std::vector<std::int32_t> left, right, feature;
    std::vector<double> threshold, value;
    std::vector<std::uint8_t> default_left;
};

/// Reads tree `t` at `path` into brine's layout: the nodes reachable from the root, dead slots
/// (deleted nodes XGBoost's pruner leaves) dropped; XGBoost's node ids are kept when every child
/// comes after its parent and no slot is dead (then apply() gives XGBoost's pred_leaf), else
/// the nodes are renumbered breadth-first.
inline void read_tree(const rj::Value& tree, const std::string& path, std::int64_t n_features,
                      const Limits& limits, TreeArrays& out) {
    object_at(tree, path);
    const std::string param_path = key_path(path, "tree_param");
    const rj::Value& param =
        object_at(member(tree, path, "tree_param", "the tree's sizes"), param_path);
    const std::int64_t n =
        integer_at(member(param, param_path, "num_nodes", "node count"),
                   key_path(param_path, "num_nodes"), 1, std::numeric_limits<std::int32_t>::max());
    if (static_cast<std::uint64_t>(n) > limits.max_nodes) {
        fail(Errc::limit_exceeded,
             "tree of " + std::to_string(n) + " nodes at " + key_path(param_path, "num_nodes") +
                 " is over the limit (max_nodes " + std::to_string(limits.max_nodes) + ")");
    }
    if (const rj::Value* v = find(param, "size_leaf_vector")) {
        const std::int64_t w = integer_at(*v, key_path(param_path, "size_leaf_vector"), 0,
                                          std::numeric_limits<std::int64_t>::max());
        if (w > 1) {
            fail(Errc::unsupported, "vector-leaf trees (size_leaf_vector " + std::to_string(w) +
                                        " at " + key_path(param_path, "size_leaf_vector") +
                                        ", multi_strategy) are not supported");
        }
    }
    const auto array = [&](const char* key) -> const rj::Value& {
        const std::string p = key_path(path, key);
        const rj::Value& a = array_at(member(tree, path, key, "a node array"), p);
        if (static_cast<std::int64_t>(a.Size()) != n) {
            fail(Errc::malformed, "array " + p + " has " + std::to_string(a.Size()) +
                                      " elements, expected num_nodes = " + std::to_string(n));
        }
        return a;
    };
    const rj::Value& left = array("left_children");
    const rj::Value& right = array("right_children");
    const rj::Value& index = array("split_indices");
    const rj::Value& cond = array("split_conditions");
    const rj::Value& dleft = array("default_left");
    if (const rj::Value* types = find(tree, "split_type")) {
        const std::string p = key_path(path, "split_type");
        array_at(*types, p);
        for (rj::SizeType i = 0; i < types->Size(); ++i) {
            if (integer_element(*types, i, p, 0, 255) != 0) {
                fail(Errc::unsupported, "categorical split at " + index_path(p, i) +
                                            ": categorical splits are not supported");
            }
        }
    }
    if (const rj::Value* cats = find(tree, "categories_nodes")) {
        const std::string p = key_path(path, "categories_nodes");
        if (!array_at(*cats, p).Empty()) {
            fail(Errc::unsupported,
                 "categorical splits (" + p + " is not empty) are not supported");
        }
    }
    const auto un = static_cast<std::size_t>(n);
    const std::string lp = key_path(path, "left_children"), rp = key_path(path, "right_children");
    std::vector<std::int32_t> l(un), r(un);
    for (std::size_t i = 0; i < un; ++i) {
        l[i] = static_cast<std::int32_t>(integer_element(left, i, lp, -1, n - 1));
        r[i] = static_cast<std::int32_t>(integer_element(right, i, rp, -1, n - 1));
        if ((l[i] == -1) != (r[i] == -1)) {
            fail(Errc::malformed, "node " + std::to_string(i) + " of " + path +
                                      " has one child: left " + std::to_string(l[i]) + ", right " +
                                      std::to_string(r[i]) + " (expected both -1 or neither)");
        }
    }
    // Breadth-first from the root; a node reached twice makes a cycle or a shared subtree.
    std::vector<std::int32_t> order;
    order.reserve(un);
    std::vector<std::uint8_t> seen(un, 0);
    order.push_back(0);
    seen[0] = 1;
    bool ascending = true;
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::int32_t i = order[k];
        if (l[static_cast<std::size_t>(i)] == -1) continue;
        for (const std::int32_t c :
             {l[static_cast<std::size_t>(i)], r[static_cast<std::size_t>(i)]}) {
            if (seen[static_cast<std::size_t>(c)] != 0) {
                fail(Errc::malformed, "node " + std::to_string(c) + " of " + path +
                                          " is reached twice (a cycle or a shared child; "
                                          "expected a tree)");
            }
            seen[static_cast<std::size_t>(c)] = 1;
            if (c <= i) ascending = false;
            order.push_back(c);
        }
    }
    if (ascending) {  // keep XGBoost's ids: the reachable nodes in id order
        std::size_t k = 0;
        for (std::size_t i = 0; i < un; ++i) {
            if (seen[i] != 0) order[k++] = static_cast<std::int32_t>(i);
        }
        // Ids stay XGBoost's only without dead slots; with them, the order is still valid.
    }
    std::vector<std::int32_t> new_id(un, -1);
    for (std::size_t k = 0; k < order.size(); ++k) {
        new_id[static_cast<std::size_t>(order[k])] = static_cast<std::int32_t>(k);
    }
    const std::string ip = key_path(path, "split_indices"), cp = key_path(path, "split_conditions"),
                      dp = key_path(path, "default_left");
    for (const std::int32_t old : order) {
        const auto i = static_cast<std::size_t>(old);
        const auto ri = static_cast<rj::SizeType>(old);
        const float c = float_element(cond, i, cp);
        if (l[i] == -1) {
            if (!std::isfinite(c)) {
                fail(Errc::malformed, "leaf value " + std::to_string(c) + " at " +
                                          index_path(cp, i) + " is not finite");
            }
            out.left.push_back(TreeEnsemble::leaf);
            out.right.push_back(TreeEnsemble::leaf);
            out.feature.push_back(-2);
            out.threshold.push_back(-2.0);
            out.value.push_back(static_cast<double>(c));
            out.default_left.push_back(0);
            continue;
        }
        if (std::isnan(c)) {
            fail(Errc::unsupported, "split condition NaN at " + index_path(cp, i) +
                                        " (a categorical split?): only numerical splits are "
                                        "supported");
        }
        const std::int64_t f = integer_element(index, i, ip, 0, n_features - 1);
        const rj::Value& d = dleft[ri];
        std::uint8_t go_left = 0;
        if (d.IsBool()) {
            go_left = d.GetBool() ? 1 : 0;
        } else {
            go_left = static_cast<std::uint8_t>(integer_element(dleft, i, dp, 0, 1));
        }
        out.left.push_back(new_id[static_cast<std::size_t>(l[i])]);
        out.right.push_back(new_id[static_cast<std::size_t>(r[i])]);
        out.feature.push_back(static_cast<std::int32_t>(f));
        out.threshold.push_back(static_cast<double>(c));
        out.value.push_back(0.0);
        out.default_left.push_back(go_left);
    }
}

/// The scores' start: base_score (output space, a number or, from XGBoost 3.1, a list "[a,b]")
/// through the objective's ProbToMargin, in float32 as XGBoost computes it.
inline std::vector<float> base_margin(const std::string& text, const std::string& path,
                                      bool logistic, std::size_t n_scores) {
    std::vector<float> values;
    std::string_view t(text);
    if (!t.empty() && t.front() == '[') {
        if (t.back() != ']') {
            fail(Errc::malformed, "expected a number or a list \"[a,b,...]\" at " + path +
                                      ", found " + ::brine::detail::quoted(t));
        }
        t = t.substr(1, t.size() - 2);
        while (true) {
            const std::size_t comma = t.find(',');
            values.push_back(float_text(t.substr(0, comma), path));
            if (comma == std::string_view::npos) break;
            t = t.substr(comma + 1);
            if (values.size() > n_scores) break;
        }
    } else {
        values.push_back(float_text(t, path));
    }
    if (values.size() == 1) values.resize(n_scores, values[0]);
    if (values.size() != n_scores) {
        fail(Errc::malformed, "base_score at " + path + " has " + std::to_string(values.size()) +
                                  " values, expected 1 or " + std::to_string(n_scores));
    }
    if (logistic) {
        for (float& b : values) {
            if (!(b > 0.0f && b < 1.0f)) {
                fail(Errc::malformed, "base_score " + std::to_string(b) + " at " + path +
                                          " is outside (0, 1), as a logistic objective needs");
            }
            b = -std::log(1.0f / b - 1.0f);  // XGBoost's ProbToMargin, in float32
        }
    }
    return values;
}

inline XGBoostModel read_document(const rj::Document& doc, const XGBoostOptions& options) {
    XGBoostModel out;
    const std::string root = "$";
    object_at(doc, root);
    {
        const std::string vp = key_path(root, "version");
        const rj::Value& v = array_at(member(doc, root, "version", "[major, minor, patch]"), vp);
        if (v.Empty()) fail(Errc::malformed, "empty version at " + vp);
        for (rj::SizeType i = 0; i < v.Size() && i < 3; ++i) {
            const std::int64_t part = integer_at(v[i], index_path(vp, i), 0, 1 << 20);
            out.xgboost_version += (i > 0 ? "." : "") + std::to_string(part);
        }
        if (integer_at(v[0], index_path(vp, 0), 0, 1 << 20) < 1) {
            fail(Errc::unsupported_version, "version " + out.xgboost_version + " at " + vp +
                                                ": models before XGBoost 1.0 are not supported");
        }
    }
    const std::string lp = key_path(root, "learner");
    const rj::Value& learner = object_at(member(doc, root, "learner", "the model"), lp);

    const std::string gp = key_path(lp, "gradient_booster");
    const rj::Value& booster =
        object_at(member(learner, lp, "gradient_booster", "the booster"), gp);
    const std::string booster_name =
        string_at(member(booster, gp, "name", "the booster's name"), key_path(gp, "name"));
    if (booster_name != "gbtree") {
        fail(Errc::unsupported, "booster " + ::brine::detail::quoted(booster_name) + " at " +
                                    key_path(gp, "name") + " is not supported" +
                                    (booster_name == "dart" ? " (DART's tree weights)" : "") +
                                    "; only gbtree models are");
    }
    const std::string op = key_path(lp, "objective");
    const rj::Value& objective = object_at(member(learner, lp, "objective", "the objective"), op);
    out.objective =
        string_at(member(objective, op, "name", "the objective's name"), key_path(op, "name"));
    const std::string& obj = out.objective;
    const bool multi = obj == "multi:softprob" || obj == "multi:softmax";
    const bool logistic = obj == "binary:logistic" || obj == "reg:logistic";
    // The regression objectives whose prediction is the margin itself: XGBoost's PredTransform
    // and ProbToMargin are the identity for them (base_score is already a margin).
    const bool identity = obj == "reg:squarederror" || obj == "reg:squaredlogerror" ||
                          obj == "reg:pseudohubererror" || obj == "reg:absoluteerror";
    if (!multi && !logistic && !identity) {
        fail(Errc::unsupported, "objective " + ::brine::detail::quoted(obj) + " at " +
                                    key_path(op, "name") +
                                    " is not supported; supported: reg:squarederror, "
                                    "reg:squaredlogerror, reg:pseudohubererror, "
                                    "reg:absoluteerror, reg:logistic, binary:logistic, "
                                    "multi:softprob, multi:softmax");
    }

    const std::string pp = key_path(lp, "learner_model_param");
    const rj::Value& param =
        object_at(member(learner, lp, "learner_model_param", "the model's parameters"), pp);
    const std::int64_t n_features =
        integer_at(member(param, pp, "num_feature", "feature count"), key_path(pp, "num_feature"),
                   1, std::numeric_limits<std::int32_t>::max());
    const std::int64_t num_class =
        integer_at(member(param, pp, "num_class", "class count"), key_path(pp, "num_class"), 0,
                   std::numeric_limits<std::int32_t>::max());
    if (const rj::Value* v = find(param, "num_target")) {
        const std::int64_t targets =
            integer_at(*v, key_path(pp, "num_target"), 0, std::numeric_limits<std::int32_t>::max());
        if (targets > 1) {
            fail(Errc::unsupported, "multi-target models (num_target " + std::to_string(targets) +
                                        " at " + key_path(pp, "num_target") +
                                        ") are not supported");
        }
    }
    if (multi ? num_class < 2 : num_class > 1) {
        fail(Errc::malformed, "num_class " + std::to_string(num_class) + " at " +
                                  key_path(pp, "num_class") +
                                  (multi ? " with a multi-class objective, expected >= 2"
                                         : " with objective " + obj + ", expected 0 or 1"));
    }
    const std::int64_t groups = multi ? num_class : 1;
    const std::vector<float> base = base_margin(
        string_at(member(param, pp, "base_score", "the intercept"), key_path(pp, "base_score")),
        key_path(pp, "base_score"), logistic, static_cast<std::size_t>(groups));

    if (const rj::Value* names = find(learner, "feature_names")) {
        const std::string np = key_path(lp, "feature_names");
        array_at(*names, np);
        if (!names->Empty() && static_cast<std::int64_t>(names->Size()) != n_features) {
            fail(Errc::malformed,
                 "feature_names at " + np + " has " + std::to_string(names->Size()) +
                     " names, expected num_feature = " + std::to_string(n_features));
        }
        for (rj::SizeType i = 0; i < names->Size(); ++i) {
            out.feature_names.push_back(string_at((*names)[i], index_path(np, i)));
        }
    }

    const std::string mp = key_path(gp, "model");
    const rj::Value& model = object_at(member(booster, gp, "model", "the trees"), mp);
    const std::string tp = key_path(mp, "gbtree_model_param");
    const rj::Value& tparam = object_at(member(model, mp, "gbtree_model_param", "tree counts"), tp);
    const std::int64_t num_trees =
        integer_at(member(tparam, tp, "num_trees", "tree count"), key_path(tp, "num_trees"), 1,
                   std::numeric_limits<std::int32_t>::max());
    const std::int64_t parallel =
        find(tparam, "num_parallel_tree") != nullptr
            ? integer_at(*find(tparam, "num_parallel_tree"), key_path(tp, "num_parallel_tree"), 1,
                         std::numeric_limits<std::int32_t>::max())
            : 1;
    if (const rj::Value* v = find(tparam, "size_leaf_vector")) {
        if (integer_at(*v, key_path(tp, "size_leaf_vector"), 0,
                       std::numeric_limits<std::int32_t>::max()) > 1) {
            fail(Errc::unsupported, "vector-leaf trees (" + key_path(tp, "size_leaf_vector") +
                                        " > 1, multi_strategy) are not supported");
        }
    }
    const std::string trp = key_path(mp, "trees"), tip = key_path(mp, "tree_info");
    const rj::Value& trees = array_at(member(model, mp, "trees", "the trees"), trp);
    const rj::Value& info = array_at(member(model, mp, "tree_info", "each tree's class"), tip);
    if (static_cast<std::int64_t>(trees.Size()) != num_trees ||
        static_cast<std::int64_t>(info.Size()) != num_trees) {
        fail(Errc::malformed, trp + " has " + std::to_string(trees.Size()) + " trees and " + tip +
                                  " " + std::to_string(info.Size()) +
                                  " entries, expected num_trees = " + std::to_string(num_trees));
    }
    out.trees_in_file = num_trees;

    // Rounds: iteration_indptr (XGBoost 2.0+) gives each round's first tree; before it, every
    // round has num_parallel_tree trees per class.
    std::vector<std::int64_t> round_start;
    if (const rj::Value* indptr = find(model, "iteration_indptr")) {
        const std::string ip = key_path(mp, "iteration_indptr");
        array_at(*indptr, ip);
        if (indptr->Size() < 2) fail(Errc::malformed, ip + " has fewer than 2 entries");
        std::int64_t previous = 0;
        for (rj::SizeType i = 0; i < indptr->Size(); ++i) {
            const std::int64_t v = integer_at((*indptr)[i], index_path(ip, i),
                                              i == 0 ? 0 : previous + 1, i == 0 ? 0 : num_trees);
            round_start.push_back(v);
            previous = v;
        }
        if (previous != num_trees) {
            fail(Errc::malformed, ip + " ends at " + std::to_string(previous) +
                                      ", expected num_trees = " + std::to_string(num_trees));
        }
    } else {
        const std::int64_t per_round = parallel * groups;
        if (per_round > num_trees || num_trees % per_round != 0) {
            fail(Errc::malformed,
                 std::to_string(num_trees) + " trees at " + key_path(tp, "num_trees") +
                     " do not make whole rounds of num_parallel_tree x classes = " +
                     std::to_string(per_round));
        }
        for (std::int64_t t = 0; t <= num_trees; t += per_round) round_start.push_back(t);
    }
    out.rounds_in_file = static_cast<std::int64_t>(round_start.size()) - 1;
    out.rounds_used = out.rounds_in_file;
    if (const rj::Value* attributes = find(learner, "attributes")) {
        const std::string ap = key_path(lp, "attributes");
        object_at(*attributes, ap);
        if (const rj::Value* best = find(*attributes, "best_iteration")) {
            out.best_iteration =
                integer_at(*best, key_path(ap, "best_iteration"), 0, out.rounds_in_file - 1);
            if (options.use_best_iteration) out.rounds_used = *out.best_iteration + 1;
        }
    }
    const std::int64_t used = round_start[static_cast<std::size_t>(out.rounds_used)];

    TreeArrays nodes;
    std::vector<std::int32_t> offsets{0}, outputs;
    for (std::int64_t t = 0; t < used; ++t) {
        const auto rt = static_cast<rj::SizeType>(t);
        outputs.push_back(static_cast<std::int32_t>(
            integer_at(info[rt], index_path(tip, static_cast<std::uint64_t>(t)), 0, groups - 1)));
        read_tree(trees[rt], index_path(trp, static_cast<std::uint64_t>(t)), n_features, options,
                  nodes);
        if (nodes.left.size() >=
            static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
            fail(Errc::limit_exceeded, "the trees have 2^31 nodes or more");
        }
        offsets.push_back(static_cast<std::int32_t>(nodes.left.size()));
    }

    TreeEnsemble& e = out.ensemble;
    e.n_features_in = static_cast<std::int32_t>(n_features);
    e.compare = TreeEnsemble::Compare::float32_lt;
    e.aggregation = TreeEnsemble::Aggregation::sum;
    e.accumulation = TreeEnsemble::Accumulation::float32;
    const auto n_nodes = static_cast<Eigen::Index>(nodes.left.size());
    e.tree_offsets =
        Eigen::Map<const IndexVector>(offsets.data(), static_cast<Eigen::Index>(offsets.size()));
    e.tree_output =
        Eigen::Map<const IndexVector>(outputs.data(), static_cast<Eigen::Index>(outputs.size()));
    e.children_left = Eigen::Map<const IndexVector>(nodes.left.data(), n_nodes);
    e.children_right = Eigen::Map<const IndexVector>(nodes.right.data(), n_nodes);
    e.feature = Eigen::Map<const IndexVector>(nodes.feature.data(), n_nodes);
    e.threshold = Eigen::Map<const Eigen::VectorXd>(nodes.threshold.data(), n_nodes);
    e.default_left = Eigen::Map<const FlagVector>(nodes.default_left.data(), n_nodes);
    e.value = Eigen::Map<const RowMatrix>(nodes.value.data(), n_nodes, 1);
    e.base_score.resize(static_cast<Eigen::Index>(base.size()));
    for (std::size_t k = 0; k < base.size(); ++k)
        e.base_score(static_cast<Eigen::Index>(k)) = base[k];
    if (obj == "binary:logistic" || multi) {
        e.task = TreeEnsemble::Task::classification;
        e.classes.resize(static_cast<Eigen::Index>(std::max<std::int64_t>(groups, 2)));
        for (Eigen::Index k = 0; k < e.classes.size(); ++k) e.classes(k) = static_cast<double>(k);
        e.link = multi ? TreeEnsemble::Link::softmax : TreeEnsemble::Link::logistic;
    } else {
        e.task = TreeEnsemble::Task::regression;
        e.link = logistic ? TreeEnsemble::Link::logistic : TreeEnsemble::Link::identity;
    }
    e.validate();
    return out;
}

inline XGBoostModel read_bytes(std::string_view bytes, const XGBoostOptions& options) {
    if (bytes.size() > options.max_file_bytes) {
        fail(Errc::limit_exceeded, "input of " + std::to_string(bytes.size()) +
                                       " bytes is over the limit (max_file_bytes " +
                                       std::to_string(options.max_file_bytes) + ")");
    }
    rj::Document doc;
    const bool ubjson = is_ubjson(bytes);
    if (ubjson) {
        parse_ubjson(bytes, options, doc);
    } else {
        parse_json(bytes, options, doc);
    }
    XGBoostModel out = read_document(doc, options);
    out.encoding = ubjson ? "ubjson" : "json";
    return out;
}

}  // namespace detail::xgb

/// Reads an XGBoost model (Booster.save_model's JSON or UBJSON, XGBoost 1.0 and later; the
/// encoding is told from the bytes) held in `bytes`. See import_xgboost for what is read and
/// refused.
inline XGBoostModel read_xgboost_bytes(std::string_view bytes, const XGBoostOptions& options = {}) {
    return detail::xgb::read_bytes(bytes, options);
}

/// Reads the XGBoost model file at `path`, as read_xgboost_bytes; errors name the file.
inline XGBoostModel read_xgboost(const std::string& path, const XGBoostOptions& options = {}) {
    return detail::naming_file(path, [&] {
        auto file = detail::InputFile::open(path, options.max_file_bytes);
        std::string bytes(static_cast<std::size_t>(file.size()), '\0');
        file.read_exact(bytes.data(), bytes.size());
        return read_xgboost_bytes(bytes, options);
    });
}

/// The XGBoost model file at `path` (Booster.save_model's JSON or UBJSON) as a TreeEnsemble that
/// predicts what XGBoost predicts: the same float32 margins (XGBoost's output_margin) bit for bit,
/// and probabilities within 1e-6 (XGBoost applies its sigmoid and softmax in float32, brine in
/// double). Read: the objective (reg:squarederror, reg:squaredlogerror, reg:pseudohubererror,
/// reg:absoluteerror, reg:logistic, binary:logistic, multi:softprob, multi:softmax), base_score
/// (turned into a margin as XGBoost does: logit for the logistic objectives, unchanged for the
/// others, whose prediction is the margin itself), num_feature, num_class, tree_info,
/// num_parallel_tree or iteration_indptr, best_iteration (see XGBoostOptions) and each tree's
/// children, split_indices, split_conditions (float32), default_left. Every other key is ignored.
/// Refused with Errc::unsupported naming what: other objectives, boosters other than gbtree
/// (dart, gblinear), categorical splits, vector-leaf and multi-target trees. Malformed or hostile
/// input gets Errc::malformed / truncated / limit_exceeded with the JSON path or byte offset.
inline TreeEnsemble import_xgboost(const std::string& path, const XGBoostOptions& options = {}) {
    return read_xgboost(path, options).ensemble;
}

/// As import_xgboost, from the file's bytes in memory.
inline TreeEnsemble import_xgboost_bytes(std::string_view bytes,
                                         const XGBoostOptions& options = {}) {
    return read_xgboost_bytes(bytes, options).ensemble;
}

}  // namespace brine
