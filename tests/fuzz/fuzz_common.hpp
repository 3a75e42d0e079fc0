// What every brine fuzz harness shares: small load limits, the probe rows and the "a loaded model
// must predict" check.
// SPDX-License-Identifier: MIT
#pragma once

#include <brine/brine.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <string_view>

namespace brine_fuzz {

/// Limits far below the defaults, so that a fuzzer input cannot make a load legitimately allocate
/// more than a few MiB: anything bigger (or an rss/malloc limit hit) is then a real finding.
inline brine::LoadOptions load_options() {
    brine::LoadOptions o;
    o.max_file_bytes = std::uint64_t{1} << 20;
    o.max_elements = std::uint64_t{1} << 16;
    o.max_nodes = std::uint64_t{1} << 14;
    o.max_string_length = std::uint64_t{1} << 12;
    o.max_nesting = 32;
    // The reference check's fixed allowance (2^24 operations by default) would cover every
    // product a fuzzer-sized input can build; without it the per-value budget, the part that
    // scales, is what inputs run into.
    o.reference_work_base = std::uint64_t{1} << 10;
    // BRINE_FUZZ_DEFAULT_LIMITS=1: the limits a program gets by default instead (run with a large
    // -max_len to reach products of sizes at realistic scale).
    if (const char* e = std::getenv("BRINE_FUZZ_DEFAULT_LIMITS"); e != nullptr && *e == '1') {
        o = brine::LoadOptions();
    }
    return o;
}

/// CPU time of this thread in nanoseconds.
inline double thread_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return 1e9 * static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec);
}

/// Work per input byte. With BRINE_FUZZ_NS_PER_BYTE=n set, a load that takes more than n ns of
/// CPU time per input byte beyond a fixed 20 ms is a finding: a product of sizes that escaped the
/// cost model (docs/threat-model.md) stands out as such an outlier long before it hits
/// libFuzzer's -timeout. Unset: nothing is measured.
class WorkMeter {
public:
    explicit WorkMeter(std::size_t size) : size_(size) {
        static const double limit = [] {
            const char* e = std::getenv("BRINE_FUZZ_NS_PER_BYTE");
            return e != nullptr ? std::atof(e) : 0.0;
        }();
        limit_ = limit;
        if (limit_ > 0) start_ = thread_ns();
    }
    WorkMeter(const WorkMeter&) = delete;
    WorkMeter& operator=(const WorkMeter&) = delete;
    ~WorkMeter() {
        if (limit_ <= 0) return;
        const double spent = thread_ns() - start_;
        if (spent > 2e7 + limit_ * static_cast<double>(size_)) __builtin_trap();
    }

private:
    std::size_t size_;
    double limit_ = 0;
    double start_ = 0;
};

/// The cost model's premise: every parameter value of a loaded model took at least one byte of
/// its file, so the reference budget is linear in the file's size.
inline void check_cost_model(const brine::AnyModel& m, std::size_t size) {
    if (brine::detail::model_elements(m) > size) __builtin_trap();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Two rows of n_features values: ordinary numbers of both signs, then the values that reach a
/// model's edge cases (NaN goes right in a tree; ±inf and huge values saturate the sigmoid).
inline Eigen::MatrixXd probe_rows(Eigen::Index n_features) {
    Eigen::MatrixXd x(2, n_features);
    constexpr double edge[] = {std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity(),
                               1e308,
                               -0.0,
                               5e-324};
    for (Eigen::Index j = 0; j < n_features; ++j) {
        x(0, j) = 0.75 * static_cast<double>(j % 5) - 1.5;
        x(1, j) = edge[j % 6];
    }
    return x;
}

/// A model that loaded has passed validate(), so every prediction path must run on rows of the
/// right width without throwing: an exception escaping here is a finding (the caller traps).
inline void exercise(const brine::AnyModel& m) {
    const Eigen::Index n = m.n_features();
    const Eigen::MatrixXd x = probe_rows(n);
    const brine::ModelKind kind = m.kind();
    if (kind == brine::ModelKind::standard_scaler || kind == brine::ModelKind::min_max_scaler) {
        const Eigen::MatrixXd t = m.transform(x);
        if (t.rows() != x.rows() || t.cols() != n) __builtin_trap();
        return;
    }
    const brine::LinearRegression* linear = m.get_if<brine::LinearRegression>();
    const brine::Pipeline* pipeline = m.get_if<brine::Pipeline>();
    if (pipeline != nullptr) linear = std::get_if<brine::LinearRegression>(&pipeline->estimator);
    if (linear != nullptr && linear->n_targets() > 1) {
        // Several targets: predict() refuses by design (Errc::invalid_argument), so the
        // multi-target path is exercised instead.
        const Eigen::MatrixXd z = pipeline != nullptr ? pipeline->transform(x) : Eigen::MatrixXd(x);
        const Eigen::MatrixXd y = linear->predict_targets(z);
        if (y.rows() != x.rows() || y.cols() != linear->n_targets()) __builtin_trap();
        return;
    }
    const Eigen::VectorXd p = m.predict(x);
    if (p.size() != x.rows()) __builtin_trap();
    (void)m.predict_one(x.row(0));
    (void)m.predict_one(x.row(1));
    if (m.is_classifier()) {
        const Eigen::MatrixXd proba = m.predict_proba(x);
        if (proba.rows() != x.rows() || proba.cols() < 2) __builtin_trap();
        Eigen::VectorXd one(proba.cols());
        m.predict_proba_one(x.row(0), one.data());
    }
}

}  // namespace brine_fuzz
