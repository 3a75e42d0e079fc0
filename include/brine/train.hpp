// Umbrella header for the training shim: Eigen matrices in, brine model structs out (no I/O).
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/models.hpp"
#include "brine/train/checks.hpp"
#include "brine/train/ensemble.hpp"
#include "brine/train/linear.hpp"
#include "brine/train/logistic.hpp"
#include "brine/train/one_hot_encoder.hpp"
#include "brine/train/pipeline.hpp"
#include "brine/train/robust_scalers.hpp"
#include "brine/train/scalers.hpp"
#include "brine/train/simple_imputer.hpp"
#include "brine/train/tree.hpp"
