// The C++ side of bench/forest/bench_forest.py: a scikit-learn RandomForestClassifier rebuilt as a
// brine::TreeEnsemble from its exported arrays. Checks that brine's predict_proba equals
// scikit-learn's (saved by the script) on every row, then times, each as the median of N runs
// (wall time; for the load also CPU time): loading the forest's binary file (written here), and
// predict_proba of the batch on 1 and 2 threads. Prints one JSON object on stdout.
//
// Usage (BRINE_BENCH_DIR set): brine_bench_forest [runs, default 9]
// SPDX-License-Identifier: MIT
// brine's headers first: their unqualified quoted() calls would find std::quoted by argument-
// dependent lookup if <iomanip> (which <filesystem> includes) came before them.
#include <brine/io.hpp>
#include <brine/models.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../bench_data.hpp"

namespace {

brine::TreeEnsemble forest() {
    const std::string d = bench::model_dir("rf");
    brine::TreeEnsemble e;
    e.task = brine::TreeEnsemble::Task::classification;
    e.n_features_in = bench::n_features;
    e.compare = brine::TreeCompare::float32_le;  // scikit-learn walks float32(x) <= threshold
    e.aggregation = brine::TreeEnsemble::Aggregation::average;
    e.link = brine::TreeEnsemble::Link::identity;
    e.tree_offsets = bench::read_i32_vector(d + "/tree_offsets");
    e.children_left = bench::read_i32_vector(d + "/children_left");
    e.children_right = bench::read_i32_vector(d + "/children_right");
    e.feature = bench::read_i32_vector(d + "/feature");
    e.threshold = bench::read_f64_vector(d + "/threshold");
    e.value = bench::read_f64(d + "/value");
    e.classes = bench::read_f64_vector(d + "/classes");
    e.tree_output.setZero(e.tree_offsets.size() - 1);
    e.default_left.setZero(e.children_left.size());  // scikit-learn 1.2: no missing values
    e.base_score.setZero(e.classes.size());
    e.validate();
    return e;
}

/// CPU time of the process (every thread), in seconds.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

/// Median CPU time of f() over `runs` runs after one untimed run, when wall time is distorted by
/// a busy machine (one thread: the prediction's own time).
template <class F>
double median_cpu_seconds(int runs, F&& f);

double median_of(std::vector<double> t) {
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

template <class F>
double median_seconds(int runs, F&& f) {
    f();
    std::vector<double> t;
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        f();
        t.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return median_of(std::move(t));
}

/// Median wall and process CPU time of f (one thread): on a shared machine the CPU time is the
/// steadier of the two.
template <class F>
std::pair<double, double> median_wall_cpu(int runs, F&& f) {
    f();
    std::vector<double> wall, cpu;
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        const std::clock_t c = std::clock();
        f();
        cpu.push_back(static_cast<double>(std::clock() - c) / CLOCKS_PER_SEC);
        wall.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return {median_of(std::move(wall)), median_of(std::move(cpu))};
}

template <class F>
double median_cpu_seconds(int runs, F&& f) {
    f();
    std::vector<double> t;
    for (int r = 0; r < runs; ++r) {
        const double start = cpu_seconds();
        f();
        t.push_back(cpu_seconds() - start);
    }
    return median_of(std::move(t));
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 9;
        const Eigen::MatrixXd X = bench::batch_inputs();
        const brine::TreeEnsemble e = forest();
        const brine::RowMatrix want = bench::read_f64(bench::work_dir() + "/data/pred_rf_proba");
        const Eigen::MatrixXd got = e.predict_proba(X);
        Eigen::Index differ = 0;
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            for (Eigen::Index k = 0; k < got.cols(); ++k) differ += got(i, k) != want(i, k) ? 1 : 0;
        }
        std::fprintf(stderr,
                     "brine_bench_forest: %lld of %lld probabilities differ from scikit-learn's\n",
                     static_cast<long long>(differ), static_cast<long long>(got.size()));
        if (differ != 0) throw std::runtime_error("brine and scikit-learn disagree; not timing");

        const std::string path = bench::model_dir("rf") + ".brine";
        brine::SaveOptions o;
        o.format = brine::Format::binary;
        brine::save(e, path, o);
        const auto [load, load_cpu] = median_wall_cpu(runs, [&] {
            const auto m = brine::load<brine::TreeEnsemble>(path);
            if (m.n_trees() != e.n_trees()) throw std::runtime_error("load lost trees");
        });
        double sink = 0;
        brine::TreeEnsemble::PredictOptions one, two;
        two.threads = 2;
        const double p1 =
            median_seconds(std::max(3, runs / 3), [&] { sink += e.predict_proba(X, one)(0, 0); });
        const double p2 =
            median_seconds(std::max(3, runs / 3), [&] { sink += e.predict_proba(X, two)(0, 0); });
        // The same forest compiled once (brine::CompiledEnsemble): its own results are checked too.
        const brine::CompiledEnsemble c = e.compile();
        const Eigen::MatrixXd cgot = c.predict_proba(X);
        if (!(cgot.array() == got.array()).all())
            throw std::runtime_error("the compiled forest and the forest disagree; not timing");
        const double c1 =
            median_seconds(std::max(3, runs / 3), [&] { sink += c.predict_proba(X, one)(0, 0); });
        const double c2 =
            median_seconds(std::max(3, runs / 3), [&] { sink += c.predict_proba(X, two)(0, 0); });
        const double p1_cpu = median_cpu_seconds(std::max(3, runs / 3),
                                                 [&] { sink += e.predict_proba(X, one)(0, 0); });
        const double c1_cpu = median_cpu_seconds(std::max(3, runs / 3),
                                                 [&] { sink += c.predict_proba(X, one)(0, 0); });
        std::printf(
            "{\"n_trees\": %lld, \"n_nodes\": %lld, \"brine_bytes\": %lld, \"brine_load_s\": %.9g, "
            "\"brine_load_cpu_s\": %.9g, "
            "\"brine_predict_proba_1t_s\": %.9g, \"brine_predict_proba_2t_s\": %.9g, "
            "\"compiled_predict_proba_1t_s\": %.9g, \"compiled_predict_proba_2t_s\": %.9g, "
            "\"brine_predict_proba_1t_cpu_s\": %.9g, \"compiled_predict_proba_1t_cpu_s\": %.9g, "
            "\"check\": %g}\n",
            static_cast<long long>(e.n_trees()), static_cast<long long>(e.n_nodes()),
            static_cast<long long>(std::filesystem::file_size(path)), load, load_cpu, p1, p2, c1,
            c2, p1_cpu, c1_cpu, sink > 0 ? 1.0 : 0.0);
    } catch (const std::exception& ex) {
        std::fprintf(stderr, "brine_bench_forest: %s\n", ex.what());
        return 1;
    }
    return 0;
}
