// Writes the golden files in tests/data/golden/format-<major>.<minor>/: one small file of every
// model kind in both encodings, as this version of brine writes them. Run it only when a new
// format or schema version is released, into a NEW folder; never regenerate an existing folder
// (those files are the proof that old files keep loading).
//
//   brine_make_golden <output folder>
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <iostream>

#include "model_fixtures.hpp"

namespace {

template <class Model>
void write(const std::string& dir, const std::string& name, const Model& model) {
    brine::SaveOptions so;
    so.created = "2026-11-26T00:00:00Z";  // fixed, so the generator is reproducible
    so.metadata.feature_names.clear();
    for (Eigen::Index j = 0; j < model.n_features(); ++j)
        so.metadata.feature_names.push_back("x" + std::to_string(j));
    so.metadata.target_name = "y";
    so.metadata.extra["golden"] = name;
    so.metadata.provenance.library_version = brine::library_version_string;
    so.metadata.provenance.trainer = "hand-built";
    so.metadata.provenance.options["origin"] = "tests/support/model_fixtures.hpp";
    so.metadata.provenance.n_samples = 4;
    so.metadata.provenance.metrics["none"] = 0.0;
    so.reference_inputs = fixtures::rows(model.n_features());
    for (brine::Format f : {brine::Format::binary, brine::Format::json}) {
        so.format = f;
        const std::string path = dir + "/" + name + (f == brine::Format::json ? ".json" : ".brine");
        brine::save(model, path, so);
        std::cout << path << "\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: brine_make_golden <output folder>\n";
        return 2;
    }
    const std::string dir = argv[1];
    write(dir, "linear_regression", fixtures::linear());
    write(dir, "linear_regression_multi", fixtures::linear_multi());
    write(dir, "logistic_regression_binary", fixtures::logistic_binary());
    write(dir, "logistic_regression_multinomial", fixtures::logistic_multi());
    write(dir, "decision_tree_classifier", fixtures::tree_classifier());
    write(dir, "decision_tree_regressor", fixtures::tree_regressor());
    write(dir, "standard_scaler", fixtures::standard_scaler());
    write(dir, "min_max_scaler", fixtures::min_max_scaler());
    write(dir, "pipeline_classifier", fixtures::pipeline_classifier());
    write(dir, "pipeline_tree", fixtures::pipeline_tree());
    write(dir, "max_abs_scaler", fixtures::max_abs_scaler());
    write(dir, "robust_scaler", fixtures::robust_scaler());
    write(dir, "robust_scaler_no_centering", fixtures::robust_scaler_no_centering());
    write(dir, "pipeline_robust", fixtures::pipeline_robust());
    write(dir, "simple_imputer", fixtures::simple_imputer());
    write(dir, "simple_imputer_marker", fixtures::simple_imputer_marker());
    write(dir, "one_hot_encoder", fixtures::one_hot_encoder());
    write(dir, "one_hot_encoder_drop", fixtures::one_hot_encoder_drop());
    write(dir, "logistic_regression_ovr", fixtures::logistic_ovr());
    // Added with the tree_ensemble kind and decision_tree schema version 2 (same container format).
    write(dir, "decision_tree_missing", fixtures::tree_classifier_missing());
    // tree_ensemble_forest, tree_ensemble_boosted_binary and tree_ensemble_regressor hold
    // tree_ensemble schema 1, written before schema 2; this build writes them as schema 2, under
    // the names below.
    // Added with the column_transformer kind (same container format).
    write(dir, "column_transformer", fixtures::column_transformer());
    write(dir, "pipeline_column_transformer", fixtures::pipeline_column_transformer());
    // Added with tree_ensemble schema 2 (packed node arrays in the binary encoding; same
    // container format).
    write(dir, "tree_ensemble_forest_packed", fixtures::ensemble_forest());
    write(dir, "tree_ensemble_boosted_binary_packed", fixtures::ensemble_boosted_binary());
    write(dir, "tree_ensemble_regressor_packed", fixtures::ensemble_regressor());
    write(dir, "tree_ensemble_wide_packed", fixtures::ensemble_wide());
    return 0;
}
