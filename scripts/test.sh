#!/usr/bin/env bash
# Installs what is missing, then configures, builds and runs brine's whole test suite.
#
# Usage: bash scripts/test.sh [preset]     preset: dev (default), release, asan, clang, offline
# The exit code is ctest's: 0 when every test passed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup-debian.sh
cmake --workflow --preset "${1:-dev}"
