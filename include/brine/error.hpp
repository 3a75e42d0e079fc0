// brine::Error and brine::Errc: the one exception type every brine failure is reported with.
// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>
#include <string>

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
    }
    return "unknown error";
}

/// The exception every brine function throws. `what()` reads
/// "brine: <errc_name>: <detail>", e.g.
/// "brine: truncated file: needed 8000 bytes for 'coef' at byte 112, 37 left".
class Error : public std::runtime_error {
public:
    Error(Errc code, const std::string& detail)
        : std::runtime_error(std::string("brine: ") + errc_name(code) + ": " + detail),
          code_(code) {}

    /// The error's category.
    Errc code() const noexcept { return code_; }

private:
    Errc code_;
};

}  // namespace brine
