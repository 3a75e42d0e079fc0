// Example: train three models on datasets shipped with brine and save each as binary and JSON.
//
//   train_and_save [data_dir] [out_dir]
//
// Writes into out_dir (default: the current directory):
//   pipeline.brine / pipeline.json   StandardScaler + multinomial LogisticRegression on iris
//   tree.brine / tree.json           DecisionTree classifier (depth 3) on iris
//   linear.brine / linear.json       Ridge regression on diabetes
//   <name>_rows.csv                  a few rows to predict with load_and_predict
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>
#include <brine/train.hpp>
#include <brine/train/provenance.hpp>

#include <iostream>
#include <string>

#include "csv.hpp"

#ifndef BRINE_EXAMPLES_DATA_DIR
#define BRINE_EXAMPLES_DATA_DIR "data"
#endif

namespace {

struct Dataset {
    std::vector<std::string> feature_names;
    std::string target_name;
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
};

// The last column of a dataset CSV is the target.
Dataset load_dataset(const std::string& path) {
    const examples::Table t = examples::read_csv(path);
    Dataset d;
    const Eigen::Index f = t.values.cols() - 1;
    d.feature_names.assign(t.names.begin(), t.names.begin() + f);
    d.target_name = t.names.back();
    d.X = t.values.leftCols(f);
    d.y = t.values.col(f);
    return d;
}

template <class Model>
void save_both(const Model& model, const std::string& out_dir, const std::string& name,
               brine::SaveOptions so) {
    for (brine::Format f : {brine::Format::binary, brine::Format::json}) {
        so.format = f;
        const std::string path =
            out_dir + "/" + name + (f == brine::Format::json ? ".json" : ".brine");
        brine::save(model, path, so);
        std::cout << "saved " << path << "\n";
    }
}

brine::SaveOptions options_for(const Dataset& d, brine::Provenance provenance) {
    brine::SaveOptions so;
    so.metadata.feature_names = d.feature_names;
    so.metadata.target_name = d.target_name;
    so.metadata.provenance = std::move(provenance);
    so.metadata.extra["example"] = "train_and_save";
    so.reference_inputs = d.X.topRows(5);  // stored with their predictions; checked on every load
    return so;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string data_dir = argc > 1 ? argv[1] : BRINE_EXAMPLES_DATA_DIR;
    const std::string out_dir = argc > 2 ? argv[2] : ".";
    try {
        const Dataset iris = load_dataset(data_dir + "/iris.csv");
        const Dataset diabetes = load_dataset(data_dir + "/diabetes.csv");
        const std::vector<std::string> species = {"setosa", "versicolor", "virginica"};

        // Scaler + multinomial logistic regression, as scikit-learn's
        // make_pipeline(StandardScaler(), LogisticRegression(C=1.0)).
        brine::train::PipelineOptions po;
        po.steps = {brine::train::StandardScalerOptions{}};
        po.estimator = brine::train::LogisticOptions{};
        const brine::Pipeline pipeline = brine::train::pipeline(iris.X, iris.y, po);
        auto so = options_for(iris, brine::train::provenance(iris.X, iris.y, po, pipeline));
        so.metadata.class_labels = species;
        save_both(pipeline, out_dir, "pipeline", so);

        brine::train::TreeOptions to;
        to.max_depth = 3;
        const brine::DecisionTree tree = brine::train::decision_tree_classifier(iris.X, iris.y, to);
        so = options_for(iris, brine::train::provenance(iris.X, iris.y, to, tree));
        so.metadata.class_labels = species;
        save_both(tree, out_dir, "tree", so);

        brine::train::LinearOptions lo;
        lo.l2 = 1.0;
        const brine::LinearRegression linear =
            brine::train::linear_regression(diabetes.X, diabetes.y, lo);
        save_both(
            linear, out_dir, "linear",
            options_for(diabetes, brine::train::provenance(diabetes.X, diabetes.y, lo, linear)));

        // Rows for load_and_predict: every 30th iris row, the first diabetes rows.
        Eigen::MatrixXd iris_rows(5, iris.X.cols());
        for (Eigen::Index i = 0; i < 5; ++i) iris_rows.row(i) = iris.X.row(i * 30);
        examples::write_csv(out_dir + "/pipeline_rows.csv", iris.feature_names, iris_rows);
        examples::write_csv(out_dir + "/tree_rows.csv", iris.feature_names, iris_rows);
        examples::write_csv(out_dir + "/linear_rows.csv", diabetes.feature_names,
                            diabetes.X.topRows(5));
        std::cout << "wrote pipeline_rows.csv, tree_rows.csv, linear_rows.csv\n";
    } catch (const std::exception& e) {
        std::cerr << "train_and_save: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
