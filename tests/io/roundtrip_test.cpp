// Round trips of every model kind through both formats, in memory and on disk: the loaded model is
// equal to the saved one and predicts bit-identically.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

namespace {

template <class Model>
void check_same_predictions(const Model& a, const Model& b) {
    const Eigen::MatrixXd X = fixtures::rows(a.n_features());
    if constexpr (!brine::detail::has_predict<Model>::value) {
        CHECK(brine::detail::same_bits(a.transform(X), b.transform(X)));
    } else if constexpr (std::is_same_v<Model, brine::LinearRegression>) {
        CHECK(brine::detail::same_bits(a.predict_targets(X), b.predict_targets(X)));
    } else {
        CHECK(brine::detail::same_bits(a.predict(X), b.predict(X)));
    }
}

template <class Model>
void round_trip(const Model& model, brine::Format format) {
    brine::SaveOptions so;
    so.reference_inputs = fixtures::rows(model.n_features());
    so.metadata.feature_names.assign(static_cast<std::size_t>(model.n_features()), "f");
    so.metadata.extra["note"] = "caf\xc3\xa9 \"quoted\"";

    const std::string bytes = brine::to_bytes(model, format, so);
    const Model back = brine::from_bytes<Model>(bytes);
    CHECK(back == model);
    check_same_predictions(model, back);

    const brine::AnyModel any = brine::from_bytes_any(bytes);
    CHECK(any.kind() == brine::model_kind_v<Model>);
    REQUIRE(any.get_if<Model>() != nullptr);
    CHECK(*any.get_if<Model>() == model);

    TempDir dir;
    const std::string path = dir.file(format == brine::Format::json ? "m.json" : "m.brine");
    brine::save(model, path, so);
    CHECK(read_all(path).size() == bytes.size());
    CHECK(brine::load<Model>(path) == model);
    CHECK(brine::load_any(path).kind() == brine::model_kind_v<Model>);
    const brine::FileInfo info = brine::inspect(path);
    CHECK(info.kind == brine::model_kind_v<Model>);
    CHECK(info.format == format);
    CHECK(info.metadata == so.metadata);
    CHECK(info.reference.inputs.rows() == 4);
}

}  // namespace

TEST_CASE("every model kind round-trips through both formats", "[io][roundtrip]") {
    const auto format = GENERATE(brine::Format::binary, brine::Format::json);
    INFO("format " << brine::format_name(format));
    round_trip(fixtures::linear(), format);
    round_trip(fixtures::linear_multi(), format);
    round_trip(fixtures::logistic_binary(), format);
    round_trip(fixtures::logistic_multi(), format);
    round_trip(fixtures::tree_classifier(), format);
    round_trip(fixtures::tree_regressor(), format);
    round_trip(fixtures::standard_scaler(), format);
    round_trip(fixtures::min_max_scaler(), format);
    round_trip(fixtures::pipeline_classifier(), format);
    round_trip(fixtures::pipeline_tree(), format);
    round_trip(fixtures::max_abs_scaler(), format);
    round_trip(fixtures::robust_scaler(), format);
    round_trip(fixtures::robust_scaler_no_centering(), format);
    round_trip(brine::RobustScaler(3, Eigen::VectorXd(), Eigen::VectorXd()), format);
    round_trip(fixtures::pipeline_robust(), format);
    round_trip(fixtures::simple_imputer(), format);
    round_trip(fixtures::simple_imputer_marker(), format);
    round_trip(fixtures::one_hot_encoder(), format);
    round_trip(fixtures::one_hot_encoder_drop(), format);
    round_trip(fixtures::ensemble_forest(), format);
    round_trip(fixtures::ensemble_boosted_binary(), format);
    round_trip(fixtures::ensemble_regressor(), format);
    round_trip(brine::Pipeline({fixtures::standard_scaler()}, fixtures::ensemble_forest()), format);
}

TEST_CASE("the public surface spellings work", "[io][roundtrip]") {
    TempDir dir;
    const brine::Pipeline model = fixtures::pipeline_classifier();
    const Eigen::MatrixXd X = fixtures::rows(2);

    brine::SaveOptions so;
    so.format = brine::Format::json;
    brine::save(model, dir.file("m.json"), so);
    auto m = brine::load<brine::Pipeline>(dir.file("m.json"));
    CHECK(m == model);

    brine::save(model, dir.file("m.brine"));
    auto any = brine::load_any(dir.file("m.brine"));
    CHECK(brine::detail::same_bits(any.predict(X), model.predict(X)));
    CHECK(brine::detail::same_bits(any.predict_proba(X), model.predict_proba(X)));
    CHECK(any.kind() == brine::ModelKind::pipeline);
    auto info = brine::inspect(dir.file("m.brine"));
    CHECK(info.kind == brine::ModelKind::pipeline);

    const brine::DecisionTree tree = fixtures::tree_classifier();
    std::string bytes = brine::to_bytes(tree, brine::Format::binary);
    auto m2 = brine::from_bytes<brine::DecisionTree>(std::string_view(bytes));
    CHECK(m2 == tree);
    auto a2 = brine::from_bytes_any(bytes);
    CHECK(a2.kind() == brine::ModelKind::decision_tree);
}

TEST_CASE("both encodings of a model carry the same checksum", "[io][roundtrip]") {
    brine::SaveOptions so;
    so.created = "2026-01-02T03:04:05Z";
    const auto model = fixtures::tree_regressor();
    const auto b = brine::inspect_bytes(brine::to_bytes(model, brine::Format::binary, so));
    const auto j = brine::inspect_bytes(brine::to_bytes(model, brine::Format::json, so));
    CHECK(b.checksum == j.checksum);
    CHECK(b.checksum_verified);
    CHECK(b.created == "2026-01-02T03:04:05Z");
}

TEST_CASE("every NaN is stored as the one canonical NaN, so JSON files load", "[io][roundtrip]") {
    // x86's 0.0 / 0.0 has its sign bit set; JSON's "NaN" keeps neither sign nor payload, and the
    // JSON checksum is taken over the binary encoding, so both must hold the same canonical NaN.
    auto nan_with_bits = [](std::uint64_t bits) {
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
    };
    const double negative_nan = nan_with_bits(0xFFF8000000000000ULL);
    const double payload_nan = nan_with_bits(0x7FF0000000000001ULL);
    REQUIRE(std::isnan(negative_nan));
    REQUIRE(std::isnan(payload_nan));

    // A scaler keeps NaN inputs as missing values (estimators refuse them), so its reference
    // predictions can hold NaN.
    const brine::StandardScaler model(Eigen::VectorXd::Ones(2), Eigen::VectorXd::Constant(2, 2.0));
    brine::SaveOptions so;
    so.created = "2026-01-02T03:04:05Z";
    so.reference_inputs.resize(2, 2);
    so.reference_inputs << negative_nan, 1.0, 2.0, payload_nan;
    so.metadata.provenance.metrics["nan_metric"] = negative_nan;

    const std::string bin = brine::to_bytes(model, brine::Format::binary, so);
    const std::string json = brine::to_bytes(model, brine::Format::json, so);
    auto contains = [&](std::uint64_t bits) {
        char le[8];
        for (int b = 0; b < 8; ++b) le[b] = static_cast<char>((bits >> (8 * b)) & 0xFF);
        return bin.find(std::string_view(le, 8)) != std::string::npos;
    };
    CHECK(contains(0x7FF8000000000000ULL));
    CHECK_FALSE(contains(0xFFF8000000000000ULL));
    CHECK_FALSE(contains(0x7FF0000000000001ULL));

    for (const std::string* bytes : {&bin, &json}) {
        const brine::FileInfo info = brine::inspect_bytes(*bytes);
        CHECK(info.checksum == brine::inspect_bytes(bin).checksum);
        REQUIRE(info.reference.inputs.rows() == 2);
        CHECK(std::isnan(info.reference.inputs(0, 0)));
        CHECK(std::isnan(info.reference.inputs(1, 1)));
        CHECK(std::isnan(info.metadata.provenance.metrics.at("nan_metric")));
        // Loading recomputes the reference predictions: NaN inputs give NaN outputs, which must
        // count as the same output whatever NaN the arithmetic produced.
        CHECK(brine::from_bytes<brine::StandardScaler>(*bytes) == model);
    }

    // A tree's leaf thresholds are never read, so any value passes validation, NaN included
    // (found by fuzz_roundtrip: a leaf's negative NaN came back from JSON as a positive one).
    brine::DecisionTree tree = fixtures::tree_regressor();
    for (Eigen::Index i = 0; i < tree.children_left.size(); ++i) {
        if (tree.children_left(i) == brine::DecisionTree::leaf) tree.threshold(i) = negative_nan;
    }
    brine::SaveOptions tree_options;
    tree_options.created = so.created;
    for (const brine::Format f : {brine::Format::binary, brine::Format::json}) {
        const std::string bytes = brine::to_bytes(tree, f, tree_options);
        const auto back = brine::from_bytes<brine::DecisionTree>(bytes);
        CHECK(back == tree);
        CHECK(brine::to_bytes(back, f, tree_options) == bytes);
    }
}

TEST_CASE("save picks the format from the options, else from the extension", "[io][roundtrip]") {
    TempDir dir;
    const auto model = fixtures::linear();
    brine::save(model, dir.file("a.json"));
    brine::save(model, dir.file("b.JSON"));
    brine::save(model, dir.file("c.brine"));
    brine::save(model, dir.file("d"));
    brine::SaveOptions so;
    so.format = brine::Format::binary;
    brine::save(model, dir.file("e.json"), so);
    CHECK(brine::inspect(dir.file("a.json")).format == brine::Format::json);
    CHECK(brine::inspect(dir.file("b.JSON")).format == brine::Format::json);
    CHECK(brine::inspect(dir.file("c.brine")).format == brine::Format::binary);
    CHECK(brine::inspect(dir.file("d")).format == brine::Format::binary);
    // The content decides on load, never the name.
    CHECK(brine::inspect(dir.file("e.json")).format == brine::Format::binary);
    CHECK(brine::load<brine::LinearRegression>(dir.file("e.json")) == model);
}
