// Umbrella header: every brine model and the model-file API: save, load, load_any, inspect,
// to_bytes, from_bytes (the training shim is separate: <brine/train.hpp>).
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/io.hpp"
#include "brine/models.hpp"
