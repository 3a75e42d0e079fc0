// Catch2 v2/v3 compatibility for brine's tests; BRINE_CATCH2_MAJOR is defined by CMake.
// SPDX-License-Identifier: MIT
#pragma once

#if BRINE_CATCH2_MAJOR >= 3
#include <catch2/catch_approx.hpp>
#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_floating_point.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
using Catch::Approx;
#define BRINE_CONTAINS Catch::Matchers::ContainsSubstring
#else
#include <catch2/catch.hpp>
#define BRINE_CONTAINS Catch::Matchers::Contains
#endif

#include <string>

#include "brine/error.hpp"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using Catch::Matchers::WithinULP;

/// Checks that `expr` throws brine::Error with code `errc` and a message containing `text`.
#define BRINE_CHECK_THROWS_CODE(expr, errc, text)                           \
    do {                                                                    \
        bool brine_threw_ = false;                                          \
        try {                                                               \
            (void)(expr);                                                   \
        } catch (const brine::Error& brine_e_) {                            \
            brine_threw_ = true;                                            \
            CHECK(brine_e_.code() == (errc));                               \
            CHECK_THAT(std::string(brine_e_.what()), BRINE_CONTAINS(text)); \
        }                                                                   \
        CHECK(brine_threw_);                                                \
    } while (false)
