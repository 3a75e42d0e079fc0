// Umbrella header for brine's file API: save, load, load_any, inspect, to_bytes, from_bytes, in
// both encodings, and brine::binary (the binary encoding only).
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/io/api.hpp"
#include "brine/io/options.hpp"

// With BRINE_COMPILED (the brine::compiled CMake target) the definitions come from the brine
// library, compiled once, for every built-in kind: a program includes the declarations only.
#if !defined(BRINE_COMPILED)
#include "brine/io/binary.hpp"
#include "brine/io/codec.hpp"
#include "brine/io/files.hpp"
#endif
