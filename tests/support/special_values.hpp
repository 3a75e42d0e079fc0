// The non-finite doubles the model tests feed in.
// SPDX-License-Identifier: MIT
#pragma once

#include <limits>

namespace special_values {

inline constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
inline constexpr double inf_v = std::numeric_limits<double>::infinity();

}  // namespace special_values
