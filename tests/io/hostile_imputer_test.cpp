// Hostile simple_imputer files: every broken invariant of a SimpleImputer, written past save's
// validate() and wrapped in a valid container (checksum included), is refused on load with
// Errc::invalid_model in both encodings; values the codec cannot read are Errc::malformed.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <limits>
#include <string>

#include "brine_catch.hpp"
#include "io_fixtures.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

namespace hostile_imputer_test {

using brine::Errc;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

inline std::string u64(std::uint64_t v) {
    std::string s;
    for (int i = 0; i < 8; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

/// The binary file of an imputer save() would refuse: its payload, written with the archive
/// directly, spliced into a valid file with its length and checksum fixed.
inline std::string binary_file_of(const brine::SimpleImputer& bad) {
    const std::string good = brine::to_bytes(fixtures::simple_imputer(), brine::Format::binary,
                                             io_fixtures::fixed_time());
    const auto s = brine::detail::split_binary(good);
    std::string payload;
    {
        brine::BinaryOutputArchive ar(payload);
        ar(bad);
    }
    std::string out =
        good.substr(0, s.payload_offset - 8) + u64(payload.size()) + payload + std::string(8, '\0');
    io_fixtures::resign(out);
    return out;
}

/// The JSON file of the same imputer, by the container's writer (which does not validate).
inline std::string json_file_of(const brine::SimpleImputer& bad) {
    return brine::detail::encode_json(bad,
                                      brine::detail::make_header(bad, io_fixtures::fixed_time()));
}

/// save refuses `bad`, and loading it from either encoding (as SimpleImputer, as AnyModel, and
/// from a file on disk) is refused with Errc::invalid_model and a message containing `message`.
inline void check_refused(const brine::SimpleImputer& bad, const std::string& message) {
    BRINE_CHECK_THROWS_CODE(brine::to_bytes(bad), Errc::invalid_model, message);
    for (const std::string& bytes : {binary_file_of(bad), json_file_of(bad)}) {
        INFO((bytes[0] == '{' ? "json" : "binary"));
        BRINE_CHECK_THROWS_CODE(brine::from_bytes<brine::SimpleImputer>(bytes), Errc::invalid_model,
                                message);
        BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(bytes), Errc::invalid_model, message);
    }
    TempDir dir;
    write_all(dir.file("bad.brine"), binary_file_of(bad));
    BRINE_CHECK_THROWS_CODE(brine::load<brine::SimpleImputer>(dir.file("bad.brine")),
                            Errc::invalid_model, message);
}

TEST_CASE("hostile imputer: the splice technique loads a valid imputer", "[io][hostile]") {
    CHECK(brine::from_bytes<brine::SimpleImputer>(binary_file_of(fixtures::simple_imputer())) ==
          fixtures::simple_imputer());
    CHECK(brine::from_bytes<brine::SimpleImputer>(json_file_of(
              fixtures::simple_imputer_marker())) == fixtures::simple_imputer_marker());
}

TEST_CASE("hostile imputer: every invariant of SimpleImputer", "[io][hostile]") {
    brine::SimpleImputer m = fixtures::simple_imputer();
    m.statistics.resize(0);
    m.indicator_features.resize(0);
    check_refused(m, "SimpleImputer: has no features");

    m = fixtures::simple_imputer();
    m.strategy = static_cast<brine::ImputeStrategy>(4);
    BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model,
                            "SimpleImputer: strategy is 4; expected 0 (mean), 1 (median), 2 "
                            "(most_frequent) or 3 (constant)");
    BRINE_CHECK_THROWS_CODE(brine::to_bytes(m), Errc::invalid_model,
                            "SimpleImputer: strategy is 4");

    m = fixtures::simple_imputer();
    m.missing_value = -kInf;
    check_refused(m, "SimpleImputer: missing_value is -infinity; expected NaN or a finite number");

    m = fixtures::simple_imputer();
    m.statistics(2) = kInf;
    check_refused(m,
                  "SimpleImputer: statistics[2] is +infinity; expected a finite number or NaN "
                  "(dropped)");

    m = fixtures::simple_imputer_marker();
    m.statistics(1) = kNaN;
    check_refused(m,
                  "SimpleImputer: statistics[1] is NaN; strategy constant fills every feature "
                  "with one finite value");
    m = fixtures::simple_imputer_marker();
    m.statistics(1) = 7.0;
    check_refused(m,
                  "SimpleImputer: statistics[1] differs from statistics[0]; strategy constant "
                  "fills every feature with one value");

    m = fixtures::simple_imputer();
    m.add_indicator = false;
    check_refused(m,
                  "SimpleImputer: indicator_features has 2 entries without add_indicator "
                  "(expected none)");
    m = fixtures::simple_imputer();
    m.indicator_features(0) = -1;
    check_refused(m, "SimpleImputer: indicator_features[0] is -1; expected a feature index < 3");
    m.indicator_features(0) = 3;
    check_refused(m, "SimpleImputer: indicator_features[0] is 3; expected a feature index < 3");
    m = fixtures::simple_imputer();
    m.indicator_features(1) = 1;
    check_refused(m,
                  "SimpleImputer: indicator_features[1] is 1 after 1; expected strictly "
                  "increasing indices");
    m = fixtures::simple_imputer();
    m.indicator_features.resize(1);
    m.indicator_features(0) = 2;
    check_refused(m,
                  "SimpleImputer: feature 1 is dropped (all missing at fit) but has no indicator "
                  "column; expected it among indicator_features");

    // Every feature dropped and no indicator: no output at all.
    m = brine::SimpleImputer(brine::ImputeStrategy::median, kNaN, fixtures::vec({kNaN, kNaN}));
    check_refused(m, "SimpleImputer: has no output columns (every feature dropped, no indicator)");
}

TEST_CASE("hostile imputer: values the reader cannot take", "[io][hostile]") {
    const brine::SimpleImputer ok = fixtures::simple_imputer();
    for (brine::Format f : {brine::Format::binary, brine::Format::json}) {
        INFO((f == brine::Format::json ? "json" : "binary"));
        std::string bytes = brine::to_bytes(ok, f, io_fixtures::fixed_time());
        std::string renamed = bytes;
        const auto at = renamed.find("mean");
        REQUIRE(at != std::string::npos);
        renamed.replace(at, 4, "mode");
        if (f == brine::Format::binary) io_fixtures::resign(renamed);
        BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(renamed), Errc::malformed,
                                "strategy 'mode', expected 'mean', 'median', 'most_frequent' or "
                                "'constant'");
    }
    // add_indicator is a boolean: a byte other than 0 or 1 (binary), or a number (JSON).
    const brine::SimpleImputer no_ind(brine::ImputeStrategy::mean, kNaN, fixtures::vec({1, 2}));
    std::string b2 = binary_file_of(no_ind);
    // The payload ends with the flag, then indicator_features' rows (0) and cols (1).
    const std::size_t flag = b2.size() - 8 - 16 - 1;
    REQUIRE(b2.compare(flag, 17, std::string(1, '\0') + u64(0) + u64(1)) == 0);
    b2[flag] = 2;
    io_fixtures::resign(b2);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(b2), Errc::malformed,
                            "add_indicator' is 2, not 0 or 1");
    std::string json = brine::to_bytes(ok, brine::Format::json, io_fixtures::fixed_time());
    const auto at = json.find("\"add_indicator\": true");
    REQUIRE(at != std::string::npos);
    json.replace(at, 21, "\"add_indicator\": 1");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(json), Errc::malformed,
                            "expected a boolean at $.payload.add_indicator");
}

}  // namespace hostile_imputer_test
