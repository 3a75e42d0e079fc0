// Helpers the file-format tests share: a fixed creation time for reproducible files, a model whose
// file has a chosen size, and re-signing bytes a test has edited.
// SPDX-License-Identifier: MIT
#pragma once

#include <brine/brine.hpp>

#include <cstdint>
#include <string>

namespace io_fixtures {

/// Save options with a fixed creation time, so equal models give equal bytes.
inline brine::SaveOptions fixed_time() {
    brine::SaveOptions so;
    so.created = "2026-01-01T00:00:00Z";
    return so;
}

/// A model whose binary file is about 8 * n bytes.
inline brine::LinearRegression big_linear(Eigen::Index n) {
    Eigen::VectorXd coef = Eigen::VectorXd::LinSpaced(n, -1.0, 1.0);
    return brine::LinearRegression(coef, 0.5);
}

/// Recomputes the trailing checksum of binary file bytes after a test changed them, so the load
/// gets past the checksum to the check under test.
inline void resign(std::string& bytes) {
    const std::uint64_t h = brine::detail::XxHash64::hash(bytes.data(), bytes.size() - 8);
    for (int i = 0; i < 8; ++i)
        bytes[bytes.size() - 8 + static_cast<std::size_t>(i)] = static_cast<char>(h >> (8 * i));
}

}  // namespace io_fixtures
