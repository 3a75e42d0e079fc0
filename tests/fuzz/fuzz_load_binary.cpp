// Fuzz target: from_bytes_any on a binary file (the magic is prepended when the input lacks it,
// so no mutation is wasted on the first eight bytes), then predictions from whatever loaded.
// SPDX-License-Identifier: MIT
#include <cstring>
#include <string>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    constexpr std::size_t magic_size = sizeof brine::detail::binary_magic;
    std::string bytes;
    if (size < magic_size || std::memcmp(data, brine::detail::binary_magic, magic_size) != 0) {
        bytes.assign(brine::detail::binary_magic, magic_size);
    }
    bytes.append(reinterpret_cast<const char*>(data), size);
    brine::AnyModel m;
    try {
        const brine_fuzz::WorkMeter meter(bytes.size());
        m = brine::from_bytes_any(bytes, brine_fuzz::load_options());
    } catch (const brine::Error&) {
        return 0;  // the one way a load may fail
    } catch (...) {
        __builtin_trap();
    }
    brine_fuzz::check_cost_model(m, bytes.size());
    try {
        brine_fuzz::exercise(m);
    } catch (...) {
        __builtin_trap();
    }
    return 0;
}
