// Fuzz target: inspect_bytes on either encoding, and the prefix-only binary inspect that
// brine::inspect(path) uses, on every prefix length the input offers.
// SPDX-License-Identifier: MIT
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes = brine_fuzz::as_text(data, size);
    const brine::LoadOptions limits = brine_fuzz::load_options();
    try {
        const brine::FileInfo info = brine::inspect_bytes(bytes, limits);
        if (info.file_size != size) __builtin_trap();
    } catch (const brine::Error&) {
    } catch (...) {
        __builtin_trap();
    }
    // What brine::inspect(path) does with a binary file: only the prefix and header are read,
    // so the bytes after them (and the checksum) never matter. Mirrors its guarded() call.
    if (size > 0 && data[0] == static_cast<std::uint8_t>(brine::detail::binary_magic[0])) {
        try {
            brine::detail::guarded("inspecting", [&] {
                return brine::detail::inspect_binary_prefix(bytes, size + 1000, limits);
            });
        } catch (const brine::Error&) {
        } catch (...) {
            __builtin_trap();
        }
    }
    return 0;
}
