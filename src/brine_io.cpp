// brine's file API, compiled once for every built-in kind (the brine::compiled library): the
// definitions of what brine/io/extern.hpp declares.
// SPDX-License-Identifier: MIT
#include "brine/io/binary.hpp"
#include "brine/io/codec.hpp"
#include "brine/io/extern.hpp"
#include "brine/io/files.hpp"

namespace brine {

BRINE_IO_INSTANTIATE_ALL()

}  // namespace brine
