// brine::FilePath: every file function takes std::filesystem::path, std::string, std::string_view,
// string literals and const char*, and each names the same file.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

namespace path_test {

namespace fs = std::filesystem;

// Each form converts implicitly, so a call site never names FilePath.
static_assert(std::is_convertible_v<fs::path, brine::FilePath>);
static_assert(std::is_convertible_v<fs::directory_entry, brine::FilePath>);
static_assert(std::is_convertible_v<std::string, brine::FilePath>);
static_assert(std::is_convertible_v<std::string_view, brine::FilePath>);
static_assert(std::is_convertible_v<const char*, brine::FilePath>);
static_assert(std::is_convertible_v<const char (&)[8], brine::FilePath>);
static_assert(!std::is_convertible_v<int, brine::FilePath>);

TEST_CASE("file functions take every form of path", "[io][path]") {
    TempDir dir;
    const fs::path p = dir.path / "m.brine";
    const std::string s = p.string();
    const std::string_view v = s;
    const char* c = s.c_str();
    const brine::LinearRegression m = fixtures::linear();

    brine::save(m, p);
    CHECK(brine::load<brine::LinearRegression>(p) == m);
    CHECK(brine::load<brine::LinearRegression>(s) == m);
    CHECK(brine::load<brine::LinearRegression>(v) == m);
    CHECK(brine::load<brine::LinearRegression>(c) == m);
    CHECK(*brine::load_any(v).get_if<brine::LinearRegression>() == m);
    CHECK(brine::inspect(p).kind == brine::ModelKind::linear_regression);
    CHECK(brine::inspect(fs::directory_entry(p)).kind == brine::ModelKind::linear_regression);
    CHECK(brine::binary::load<brine::LinearRegression>(p) == m);
    CHECK(*brine::binary::load_any(c).get_if<brine::LinearRegression>() == m);

    // A .json path picks the JSON encoding whatever form it comes in.
    const fs::path j = dir.path / "m.json";
    brine::save(m, j);
    CHECK(brine::inspect(j.string()).format == brine::Format::json);
    brine::binary::save(m, std::string_view(s));
    CHECK(brine::inspect(std::string_view(s)).format == brine::Format::binary);
    CHECK(brine::format_for_path(fs::path("a/B.JSON")) == brine::Format::json);
}

TEST_CASE("errors name the file whatever form its path came in", "[io][path]") {
    TempDir dir;
    const fs::path p = dir.path / "missing.brine";
    BRINE_CHECK_THROWS_CODE(brine::load<brine::LinearRegression>(p), brine::Errc::io,
                            "cannot open '" + p.string() + "'");
    BRINE_CHECK_THROWS_CODE(brine::load_any(std::string_view(p.string())), brine::Errc::io,
                            "cannot open '" + p.string() + "'");
}

}  // namespace path_test
