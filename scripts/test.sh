#!/usr/bin/env bash
# Installs what is missing, then configures, builds and runs brine's whole test suite.
#
# Usage: bash scripts/test.sh [preset]     preset: dev (default), release, clang-asan, asan, clang, offline
# The exit code is ctest's: 0 when every test passed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup-debian.sh
# ccache (installed above) keeps compiled objects between builds and checkouts: a rebuild compiles
# only what changed. CMake reads CMAKE_CXX_COMPILER_LAUNCHER when it configures a new build
# directory; set it to empty to build without the cache.
if command -v ccache >/dev/null 2>&1; then
    export CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER-ccache}
    export CCACHE_BASEDIR=${CCACHE_BASEDIR-$PWD}
fi
# BRINE_DEBUG_FLAGS, when set, replaces CMake's -g in a Debug build directory (the workflow keeps a
# value the preset does not set). CI sets -g1: line tables and function names for backtraces,
# without the variables of every template instance, which are an eighth of a test file's compile.
if [[ -n ${BRINE_DEBUG_FLAGS:-} ]]; then
    cmake --preset "${1:-dev}" -DCMAKE_CXX_FLAGS_DEBUG="$BRINE_DEBUG_FLAGS" >/dev/null
fi
cmake --workflow --preset "${1:-dev}"
