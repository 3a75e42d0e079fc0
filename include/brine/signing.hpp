// Umbrella header for signed model files (needs libsodium; CMake target brine::signing): key
// pairs, sign_file, save_signed, load_signed, load_any_signed, verify_file.
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/signing/files.hpp"
#include "brine/signing/keys.hpp"
#include "brine/signing/minisign.hpp"
