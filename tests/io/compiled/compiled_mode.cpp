// The compiled mode (brine::compiled, BRINE_COMPILED): this file sees only the declarations of the
// file API and links its definitions from the brine library. Every kind must load the golden
// files (written by brine 0.1.0) and round-trip through every entry point, with the errors the
// header-only build gives.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <string>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"
#include "test_data.hpp"

#if !defined(BRINE_COMPILED)
#error "this test is built against brine::compiled"
#endif
#ifndef BRINE_IO_INSTANTIATE_ALL
#error "brine/io/extern.hpp declares the instantiations in compiled mode"
#endif

namespace {

const std::string golden_dir = test_data::dir() + "/golden/format-1.0/";

template <class Model>
void check_kind(const TempDir& dir, const std::string& golden, const Model& expected) {
    INFO(golden);
    // Files of an older release, both encodings.
    for (const char* ext : {".brine", ".json"}) {
        const std::string path = golden_dir + golden + ext;
        CHECK(brine::load<Model>(path) == expected);
        CHECK(*brine::load_any(path).get_if<Model>() == expected);
        const brine::FileInfo info = brine::inspect(path);
        CHECK(info.kind == brine::model_kind_v<Model>);
        CHECK(info.created == "2026-11-26T00:00:00Z");
        CHECK(info.metadata.extra.at("golden") == golden);
    }
    CHECK(brine::binary::load<Model>(golden_dir + golden + ".brine") == expected);

    // Round trips through every entry point.
    brine::SaveOptions so;
    so.created = "2026-01-02T03:04:05Z";
    so.reference_inputs = fixtures::rows(expected.n_features());
    for (const brine::Format f : {brine::Format::binary, brine::Format::json}) {
        const std::string bytes = brine::to_bytes(expected, f, so);
        CHECK(brine::from_bytes<Model>(bytes) == expected);
        CHECK(*brine::from_bytes_any(bytes).get_if<Model>() == expected);
        CHECK(brine::inspect_bytes(bytes).kind == brine::model_kind_v<Model>);
    }
    const std::string bin = brine::binary::to_bytes(expected, so);
    CHECK(bin == brine::to_bytes(expected, brine::Format::binary, so));
    CHECK(brine::binary::from_bytes<Model>(bin) == expected);
    CHECK(*brine::binary::from_bytes_any(bin).get_if<Model>() == expected);

    const std::string path = dir.file("m.brine"), json = dir.file("m.json");
    brine::save(expected, path, so);
    CHECK(brine::load<Model>(path) == expected);
    brine::save(brine::AnyModel(expected), json, so);
    CHECK(brine::inspect(json).format == brine::Format::json);
    CHECK(brine::load<Model>(json) == expected);
    brine::binary::save(expected, path, so);
    CHECK(brine::binary::load<Model>(path) == expected);
    CHECK(*brine::binary::load_any(path).get_if<Model>() == expected);
}

}  // namespace

TEST_CASE("compiled mode: every kind loads, saves and round-trips", "[compiled]") {
    const TempDir dir;
    check_kind(dir, "linear_regression_multi", fixtures::linear_multi());
    check_kind(dir, "logistic_regression_multinomial", fixtures::logistic_multi());
    check_kind(dir, "decision_tree_classifier", fixtures::tree_classifier());
    check_kind(dir, "standard_scaler", fixtures::standard_scaler());
    check_kind(dir, "min_max_scaler", fixtures::min_max_scaler());
    check_kind(dir, "pipeline_classifier", fixtures::pipeline_classifier());
}

TEST_CASE("compiled mode: the errors of the header-only build", "[compiled]") {
    const std::string bytes = brine::to_bytes(fixtures::linear());
    BRINE_CHECK_THROWS_CODE(brine::from_bytes<brine::DecisionTree>(bytes),
                            brine::Errc::kind_mismatch,
                            "the file holds a linear_regression, not a decision_tree");
    std::string bad = bytes;
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x10);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(bad), brine::Errc::checksum_mismatch,
                            "the file is damaged");
    BRINE_CHECK_THROWS_CODE(brine::binary::from_bytes<brine::LinearRegression>(
                                brine::to_bytes(fixtures::linear(), brine::Format::json)),
                            brine::Errc::invalid_argument,
                            "brine::binary reads the binary encoding only");
}
