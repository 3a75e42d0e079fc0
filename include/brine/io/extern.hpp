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
#define BRINE_IO_INSTANTIATE_SAVE(EXTERN, M)                                       \
    EXTERN template std::string to_bytes<M>(const M&, Format, const SaveOptions&); \
    EXTERN template void save<M>(const M&, const FilePath&, const SaveOptions&);   \
    EXTERN template std::string binary::to_bytes<M>(const M&, const SaveOptions&); \
    EXTERN template void binary::save<M>(const M&, const FilePath&, const SaveOptions&);
#define BRINE_IO_INSTANTIATE_KIND(EXTERN, M)                                          \
    BRINE_IO_INSTANTIATE_SAVE(EXTERN, M)                                              \
    EXTERN template M from_bytes<M>(std::string_view, const LoadOptions&);            \
    EXTERN template M load<M>(const FilePath&, const LoadOptions&);                   \
    EXTERN template M binary::from_bytes<M>(std::string_view, const LoadOptions&);    \
    EXTERN template M binary::load<M>(const FilePath&, const LoadOptions&);           \
    EXTERN template Loaded<M> load_with_info<M>(const FilePath&, const LoadOptions&); \
    EXTERN template Loaded<M> from_bytes_with_info<M>(std::string_view, const LoadOptions&);
// One BRINE_IO_INSTANTIATE_KIND per row of BRINE_MODEL_KINDS: BRINE_IO_KIND_##EXTERN names the
// declaring row macro for EXTERN = extern and the defining one for an empty EXTERN.
#define BRINE_IO_KIND_extern(Type, name, number, schema) BRINE_IO_INSTANTIATE_KIND(extern, Type)
#define BRINE_IO_KIND_(Type, name, number, schema) BRINE_IO_INSTANTIATE_KIND(, Type)
#define BRINE_IO_INSTANTIATE_ALL(EXTERN)                                                         \
    BRINE_MODEL_KINDS(BRINE_IO_KIND_##EXTERN)                                                    \
    BRINE_IO_INSTANTIATE_SAVE(EXTERN, AnyModel)                                                  \
    EXTERN template AnyModel from_bytes_any<void>(std::string_view, const LoadOptions&);         \
    EXTERN template FileInfo inspect_bytes<void>(std::string_view, const Limits&);               \
    EXTERN template AnyModel load_any<void>(const FilePath&, const LoadOptions&);                \
    EXTERN template FileInfo inspect<void>(const FilePath&, const Limits&);                      \
    EXTERN template AnyModel binary::from_bytes_any<void>(std::string_view, const LoadOptions&); \
    EXTERN template AnyModel binary::load_any<void>(const FilePath&, const LoadOptions&);        \
    EXTERN template Loaded<AnyModel> load_any_with_info<void>(const FilePath&,                   \
                                                              const LoadOptions&);               \
    EXTERN template Loaded<AnyModel> from_bytes_any_with_info<void>(std::string_view,            \
                                                                    const LoadOptions&);

namespace brine {

BRINE_IO_INSTANTIATE_ALL(extern)

}  // namespace brine
