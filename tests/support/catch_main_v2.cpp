// Catch2 v2 main() for builds whose Catch2 has no Catch2WithMain library.
// SPDX-License-Identifier: MIT
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
