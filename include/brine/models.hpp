// Umbrella header for brine's model types (no file I/O, no training code).
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/error.hpp"
#include "brine/models/any_model.hpp"
#include "brine/models/columns.hpp"
#include "brine/models/decision_tree.hpp"
#include "brine/models/linear_regression.hpp"
#include "brine/models/logistic_regression.hpp"
#include "brine/models/one_hot_encoder.hpp"
#include "brine/models/pipeline.hpp"
#include "brine/models/robust_scalers.hpp"
#include "brine/models/rows.hpp"
#include "brine/models/scalers.hpp"
#include "brine/models/simple_imputer.hpp"
#include "brine/models/tree_ensemble.hpp"
#include "brine/version.hpp"
