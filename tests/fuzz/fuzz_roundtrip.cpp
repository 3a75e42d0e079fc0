// Fuzz target, round-trip oracle: whatever loads must save in both encodings, load back to an
// equal model, save to the same bytes again, and predict. Anything else traps.
// SPDX-License-Identifier: MIT
#include <string>

#include "fuzz_common.hpp"

namespace {

// A fixed creation time makes two saves of equal models byte-identical.
brine::SaveOptions save_options() {
    brine::SaveOptions o;
    o.created = "2026-01-01T00:00:00Z";
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const brine::LoadOptions options = brine_fuzz::load_options();
    brine::AnyModel m;
    try {
        m = brine::from_bytes_any(brine_fuzz::as_text(data, size), options);
    } catch (const brine::Error&) {
        return 0;
    } catch (...) {
        __builtin_trap();
    }
    // The saved files may be larger than the input (JSON of a binary input), never deeper or with
    // longer arrays, so only the size limit is relaxed for the second load.
    brine::LoadOptions again = options;
    again.max_file_bytes = std::uint64_t{1} << 26;
    try {
        brine_fuzz::exercise(m);
        for (const brine::Format f : {brine::Format::binary, brine::Format::json}) {
            const std::string saved = brine::to_bytes(m, f, save_options());
            const brine::AnyModel back = brine::from_bytes_any(saved, again);
            if (!(back == m)) __builtin_trap();
            if (brine::to_bytes(back, f, save_options()) != saved) __builtin_trap();
            brine_fuzz::exercise(back);
        }
    } catch (...) {
        __builtin_trap();
    }
    return 0;
}
