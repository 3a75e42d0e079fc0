// Fuzz target: from_bytes_any on a JSON document, then predictions from whatever loaded. Inputs
// starting with the binary magic's first byte are left to fuzz_load_binary.
// SPDX-License-Identifier: MIT
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 0 && data[0] == static_cast<std::uint8_t>(brine::detail::binary_magic[0])) return 0;
    brine::AnyModel m;
    try {
        const brine_fuzz::WorkMeter meter(size);
        m = brine::from_bytes_any(brine_fuzz::as_text(data, size), brine_fuzz::load_options());
    } catch (const brine::Error&) {
        return 0;  // the one way a load may fail
    } catch (...) {
        __builtin_trap();
    }
    brine_fuzz::check_cost_model(m, size);
    try {
        brine_fuzz::exercise(m);
    } catch (...) {
        __builtin_trap();
    }
    return 0;
}
