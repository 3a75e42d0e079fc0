// Prediction with brine's models, one thread: single-row latency (the allocation-free `_one`
// calls) and batch throughput on the 100000 x 50 inputs, for the models scikit-learn trained in
// bench/python/bench_python.py (the same parameters, so the same predictions; checked below).
// SPDX-License-Identifier: MIT
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <brine/models.hpp>

#include "bench_data.hpp"

namespace {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Inputs {
    Eigen::MatrixXd X, X_pipeline;
    Eigen::RowVectorXd x, x_pipeline;
    // The same batches in the other layouts a serving program holds (issue #15's forms).
    brine::RowMatrix R, R_pipeline;
    RowMatrixF F, F_pipeline;
};

const Inputs& inputs() {
    static const Inputs in = [] {
        Inputs i;
        i.X = bench::batch_inputs("X_batch");
        i.X_pipeline = bench::batch_inputs("X_batch_pipeline");
        i.x = i.X.row(0);
        i.x_pipeline = i.X_pipeline.row(0);
        i.R = i.X;
        i.R_pipeline = i.X_pipeline;
        i.F = i.X.cast<float>();
        i.F_pipeline = i.X_pipeline.cast<float>();
        return i;
    }();
    return in;
}

void one(benchmark::State& state, const std::function<double()>& f) {
    for (auto _ : state) benchmark::DoNotOptimize(f());
    state.counters["rows"] = 1;
}

template <class F>
void batch(benchmark::State& state, const Eigen::MatrixXd& X, F f) {
    for (auto _ : state) {
        auto y = f(X);
        benchmark::DoNotOptimize(y.data());
    }
    state.SetItemsProcessed(X.rows() * static_cast<std::int64_t>(state.iterations()));
    state.counters["rows"] = static_cast<double>(X.rows());
}

/// scikit-learn's predictions for the same inputs, when the exporter wrote them
/// (data/pred_<model>.f64): brine must give the same answers before its speed means anything.
void check_against_sklearn(const std::string& model, const Eigen::VectorXd& ours) {
    const std::string stem = bench::work_dir() + "/data/pred_" + model;
    if (!std::filesystem::exists(stem + ".f64")) return;
    const Eigen::VectorXd theirs = bench::read_f64_vector(stem);
    if (theirs.size() != ours.size()) throw std::runtime_error(stem + ": wrong number of rows");
    const double diff = (theirs - ours).cwiseAbs().maxCoeff();
    std::fprintf(stderr, "brine_bench_predict: %s agrees with scikit-learn within %.3g\n",
                 model.c_str(), diff);
    if (!(diff <= 1e-9 * std::max(1.0, theirs.cwiseAbs().maxCoeff())))
        throw std::runtime_error(model + ": brine's predictions differ from scikit-learn's by " +
                                 std::to_string(diff));
}

template <class Model>
void register_model(const std::string& name, const Model& m, bool pipeline_inputs) {
    const Eigen::MatrixXd& X = pipeline_inputs ? inputs().X_pipeline : inputs().X;
    const Eigen::RowVectorXd& x = pipeline_inputs ? inputs().x_pipeline : inputs().x;
    check_against_sklearn(name, m.predict(X));
    benchmark::RegisterBenchmark(
        ("brine/" + name + "/one").c_str(),
        [m, &x](benchmark::State& s) { one(s, [&] { return m.predict_one(x); }); })
        ->Unit(benchmark::kMicrosecond)
        ->Repetitions(5)
        ->ReportAggregatesOnly(true);
    benchmark::RegisterBenchmark(
        ("brine/" + name + "/batch").c_str(),
        [m, &X](benchmark::State& s) {
            batch(s, X, [&](const Eigen::MatrixXd& in) { return m.predict(in); });
        })
        ->Unit(benchmark::kMillisecond)
        ->Repetitions(5)
        ->ReportAggregatesOnly(true);
}

/// The batch in other forms, each a row next to brine/<name>/batch (column-major doubles, the
/// MatrixRef form) in the same run: row-major doubles (returned, and into a caller buffer) and
/// row-major floats. `proba` registers predict_proba's forms instead of predict's.
template <class Model>
void register_forms(const std::string& name, const Model& m, bool pipeline_inputs, bool proba) {
    const Inputs& in = inputs();
    const brine::RowMatrix& R = pipeline_inputs ? in.R_pipeline : in.R;
    const RowMatrixF& F = pipeline_inputs ? in.F_pipeline : in.F;
    const std::string prefix = "brine/" + name + (proba ? "/proba_batch_" : "/batch_");
    const Model* mp = &m;  // static: outlives the benchmarks
    const brine::RowMatrix* Rp = &R;
    const RowMatrixF* Fp = &F;
    auto add = [&](const std::string& form, auto run) {
        benchmark::RegisterBenchmark((prefix + form).c_str(),
                                     [run, rows = R.rows()](benchmark::State& s) {
                                         for (auto _ : s) run();
                                         s.SetItemsProcessed(rows * s.iterations());
                                         s.counters["rows"] = static_cast<double>(rows);
                                     })
            ->Unit(benchmark::kMillisecond)
            ->Repetitions(5)
            ->ReportAggregatesOnly(true);
    };
    if constexpr (!std::is_same_v<Model, brine::LinearRegression>) {
        if (proba) {
            auto out = std::make_shared<std::vector<double>>(
                static_cast<std::size_t>(R.rows() * m.n_classes()));
            add("rowmajor", [mp, Rp] { benchmark::DoNotOptimize(mp->predict_proba(*Rp).data()); });
            add("rowmajor_into", [mp, Rp, out] {
                mp->predict_proba(*Rp, out->data(), static_cast<Eigen::Index>(out->size()));
                benchmark::DoNotOptimize(out->data());
            });
            add("float", [mp, Fp] { benchmark::DoNotOptimize(mp->predict_proba(*Fp).data()); });
            return;
        }
    }
    auto out = std::make_shared<std::vector<double>>(static_cast<std::size_t>(R.rows()));
    add("rowmajor", [mp, Rp] { benchmark::DoNotOptimize(mp->predict(*Rp).data()); });
    add("rowmajor_into", [mp, Rp, out] {
        mp->predict(*Rp, out->data(), static_cast<Eigen::Index>(out->size()));
        benchmark::DoNotOptimize(out->data());
    });
    add("float", [mp, Fp] { benchmark::DoNotOptimize(mp->predict(*Fp).data()); });
}

template <class Model>
void register_proba(const std::string& name, const Model& m, bool pipeline_inputs) {
    const Eigen::MatrixXd& X = pipeline_inputs ? inputs().X_pipeline : inputs().X;
    const Eigen::RowVectorXd& x = pipeline_inputs ? inputs().x_pipeline : inputs().x;
    benchmark::RegisterBenchmark(("brine/" + name + "/proba_one").c_str(),
                                 [m, &x](benchmark::State& s) {
                                     double out[8];
                                     one(s, [&] {
                                         m.predict_proba_one(x, out, 8);
                                         return out[0];
                                     });
                                 })
        ->Unit(benchmark::kMicrosecond)
        ->Repetitions(5)
        ->ReportAggregatesOnly(true);
    benchmark::RegisterBenchmark(
        ("brine/" + name + "/proba_batch").c_str(),
        [m, &X](benchmark::State& s) {
            batch(s, X, [&](const Eigen::MatrixXd& in) { return m.predict_proba(in); });
        })
        ->Unit(benchmark::kMillisecond)
        ->Repetitions(5)
        ->ReportAggregatesOnly(true);
}

void register_all() {
    // The models outlive the benchmarks: the other forms' benchmarks refer to them.
    static const brine::LinearRegression linear = bench::linear();
    register_model("linear", linear, false);
    register_forms("linear", linear, false, false);
    static const brine::LogisticRegression logistic = bench::logistic();
    register_model("logistic", logistic, false);
    register_forms("logistic", logistic, false, false);
    register_proba("logistic", logistic, false);
    register_forms("logistic", logistic, false, true);
    static const brine::Pipeline pipeline = bench::pipeline();
    register_model("pipeline", pipeline, true);
    register_forms("pipeline", pipeline, true, false);
    register_proba("pipeline", pipeline, true);
    register_forms("pipeline", pipeline, true, true);
    static const brine::DecisionTree tree_d10 = bench::tree_d10();
    register_model("tree_d10", tree_d10, false);
    register_forms("tree_d10", tree_d10, false, false);
    register_model("tree_deep", bench::tree_deep(), false);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        bench::work_dir();
        register_all();
        benchmark::Initialize(&argc, argv);
        if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
        benchmark::RunSpecifiedBenchmarks();
        benchmark::Shutdown();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "brine_bench_predict: %s\n", e.what());
        return 1;
    }
    return 0;
}
