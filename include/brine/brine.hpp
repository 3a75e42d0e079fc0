// Umbrella header: every brine model and the model-file front door (not the training shim).
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/models.hpp"
