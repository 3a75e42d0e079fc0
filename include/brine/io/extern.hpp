// The file API's instantiations for every built-in kind, declared `extern` in compiled mode
// (BRINE_COMPILED): src/brine_io.cpp defines them once, no other translation unit compiles them.
// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "brine/io/api.hpp"
#include "brine/models.hpp"

/// The explicit instantiations of the file API for the model type M (every built-in kind, and
/// AnyModel for the saving functions); `EXTERN` is `extern` for the declarations, empty for the
/// definitions.
#define BRINE_IO_INSTANTIATE_SAVE(EXTERN, M)                                        \
    EXTERN template std::string to_bytes<M>(const M&, Format, const SaveOptions&);  \
    EXTERN template void save<M>(const M&, const std::string&, const SaveOptions&); \
    EXTERN template std::string binary::to_bytes<M>(const M&, const SaveOptions&);  \
    EXTERN template void binary::save<M>(const M&, const std::string&, const SaveOptions&);
#define BRINE_IO_INSTANTIATE_KIND(EXTERN, M)                                       \
    BRINE_IO_INSTANTIATE_SAVE(EXTERN, M)                                           \
    EXTERN template M from_bytes<M>(std::string_view, const LoadOptions&);         \
    EXTERN template M load<M>(const std::string&, const LoadOptions&);             \
    EXTERN template M binary::from_bytes<M>(std::string_view, const LoadOptions&); \
    EXTERN template M binary::load<M>(const std::string&, const LoadOptions&);
#define BRINE_IO_INSTANTIATE_ALL(EXTERN)                                                         \
    BRINE_IO_INSTANTIATE_KIND(EXTERN, LinearRegression)                                          \
    BRINE_IO_INSTANTIATE_KIND(EXTERN, LogisticRegression)                                        \
    BRINE_IO_INSTANTIATE_KIND(EXTERN, DecisionTree)                                              \
    BRINE_IO_INSTANTIATE_KIND(EXTERN, StandardScaler)                                            \
    BRINE_IO_INSTANTIATE_KIND(EXTERN, MinMaxScaler)                                              \
    BRINE_IO_INSTANTIATE_KIND(EXTERN, Pipeline)                                                  \
    BRINE_IO_INSTANTIATE_KIND(EXTERN, TreeEnsemble)                                              \
    BRINE_IO_INSTANTIATE_SAVE(EXTERN, AnyModel)                                                  \
    EXTERN template AnyModel from_bytes_any<void>(std::string_view, const LoadOptions&);         \
    EXTERN template FileInfo inspect_bytes<void>(std::string_view, const Limits&);               \
    EXTERN template AnyModel load_any<void>(const std::string&, const LoadOptions&);             \
    EXTERN template FileInfo inspect<void>(const std::string&, const Limits&);                   \
    EXTERN template AnyModel binary::from_bytes_any<void>(std::string_view, const LoadOptions&); \
    EXTERN template AnyModel binary::load_any<void>(const std::string&, const LoadOptions&);

namespace brine {

static_assert(std::variant_size_v<AnyModel::Variant> == 7,
              "a new model kind: add it to BRINE_IO_INSTANTIATE_ALL in brine/io/extern.hpp");

BRINE_IO_INSTANTIATE_ALL(extern)

}  // namespace brine
