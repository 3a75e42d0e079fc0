// Golden files: every file that any released version of brine wrote must load forever, equal to
// the model it was written from. tests/data/golden/format-X.Y/ holds one folder per released
// format version, written once by tests/golden/make_golden.cpp and never regenerated.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "test_data.hpp"

namespace {

const std::string golden_dir = test_data::dir() + "/golden/format-1.0/";

template <class Model>
void check_golden(const std::string& name, const Model& expected, std::uint32_t schema = 1) {
    for (const char* ext : {".brine", ".json"}) {
        const std::string path = golden_dir + name + ext;
        INFO(path);
        const Model m =
            brine::load<Model>(path);  // also re-checks the stored reference predictions
        CHECK(m == expected);
        const brine::FileInfo info = brine::inspect(path);
        CHECK(info.format_major == 1);
        CHECK(info.format_minor == 0);
        CHECK(info.schema_version == schema);
        CHECK(info.library_version == "0.1.0");
        CHECK(info.created == "2026-11-26T00:00:00Z");
        CHECK(info.metadata.target_name == "y");
        CHECK(info.metadata.extra.at("golden") == name);
        CHECK(info.metadata.provenance.trainer == "hand-built");
        CHECK(info.reference.inputs.rows() == 4);
        CHECK(brine::load_any(path).kind() == brine::model_kind_v<Model>);
    }
}

}  // namespace

TEST_CASE("golden files of format 1.0 load", "[io][golden]") {
    check_golden("linear_regression", fixtures::linear());
    check_golden("linear_regression_multi", fixtures::linear_multi());
    check_golden("logistic_regression_binary", fixtures::logistic_binary());
    check_golden("logistic_regression_multinomial", fixtures::logistic_multi());
    check_golden("decision_tree_classifier", fixtures::tree_classifier());
    check_golden("decision_tree_regressor", fixtures::tree_regressor());
    check_golden("standard_scaler", fixtures::standard_scaler());
    check_golden("min_max_scaler", fixtures::min_max_scaler());
    check_golden("pipeline_classifier", fixtures::pipeline_classifier());
    check_golden("pipeline_tree", fixtures::pipeline_tree());
}

TEST_CASE("golden files of the preprocessing kinds (format 1.0) load", "[io][golden]") {
    check_golden("max_abs_scaler", fixtures::max_abs_scaler());
    check_golden("robust_scaler", fixtures::robust_scaler());
    check_golden("robust_scaler_no_centering", fixtures::robust_scaler_no_centering());
    check_golden("pipeline_robust", fixtures::pipeline_robust());
}

TEST_CASE("golden files of the column_transformer kind (format 1.0) load", "[io][golden]") {
    check_golden("column_transformer", fixtures::column_transformer());
    check_golden("pipeline_column_transformer", fixtures::pipeline_column_transformer());
}

TEST_CASE("golden files of simple_imputer (format 1.0) load", "[io][golden]") {
    check_golden("simple_imputer", fixtures::simple_imputer());
    check_golden("simple_imputer_marker", fixtures::simple_imputer_marker());
}

TEST_CASE("golden files of one_hot_encoder schema 1 load", "[io][golden]") {
    check_golden("one_hot_encoder", fixtures::one_hot_encoder());
    check_golden("one_hot_encoder_drop", fixtures::one_hot_encoder_drop());
}

TEST_CASE("logistic regression: schema-1 files keep their meaning, one-vs-rest is schema 2",
          "[io][golden]") {
    // Written before multi_class existed: softmax for 3 classes, sigmoid for 2.
    check_golden("logistic_regression_multinomial", fixtures::logistic_multi());
    check_golden("logistic_regression_binary", fixtures::logistic_binary());
    const auto multi = brine::load<brine::LogisticRegression>(
        golden_dir + "logistic_regression_multinomial.brine");
    CHECK(multi.multi_class == brine::LogisticRegression::MultiClass::multinomial);
    check_golden("logistic_regression_ovr", fixtures::logistic_ovr(), 2);
    // A multinomial model is still written as schema 1, byte for byte as before.
    const std::string now = brine::to_bytes(fixtures::logistic_multi(), brine::Format::binary);
    std::ifstream in(golden_dir + "logistic_regression_multinomial.brine", std::ios::binary);
    const std::string golden(std::istreambuf_iterator<char>(in), {});
    CHECK(brine::detail::split_binary(now).payload == brine::detail::split_binary(golden).payload);
    CHECK(brine::inspect_bytes(now).schema_version == 1);
}

TEST_CASE("golden files of tree_ensemble and decision_tree schema version 2 load", "[io][golden]") {
    check_golden("decision_tree_missing", fixtures::tree_classifier_missing(), 2);
    check_golden("tree_ensemble_forest", fixtures::ensemble_forest());
    check_golden("tree_ensemble_boosted_binary", fixtures::ensemble_boosted_binary());
    check_golden("tree_ensemble_regressor", fixtures::ensemble_regressor());
    // A tree that needs nothing of version 2 is still written as version 1 (brine_make_golden
    // rewrites the version-1 golden trees byte for byte), one that does as version 2.
    for (const auto f : {brine::Format::binary, brine::Format::json}) {
        CHECK(
            brine::inspect_bytes(brine::to_bytes(fixtures::tree_classifier(), f)).schema_version ==
            1);
        CHECK(brine::inspect_bytes(brine::to_bytes(fixtures::tree_classifier_missing(), f))
                  .schema_version == 2);
    }
}

TEST_CASE("golden files of tree_ensemble schema 2 (packed node arrays) load", "[io][golden]") {
    check_golden("tree_ensemble_forest_packed", fixtures::ensemble_forest(), 2);
    check_golden("tree_ensemble_boosted_binary_packed", fixtures::ensemble_boosted_binary(), 2);
    check_golden("tree_ensemble_regressor_packed", fixtures::ensemble_regressor(), 2);
    check_golden("tree_ensemble_wide_packed", fixtures::ensemble_wide(), 2);
    for (const char* name : {"tree_ensemble_forest", "tree_ensemble_wide"}) {
        INFO(name);
        const std::string packed = golden_dir + name + "_packed.brine";
        const brine::TreeEnsemble m = brine::load<brine::TreeEnsemble>(packed);
        // This build writes schema 2 in both encodings, the payload byte for byte as the golden
        // file's, and a schema-1 file converts to the same content.
        const std::string now = brine::to_bytes(m, brine::Format::binary);
        std::ifstream in(packed, std::ios::binary);
        const std::string golden(std::istreambuf_iterator<char>(in), {});
        CHECK(brine::detail::split_binary(now).payload ==
              brine::detail::split_binary(golden).payload);
        for (const auto f : {brine::Format::binary, brine::Format::json})
            CHECK(brine::inspect_bytes(brine::to_bytes(m, f)).schema_version == 2);
    }
    // Schema 1 and 2 of one model: the packed binary payload is smaller, the model the same.
    const auto v1 = brine::inspect(golden_dir + "tree_ensemble_forest.brine");
    const auto v2 = brine::inspect(golden_dir + "tree_ensemble_forest_packed.brine");
    CHECK(v2.file_size < v1.file_size);
    CHECK(brine::load<brine::TreeEnsemble>(golden_dir + "tree_ensemble_forest.json") ==
          brine::load<brine::TreeEnsemble>(golden_dir + "tree_ensemble_forest_packed.json"));
}

TEST_CASE("golden files: this build still writes format 1.0 byte for byte", "[io][golden]") {
    // While the format version is 1.0, a file written now must equal the golden one (the build
    // string in the reference block names the compiler, so compare the payloads).
    const std::string golden = [] {
        std::ifstream in(golden_dir + "pipeline_classifier.brine", std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }();
    const std::string now = brine::to_bytes(fixtures::pipeline_classifier(), brine::Format::binary);
    const auto a = brine::detail::split_binary(golden);
    const auto b = brine::detail::split_binary(now);
    CHECK(a.payload == b.payload);
}

TEST_CASE("a golden file claiming a future version is refused", "[io][golden]") {
    std::ifstream in(golden_dir + "standard_scaler.json", std::ios::binary);
    std::string j((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    j.replace(j.find("\"major\": 1"), 10, "\"major\": 2");
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(j), brine::Errc::unsupported_version,
        "file format version 2.0, this build of brine reads versions 1.0 to 1.0");
}
