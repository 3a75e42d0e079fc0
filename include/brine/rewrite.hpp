// Rewriting model files whole (the model with its header: brine::load_any_with_info): convert one
// to the other encoding keeping every header field (convert_bytes, convert_file), and seal a
// hand-edited JSON document with a new checksum (reseal_bytes, reseal_file). What the `brine`
// command is built on. SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

#include "brine/io/api.hpp"
#include "brine/io/options.hpp"

namespace brine {

/// Re-encodes a brine file (binary or JSON, detected from its content) in `to`, after a load with
/// every check. The header is kept as it is: metadata, creation time, the library version that
/// wrote it and the reference predictions (inputs, outputs, tolerance and writing build); only the
/// container format version and the header's schema version become this build's (the payload is
/// written in the current schema). Both encodings of the same content share a checksum, so
/// converting a current file to the other encoding and back gives the same bytes.
/// Throws every error of from_bytes_any.
template <class Tag = void>
std::string convert_bytes(std::string_view bytes, Format to, const LoadOptions& options = {});

/// convert_bytes from the file `in` to the file `out` (written atomically). Errors name the file.
template <class Tag = void>
void convert_file(const std::string& in, const std::string& out, Format to,
                  const LoadOptions& options = {});

/// How reseal_bytes treats a hand-edited document.
struct ResealOptions {
    /// Compute the reference outputs again from the stored reference inputs (with the stored
    /// tolerance, recording this build). When false, the stored outputs must still agree with the
    /// edited model, as on a load (Errc::reference_mismatch otherwise).
    bool recompute_reference = false;
    /// The limits and checks of the load that the document must pass.
    LoadOptions load;
};

/// Seals a JSON brine document after a deliberate edit: everything a load checks is checked —
/// syntax, container, versions, payload, limits, the model's invariants and (unless
/// ResealOptions::recompute_reference) the reference predictions — except that the stored checksum
/// may differ; the document is written again, with the header as edited and a new checksum, and
/// the result is loaded once more before it is returned. A binary file is refused
/// (Errc::invalid_argument): its checksum protects bytes nobody edits by hand.
/// Throws every error of from_bytes_any but checksum_mismatch.
template <class Tag = void>
std::string reseal_bytes(std::string_view json, const ResealOptions& options = {});

/// reseal_bytes of the file `in`, written atomically to `out` (which may be `in`). Errors name
/// the file.
template <class Tag = void>
void reseal_file(const std::string& in, const std::string& out, const ResealOptions& options = {});

}  // namespace brine

#if !defined(BRINE_COMPILED)
#include "brine/io/rewrite.hpp"
#else
namespace brine {
extern template std::string convert_bytes<void>(std::string_view, Format, const LoadOptions&);
extern template void convert_file<void>(const std::string&, const std::string&, Format,
                                        const LoadOptions&);
extern template std::string reseal_bytes<void>(std::string_view, const ResealOptions&);
extern template void reseal_file<void>(const std::string&, const std::string&,
                                       const ResealOptions&);
}  // namespace brine
#endif
