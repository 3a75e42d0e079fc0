// Example: a separate program that loads any brine model file, shows what the file says about
// itself, and predicts the rows of a CSV file, whose columns it matches to the model's features by
// name when both have names.
//
//   load_and_predict <model file> <rows.csv>
//
// The model's kind is not known at compile time: brine::load_any_with_info returns a
// brine::AnyModel, a closed set of the built-in kinds (nothing in the file can make this program
// run other code), together with what the file says about itself, from one read of the file.
// Predictions go to standard output as CSV: one line per row, the prediction, then the class
// probabilities for classifiers. Exit status 0 on success, 1 on any error (with a message).
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <iostream>
#include <string>

#include "csv.hpp"

namespace {

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s.empty() ? "-" : s;
}

void print_info(const brine::FileInfo& info) {
    std::cout << "# format:          " << brine::format_name(info.format) << " "
              << info.format_major << "." << info.format_minor << ", " << info.file_size
              << " bytes\n"
              << "# model:           " << brine::kind_name(info.kind) << " (schema "
              << info.schema_version << ")\n"
              << "# written by:      brine " << info.library_version << " at " << info.created
              << "\n"
              << "# features:        " << join(info.metadata.feature_names) << "\n"
              << "# target:          "
              << (info.metadata.target_name.empty() ? "-" : info.metadata.target_name) << "\n"
              << "# class labels:    " << join(info.metadata.class_labels) << "\n";
    for (const auto& [k, v] : info.metadata.extra) std::cout << "# " << k << ": " << v << "\n";
    const brine::Provenance& p = info.metadata.provenance;
    if (!p.empty()) {
        std::cout << "# trained by:      " << p.trainer << " (brine " << p.library_version
                  << ") on " << p.n_samples << " samples, data " << p.data_hash << "\n";
        for (const auto& [k, v] : p.options) std::cout << "#   option " << k << " = " << v << "\n";
        for (const auto& [k, v] : p.metrics)
            std::cout << "#   training " << k << " = " << v << "\n";
    }
    std::cout << "# reference rows:  " << info.reference.inputs.rows() << " (checked on load)\n"
              << "# checksum:        " << (info.checksum_verified ? "verified" : "not verified")
              << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: load_and_predict <model file> <rows.csv>\n";
        return 2;
    }
    const std::string model_path = argv[1], rows_path = argv[2];
    try {
        // One read of the file: the model, verified, and the file's header and metadata.
        const auto [model, info] = brine::load_any_with_info(model_path);
        print_info(info);
        std::cout << "# shape:           " << model.n_features() << " features in, "
                  << model.n_outputs() << " outputs, " << model.n_classes() << " classes\n";

        const examples::Table rows = examples::read_csv(rows_path);
        // A model that names its features takes the CSV's columns by name, in any order, and
        // leaves out the ones it does not use (a missing one is an error naming it); otherwise
        // the columns are taken in order.
        Eigen::MatrixXd X = rows.values;
        if (!rows.names.empty() && !model.feature_names().empty()) {
            X = model.columns(rows.names).apply(rows.values);
        }
        const Eigen::VectorXd yhat = model.predict(X);
        Eigen::MatrixXd proba;
        if (model.is_classifier()) proba = model.predict_proba(X);

        const auto& labels = info.metadata.class_labels;
        std::cout << "prediction";
        for (Eigen::Index k = 0; k < proba.cols(); ++k) {
            std::cout << ",p("
                      << (static_cast<std::size_t>(k) < labels.size()
                              ? labels[static_cast<std::size_t>(k)]
                              : std::to_string(k))
                      << ")";
        }
        std::cout << "\n";
        std::cout.precision(10);
        for (Eigen::Index i = 0; i < yhat.size(); ++i) {
            std::cout << yhat(i);
            for (Eigen::Index k = 0; k < proba.cols(); ++k) std::cout << "," << proba(i, k);
            std::cout << "\n";
        }
    } catch (const brine::Error& e) {
        std::cerr << "load_and_predict: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "load_and_predict: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
