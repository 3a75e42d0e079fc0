// Umbrella header for a program that reads and writes binary brine files only: every brine model
// and brine::binary::{save, load, load_any, to_bytes, from_bytes, from_bytes_any}. It compiles
// faster than <brine/brine.hpp> because it leaves out brine's JSON reader and writer.
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/io/api.hpp"
#include "brine/io/options.hpp"
#include "brine/models.hpp"

#if !defined(BRINE_COMPILED)
#include "brine/io/binary.hpp"
#endif
