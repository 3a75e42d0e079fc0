// Regression replayer: runs files through a fuzz target's LLVMFuzzerTestOneInput without
// libFuzzer, so any compiler (and ctest) can replay the seed corpus and the committed crashers.
// SPDX-License-Identifier: MIT
//
// Usage: brine_fuzz_replay_<target> <file or directory>...  (directories are read recursively)
//
// The replayer is built without FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, so checksums are
// verified. Crashers found by the fuzzers (which skip that check) would mostly stop at it, so a
// binary input whose section lengths are consistent is also run a second time with its checksum
// recomputed: that copy reaches the same code the fuzzer reached.
#include <brine/brine.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

void run(const std::string& bytes) {
    // A copy in its own allocation, so that AddressSanitizer sees reads past the end.
    std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(copy.data(), copy.size());
}

/// The input with its trailing XXH64 recomputed, or an empty string when the input is not a
/// binary container whose lengths add up (then there is no checksum to repair).
std::string with_checksum_repaired(const std::string& b) {
    namespace d = brine::detail;
    constexpr std::size_t prefix = d::binary_prefix_size, sum = d::checksum_size;
    if (b.size() < prefix + 8 + sum ||
        std::memcmp(b.data(), d::binary_magic, sizeof d::binary_magic) != 0)
        return {};
    const std::uint64_t header_len = d::get_u64(b, 12);
    if (header_len > b.size() - prefix - 8 - sum) return {};
    const std::uint64_t payload_len = d::get_u64(b, prefix + static_cast<std::size_t>(header_len));
    if (payload_len != b.size() - prefix - header_len - 8 - sum) return {};
    std::string fixed = b;
    const std::uint64_t h = d::XxHash64::hash(fixed.data(), fixed.size() - sum);
    d::copy_le<std::uint64_t>(&fixed[fixed.size() - sum], &h, 1);
    return fixed == b ? std::string() : fixed;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        const fs::path arg(argv[i]);
        if (fs::is_directory(arg)) {
            for (const auto& e : fs::recursive_directory_iterator(arg)) {
                if (e.is_regular_file()) files.push_back(e.path());
            }
        } else if (fs::is_regular_file(arg)) {
            files.push_back(arg);
        } else {
            std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
            return 2;
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "replay: no inputs (usage: %s <file or directory>...)\n", argv[0]);
        return 2;
    }
    std::sort(files.begin(), files.end());
    std::size_t repaired = 0;
    for (const fs::path& f : files) {
        std::ifstream in(f, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        // Named before running, so that a crash report says which input it was.
        std::fprintf(stderr, "replay: %s (%zu bytes)\n", f.string().c_str(), bytes.size());
        run(bytes);
        const std::string fixed = with_checksum_repaired(bytes);
        if (!fixed.empty()) {
            run(fixed);
            ++repaired;
        }
    }
    std::printf("replay: %zu inputs ran without a finding (%zu also with a repaired checksum)\n",
                files.size(), repaired);
    return 0;
}
