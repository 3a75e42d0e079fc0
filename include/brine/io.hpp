// Umbrella header for brine's file API: save, load, load_any, inspect, to_bytes, from_bytes.
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/io/codec.hpp"
#include "brine/io/files.hpp"
#include "brine/io/options.hpp"
