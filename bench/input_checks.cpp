// Batch throughput of every model kind and of pipelines, built against two versions of brine by
// scripts/input_checks_bench.sh (the version before the fused NaN/infinity input checks and this
// checkout), which runs the two programs in alternation and compares their medians.
//
// Usage: brine_input_checks [rows, default 100000] [repetitions per case, default 5] [filter]
// (filter: run only the cases whose name contains it)
// Prints one line per case: name, median seconds of the repetitions, and a checksum of the output
// (the two versions must print the same checksums: they compute the same predictions). The time is
// the thread's CPU time, not wall time: on a machine shared with other work, time spent waiting for
// a core is not the code's (cache and memory bandwidth shared with that work still count).
// Only the models' batch API common to both versions is used.
// SPDX-License-Identifier: MIT
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "brine/models/pipeline.hpp"

namespace {

constexpr Eigen::Index n_features = 50;

/// splitmix64: the same stream on every platform and standard library.
struct Rng {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
    double symmetric() { return 2.0 * uniform() - 1.0; }                        // [-1, 1)
};

/// Inputs around (but not at) the scalers' means: feature j is 3 * u + 0.1 * j, u in [-1, 1).
Eigen::MatrixXd make_inputs(Eigen::Index rows, Rng& rng) {
    Eigen::MatrixXd X(rows, n_features);
    for (Eigen::Index j = 0; j < n_features; ++j) {
        for (Eigen::Index i = 0; i < rows; ++i) X(i, j) = 3.0 * rng.symmetric() + 0.1 * j;
    }
    return X;
}

brine::RowMatrix random_matrix(Eigen::Index rows, Eigen::Index cols, Rng& rng, double scale) {
    brine::RowMatrix m(rows, cols);
    for (Eigen::Index i = 0; i < rows; ++i) {
        for (Eigen::Index j = 0; j < cols; ++j) m(i, j) = scale * rng.symmetric();
    }
    return m;
}

Eigen::VectorXd random_vector(Eigen::Index n, Rng& rng, double scale) {
    Eigen::VectorXd v(n);
    for (Eigen::Index i = 0; i < n; ++i) v(i) = scale * rng.symmetric();
    return v;
}

Eigen::VectorXd labels(Eigen::Index k) {
    Eigen::VectorXd c(k);
    for (Eigen::Index i = 0; i < k; ++i) c(i) = static_cast<double>(i);
    return c;
}

/// A complete tree of the given depth (2^(depth+1) - 1 nodes): node i splits on a random feature
/// at a random threshold within the inputs' range (raw or scaled) into 2i + 1 and 2i + 2.
brine::DecisionTree complete_tree(int depth, Eigen::Index n_classes, bool scaled, Rng& rng) {
    const Eigen::Index n = (Eigen::Index{2} << depth) - 1, splits = n / 2;
    brine::DecisionTree t;
    t.task = n_classes > 0 ? brine::DecisionTree::Task::classification
                           : brine::DecisionTree::Task::regression;
    t.n_features_in = static_cast<std::int32_t>(n_features);
    t.children_left.resize(n);
    t.children_right.resize(n);
    t.feature.resize(n);
    t.threshold.resize(n);
    t.value.resize(n, n_classes > 0 ? n_classes : 1);
    for (Eigen::Index i = 0; i < n; ++i) {
        const bool split = i < splits;
        t.children_left(i) =
            split ? static_cast<std::int32_t>(2 * i + 1) : brine::DecisionTree::leaf;
        t.children_right(i) =
            split ? static_cast<std::int32_t>(2 * i + 2) : brine::DecisionTree::leaf;
        const auto f = static_cast<std::int32_t>(rng.next() % n_features);
        t.feature(i) = split ? f : -2;
        t.threshold(i) =
            split ? (scaled ? 0.8 : 2.4) * rng.symmetric() + (scaled ? 0 : 0.1 * f) : -2;
        if (n_classes > 0) {
            double sum = 0;
            for (Eigen::Index k = 0; k < n_classes; ++k)
                sum += (t.value(i, k) = rng.uniform() + 0.01);
            t.value.row(i) /= sum;
        } else {
            t.value(i, 0) = rng.symmetric();
        }
    }
    if (n_classes > 0) t.classes = labels(n_classes);
    t.validate();
    return t;
}

double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Case {
    std::string name;
    std::function<double()> run;  // one batch call; returns a checksum of its output
};

template <class M>
double checksum(const M& m) {
    return m.sum();
}

}  // namespace

int main(int argc, char** argv) {
    const Eigen::Index rows = argc > 1 ? std::atol(argv[1]) : 100000;
    const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
    const std::string filter = argc > 3 ? argv[3] : "";
    if (rows < 1 || reps < 1) {
        std::fprintf(stderr, "usage: %s [rows >= 1] [repetitions >= 1]\n", argv[0]);
        return 2;
    }
    Rng rng{20261202};
    const Eigen::MatrixXd X = make_inputs(rows, rng);

    Eigen::VectorXd mean(n_features), sd(n_features), mm_scale(n_features), mm_min(n_features);
    for (Eigen::Index j = 0; j < n_features; ++j) {
        mean(j) = 0.1 * j + 0.05 * rng.symmetric();
        sd(j) = 1.7 + 0.1 * rng.uniform();
        mm_scale(j) = 1.0 / (6.0 + 0.1 * rng.uniform());  // maps [-3, 3] + 0.1 j to about [0, 1]
        mm_min(j) = 0.5 - 0.1 * j * mm_scale(j);
    }
    const brine::StandardScaler standard(mean, sd);
    const brine::MinMaxScaler min_max(mm_scale, mm_min);
    const brine::LinearRegression linear(random_matrix(1, n_features, rng, 1.0),
                                         Eigen::VectorXd::Constant(1, 0.5));
    const brine::LogisticRegression binary(random_matrix(1, n_features, rng, 0.3),
                                           Eigen::VectorXd::Constant(1, -0.2), labels(2));
    const brine::LogisticRegression multi(random_matrix(5, n_features, rng, 0.3),
                                          random_vector(5, rng, 0.5), labels(5));
    const brine::DecisionTree big_raw = complete_tree(12, 3, false, rng);    // 8191 nodes
    const brine::DecisionTree big_scaled = complete_tree(12, 3, true, rng);  // 8191 nodes
    const brine::DecisionTree small_raw = complete_tree(6, 0, false, rng);   // 127 nodes
    const brine::DecisionTree reg_scaled = complete_tree(12, 0, true, rng);  // 8191 nodes
    const brine::Pipeline p_logistic({standard}, binary);
    const brine::Pipeline p_multi({min_max, standard}, multi);
    const brine::Pipeline p_linear({standard}, linear);
    const brine::Pipeline p_tree({standard}, big_scaled);
    const brine::Pipeline p_tree_reg({standard}, reg_scaled);

    const std::vector<Case> cases = {
        {"linear predict", [&] { return checksum(linear.predict(X)); }},
        {"logistic binary predict", [&] { return checksum(binary.predict(X)); }},
        {"logistic binary predict_proba", [&] { return checksum(binary.predict_proba(X)); }},
        {"logistic 5-class predict_proba", [&] { return checksum(multi.predict_proba(X)); }},
        {"tree 8191 nodes predict", [&] { return checksum(big_raw.predict(X)); }},
        {"tree 8191 nodes predict_proba", [&] { return checksum(big_raw.predict_proba(X)); }},
        {"tree 127 nodes regressor predict", [&] { return checksum(small_raw.predict(X)); }},
        {"standard scaler transform", [&] { return checksum(standard.transform(X)); }},
        {"min-max scaler transform", [&] { return checksum(min_max.transform(X)); }},
        {"pipeline scaler>logistic predict_proba",
         [&] { return checksum(p_logistic.predict_proba(X)); }},
        {"pipeline scaler>logistic predict", [&] { return checksum(p_logistic.predict(X)); }},
        {"pipeline 2 scalers>logistic 5-class predict_proba",
         [&] { return checksum(p_multi.predict_proba(X)); }},
        {"pipeline scaler>linear predict", [&] { return checksum(p_linear.predict(X)); }},
        {"pipeline scaler>tree 8191 predict_proba",
         [&] { return checksum(p_tree.predict_proba(X)); }},
        {"pipeline scaler>tree 8191 regressor predict",
         [&] { return checksum(p_tree_reg.predict(X)); }},
        {"pipeline transform (scaler)", [&] { return checksum(p_logistic.transform(X)); }},
    };

    for (const Case& c : cases) {
        if (c.name.find(filter) == std::string::npos) continue;
        std::vector<double> seconds;
        double sum = c.run();  // warm-up (and the checksum)
        for (int r = 0; r < reps; ++r) {
            const double start = cpu_seconds();
            const double s = c.run();
            seconds.push_back(cpu_seconds() - start);
            if (s != sum && !(s != s && sum != sum)) {
                std::fprintf(stderr, "%s: checksum changed between runs\n", c.name.c_str());
                return 1;
            }
        }
        std::nth_element(seconds.begin(), seconds.begin() + reps / 2, seconds.end());
        std::printf("%s\t%.6f\t%.17g\n", c.name.c_str(),
                    seconds[static_cast<std::size_t>(reps / 2)], sum);
    }
    return 0;
}
