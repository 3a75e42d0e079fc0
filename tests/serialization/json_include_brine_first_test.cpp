// Include order: brine's JSON header first, then cereal's json.hpp; both archives keep working.
// SPDX-License-Identifier: MIT

// The order of these two includes is what this file tests.
// clang-format off
#include "brine/serialization/json_archive.hpp"
#include <cereal/archives/json.hpp>
// clang-format on

#include <sstream>
#include <string>

#include "brine_catch.hpp"

// Debian's cereal configures the system RapidJSON through macros that only work if they come
// before RapidJSON's first inclusion; were that lost, cereal's type errors would abort() and its
// parsing would not be exact. These checks fail (or crash) if brine's header broke that.
TEST_CASE("json: include order, brine's JSON archive first, cereal's json.hpp second", "[json]") {
    {
        std::istringstream in(R"({"v": "abc"})");
        cereal::JSONInputArchive ar(in);
        double v = 0;
        CHECK_THROWS_AS(ar(cereal::make_nvp("v", v)), cereal::RapidJSONException);
    }
    {
        std::istringstream in(R"({"v": 2.2250738585072011e-308})");
        cereal::JSONInputArchive ar(in);
        double v = 0;
        ar(cereal::make_nvp("v", v));
        CHECK(v == 2.2250738585072011e-308);
    }
    brine::JsonInputArchive ar(R"({"v": 2.2250738585072011e-308})", brine::Limits{});
    double v = 0;
    ar(cereal::make_nvp("v", v));
    ar.finish();
    CHECK(v == 2.2250738585072011e-308);
}
