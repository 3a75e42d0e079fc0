// LoadOptions::expected_features and expected_outputs: a service refuses a model of another shape
// at load, on every load path (in memory, whole file, streamed file; typed and AnyModel).
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <functional>
#include <string>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

// A named namespace, not an anonymous one: the tests of an area compile together (unity
// batches), and this file's helpers must not meet another file's.
namespace expected_shape_test {

using brine::Errc;

/// Every way to load `path` (holding `bytes`) as Model, with options `o`.
template <class Model>
std::vector<std::function<void()>> loads(const std::string& bytes, const std::string& path,
                                         const brine::LoadOptions& o) {
    return {
        [&] { (void)brine::from_bytes<Model>(bytes, o); },
        [&] { (void)brine::from_bytes_any(bytes, o); },
        [&] { (void)brine::load<Model>(path, o); },
        [&] { (void)brine::load_any(path, o); },
        [&] { (void)brine::detail::load_model_file<Model>(path, o, 0); },  // streamed
        [&] { (void)brine::detail::load_any_file(path, o, 0); },
    };
}

/// The shape the fixture must report (counted by hand from model_fixtures.hpp), then the checks
/// that LoadOptions accepts exactly that shape on every load path.
template <class Model>
void check_shape(const Model& m, Eigen::Index features, Eigen::Index outputs) {
    CHECK(m.n_features() == features);
    CHECK(m.n_outputs() == outputs);
    CHECK(brine::AnyModel(m).n_outputs() == outputs);
    TempDir dir;
    for (const brine::Format format : {brine::Format::binary, brine::Format::json}) {
        brine::SaveOptions so;
        so.reference_inputs = fixtures::rows(features);
        const std::string bytes = brine::to_bytes(m, format, so);
        const std::string path = dir.file("m.brine");
        write_all(path, bytes);

        brine::LoadOptions ok;
        ok.expected_features = features;
        ok.expected_outputs = outputs;
        for (const auto& load : loads<Model>(bytes, path, ok)) CHECK_NOTHROW(load());

        brine::LoadOptions wrong_features;
        wrong_features.expected_features = features + 1;
        const std::string want_features =
            "the model in the file has " + std::to_string(features) + " input features, expected " +
            std::to_string(features + 1) + " (LoadOptions::expected_features)";
        for (const auto& load : loads<Model>(bytes, path, wrong_features))
            BRINE_CHECK_THROWS_CODE(load(), Errc::shape_mismatch, want_features);

        brine::LoadOptions wrong_outputs;
        wrong_outputs.expected_features = features;
        wrong_outputs.expected_outputs = outputs + 3;
        const std::string want_outputs = "the model in the file has " + std::to_string(outputs) +
                                         " outputs, expected " + std::to_string(outputs + 3) +
                                         " (LoadOptions::expected_outputs)";
        for (const auto& load : loads<Model>(bytes, path, wrong_outputs))
            BRINE_CHECK_THROWS_CODE(load(), Errc::shape_mismatch, want_outputs);
    }
}

TEST_CASE("LoadOptions refuses a model of another number of features or outputs",
          "[io][expected_shape]") {
    check_shape(fixtures::linear(), 3, 1);
    check_shape(fixtures::linear_multi(), 3, 2);
    check_shape(fixtures::logistic_binary(), 2, 2);
    check_shape(fixtures::logistic_multi(), 2, 3);
    check_shape(fixtures::tree_classifier(), 2, 2);
    check_shape(fixtures::tree_regressor(), 1, 1);
    check_shape(fixtures::standard_scaler(), 2, 2);
    check_shape(fixtures::min_max_scaler(), 2, 2);
    check_shape(fixtures::pipeline_classifier(), 2, 3);
    check_shape(fixtures::pipeline_tree(), 2, 2);
}

TEST_CASE("LoadOptions accepts any shape by default", "[io][expected_shape]") {
    const brine::LoadOptions o;
    CHECK_FALSE(o.expected_features.has_value());
    CHECK_FALSE(o.expected_outputs.has_value());
    CHECK(brine::from_bytes_any(brine::to_bytes(fixtures::logistic_multi()), o).n_classes() == 3);
}

}  // namespace expected_shape_test
