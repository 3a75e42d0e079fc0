// Forced first include (-include) of the test areas built against brine::compiled: the
// definitions behind brine's file API, which brine/brine.hpp leaves out in compiled mode, so the
// tests can reach brine::detail. The public entry points stay `extern template`
// (brine/io/extern.hpp, included by brine/io/api.hpp), so a test file does not instantiate them
// again: the library's instantiations are the ones called.
// SPDX-License-Identifier: MIT
#pragma once

#if !defined(BRINE_COMPILED)
#error "brine_definitions.hpp is for test targets that link brine::compiled"
#endif

#include "brine/io/binary.hpp"
#include "brine/io/codec.hpp"
#include "brine/io/files.hpp"
