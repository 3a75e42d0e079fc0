// brine/rewrite.hpp compiled once (the brine::compiled library): convert and
// reseal.
// SPDX-License-Identifier: MIT
#include "brine/io/rewrite.hpp"

namespace brine {

template std::string convert_bytes<void>(std::string_view, Format, const LoadOptions&);
template void convert_file<void>(const std::string&, const std::string&, Format,
                                 const LoadOptions&);
template std::string reseal_bytes<void>(std::string_view, const ResealOptions&);
template void reseal_file<void>(const std::string&, const std::string&, const ResealOptions&);

}  // namespace brine
