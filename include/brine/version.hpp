// Library version and container format version of brine.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

/// Library version (semantic versioning). Independent of the file format version.
#define BRINE_VERSION_MAJOR 0
#define BRINE_VERSION_MINOR 1
#define BRINE_VERSION_PATCH 0
#define BRINE_VERSION_STRING "0.1.0"

namespace brine {

/// The library version as numbers and as text.
struct LibraryVersion {
    std::uint16_t major;
    std::uint16_t minor;
    std::uint16_t patch;
};

inline constexpr LibraryVersion library_version{BRINE_VERSION_MAJOR, BRINE_VERSION_MINOR,
                                                BRINE_VERSION_PATCH};
inline constexpr const char* library_version_string = BRINE_VERSION_STRING;

/// Container format version written by this build. A reader refuses a file whose major version is
/// newer than its own; a newer minor version only adds optional content and is read.
inline constexpr std::uint16_t format_version_major = 1;
inline constexpr std::uint16_t format_version_minor = 0;

}  // namespace brine
