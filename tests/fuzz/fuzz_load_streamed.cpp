// Fuzz target, differential: a binary file loaded through a file path (decoded as it is read,
// the path large files take) and the same bytes loaded with from_bytes_any must agree: the same
// model, or the same error code. Then predictions from whatever loaded.
// SPDX-License-Identifier: MIT
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "fuzz_common.hpp"

namespace {

/// One in-memory file for the whole run (memfd: nothing touches the disk), reachable by path.
struct MemFile {
    int fd = -1;
    std::string path;
    MemFile() {
        fd = memfd_create("brine-fuzz-streamed", 0);
        if (fd < 0) __builtin_trap();
        path = "/proc/self/fd/" + std::to_string(fd);
    }
    void set(const std::string& bytes) const {
        if (ftruncate(fd, 0) != 0) __builtin_trap();
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n =
                pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
            if (n <= 0) __builtin_trap();
            done += static_cast<std::size_t>(n);
        }
    }
};

/// The load through a path, forced onto the streaming decoder whatever the file's size (by
/// default only files of 1 MiB or more take it).
brine::AnyModel load_streamed(const std::string& path, const brine::LoadOptions& o) {
    return brine::detail::load_any_file(path, o, 0);
}

struct Outcome {
    bool loaded = false;
    brine::Errc code = brine::Errc::io;
    brine::AnyModel model;
};

template <class F>
Outcome attempt(F&& load) {
    Outcome r;
    try {
        r.model = load();
        r.loaded = true;
    } catch (const brine::Error& e) {
        r.code = e.code();
    } catch (...) {
        __builtin_trap();
    }
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const MemFile file;
    constexpr std::size_t magic_size = sizeof brine::detail::binary_magic;
    std::string bytes;
    if (size < magic_size || std::memcmp(data, brine::detail::binary_magic, magic_size) != 0) {
        bytes.assign(brine::detail::binary_magic, magic_size);
    }
    bytes.append(reinterpret_cast<const char*>(data), size);
    file.set(bytes);
    const brine::LoadOptions o = brine_fuzz::load_options();
    const Outcome in_memory = attempt([&] {
        const brine_fuzz::WorkMeter meter(bytes.size());
        return brine::from_bytes_any(bytes, o);
    });
    const Outcome streamed = attempt([&] {
        const brine_fuzz::WorkMeter meter(bytes.size());
        return load_streamed(file.path, o);
    });
    if (in_memory.loaded != streamed.loaded) __builtin_trap();
    if (!in_memory.loaded) {
        if (in_memory.code != streamed.code) __builtin_trap();
        return 0;
    }
    if (!(in_memory.model == streamed.model)) __builtin_trap();
    brine_fuzz::check_cost_model(streamed.model, bytes.size());
    try {
        brine_fuzz::exercise(streamed.model);
    } catch (...) {
        __builtin_trap();
    }
    return 0;
}
