// brine::Error and brine::Errc: the one exception type every brine failure is reported with.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>

/// Marks a function that builds or throws an error: compiled out of line, once, and kept away
/// from the code of the paths that succeed (less code for the optimiser in every instantiation
/// that can fail).
#if defined(__GNUC__) || defined(__clang__)
#define BRINE_COLD __attribute__((cold, noinline))
#elif defined(_MSC_VER)
#define BRINE_COLD __declspec(noinline)
#else
#define BRINE_COLD
#endif

namespace brine {

/// What went wrong. Every brine::Error carries one of these.
enum class Errc {
    not_brine_file = 1,   ///< wrong magic: the bytes are not a brine file
    unsupported_version,  ///< container or model schema version newer than this build reads
    checksum_mismatch,    ///< stored checksum differs from the computed one
    truncated,            ///< the data ends before a field it announces
    malformed,            ///< syntax or structure error (bad JSON, wrong type, trailing bytes)
    limit_exceeded,       ///< a size is over a LoadOptions limit
    invalid_model,        ///< a model's invariants do not hold (validate())
    kind_mismatch,        ///< the file holds another kind of model than the one asked for
    shape_mismatch,       ///< input columns differ from what the model expects
    invalid_argument,     ///< bad argument to an API call (e.g. bad training data)
    reference_mismatch,   ///< stored reference predictions no longer agree after loading
    io,                   ///< operating-system error while reading or writing a file
    invalid_input,        ///< an input value the model cannot take (NaN or infinity, see README)
    missing_signature,    ///< a signed load found no signature file (brine/signing.hpp)
    untrusted_key,        ///< the signature's key id is not among the trusted keys
    bad_signature,        ///< the signature does not match the file's bytes or its comment
    bad_algorithm,        ///< a signature algorithm brine refuses (legacy minisign "Ed")
    name_mismatch,        ///< the signature binds another model name than the one required
    version_rollback,     ///< the signature binds a version below the minimum required
    unsupported,          ///< an imported model uses what brine cannot represent exactly
};

/// Stable lower-case name of an error code, as used in messages ("truncated file").
constexpr const char* errc_name(Errc code) noexcept {
    switch (code) {
        case Errc::not_brine_file: return "not a brine file";
        case Errc::unsupported_version: return "unsupported version";
        case Errc::checksum_mismatch: return "checksum mismatch";
        case Errc::truncated: return "truncated file";
        case Errc::malformed: return "malformed file";
        case Errc::limit_exceeded: return "limit exceeded";
        case Errc::invalid_model: return "invalid model";
        case Errc::kind_mismatch: return "kind mismatch";
        case Errc::shape_mismatch: return "shape mismatch";
        case Errc::invalid_argument: return "invalid argument";
        case Errc::reference_mismatch: return "reference mismatch";
        case Errc::io: return "I/O error";
        case Errc::invalid_input: return "invalid input";
        case Errc::missing_signature: return "missing signature";
        case Errc::untrusted_key: return "untrusted key";
        case Errc::bad_signature: return "bad signature";
        case Errc::bad_algorithm: return "unsupported signature algorithm";
        case Errc::name_mismatch: return "name mismatch";
        case Errc::version_rollback: return "version rollback";
        case Errc::unsupported: return "unsupported model";
    }
    return "unknown error";
}

/// The std::error_category of brine::Errc: name() is "brine", message(c) is errc_name(c).
class ErrorCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "brine"; }
    std::string message(int c) const override { return errc_name(static_cast<Errc>(c)); }
};

/// The one ErrorCategory object, so that error codes compare equal across the program.
inline const std::error_category& error_category() noexcept {
    static const ErrorCategory category;
    return category;
}

/// A std::error_code for `code` (found by argument-dependent lookup, so
/// `std::error_code ec = brine::Errc::truncated;` works).
inline std::error_code make_error_code(Errc code) noexcept {
    return {static_cast<int>(code), error_category()};
}

/// The exception every brine function throws. `what()` reads
/// "brine: <errc_name>: <detail>", e.g.
/// "brine: truncated file: needed 8000 bytes for 'coef' at byte 112, 37 left".
///
/// Besides the message, the parts of it a program may act on are fields: the file's path, the byte
/// offset in a binary file or the JSON path in a JSON document where reading stopped, and the limit
/// or the version involved. A field is empty when it does not apply (or the throwing site does not
/// know it); the message always says as much as the fields. Copies share the fields and never
/// throw.
class Error : public std::runtime_error {
public:
    Error(Errc code, const std::string& detail)
        : std::runtime_error(std::string("brine: ") + errc_name(code) + ": " + detail),
          code_(code) {}

    /// The error's category.
    Errc code() const noexcept { return code_; }
    /// The code as a std::error_code of brine's error_category().
    std::error_code error_code() const noexcept { return make_error_code(code_); }

    /// The file the error is about ("" for bytes in memory and errors of no file).
    const std::string& path() const noexcept { return fields().path; }
    /// Offset in a binary file, or in a JSON document's text, where the fault was found.
    std::optional<std::uint64_t> byte_offset() const noexcept { return fields().byte_offset; }
    /// Where in a JSON document the fault was found ("header.metadata.feature_names[3]"), or "".
    const std::string& json_path() const noexcept { return fields().json_path; }
    /// The limit that was exceeded (Errc::limit_exceeded): its value, e.g. LoadOptions' bytes.
    std::optional<std::uint64_t> limit() const noexcept { return fields().limit; }
    /// The name of that limit: the brine::Limits or LoadOptions field ("max_elements",
    /// "max_nesting", "max_file_bytes", "max_reference_work", ...), or "" when not known.
    const std::string& limit_name() const noexcept { return fields().limit_name; }
    /// Errc::unsupported_version: the version the file announces, and the newest this build reads.
    std::optional<std::uint64_t> found_version() const noexcept { return fields().found_version; }
    std::optional<std::uint64_t> supported_version() const noexcept {
        return fields().supported_version;
    }

    /// The same error with a field set (for the code that throws it; the message is unchanged).
    Error& with_path(std::string p) {
        return edit([&](Fields& f) { f.path = std::move(p); });
    }
    Error& with_byte_offset(std::uint64_t at) {
        return edit([&](Fields& f) { f.byte_offset = at; });
    }
    Error& with_json_path(std::string p) {
        return edit([&](Fields& f) { f.json_path = std::move(p); });
    }
    Error& with_limit(std::uint64_t l, std::string name = {}) {
        return edit([&](Fields& f) {
            f.limit = l;
            f.limit_name = std::move(name);
        });
    }
    Error& with_versions(std::uint64_t found, std::uint64_t supported) {
        return edit([&](Fields& f) {
            f.found_version = found;
            f.supported_version = supported;
        });
    }
    /// The fields of `other` (a rethrow with a new message keeps what the first error knew).
    Error& with_fields_of(const Error& other) {
        fields_ = other.fields_;
        return *this;
    }

private:
    struct Fields {
        std::string path;
        std::optional<std::uint64_t> byte_offset;
        std::string json_path;
        std::optional<std::uint64_t> limit;
        std::string limit_name;
        std::optional<std::uint64_t> found_version, supported_version;
    };
    static const Fields& no_fields() noexcept {
        static const Fields none;
        return none;
    }
    const Fields& fields() const noexcept { return fields_ ? *fields_ : no_fields(); }
    template <class F>
    Error& edit(F&& f) {
        auto copy = fields_ ? std::make_shared<Fields>(*fields_) : std::make_shared<Fields>();
        f(*copy);
        fields_ = std::move(copy);
        return *this;
    }

    Errc code_;
    std::shared_ptr<const Fields> fields_;
};

}  // namespace brine

/// brine::Errc converts to std::error_code implicitly.
namespace std {
template <>
struct is_error_code_enum<brine::Errc> : true_type {};
}  // namespace std
