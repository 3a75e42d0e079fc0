// The compiled mode (brine::compiled, BRINE_COMPILED): this file sees only the declarations of the
// file API and links its definitions from the brine library. Every kind must load the golden
// files (written by brine 0.1.0) and round-trip through every entry point, with the errors the
// header-only build gives. The members that visit every kind (AnyModel's, Pipeline's,
// ColumnTransformer's) come from the library too, and must give what the kinds held give.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <string>
#include <vector>

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
#ifndef BRINE_MODELS_INSTANTIATE_ALL
#error "brine/models/extern.hpp declares the instantiations in compiled mode"
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

TEST_CASE("compiled mode: the members that visit every kind", "[compiled]") {
    using brine::detail::same_bits;
    const Eigen::MatrixXd X = fixtures::rows(2);

    SECTION("a pipeline, alone and in an AnyModel") {
        const brine::Pipeline pipe = fixtures::pipeline_classifier();
        const auto& logistic = std::get<brine::LogisticRegression>(pipe.estimator);
        // The steps one after the other: each kind's own members, compiled in this file.
        const Eigen::MatrixXd Z =
            std::get<brine::MinMaxScaler>(pipe.steps[1])
                .transform(std::get<brine::StandardScaler>(pipe.steps[0]).transform(X));
        const Eigen::MatrixXd P = logistic.predict_proba(Z);
        pipe.validate();
        CHECK(pipe.n_features() == 2);
        CHECK(pipe.n_features_out() == 2);
        CHECK(pipe.n_outputs() == 3);
        CHECK(same_bits(pipe.class_labels(), logistic.classes));
        CHECK(same_bits(pipe.transform(X), Z));
        CHECK(same_bits(pipe.predict(X), logistic.predict(Z)));
        CHECK(same_bits(pipe.predict_proba(X), P));

        brine::AnyModel any(pipe);
        any.validate();
        CHECK(any.kind() == brine::ModelKind::pipeline);
        CHECK(any.n_features() == 2);
        CHECK(any.n_outputs() == 3);
        CHECK(any.n_classes() == 3);
        CHECK(any.is_classifier());
        CHECK(same_bits(any.class_labels(), logistic.classes));
        CHECK(same_bits(any.transform(X), Z));
        CHECK(same_bits(any.predict(X), logistic.predict(Z)));
        CHECK(same_bits(any.predict_proba(X), P));
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            CHECK(any.predict_one(X.row(i)) == pipe.predict(X)(i));
            std::vector<double> p(3);
            any.predict_proba_one(X.row(i), p.data(), 3);
            for (Eigen::Index k = 0; k < 3; ++k)
                CHECK(p[static_cast<std::size_t>(k)] == Approx(P(i, k)).margin(1e-12));
        }
        any.set_feature_names({"a", "b"});
        CHECK(any.columns({"b", "c", "a"}).source_columns() == (std::vector<Eigen::Index>{2, 0}));
    }

    SECTION("a tree ensemble in an AnyModel") {
        const brine::TreeEnsemble forest = fixtures::ensemble_forest();
        const brine::AnyModel any(forest);
        // The average of the two trees' leaves (see fixtures::ensemble_forest): tree 0 gives
        // [1, 0, 0] for x1 <= 0.5, else [0.25, 0.75, 0] for x0 <= -2, else [0, 0.5, 0.5]; tree 1
        // gives [0.1, 0.2, 0.7] for x0 <= 0.1.
        Eigen::MatrixXd R(3, 2);
        R << 0, 0,  // [0.55, 0.1, 0.35]: class -1
            -3, 1,  // [0.175, 0.475, 0.35]: class 0
            0, 1;   // [0.05, 0.35, 0.6]: class 2.5
        any.validate();
        CHECK(any.kind() == brine::ModelKind::tree_ensemble);
        CHECK(any.n_features() == 2);
        CHECK(any.n_classes() == 3);
        CHECK(any.is_classifier());
        CHECK(same_bits(any.class_labels(), fixtures::vec({-1, 0, 2.5})));
        CHECK(same_bits(any.predict(R), fixtures::vec({-1, 0, 2.5})));
        const Eigen::MatrixXd P = any.predict_proba(R);
        CHECK(same_bits(P, forest.predict_proba(R)));
        CHECK(P(0, 0) == Approx(0.55));
        CHECK(P(1, 1) == Approx(0.475));
        CHECK(P(2, 2) == Approx(0.6));
        CHECK(any.predict_one(R.row(2)) == 2.5);
        BRINE_CHECK_THROWS_CODE(any.transform(R), brine::Errc::invalid_argument,
                                "transform needs a scaler or pipeline; this model is a "
                                "tree_ensemble");
    }

    SECTION("a column transformer, alone and in a pipeline") {
        const brine::ColumnTransformer ct = fixtures::column_transformer();
        // out = [(x2 - 1) / 2 / 0.5, (x0 + 1) / 4 / 8, x0, x3 * 2 + 0.5, x1, x4 / 2]
        Eigen::MatrixXd C(1, 5);
        C << 1, 2, 3, 4, 6;
        Eigen::RowVectorXd expected(6);
        expected << 2, 0.0625, 1, 8.5, 2, 3;
        CHECK(same_bits(ct.transform(C), expected));
        Eigen::MatrixXd out(1, 6);
        ct.transform_into(C, out);
        CHECK(same_bits(out, expected));
        Eigen::RowVectorXd one(6);
        ct.transform_one(C.row(0), one.data(), 6);
        CHECK(same_bits(one, expected));

        const brine::Pipeline pipe = fixtures::pipeline_column_transformer();
        const auto& logistic = std::get<brine::LogisticRegression>(pipe.estimator);
        const Eigen::MatrixXd Y = fixtures::rows(5);
        CHECK(same_bits(brine::AnyModel(pipe).predict(Y), logistic.predict(ct.transform(Y))));
        CHECK(pipe.predict_one(C.row(0)) == logistic.predict_one(expected));
    }
}
