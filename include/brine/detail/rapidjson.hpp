// Selects the RapidJSON that cereal itself uses and exposes it as brine::detail::rj.
// SPDX-License-Identifier: MIT
#pragma once

// Two layouts exist:
//  - upstream cereal (release tarballs, FetchContent) bundles RapidJSON as
//    <cereal/external/rapidjson/...> with CEREAL_RAPIDJSON_* macros and the namespace
//    CEREAL_RAPIDJSON_NAMESPACE (by default plain `rapidjson`);
//  - Debian/Ubuntu's libcereal-dev strips that copy and cereal includes the system
//    <rapidjson/...> (rapidjson-dev) with the plain RAPIDJSON_* macros.
// When cereal bundles its copy we must use that one: both copies declare `::rapidjson`, so a
// translation unit that also includes cereal's json.hpp would see every class twice. Otherwise
// the system RapidJSON is the only one there is.
//
// cereal's json.hpp configures RapidJSON through macros (a throwing RAPIDJSON_ASSERT, exact
// number parsing) that only take effect if they are defined before RapidJSON's first inclusion.
// Including it first keeps that configuration intact whichever of <cereal/archives/json.hpp>
// and brine's JSON headers a user includes first. brine itself never relies on RAPIDJSON_ASSERT
// nor on the default parse/write flags: it checks each value's type before reading it and passes
// its flags explicitly.
// Sorting the includes would move <cereal/archives/json.hpp> after the RapidJSON headers.
// clang-format off
#if __has_include(<cereal/external/rapidjson/document.h>)
#include <cereal/archives/json.hpp>
#include <cereal/external/rapidjson/document.h>
#include <cereal/external/rapidjson/error/en.h>
#include <cereal/external/rapidjson/internal/dtoa.h>
#include <cereal/external/rapidjson/memorystream.h>
#include <cereal/external/rapidjson/reader.h>
#define BRINE_DETAIL_RAPIDJSON_NAMESPACE CEREAL_RAPIDJSON_NAMESPACE
#elif __has_include(<rapidjson/document.h>)
#if __has_include(<cereal/archives/json.hpp>)
#include <cereal/archives/json.hpp>
#endif
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/internal/dtoa.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#define BRINE_DETAIL_RAPIDJSON_NAMESPACE RAPIDJSON_NAMESPACE
#else
#error "brine's JSON archives need RapidJSON: install rapidjson-dev or use upstream cereal"
#endif
// clang-format on

namespace brine::detail {
/// The RapidJSON namespace in use (`rapidjson`, or whatever cereal's build renamed it to).
namespace rj = ::BRINE_DETAIL_RAPIDJSON_NAMESPACE;
}  // namespace brine::detail

#undef BRINE_DETAIL_RAPIDJSON_NAMESPACE
