// Saving and loading: brine's binary and JSON files against the floors (memcpy, fwrite, fread of
// the same parameter bytes) and against cereal used the obvious way (a per-element loop over the
// Eigen matrix in cereal's binary archive; std::vector in cereal's JSON archive).
//
// Every benchmark reports wall time (files, fsync) and a "bytes" counter: the raw parameter bytes
// (8 per double), which bench/report.py turns into GB/s and ratios. Loads read files that were just
// written, so they come from the page cache, as they do for the fread floor.
// SPDX-License-Identifier: MIT
#include <benchmark/benchmark.h>

#include <cereal/archives/binary.hpp>
#include <cereal/archives/json.hpp>
#include <cereal/types/vector.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

#include <brine/brine.hpp>

#include "bench_data.hpp"

namespace {

namespace fs = std::filesystem;

std::string scratch(const std::string& name) {
    static const std::string dir = [] {
        const std::string d = bench::work_dir() + "/tmp/io";
        fs::create_directories(d);
        return d;
    }();
    return dir + "/" + name;
}

/// A linear model with `rows` targets and `cols` features, standard normal parameters.
struct Case {
    std::string label;
    Eigen::Index rows, cols;
};

const std::vector<Case>& cases() {
    static const std::vector<Case> all = {
        {"1000", 1, 1000},       {"10000", 1, 10000},       {"100000", 1, 100000},
        {"1000000", 1, 1000000}, {"10000000", 1, 10000000}, {"10000x1000", 10000, 1000},
    };
    return all;
}

const brine::LinearRegression& model_for(const Case& c) {
    static std::map<std::string, brine::LinearRegression> cache;
    auto it = cache.find(c.label);
    if (it == cache.end()) {
        std::mt19937_64 rng(20261126);
        std::normal_distribution<double> normal;
        brine::RowMatrix coef(c.rows, c.cols);
        for (Eigen::Index i = 0; i < coef.size(); ++i) coef.data()[i] = normal(rng);
        Eigen::VectorXd intercept(c.rows);
        for (Eigen::Index i = 0; i < intercept.size(); ++i) intercept(i) = normal(rng);
        it = cache.emplace(c.label, brine::LinearRegression(std::move(coef), std::move(intercept)))
                 .first;
    }
    return it->second;
}

std::int64_t parameter_bytes(const brine::LinearRegression& m) {
    return static_cast<std::int64_t>((m.coef.size() + m.intercept.size()) * sizeof(double));
}

void finish(benchmark::State& state, std::int64_t bytes) {
    state.SetBytesProcessed(bytes * static_cast<std::int64_t>(state.iterations()));
    state.counters["bytes"] = static_cast<double>(bytes);
}

// ---- floors --------------------------------------------------------------------------------

/// The parameters as one contiguous buffer, what the floors copy, write and read.
std::vector<double> flat(const brine::LinearRegression& m) {
    std::vector<double> v(m.coef.data(), m.coef.data() + m.coef.size());
    v.insert(v.end(), m.intercept.data(), m.intercept.data() + m.intercept.size());
    return v;
}

void floor_memcpy(benchmark::State& state, const Case& c) {
    const std::vector<double> src = flat(model_for(c));
    std::vector<double> dst(src.size());
    for (auto _ : state) {
        std::memcpy(dst.data(), src.data(), src.size() * sizeof(double));
        benchmark::ClobberMemory();
    }
    finish(state, parameter_bytes(model_for(c)));
}

void write_raw(const std::string& path, const std::vector<double>& v, bool sync) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot open " + path);
    const std::size_t n = std::fwrite(v.data(), sizeof(double), v.size(), f);
    if (sync && (std::fflush(f) != 0 || ::fsync(fileno(f)) != 0))
        throw std::runtime_error("cannot sync " + path);
    if (std::fclose(f) != 0 || n != v.size()) throw std::runtime_error("cannot write " + path);
}

void floor_fwrite(benchmark::State& state, const Case& c, bool sync) {
    const std::vector<double> v = flat(model_for(c));
    const std::string path = scratch("raw_" + c.label);
    for (auto _ : state) write_raw(path, v, sync);
    finish(state, parameter_bytes(model_for(c)));
}

/// Reads into a fresh allocation, as any loader must (the page faults are part of the floor).
void floor_fread(benchmark::State& state, const Case& c) {
    const std::vector<double> v = flat(model_for(c));
    const std::string path = scratch("raw_" + c.label);
    write_raw(path, v, false);
    for (auto _ : state) {
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (f == nullptr) throw std::runtime_error("cannot open " + path);
        std::unique_ptr<double[]> buf(new double[v.size()]);
        const std::size_t n = std::fread(buf.get(), sizeof(double), v.size(), f);
        std::fclose(f);
        if (n != v.size()) throw std::runtime_error("short read from " + path);
        benchmark::DoNotOptimize(buf[v.size() - 1]);
    }
    finish(state, parameter_bytes(model_for(c)));
}

// ---- brine ---------------------------------------------------------------------------------

brine::SaveOptions save_options(brine::Format f) {
    brine::SaveOptions o;
    o.format = f;
    o.created = "2026-01-01T00:00:00Z";
    return o;
}

std::string brine_path(const std::string& label, brine::Format f) {
    return scratch("m_" + label + (f == brine::Format::json ? ".json" : ".brine"));
}

template <class Model>
void brine_save(benchmark::State& state, const Model& m, const std::string& path, brine::Format f,
                std::int64_t bytes) {
    const brine::SaveOptions o = save_options(f);
    for (auto _ : state) brine::save(m, path, o);
    finish(state, bytes);
}

template <class Model>
void brine_load(benchmark::State& state, const Model& m, const std::string& path, brine::Format f,
                std::int64_t bytes) {
    brine::save(m, path, save_options(f));
    for (auto _ : state) {
        Model loaded = brine::load<Model>(path);
        benchmark::DoNotOptimize(loaded);
    }
    finish(state, bytes);
}

// ---- cereal, the obvious way ------------------------------------------------------------------

/// cereal's binary archive the obvious way: the shape, then one call per element.
void cereal_binary_write(const brine::LinearRegression& m, const std::string& path) {
    std::ofstream os(path, std::ios::binary);
    cereal::BinaryOutputArchive ar(os);
    ar(static_cast<std::int64_t>(m.coef.rows()), static_cast<std::int64_t>(m.coef.cols()));
    for (Eigen::Index i = 0; i < m.coef.rows(); ++i)
        for (Eigen::Index j = 0; j < m.coef.cols(); ++j) ar(m.coef(i, j));
    ar(static_cast<std::int64_t>(m.intercept.size()));
    for (Eigen::Index i = 0; i < m.intercept.size(); ++i) ar(m.intercept(i));
}

void cereal_binary_save(benchmark::State& state, const Case& c) {
    const brine::LinearRegression& m = model_for(c);
    const std::string path = scratch("cereal_" + c.label + ".bin");
    for (auto _ : state) cereal_binary_write(m, path);
    finish(state, parameter_bytes(m));
}

void cereal_binary_load(benchmark::State& state, const Case& c) {
    const brine::LinearRegression& m = model_for(c);
    const std::string path = scratch("cereal_" + c.label + ".bin");
    cereal_binary_write(m, path);
    for (auto _ : state) {
        std::ifstream is(path, std::ios::binary);
        cereal::BinaryInputArchive ar(is);
        std::int64_t rows = 0, cols = 0, n = 0;
        ar(rows, cols);
        brine::RowMatrix coef(rows, cols);
        for (Eigen::Index i = 0; i < rows; ++i)
            for (Eigen::Index j = 0; j < cols; ++j) ar(coef(i, j));
        ar(n);
        Eigen::VectorXd intercept(n);
        for (Eigen::Index i = 0; i < n; ++i) ar(intercept(i));
        benchmark::DoNotOptimize(coef.data());
        benchmark::DoNotOptimize(intercept.data());
    }
    finish(state, parameter_bytes(m));
}

void cereal_json_write(const brine::LinearRegression& m, const std::string& path) {
    std::ofstream os(path);
    cereal::JSONOutputArchive ar(os);
    const std::vector<double> coef(m.coef.data(), m.coef.data() + m.coef.size());
    const std::vector<double> intercept(m.intercept.data(),
                                        m.intercept.data() + m.intercept.size());
    ar(cereal::make_nvp("rows", static_cast<std::int64_t>(m.coef.rows())),
       cereal::make_nvp("coef", coef), cereal::make_nvp("intercept", intercept));
}

void cereal_json_save(benchmark::State& state, const Case& c) {
    const brine::LinearRegression& m = model_for(c);
    const std::string path = scratch("cereal_" + c.label + ".json");
    for (auto _ : state) cereal_json_write(m, path);
    finish(state, parameter_bytes(m));
}

void cereal_json_load(benchmark::State& state, const Case& c) {
    const brine::LinearRegression& m = model_for(c);
    const std::string path = scratch("cereal_" + c.label + ".json");
    cereal_json_write(m, path);
    for (auto _ : state) {
        std::ifstream is(path);
        cereal::JSONInputArchive ar(is);
        std::int64_t rows = 0;
        std::vector<double> coef, intercept;
        ar(cereal::make_nvp("rows", rows), cereal::make_nvp("coef", coef),
           cereal::make_nvp("intercept", intercept));
        brine::LinearRegression loaded(
            Eigen::Map<const brine::RowMatrix>(coef.data(), rows,
                                               static_cast<Eigen::Index>(coef.size()) / rows),
            Eigen::Map<const Eigen::VectorXd>(intercept.data(),
                                              static_cast<Eigen::Index>(intercept.size())));
        benchmark::DoNotOptimize(loaded);
    }
    finish(state, parameter_bytes(m));
}

// ---- trees and small models ------------------------------------------------------------------

std::int64_t tree_bytes(const brine::DecisionTree& t) {
    return static_cast<std::int64_t>(
        (t.children_left.size() + t.children_right.size() + t.feature.size()) * 4 +
        (t.threshold.size() + t.value.size() + t.classes.size()) * 8);
}

/// Load a small model file and predict one row: what a service does on its first request.
void first_prediction(benchmark::State& state, brine::Format f) {
    const brine::LogisticRegression m = bench::logistic();
    const std::string path = brine_path("small_logistic", f);
    brine::save(m, path, save_options(f));
    const Eigen::RowVectorXd x = bench::batch_inputs().row(0);
    for (auto _ : state) {
        const auto loaded = brine::load<brine::LogisticRegression>(path);
        benchmark::DoNotOptimize(loaded.predict_one(x));
    }
    state.counters["parameters"] =
        static_cast<double>(m.coef.size() + m.intercept.size() + m.classes.size());
}

void apply(benchmark::internal::Benchmark* b, bool large) {
    b->UseRealTime()->Unit(large ? benchmark::kMillisecond : benchmark::kMicrosecond);
    b->Repetitions(5)->ReportAggregatesOnly(true)->MinTime(large ? 0.2 : 0.1);
}

void register_all() {
    using brine::Format;
    for (const Case& c : cases()) {
        const bool large = c.rows * c.cols >= 1000000;
        const std::string n = c.label;
        auto reg = [&](const std::string& name, auto fn) {
            apply(benchmark::RegisterBenchmark(name.c_str(), fn), large);
        };
        reg("floor/memcpy/" + n, [c](benchmark::State& s) { floor_memcpy(s, c); });
        reg("floor/fwrite/" + n, [c](benchmark::State& s) { floor_fwrite(s, c, false); });
        reg("floor/fwrite_fsync/" + n, [c](benchmark::State& s) { floor_fwrite(s, c, true); });
        reg("floor/fread/" + n, [c](benchmark::State& s) { floor_fread(s, c); });
        for (Format f : {Format::binary, Format::json}) {
            const std::string fn = brine::format_name(f);
            reg("brine/" + fn + "/save/" + n, [c, f](benchmark::State& s) {
                const auto& m = model_for(c);
                brine_save(s, m, brine_path(c.label, f), f, parameter_bytes(m));
            });
            reg("brine/" + fn + "/load/" + n, [c, f](benchmark::State& s) {
                const auto& m = model_for(c);
                brine_load(s, m, brine_path(c.label, f), f, parameter_bytes(m));
            });
        }
        reg("cereal/binary_loop/save/" + n, [c](benchmark::State& s) { cereal_binary_save(s, c); });
        reg("cereal/binary_loop/load/" + n, [c](benchmark::State& s) { cereal_binary_load(s, c); });
        reg("cereal/json/save/" + n, [c](benchmark::State& s) { cereal_json_save(s, c); });
        reg("cereal/json/load/" + n, [c](benchmark::State& s) { cereal_json_load(s, c); });
    }
    for (const char* name : {"tree_d10", "tree_deep"}) {
        const std::string t = name;
        for (Format f : {Format::binary, Format::json}) {
            const std::string fn = brine::format_name(f);
            auto tree = [t] { return t == "tree_d10" ? bench::tree_d10() : bench::tree_deep(); };
            apply(benchmark::RegisterBenchmark(("brine/" + fn + "/save/" + t).c_str(),
                                               [tree, t, f](benchmark::State& s) {
                                                   const auto m = tree();
                                                   brine_save(s, m, brine_path(t, f), f,
                                                              tree_bytes(m));
                                               }),
                  t == "tree_deep");
            apply(benchmark::RegisterBenchmark(("brine/" + fn + "/load/" + t).c_str(),
                                               [tree, t, f](benchmark::State& s) {
                                                   const auto m = tree();
                                                   brine_load(s, m, brine_path(t, f), f,
                                                              tree_bytes(m));
                                               }),
                  t == "tree_deep");
        }
    }
    for (Format f : {Format::binary, Format::json}) {
        apply(benchmark::RegisterBenchmark(
                  ("brine/" + std::string(brine::format_name(f)) + "/first_prediction/logistic")
                      .c_str(),
                  [f](benchmark::State& s) { first_prediction(s, f); }),
              false);
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        bench::work_dir();  // fail early, with the message, when the work directory is unset
        register_all();
        benchmark::Initialize(&argc, argv);
        if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
        benchmark::RunSpecifiedBenchmarks();
        benchmark::Shutdown();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "brine_bench_io: %s\n", e.what());
        return 1;
    }
    return 0;
}
