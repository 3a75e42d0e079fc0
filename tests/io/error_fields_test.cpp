// brine::Error's fields (path, byte offset, JSON path, limit, versions), its std::error_code, and
// the loads that report failure without throwing.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <string>
#include <system_error>

#include "brine_catch.hpp"
#include "io_fixtures.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

namespace error_fields_test {

using brine::Errc;

/// The brine::Error that f throws (fails the test if it throws none).
template <class F>
brine::Error error_of(F&& f) {
    try {
        f();
    } catch (const brine::Error& e) {
        return e;
    }
    FAIL("no brine::Error thrown");
    return brine::Error(Errc::io, "unreachable");
}

TEST_CASE("Errc is a std::error_code enum of the \"brine\" category", "[io][errors]") {
    static_assert(std::is_error_code_enum_v<Errc>);
    const std::error_code ec = Errc::truncated;
    CHECK(ec.category() == brine::error_category());
    CHECK(std::string(ec.category().name()) == "brine");
    CHECK(ec.value() == static_cast<int>(Errc::truncated));
    CHECK(ec.message() == "truncated file");
    CHECK(ec == Errc::truncated);
    CHECK(ec != Errc::malformed);
    CHECK(ec != std::errc::io_error);  // another category, even where the number matches
    CHECK(brine::make_error_code(Errc::version_rollback).message() == "version rollback");
    // Codes keep their numbers (they are std::error_code values and CLI exit statuses derive from
    // them): a new code is appended.
    CHECK(static_cast<int>(Errc::not_brine_file) == 1);
    CHECK(static_cast<int>(Errc::version_rollback) == 19);
    CHECK(static_cast<int>(Errc::unsupported) == 20);
    CHECK(brine::make_error_code(Errc::unsupported).message() == "unsupported model");
    const brine::Error e(Errc::shape_mismatch, "x");
    CHECK(e.error_code() == Errc::shape_mismatch);
    // A plain error has no fields, and copies share them without throwing.
    CHECK(e.path().empty());
    CHECK_FALSE(e.byte_offset().has_value());
    CHECK(e.json_path().empty());
    CHECK_FALSE(e.limit().has_value());
    static_assert(std::is_nothrow_copy_constructible_v<brine::Error>);
}

TEST_CASE("Error fields say where and what, the message unchanged", "[io][errors]") {
    TempDir dir;
    const std::string bytes = brine::to_bytes(fixtures::linear());

    // A binary file cut inside its payload: the offset where the payload starts (the prefix, the
    // header's length announced at byte 12, then 8 bytes of payload length).
    const std::string path = dir.file("cut.brine");
    write_all(path, bytes.substr(0, bytes.size() - 12));
    const brine::Error cut = error_of([&] { brine::load<brine::LinearRegression>(path); });
    CHECK(cut.code() == Errc::truncated);
    CHECK(cut.path() == path);
    std::uint64_t header_len = 0;
    for (int i = 7; i >= 0; --i)
        header_len =
            header_len << 8 | static_cast<unsigned char>(bytes[12 + static_cast<std::size_t>(i)]);
    const std::uint64_t payload_at = 20 + header_len + 8;
    REQUIRE(cut.byte_offset().has_value());
    CHECK(*cut.byte_offset() == payload_at);
    CHECK_THAT(cut.what(), BRINE_CONTAINS("at byte " + std::to_string(payload_at)));

    // The same bytes in memory: no path, the same offset.
    const brine::Error mem = error_of(
        [&] { brine::from_bytes<brine::LinearRegression>(bytes.substr(0, bytes.size() - 12)); });
    CHECK(mem.path().empty());
    CHECK(mem.byte_offset() == cut.byte_offset());

    // A JSON document with a value of the wrong type: the JSON path.
    brine::SaveOptions js;
    js.format = brine::Format::json;
    std::string doc = brine::to_bytes(fixtures::linear(), brine::Format::json, js);
    const std::size_t at = doc.find("\"created\": \"");
    REQUIRE(at != std::string::npos);
    const std::size_t end = doc.find('"', at + 12);  // the value's closing quote
    doc.replace(at, end + 1 - at, "\"created\": 7");
    const brine::Error typed = error_of([&] { brine::from_bytes_any(doc); });
    CHECK(typed.code() == Errc::malformed);
    CHECK(typed.json_path() == "$.header.created");
    CHECK_THAT(typed.what(), BRINE_CONTAINS("at $.header.created"));

    // A file over LoadOptions::max_file_bytes: the limit, and the path.
    brine::LoadOptions small;
    small.max_file_bytes = 10;
    const brine::Error over = error_of([&] { brine::load_any(path, small); });
    CHECK(over.code() == Errc::limit_exceeded);
    CHECK(over.limit() == std::uint64_t{10});
    CHECK(over.path() == path);

    // A newer container format: the version found and the newest this build reads.
    std::string newer = bytes;
    newer[8] = static_cast<char>(brine::format_version_major + 1);
    const brine::Error version = error_of([&] { brine::from_bytes_any(newer); });
    CHECK(version.code() == Errc::unsupported_version);
    CHECK(version.found_version() == std::uint64_t{brine::format_version_major + 1u});
    CHECK(version.supported_version() == std::uint64_t{brine::format_version_major});
}

TEST_CASE("Error fields at every limit and version check", "[io][errors]") {
    brine::SaveOptions js;
    js.format = brine::Format::json;
    const std::string doc = brine::to_bytes(fixtures::linear(), brine::Format::json, js);
    const std::string bin = brine::to_bytes(fixtures::linear());

    // JSON document limits (checked while parsing): the limit, its name and the JSON path.
    brine::LoadOptions shallow;
    shallow.max_nesting = 2;
    const brine::Error deep = error_of([&] { brine::from_bytes_any(doc, shallow); });
    CHECK(deep.code() == Errc::limit_exceeded);
    CHECK(deep.limit() == std::uint64_t{2});
    CHECK(deep.limit_name() == "max_nesting");
    CHECK_FALSE(deep.json_path().empty());
    CHECK_THAT(deep.what(), BRINE_CONTAINS("nesting deeper than 2 at " + deep.json_path()));

    brine::LoadOptions short_strings;
    short_strings.max_string_length = 4;
    const brine::Error longer = error_of([&] { brine::from_bytes_any(doc, short_strings); });
    CHECK(longer.code() == Errc::limit_exceeded);
    CHECK(longer.limit() == std::uint64_t{4});
    CHECK(longer.limit_name() == "max_string_length");
    CHECK_THAT(longer.what(), BRINE_CONTAINS("exceeds the limit of 4 at " + longer.json_path()));

    // Array lengths: max_elements, in either encoding (a byte offset in binary, a path in JSON).
    brine::LoadOptions few;
    few.max_elements = 2;
    for (const std::string* bytes : {&bin, &doc}) {
        const brine::Error many = error_of([&] { brine::from_bytes_any(*bytes, few); });
        CHECK(many.code() == Errc::limit_exceeded);
        CHECK(many.limit() == std::uint64_t{2});
        CHECK(many.limit_name() == "max_elements");
        CHECK((many.byte_offset().has_value() || !many.json_path().empty()));
    }

    // A schema version newer than this build reads: both versions.
    std::string newer = doc;
    const std::string field = "\"schema_version\": 1";
    const std::size_t at = newer.find(field);
    REQUIRE(at != std::string::npos);
    newer.replace(at, field.size(), "\"schema_version\": 9");
    const brine::Error schema = error_of([&] { brine::from_bytes_any(newer); });
    CHECK(schema.code() == Errc::unsupported_version);
    CHECK(schema.found_version() == std::uint64_t{9});
    CHECK(schema.supported_version() ==
          std::uint64_t{brine::current_schema_version(brine::ModelKind::linear_regression)});
    CHECK_FALSE(schema.json_path().empty());

    // The reference check's work budget: the budget and its name.
    brine::SaveOptions so;
    so.reference_inputs = fixtures::rows(3);
    const std::string with_reference =
        brine::to_bytes(fixtures::linear(), brine::Format::binary, so);
    brine::LoadOptions stingy;
    stingy.reference_work_base = 0;
    stingy.reference_work_per_element = 0;
    const brine::Error budget = error_of([&] { brine::from_bytes_any(with_reference, stingy); });
    CHECK(budget.code() == Errc::limit_exceeded);
    CHECK(budget.limit() == std::uint64_t{0});
    CHECK(budget.limit_name() == "reference_work");
    CHECK_THAT(budget.what(), BRINE_CONTAINS("over the budget of 0"));
}

TEST_CASE("non-throwing loads give the model or the error load would throw", "[io][errors]") {
    TempDir dir;
    const std::string good = dir.file("m.brine");
    brine::save(fixtures::linear(), good);
    const std::string missing = dir.file("missing.brine");

    auto ok = brine::try_load<brine::LinearRegression>(good);
    REQUIRE(ok);
    CHECK(*ok == fixtures::linear());
    CHECK(!ok.error_code());
    auto bad = brine::try_load<brine::LinearRegression>(missing);
    REQUIRE_FALSE(bad);
    CHECK(bad.error_code() == Errc::io);
    CHECK(bad.error().path() == missing);
    CHECK_THAT(bad.error().what(), BRINE_CONTAINS("cannot open '" + missing + "'"));
    BRINE_CHECK_THROWS_CODE(bad.value(), Errc::io, "cannot open");
    auto kind = brine::try_load<brine::DecisionTree>(good);
    CHECK(kind.error_code() == Errc::kind_mismatch);
    CHECK(brine::try_load_any(good)->kind() == brine::ModelKind::linear_regression);
    CHECK(brine::try_inspect(missing).error_code() == Errc::io);
    CHECK(brine::try_from_bytes_any("nope").error_code() == Errc::not_brine_file);
    CHECK(brine::try_load_with_info<brine::LinearRegression>(good)->info.checksum_verified);

    std::error_code ec = Errc::malformed;
    const auto m = brine::load<brine::LinearRegression>(good, ec);
    CHECK(!ec);
    REQUIRE(m.has_value());
    CHECK(*m == fixtures::linear());
    const auto none = brine::load_any(missing, ec);
    CHECK_FALSE(none.has_value());
    CHECK(ec == Errc::io);
}

}  // namespace error_fields_test
