// The C++ side of the Python package's tests: loads a file the Python package wrote and predicts
// with it, or saves a loaded model again with the same options, so the tests can compare
// predictions with scikit-learn's and bytes with the Python writer's.
//
//   brine_python_check predict <model file> <rows> <output>
//   brine_python_check predict-batch <manifest>
//   brine_python_check resave <model file> <output file> binary|json
//   brine_python_check verdict <file>...
//   brine_python_check import-xgboost <XGBoost model file> <brine file> <output file>
//
// <rows>: "rows cols" then the values, row-major, as C hexadecimal floats (exact). <output>:
// "kind <name>", then for an estimator "labels <n>" and its predict() values, then "values <r>
// <c>" and predict_proba (classifiers), the targets (regressors) or transform (scalers), for a
// decision tree then "leaves" and the leaf each row reaches (apply), for a tree ensemble "leaves"
// (apply: one column per tree) and "scores" (decision_function), every number as a hexadecimal
// float. predict-batch does predict for every line "<model file> <rows> <output>" of <manifest>
// (paths without spaces) in one process, stopping at the first error, which names the model file.
// resave copies the file's metadata, creation time, reference inputs and
// tolerance; brine computes the reference outputs again. verdict loads each file without the
// reference check (which the Python reader does not make) and prints one line per file: "ok" or
// the brine::Error message. import-xgboost reads the XGBoost file with brine::import_xgboost and
// saves the ensemble with the header (metadata, creation time, format) of <brine file>, the Python
// exporter's file of the same XGBoost model, and no reference rows: the two files are the same
// bytes exactly when the two importers made the same model. Exit status 1 with the message of any
// brine::Error.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>
#include <brine/import/xgboost.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <variant>

namespace python_check {

Eigen::MatrixXd read_rows(const std::string& path) {
    std::ifstream in(path);
    long long rows = -1, cols = -1;
    if (!(in >> rows >> cols) || rows < 0 || cols < 0) throw std::runtime_error("bad rows file");
    Eigen::MatrixXd X(rows, cols);
    for (long long i = 0; i < rows; ++i) {
        for (long long j = 0; j < cols; ++j) {
            std::string token;
            if (!(in >> token)) throw std::runtime_error("rows file ends early");
            X(i, j) = std::strtod(token.c_str(), nullptr);
        }
    }
    return X;
}

void write_matrix(std::FILE* out, const char* what, const Eigen::MatrixXd& M) {
    std::fprintf(out, "%s %lld %lld\n", what, static_cast<long long>(M.rows()),
                 static_cast<long long>(M.cols()));
    for (Eigen::Index i = 0; i < M.rows(); ++i) {
        for (Eigen::Index j = 0; j < M.cols(); ++j) std::fprintf(out, "%a\n", M(i, j));
    }
}

int predict(const std::string& model_path, const std::string& rows_path,
            const std::string& out_path) {
    const brine::AnyModel model = brine::load_any(model_path);  // verifies the reference rows
    const Eigen::MatrixXd X = read_rows(rows_path);
    std::FILE* out = std::fopen(out_path.c_str(), "w");
    if (!out) throw std::runtime_error("cannot write " + out_path);
    std::fprintf(out, "kind %s\n", std::string(brine::kind_name(model.kind())).c_str());
    // Every transformer (a kind without predict) answers with its transform.
    const bool scaler = std::visit(
        [](const auto& m) { return !brine::detail::has_predict<std::decay_t<decltype(m)>>::value; },
        model.variant());
    if (scaler) {
        write_matrix(out, "values", model.transform(X));
    } else if (const auto* linear = model.get_if<brine::LinearRegression>()) {
        write_matrix(out, "values", linear->predict_targets(X));
    } else {
        const Eigen::MatrixXd labels = model.predict(X);
        write_matrix(out, "labels", labels);
        write_matrix(out, "values", model.is_classifier() ? model.predict_proba(X) : labels);
    }
    if (const auto* tree = model.get_if<brine::DecisionTree>()) {
        write_matrix(out, "leaves", tree->apply(X).cast<double>());
    }
    if (const auto* ensemble = model.get_if<brine::TreeEnsemble>()) {
        write_matrix(out, "leaves", ensemble->apply(X).cast<double>());
        write_matrix(out, "scores", ensemble->decision_function(X));
    }
    std::fclose(out);
    return 0;
}

int predict_batch(const std::string& manifest) {
    std::ifstream in(manifest);
    if (!in) throw std::runtime_error("cannot read " + manifest);
    std::string model, rows, output;
    while (in >> model >> rows >> output) {
        try {
            predict(model, rows, output);
        } catch (const std::exception& e) {
            throw std::runtime_error(model + ": " + e.what());
        }
    }
    if (!in.eof()) throw std::runtime_error("bad line in " + manifest);
    return 0;
}

int resave(const std::string& in_path, const std::string& out_path, const std::string& format) {
    const brine::AnyModel model = brine::load_any(in_path);
    const brine::FileInfo info = brine::inspect(in_path);
    brine::SaveOptions so;
    so.format = format == "json" ? brine::Format::json : brine::Format::binary;
    so.metadata = info.metadata;
    so.created = info.created;
    so.reference_inputs = info.reference.inputs;
    so.reference_tolerance = info.reference.tolerance;
    std::visit([&](const auto& m) { brine::save(m, out_path, so); }, model.variant());
    return 0;
}

int import_xgboost(const std::string& xgboost_path, const std::string& header_from,
                   const std::string& out_path) {
    const brine::TreeEnsemble model = brine::import_xgboost(xgboost_path);
    const brine::FileInfo info = brine::inspect(header_from);
    brine::SaveOptions so;
    so.format = info.format;
    so.metadata = info.metadata;
    so.created = info.created;
    brine::save(model, out_path, so);
    return 0;
}

int verdict(int count, char** paths) {
    brine::LoadOptions options;
    options.verify_reference = false;
    for (int i = 0; i < count; ++i) {
        try {
            (void)brine::load_any(paths[i], options);
            std::cout << "ok\n";
        } catch (const brine::Error& e) {
            std::cout << e.what() << "\n";
        }
    }
    return 0;
}

}  // namespace python_check

int main(int argc, char** argv) {
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "predict" && argc == 5) return python_check::predict(argv[2], argv[3], argv[4]);
        if (mode == "predict-batch" && argc == 3) return python_check::predict_batch(argv[2]);
        if (mode == "resave" && argc == 5) return python_check::resave(argv[2], argv[3], argv[4]);
        if (mode == "verdict") return python_check::verdict(argc - 2, argv + 2);
        if (mode == "import-xgboost" && argc == 5)
            return python_check::import_xgboost(argv[2], argv[3], argv[4]);
        std::cerr << "usage: brine_python_check predict <model> <rows> <output>\n"
                     "       brine_python_check predict-batch <manifest>\n"
                     "       brine_python_check resave <model> <output> binary|json\n"
                     "       brine_python_check verdict <file>...\n"
                     "       brine_python_check import-xgboost <xgboost file> <brine file> "
                     "<output>\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "brine_python_check: " << e.what() << "\n";
        return 1;
    }
}
