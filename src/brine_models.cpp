// The model types' members that visit every kind, compiled once (the brine::compiled library): the
// definitions of what brine/models/extern.hpp declares.
// SPDX-License-Identifier: MIT
#include "brine/models/extern.hpp"

namespace brine {

BRINE_MODELS_INSTANTIATE_ALL()

}  // namespace brine
