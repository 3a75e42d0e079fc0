// Prediction with XGBoost's own C API against brine on the same trees and inputs: one row per call
// (latency) and 100000 rows per call (throughput), on the work directory's xgb_d10 (one
// regression tree of depth 10, as a brine DecisionTree) and xgb_100x6 (100 trees of depth 6, as a
// brine TreeEnsemble; its batch on two threads too, timed in wall time).
//
// XGBoost predicts in place from a dense float32 array (XGBoosterPredictFromDense), its fastest
// CPU path: no DMatrix of the data is built. Every call still parses two small JSON documents (the
// array interface and the config), which is part of what a caller of the C API pays, so it stays
// inside the timed loop. The inputs are converted to float32 once, outside it, because XGBoost
// would convert them anyway and the conversion is not prediction.
//
// Before any timing, XGBoost's and brine's predictions on all 100000 rows are compared; the
// program stops if they differ by more than 1e-5 for the single tree (a DecisionTree sums nothing)
// or differ at all for the ensemble (brine reproduces XGBoost's float32 sums).
// SPDX-License-Identifier: MIT
#include <benchmark/benchmark.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <brine/models.hpp>

#include "bench_data.hpp"

namespace {

constexpr const char* program = "brine_bench_xgboost";
constexpr double tolerance = 1e-5;

// Failures are exceptions that main reports, not std::exit: unwinding frees the boosters while
// XGBoost's own statics still exist. (A booster freed by a static destructor during exit, after
// XGBoost's lazily created statics were gone, crashed.)

/// Every XGBoost C API call goes through here: a failure stops the program with XGBoost's own
/// message, since a benchmark of a call that failed would time nothing.
void check(int rc, const std::string& what) {
    if (rc == 0) return;
    // XGBoost appends a native stack trace to its messages, which buries the one line that says
    // what went wrong.
    std::string message = XGBGetLastError();
    const auto trace = message.find("\nStack trace:");
    if (trace != std::string::npos) message.resize(trace);
    throw std::runtime_error(what + " failed: " + message);
}

/// A loaded XGBoost model.
class Booster {
public:
    explicit Booster(const std::string& path) {
        check(XGBoosterCreate(nullptr, 0, &handle_), "XGBoosterCreate");
        try {
            check(XGBoosterLoadModel(handle_, path.c_str()), "XGBoosterLoadModel " + path);
            // Single thread: brine predicts on one thread, so XGBoost must too for the comparison
            // to be per core. Without this XGBoost uses every core OpenMP offers.
            check(XGBoosterSetParam(handle_, "nthread", "1"), "XGBoosterSetParam nthread");
        } catch (...) {
            // The destructor will not run. Unchecked: the error being thrown is the one to report.
            XGBoosterFree(handle_);
            throw;
        }
    }
    ~Booster() {
        // Reported, not thrown: a destructor may run while an earlier error unwinds.
        if (XGBoosterFree(handle_) != 0)
            std::fprintf(stderr, "%s: XGBoosterFree failed: %s\n", program, XGBGetLastError());
    }
    Booster(const Booster&) = delete;
    Booster& operator=(const Booster&) = delete;

    BoosterHandle get() const { return handle_; }

private:
    BoosterHandle handle_ = nullptr;
};

/// The proxy DMatrix that in-place prediction points at the caller's array. XGBoost 1.7 accepts
/// none, but then builds a fresh one on every call, and its constructor reads the cgroup CPU quota
/// from /sys (two file opens per prediction): about 30 us of the 45 us a one-row call took when
/// measured. Creating one proxy up front and passing it each time is how a latency-minded
/// caller would use the API, so that is what is timed.
class Proxy {
public:
    Proxy() { check(XGProxyDMatrixCreate(&handle_), "XGProxyDMatrixCreate"); }
    ~Proxy() {
        if (XGDMatrixFree(handle_) != 0)
            std::fprintf(stderr, "%s: XGDMatrixFree failed: %s\n", program, XGBGetLastError());
    }
    Proxy(const Proxy&) = delete;
    Proxy& operator=(const Proxy&) = delete;

    DMatrixHandle get() const { return handle_; }

private:
    DMatrixHandle handle_ = nullptr;
};

/// The inputs as XGBoost reads them: float32, row-major, with the array interface documents for
/// the first row and for the whole batch built once.
struct DenseInput {
    std::vector<float> values;
    Eigen::Index rows = 0;
    std::string one_row;   ///< array interface of row 0 alone
    std::string all_rows;  ///< array interface of every row

    explicit DenseInput(const Eigen::MatrixXd& X)
        : values(static_cast<std::size_t>(X.size())), rows(X.rows()) {
        // X is column-major; XGBoost wants rows contiguous.
        Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            values.data(), X.rows(), X.cols()) = X.cast<float>();
        one_row = interface(1, X.cols());
        all_rows = interface(X.rows(), X.cols());
    }
    // The documents hold the address of `values`, which a copy would not share.
    DenseInput(const DenseInput&) = delete;
    DenseInput& operator=(const DenseInput&) = delete;

private:
    std::string interface(Eigen::Index n_rows, Eigen::Index n_cols) const {
        // "data": [address, read-only]; "<f4": little-endian float32; no strides means C order.
        return "{\"data\": [" + std::to_string(reinterpret_cast<std::uintptr_t>(values.data())) +
               ", true], \"shape\": [" + std::to_string(n_rows) + ", " + std::to_string(n_cols) +
               "], \"typestr\": \"<f4\", \"version\": 3}";
    }
};

// type 0 is the ordinary prediction (the model's output, here the regression value); iteration_end
// 0 means every tree. XGBoost 1.7 requires cache_id, and 0 is the only value it accepts.
constexpr const char* predict_config =
    "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
    "\"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}";

/// XGBoost's predictions for the rows `array_interface` describes. The result points into the
/// booster's thread-local buffer, valid until the next prediction on it.
const float* xgb_predict(BoosterHandle booster, const Proxy& proxy,
                         const std::string& array_interface, Eigen::Index expected_rows) {
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    check(XGBoosterPredictFromDense(booster, array_interface.c_str(), predict_config, proxy.get(),
                                    &shape, &dim, &result),
          "XGBoosterPredictFromDense");
    if (dim != 1 || shape[0] != static_cast<bst_ulong>(expected_rows)) {
        throw std::runtime_error("XGBoost returned a prediction of dimension " +
                                 std::to_string(dim) + ", expected one value for each of " +
                                 std::to_string(expected_rows) + " rows");
    }
    return result;
}

/// Everything the benchmarks use, loaded once in main before any of them runs. Members are
/// destroyed in reverse order, so the boosters and the proxy go before the array they point at.
struct Fixture {
    Eigen::MatrixXd X = bench::batch_inputs();
    DenseInput dense{X};
    brine::DecisionTree tree = bench::xgb_d10();
    brine::TreeEnsemble ensemble = bench::xgb_100x6();
    brine::CompiledEnsemble compiled = ensemble.compile();
    Proxy proxy;
    Booster d10{bench::model_dir("xgb_d10") + ".json"};
    Booster e100x6{bench::model_dir("xgb_100x6") + ".json"};
};

/// Fails unless XGBoost and brine agree on every row of xgb_d10; also runs the 100-tree model
/// once on every row so that a broken model file fails here rather than inside a benchmark.
void check_agreement(const Fixture& f) {
    const Eigen::VectorXd ours = f.tree.predict(f.X);
    const float* theirs = xgb_predict(f.d10.get(), f.proxy, f.dense.all_rows, f.dense.rows);
    double worst = 0.0;
    Eigen::Index worst_row = 0;
    for (Eigen::Index i = 0; i < f.dense.rows; ++i) {
        const double d = std::abs(static_cast<double>(theirs[i]) - ours(i));
        if (d > worst || std::isnan(d)) {
            worst = d;
            worst_row = i;
            if (std::isnan(d)) break;  // a NaN must fail the check, not be overtaken by a number
        }
    }
    std::fprintf(stderr, "%s: xgb_d10, %lld rows: max |XGBoost - brine| = %.3g (row %lld)\n",
                 program, static_cast<long long>(f.dense.rows), worst,
                 static_cast<long long>(worst_row));
    if (!(worst <= tolerance))
        throw std::runtime_error("XGBoost and brine disagree on xgb_d10; not timing");
    // The one-row benchmarks time a different array interface; check that path's answer too.
    const double first = xgb_predict(f.d10.get(), f.proxy, f.dense.one_row, 1)[0];
    const double ours_first = f.tree.predict_one(f.X.row(0));
    if (!(std::abs(first - ours_first) <= tolerance)) {
        throw std::runtime_error("on row 0 alone XGBoost predicts " + std::to_string(first) +
                                 ", brine " + std::to_string(ours_first));
    }
    const float* ensemble = xgb_predict(f.e100x6.get(), f.proxy, f.dense.all_rows, f.dense.rows);
    const Eigen::VectorXd mine = f.ensemble.predict(f.X);
    Eigen::Index differ = 0;
    for (Eigen::Index i = 0; i < f.dense.rows; ++i) {
        if (!std::isfinite(ensemble[i])) {
            throw std::runtime_error("xgb_100x6 predicts " + std::to_string(ensemble[i]) +
                                     " for row " + std::to_string(i));
        }
        differ += static_cast<double>(ensemble[i]) != mine(i) ? 1 : 0;
    }
    std::fprintf(stderr, "%s: xgb_100x6, %lld rows: %lld differ between XGBoost and brine\n",
                 program, static_cast<long long>(f.dense.rows), static_cast<long long>(differ));
    if (differ != 0)
        throw std::runtime_error("XGBoost and brine disagree on xgb_100x6; not timing");
    const float first_e = xgb_predict(f.e100x6.get(), f.proxy, f.dense.one_row, 1)[0];
    if (static_cast<double>(first_e) != f.ensemble.predict_one(f.X.row(0)))
        throw std::runtime_error("on row 0 alone XGBoost and brine disagree on xgb_100x6");
    const Eigen::VectorXd snapshot = f.compiled.predict(f.X);
    if (std::memcmp(snapshot.data(), mine.data(), sizeof(double) * mine.size()) != 0 ||
        static_cast<double>(first_e) != f.compiled.predict_one(f.X.row(0)))
        throw std::runtime_error("the compiled ensemble and the ensemble disagree on xgb_100x6");
}

void set_batch_counters(benchmark::State& state, Eigen::Index rows) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(rows));
    state.counters["rows"] = static_cast<double>(rows);
}

void xgb_one(benchmark::State& state, const Fixture* fixture, const Booster* booster) {
    const Fixture& f = *fixture;
    for (auto _ : state) {
        const float* y = xgb_predict(booster->get(), f.proxy, f.dense.one_row, 1);
        benchmark::DoNotOptimize(y[0]);
    }
}

void xgb_batch(benchmark::State& state, const Fixture* fixture, const Booster* booster) {
    const Fixture& f = *fixture;
    for (auto _ : state) {
        const float* y = xgb_predict(booster->get(), f.proxy, f.dense.all_rows, f.dense.rows);
        benchmark::DoNotOptimize(y[f.dense.rows - 1]);
    }
    set_batch_counters(state, f.dense.rows);
}

void brine_one(benchmark::State& state, const Fixture* fixture) {
    const Fixture& f = *fixture;
    for (auto _ : state) {
        // X is column-major, so row 0 is strided: the same view any caller holding an Eigen
        // matrix would pass, and predict_one reads it without copying or allocating.
        const double y = f.tree.predict_one(f.X.row(0));
        benchmark::DoNotOptimize(y);
    }
}

void brine_batch(benchmark::State& state, const Fixture* fixture) {
    const Fixture& f = *fixture;
    for (auto _ : state) {
        const Eigen::VectorXd y = f.tree.predict(f.X);
        benchmark::DoNotOptimize(y.data());
    }
    set_batch_counters(state, f.X.rows());
}

void brine_ensemble_one(benchmark::State& state, const Fixture* fixture) {
    const Fixture& f = *fixture;
    for (auto _ : state) {
        const double y = f.ensemble.predict_one(f.X.row(0));
        benchmark::DoNotOptimize(y);
    }
}

void brine_ensemble_batch(benchmark::State& state, const Fixture* fixture) {
    const Fixture& f = *fixture;
    for (auto _ : state) {
        const Eigen::VectorXd y = f.ensemble.predict(f.X);
        benchmark::DoNotOptimize(y.data());
    }
    set_batch_counters(state, f.X.rows());
}

/// The same model compiled once (brine::CompiledEnsemble), one row per call.
void brine_compiled_one(benchmark::State& state, const Fixture* fixture) {
    const Fixture& f = *fixture;
    for (auto _ : state) {
        const double y = f.compiled.predict_one(f.X.row(0));
        benchmark::DoNotOptimize(y);
    }
}

void brine_compiled_batch(benchmark::State& state, const Fixture* fixture) {
    const Fixture& f = *fixture;
    for (auto _ : state) {
        const Eigen::VectorXd y = f.compiled.predict(f.X);
        benchmark::DoNotOptimize(y.data());
    }
    set_batch_counters(state, f.X.rows());
}

/// The batch on two threads (TreeEnsemble::PredictOptions), for the scaling from one.
void brine_ensemble_batch_2threads(benchmark::State& state, const Fixture* fixture) {
    const Fixture& f = *fixture;
    brine::TreeEnsemble::PredictOptions two;
    two.threads = 2;
    for (auto _ : state) {
        const Eigen::VectorXd y = f.ensemble.predict(f.X, two);
        benchmark::DoNotOptimize(y.data());
    }
    set_batch_counters(state, f.X.rows());
}

void register_all(const Fixture& f) {
    // Repetitions give the report script medians, which a busy machine skews less than means.
    const auto one = [](benchmark::internal::Benchmark* b) {
        b->Unit(benchmark::kMicrosecond)->Repetitions(5)->ReportAggregatesOnly(true);
    };
    const auto batch = [](benchmark::internal::Benchmark* b) {
        b->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
    };
    one(benchmark::RegisterBenchmark("xgboost/d10/one", xgb_one, &f, &f.d10));
    batch(benchmark::RegisterBenchmark("xgboost/d10/batch", xgb_batch, &f, &f.d10));
    one(benchmark::RegisterBenchmark("xgboost/100x6/one", xgb_one, &f, &f.e100x6));
    batch(benchmark::RegisterBenchmark("xgboost/100x6/batch", xgb_batch, &f, &f.e100x6));
    one(benchmark::RegisterBenchmark("brine/xgb_d10/one", brine_one, &f));
    batch(benchmark::RegisterBenchmark("brine/xgb_d10/batch", brine_batch, &f));
    one(benchmark::RegisterBenchmark("brine/xgb_100x6/one", brine_ensemble_one, &f));
    batch(benchmark::RegisterBenchmark("brine/xgb_100x6/batch", brine_ensemble_batch, &f));
    one(benchmark::RegisterBenchmark("brine/xgb_100x6/compiled_one", brine_compiled_one, &f));
    batch(benchmark::RegisterBenchmark("brine/xgb_100x6/compiled_batch", brine_compiled_batch, &f));
    batch(benchmark::RegisterBenchmark("brine/xgb_100x6/batch_2threads",
                                       brine_ensemble_batch_2threads, &f)
              ->UseRealTime());
}

}  // namespace

int main(int argc, char** argv) {
    try {
        benchmark::Initialize(&argc, argv);
        if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
        // Load and check before registering, so a missing work directory, a model XGBoost cannot
        // read or a disagreement stops the program with its message before any timing starts.
        // The fixture lives in this scope, so it is gone before main returns on any path.
        const auto fixture = std::make_unique<const Fixture>();
        check_agreement(*fixture);
        register_all(*fixture);
        benchmark::RunSpecifiedBenchmarks();
        benchmark::Shutdown();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return 1;
    }
    return 0;
}
