// Named inputs from files: the feature names a file stores reach Loaded and AnyModel, and a CSV
// whose columns come in another order (with a column the model does not use) predicts what the
// CSV in the model's order predicts, and what the golden files' parameters give independently.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <string>
#include <vector>

#include "brine_catch.hpp"
#include "csv.hpp"
#include "io_fixtures.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"
#include "test_data.hpp"

namespace named_inputs_test {

std::string golden(const std::string& file) {
    return test_data::dir() + "/golden/format-1.0/" + file;
}
brine::test::Csv cli_csv(const std::string& file) {
    return brine::test::read_csv(test_data::dir() + "/cli/" + file);
}

/// The output a golden model's CLI reference gives: predict_proba for classifiers, transform for
/// scalers, predict otherwise.
Eigen::MatrixXd output_of(const brine::AnyModel& m, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    if (m.is_classifier()) return m.predict_proba(X);
    if (m.kind() == brine::ModelKind::standard_scaler) return m.transform(X);
    return m.predict(X);
}

TEST_CASE("a CSV with reordered and extra columns predicts as the model's own order",
          "[io][named_inputs]") {
    const struct {
        const char* model;
        const char* expected;
    } cases[] = {
        {"pipeline_classifier", "pipeline_classifier_expected_proba.csv"},
        {"logistic_regression_binary", "logistic_regression_binary_expected_proba.csv"},
        {"linear_regression", "linear_regression_expected.csv"},
        {"standard_scaler", "standard_scaler_expected.csv"},
    };
    for (const auto& c : cases) {
        for (const char* ext : {".brine", ".json"}) {
            INFO(c.model << ext);
            const auto loaded = brine::load_any_with_info(golden(std::string(c.model) + ext));
            const brine::test::Csv in_order = cli_csv(std::string(c.model) + "_inputs.csv");
            const brine::test::Csv reordered = cli_csv(std::string(c.model) + "_reordered.csv");
            const brine::test::Csv expected = cli_csv(c.expected);
            REQUIRE(loaded.feature_names() == in_order.header);
            REQUIRE(loaded.model.feature_names() == in_order.header);
            REQUIRE(reordered.header != in_order.header);

            const brine::ColumnMapping cols = loaded.columns(reordered.header);
            CHECK(cols.dropped_columns() == std::vector<Eigen::Index>{0});  // "unused"
            CHECK(loaded.model.columns(reordered.header) == cols);
            std::vector<double> buffer;
            const Eigen::MatrixXd got = output_of(loaded.model, cols.apply(reordered.data, buffer));
            CHECK(got == output_of(loaded.model, in_order.data));  // bit for bit
            REQUIRE(got.rows() == expected.data.rows());
            REQUIRE(got.cols() == expected.data.cols());
            for (Eigen::Index i = 0; i < got.rows(); ++i)
                for (Eigen::Index k = 0; k < got.cols(); ++k)
                    CHECK_THAT(got(i, k), WithinRel(expected.data(i, k), 1e-12) ||
                                              WithinAbs(expected.data(i, k), 1e-15));
            // The typed load gives the same names and mapping.
            if (loaded.model.kind() == brine::ModelKind::pipeline) {
                const auto typed =
                    brine::load_with_info<brine::Pipeline>(golden(std::string(c.model) + ext));
                CHECK(typed.columns(reordered.header) == cols);
                CHECK(typed.model.predict_proba(cols.apply(reordered.data, buffer)) == got);
            }
        }
    }
}

TEST_CASE("every load of a whole model carries the file's feature names", "[io][named_inputs]") {
    TempDir dir;
    brine::SaveOptions so = io_fixtures::fixed_time();
    so.metadata.feature_names = {"petal", "sepal"};
    const brine::Pipeline model = fixtures::pipeline_classifier();
    for (const brine::Format f : {brine::Format::binary, brine::Format::json}) {
        INFO(brine::format_name(f));
        so.format = f;
        const std::string path = dir.file(std::string("m.") + brine::format_name(f));
        brine::save(model, path, so);
        const std::string bytes = brine::to_bytes(model, f, so);
        CHECK(brine::load_any(path).feature_names() == so.metadata.feature_names);
        CHECK(brine::load_any_with_info(path).model.feature_names() == so.metadata.feature_names);
        CHECK(brine::from_bytes_any(bytes).feature_names() == so.metadata.feature_names);
        CHECK(brine::from_bytes_any_with_info(bytes).model.feature_names() ==
              so.metadata.feature_names);
        CHECK(brine::load_with_info<brine::Pipeline>(path).feature_names() ==
              so.metadata.feature_names);
        if (f == brine::Format::binary) {
            CHECK(brine::binary::load_any(path).feature_names() == so.metadata.feature_names);
            CHECK(brine::binary::from_bytes_any(bytes).feature_names() ==
                  so.metadata.feature_names);
        }
        const auto any = brine::load_any(path);
        BRINE_CHECK_THROWS_CODE(any.columns({"sepal", "x"}), brine::Errc::shape_mismatch,
                                "brine: shape mismatch: 1 of the model's 2 features is missing "
                                "from the 2 input columns: 'petal' (feature 0)");
        CHECK(any.columns({"sepal", "petal"}).source_columns() == std::vector<Eigen::Index>{1, 0});
    }
}

TEST_CASE("a file without feature names, or with too few, has no mapping by name",
          "[io][named_inputs]") {
    brine::SaveOptions so = io_fixtures::fixed_time();
    const brine::LinearRegression model = fixtures::linear();  // three features
    const auto none = brine::from_bytes_with_info<brine::LinearRegression>(brine::to_bytes(model));
    CHECK(none.feature_names().empty());
    BRINE_CHECK_THROWS_CODE(none.columns({"a", "b", "c"}), brine::Errc::invalid_argument,
                            "the model has no feature names");
    so.metadata.feature_names = {"a", "b"};
    const auto two =
        brine::from_bytes_any_with_info(brine::to_bytes(model, brine::Format::binary, so));
    BRINE_CHECK_THROWS_CODE(two.columns({"a", "b", "c"}), brine::Errc::invalid_model,
                            "the file's metadata names 2 features, the model takes 3");
    BRINE_CHECK_THROWS_CODE(two.model.columns({"a", "b", "c"}), brine::Errc::invalid_model,
                            "the file's metadata names 2 features, the model takes 3");
}

}  // namespace named_inputs_test
