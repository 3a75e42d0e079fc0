// A whole process that loads a model file and predicts one row: the cold-start benchmark
// (bench/python/bench_python.py times it, and the same with Python, joblib and scikit-learn).
//
// Usage: brine_cold_start MODEL_FILE INPUTS.f64   (the first row of a raw float64 matrix)
// SPDX-License-Identifier: MIT
#include <cstdio>
#include <vector>

#include <brine/brine.hpp>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: brine_cold_start MODEL_FILE INPUTS.f64\n");
        return 2;
    }
    try {
        const brine::AnyModel model = brine::load_any(argv[1]);
        const auto n = static_cast<std::size_t>(model.n_features());
        std::vector<double> row(n);
        std::FILE* f = std::fopen(argv[2], "rb");
        if (f == nullptr || std::fread(row.data(), sizeof(double), n, f) != n) {
            std::fprintf(stderr, "brine_cold_start: cannot read %zu inputs from %s\n", n, argv[2]);
            if (f != nullptr) std::fclose(f);
            return 1;
        }
        std::fclose(f);
        const Eigen::Map<const Eigen::MatrixXd> x(row.data(), 1, static_cast<Eigen::Index>(n));
        std::printf("%.17g\n", model.predict(x)(0));
    } catch (const brine::Error& e) {
        std::fprintf(stderr, "brine_cold_start: %s\n", e.what());
        return 1;
    }
    return 0;
}
