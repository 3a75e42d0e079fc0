// Reading the benchmark work directory that bench/python/bench_python.py prepares: raw
// little-endian arrays (NAME.f64 / NAME.i32 with NAME.shape = "rows cols") and the models
// trained by scikit-learn and XGBoost, rebuilt as brine models with exactly their parameters.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <brine/models.hpp>

namespace bench {

/// The work directory: $BRINE_BENCH_DIR (scripts/bench.sh sets it).
inline std::string work_dir() {
    const char* d = std::getenv("BRINE_BENCH_DIR");
    if (d == nullptr || *d == '\0') {
        throw std::runtime_error(
            "BRINE_BENCH_DIR is not set; run the benchmarks through scripts/bench.sh, or run "
            "'bench/python/bench_python.py prepare --dir W' and export BRINE_BENCH_DIR=W");
    }
    return d;
}

struct Shape {
    Eigen::Index rows = 0, cols = 0;
};

inline Shape read_shape(const std::string& stem) {
    std::ifstream in(stem + ".shape");
    Shape s;
    if (!(in >> s.rows >> s.cols) || s.rows < 0 || s.cols < 0)
        throw std::runtime_error("cannot read the shape of " + stem);
    return s;
}

template <class T>
std::vector<T> read_raw(const std::string& path, std::size_t count) {
    std::ifstream in(path, std::ios::binary);
    std::vector<T> v(count);
    if (!in.read(reinterpret_cast<char*>(v.data()),
                 static_cast<std::streamsize>(count * sizeof(T))))
        throw std::runtime_error("cannot read " + std::to_string(count) + " values from " + path);
    return v;
}

/// A row-major float64 matrix (the exporter writes C order).
inline brine::RowMatrix read_f64(const std::string& stem) {
    const Shape s = read_shape(stem);
    const auto v = read_raw<double>(stem + ".f64", static_cast<std::size_t>(s.rows * s.cols));
    return Eigen::Map<const brine::RowMatrix>(v.data(), s.rows, s.cols);
}

inline Eigen::VectorXd read_f64_vector(const std::string& stem) {
    const brine::RowMatrix m = read_f64(stem);
    return Eigen::Map<const Eigen::VectorXd>(m.data(), m.size());
}

inline brine::IndexVector read_i32_vector(const std::string& stem) {
    const Shape s = read_shape(stem);
    const auto v = read_raw<std::int32_t>(stem + ".i32", static_cast<std::size_t>(s.rows * s.cols));
    return Eigen::Map<const brine::IndexVector>(v.data(), s.rows * s.cols);
}

inline std::string model_dir(const std::string& name) { return work_dir() + "/models/" + name; }

inline Eigen::MatrixXd batch_inputs(const std::string& name = "X_batch") {
    return read_f64(work_dir() + "/data/" + name);
}

inline brine::LinearRegression linear(const std::string& name = "linear") {
    const std::string d = model_dir(name);
    return brine::LinearRegression(read_f64(d + "/coef"), read_f64_vector(d + "/intercept"));
}

inline brine::LogisticRegression logistic(const std::string& name = "logistic") {
    const std::string d = model_dir(name);
    return brine::LogisticRegression(read_f64(d + "/coef"), read_f64_vector(d + "/intercept"),
                                     read_f64_vector(d + "/classes"));
}

inline brine::Pipeline pipeline(const std::string& name = "pipeline") {
    const std::string d = model_dir(name);
    brine::StandardScaler scaler(read_f64_vector(d + "/mean"), read_f64_vector(d + "/scale"));
    return brine::Pipeline({scaler}, logistic(name));
}

/// A scikit-learn `tree_` (or an XGBoost tree converted to that layout). Leaves keep scikit-learn's
/// -2 in `feature` and `threshold`, as brine stores them.
inline brine::DecisionTree tree(const std::string& name, brine::DecisionTree::Task task,
                                std::int32_t n_features) {
    const std::string d = model_dir(name);
    brine::DecisionTree t;
    t.task = task;
    t.n_features_in = n_features;
    t.children_left = read_i32_vector(d + "/children_left");
    t.children_right = read_i32_vector(d + "/children_right");
    t.feature = read_i32_vector(d + "/feature");
    t.threshold = read_f64_vector(d + "/threshold");
    t.value = read_f64(d + "/value");
    if (task == brine::DecisionTree::Task::classification)
        t.classes = read_f64_vector(d + "/classes");
    t.validate();
    return t;
}

constexpr std::int32_t n_features = 50;  ///< every prediction model's input width

inline brine::DecisionTree tree_d10() {
    return tree("tree_d10", brine::DecisionTree::Task::classification, n_features);
}
inline brine::DecisionTree tree_deep() {
    return tree("tree_deep", brine::DecisionTree::Task::regression, n_features);
}
inline brine::DecisionTree xgb_d10() {
    return tree("xgb_d10", brine::DecisionTree::Task::regression, n_features);
}

/// XGBoost's 100 trees of depth 6 (xgb_100x6) as a brine::TreeEnsemble, as bench_python.py
/// converted them: float32 `<`, float32 sums, learned missing-value directions.
inline brine::TreeEnsemble xgb_100x6() {
    const std::string d = model_dir("xgb_100x6");
    brine::TreeEnsemble e;
    e.task = brine::TreeEnsemble::Task::regression;
    e.n_features_in = n_features;
    e.compare = brine::TreeCompare::float32_lt;
    e.accumulation = brine::TreeEnsemble::Accumulation::float32;
    e.tree_offsets = read_i32_vector(d + "/tree_offsets");
    e.tree_output = read_i32_vector(d + "/tree_output");
    e.children_left = read_i32_vector(d + "/children_left");
    e.children_right = read_i32_vector(d + "/children_right");
    e.feature = read_i32_vector(d + "/feature");
    e.threshold = read_f64_vector(d + "/threshold");
    e.default_left = read_i32_vector(d + "/default_left").cast<std::uint8_t>();
    e.value = read_f64(d + "/value");
    e.base_score = read_f64_vector(d + "/base_score");
    e.validate();
    return e;
}

}  // namespace bench
