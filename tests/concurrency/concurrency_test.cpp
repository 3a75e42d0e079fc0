// Tests of what brine promises about threads (docs/threat-model.md, "Threads"): const predictions
// with one shared model, and loads, inspects and saves of files, all at once. Meant to be run
// under ThreadSanitizer too (preset `tsan`), where any data race is a failure.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

namespace {

/// A pipeline wider than Pipeline::stack_width, so predict_one uses its per-thread scratch.
brine::Pipeline wide_pipeline() {
    constexpr Eigen::Index w = 300;
    brine::StandardScaler s(Eigen::VectorXd::LinSpaced(w, -1, 1), Eigen::VectorXd::Constant(w, 2));
    brine::LogisticRegression e;
    e.coef = brine::RowMatrix(3, w);
    for (Eigen::Index i = 0; i < e.coef.size(); ++i)
        e.coef.data()[i] = static_cast<double>(i % 17) / 17.0 - 0.5;
    e.intercept = fixtures::vec({0.1, -0.2, 0.3});
    e.classes = fixtures::vec({0, 1, 2});
    return brine::Pipeline({s}, e);
}

Eigen::MatrixXd rows_for(Eigen::Index n_features) {
    Eigen::MatrixXd x(64, n_features);
    for (Eigen::Index i = 0; i < x.size(); ++i)
        x.data()[i] = static_cast<double>((i * 37) % 101) / 50.0 - 1.0;
    return x;
}

}  // namespace

TEST_CASE("concurrent predict, load, inspect and save give the single-threaded results",
          "[concurrency][threads]") {
    TempDir dir;
    const std::vector<brine::AnyModel> models = {wide_pipeline(), fixtures::pipeline_classifier(),
                                                 fixtures::tree_classifier(),
                                                 fixtures::logistic_multi()};
    // Single-threaded truth, and one file per model (with reference rows, so every load runs the
    // reference check too).
    std::vector<Eigen::MatrixXd> inputs, probas;
    std::vector<std::string> paths, bytes;
    for (std::size_t k = 0; k < models.size(); ++k) {
        inputs.push_back(rows_for(models[k].n_features()));
        probas.push_back(models[k].predict_proba(inputs[k]));
        brine::SaveOptions so;
        so.reference_inputs = inputs[k].topRows(5);
        paths.push_back(dir.file("m" + std::to_string(k) + ".brine"));
        brine::save(models[k], paths[k], so);
        bytes.push_back(brine::to_bytes(models[k], brine::Format::json, so));
    }

    std::atomic<int> wrong{0};
    std::atomic<int> errors{0};
    constexpr int rounds = 20;
    std::vector<std::thread> threads;
    // Four threads predict with the same models, by batch and row by row.
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int r = 0; r < rounds; ++r) {
                const std::size_t k = static_cast<std::size_t>(r + t) % models.size();
                const brine::AnyModel& m = models[k];
                if (!(m.predict_proba(inputs[k]) == probas[k])) ++wrong;
                Eigen::VectorXd p(probas[k].cols());
                for (Eigen::Index i = 0; i < inputs[k].rows(); ++i) {
                    m.predict_proba_one(inputs[k].row(i), p.data(), p.size());
                    if (!((p.transpose() - probas[k].row(i)).cwiseAbs().maxCoeff() <= 1e-12))
                        ++wrong;
                }
            }
        });
    }
    // Two threads load the files (by path and from memory) and inspect them.
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            try {
                for (int r = 0; r < rounds; ++r) {
                    const std::size_t k = static_cast<std::size_t>(r + t) % models.size();
                    if (!(brine::load_any(paths[k]) == models[k])) ++wrong;
                    if (!(brine::from_bytes_any(bytes[k]) == models[k])) ++wrong;
                    if (brine::inspect(paths[k]).kind != models[k].kind()) ++wrong;
                }
            } catch (const brine::Error&) {
                ++errors;
            }
        });
    }
    // Two threads save: each to its own path, and both to one shared path.
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            try {
                for (int r = 0; r < rounds; ++r) {
                    const std::size_t k = static_cast<std::size_t>(r) % models.size();
                    brine::save(models[k], dir.file("own" + std::to_string(t) + ".brine"));
                    brine::save(models[k], dir.file("shared.brine"));
                }
            } catch (const brine::Error&) {
                ++errors;
            }
        });
    }
    for (std::thread& th : threads) th.join();
    CHECK(wrong == 0);
    CHECK(errors == 0);
    // The shared path holds one complete file: one of the models.
    const brine::AnyModel last = brine::load_any(dir.file("shared.brine"));
    bool one_of = false;
    for (const brine::AnyModel& m : models) one_of = one_of || last == m;
    CHECK(one_of);
}
