// Where the tests find tests/data, wherever the checkout and the build directory are.
// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>

namespace test_data {

/// The tests/data folder. BRINE_TEST_DATA_FROM_EXE (tests/CMakeLists.txt) is its path relative to
/// the folder of the test program, so that no compiled object holds the checkout's location and a
/// compiler cache serves clones in any folder; an absolute path is used as it is.
inline std::string dir() {
    std::filesystem::path p(BRINE_TEST_DATA_FROM_EXE);
    if (p.is_relative()) p = std::filesystem::read_symlink("/proc/self/exe").parent_path() / p;
    return p.lexically_normal().string();
}

}  // namespace test_data
