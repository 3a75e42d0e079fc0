// Shared by the signing tests: a signed model in a temporary directory, and byte edits.
// SPDX-License-Identifier: MIT
#pragma once

#include <brine/brine.hpp>
#include <brine/signing.hpp>

#include <string>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

namespace signing_test {

/// A fixed creation time, so that two saves of one model give the same bytes.
inline brine::SaveOptions fixed_time() {
    brine::SaveOptions o;
    o.created = "2026-01-02T03:04:05Z";
    return o;
}

inline brine::SignOptions sign_as(const std::string& name, std::uint64_t version) {
    brine::SignOptions o;
    o.name = name;
    o.version = version;
    o.timestamp = 1767322800;
    return o;
}

inline brine::SignaturePolicy require(const std::string& name, std::uint64_t min_version = 0) {
    brine::SignaturePolicy p;
    p.name = name;
    p.min_version = min_version;
    return p;
}

inline std::string flip(std::string bytes, std::size_t i, unsigned char mask = 0x01) {
    bytes[i] = static_cast<char>(static_cast<unsigned char>(bytes[i]) ^ mask);
    return bytes;
}

/// Runs a shell command; returns its exit status (or -1).
inline int run(const std::string& command) {
    const int status = std::system(command.c_str());
    if (status == -1 || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

}  // namespace signing_test
