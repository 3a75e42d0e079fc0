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

/// Two rows of n_features values: ordinary numbers of both signs, then the finite values that
/// reach a model's edge cases (huge values overflow scores and saturate the sigmoid).
inline Eigen::MatrixXd probe_rows(Eigen::Index n_features) {
    Eigen::MatrixXd x(2, n_features);
    constexpr double edge[] = {1e308, -1e308, -0.0, 5e-324, -5e-324, 1e300};
    for (Eigen::Index j = 0; j < n_features; ++j) {
        x(0, j) = 0.75 * static_cast<double>(j % 5) - 1.5;
        x(1, j) = edge[j % 6];
    }
    return x;
}

/// One row that every model refuses (Errc::invalid_input): a NaN, then infinities.
inline Eigen::MatrixXd non_finite_row(Eigen::Index n_features) {
    Eigen::MatrixXd x(1, n_features);
    constexpr double edge[] = {std::numeric_limits<double>::infinity(),
                               std::numeric_limits<double>::quiet_NaN(),
                               -std::numeric_limits<double>::infinity()};
    for (Eigen::Index j = 0; j < n_features; ++j) x(0, j) = edge[j % 3];
    return x;
}

/// Runs f() on finite rows. With `transforms` (a pipeline with steps) f may be refused
/// (Errc::invalid_input): a transform can overflow a finite value to infinity, which the next step
/// refuses, as in scikit-learn. Any other exception escapes, and the caller traps.
template <class F>
void allow_refusal(bool transforms, F&& f) {
    try {
        f();
    } catch (const brine::Error& e) {
        if (!transforms || e.code() != brine::Errc::invalid_input) throw;
    }
}

/// Traps unless f() throws brine::Error with Errc::invalid_input.
template <class F>
void expect_refused(F&& f) {
    try {
        f();
    } catch (const brine::Error& e) {
        if (e.code() == brine::Errc::invalid_input) return;
    }
    __builtin_trap();
}

/// A model that loaded has passed validate(), so every prediction path must run on rows of the
/// right width without throwing: an exception escaping here is a finding (the caller traps).
inline void exercise(const brine::AnyModel& m) {
    const Eigen::Index n = m.n_features();
    const Eigen::MatrixXd x = probe_rows(n);
    const Eigen::MatrixXd bad = non_finite_row(n);
    const bool transformer = std::visit(
        [](const auto& t) { return !brine::detail::has_predict<std::decay_t<decltype(t)>>::value; },
        m.variant());
    if (transformer) {
        // A one-hot encoder with handle_unknown error refuses values it does not know.
        allow_refusal(m.kind() == brine::ModelKind::one_hot_encoder, [&] {
            const Eigen::MatrixXd t = m.transform(x);
            if (t.rows() != x.rows() || t.cols() != m.n_outputs()) __builtin_trap();
        });
        expect_refused([&] { return m.transform(bad); });
        return;
    }
    const brine::LinearRegression* linear = m.get_if<brine::LinearRegression>();
    const brine::Pipeline* pipeline = m.get_if<brine::Pipeline>();
    if (pipeline != nullptr) linear = std::get_if<brine::LinearRegression>(&pipeline->estimator);
    if (linear != nullptr && linear->n_targets() > 1) {
        // Several targets: predict() refuses by design (Errc::invalid_argument), so the
        // multi-target path is exercised instead.
        allow_refusal(pipeline != nullptr, [&] {
            const Eigen::MatrixXd z =
                pipeline != nullptr ? pipeline->transform(x) : Eigen::MatrixXd(x);
            const Eigen::MatrixXd y = linear->predict_targets(z);
            if (y.rows() != x.rows() || y.cols() != linear->n_targets()) __builtin_trap();
        });
        expect_refused([&] { return linear->predict_targets(bad); });
        return;
    }
    const bool steps = pipeline != nullptr && !pipeline->steps.empty();
    allow_refusal(steps, [&] {
        const Eigen::VectorXd p = m.predict(x);
        if (p.size() != x.rows()) __builtin_trap();
    });
    allow_refusal(steps, [&] { (void)m.predict_one(x.row(0)); });
    allow_refusal(steps, [&] { (void)m.predict_one(x.row(1)); });
    expect_refused([&] { return m.predict(bad); });
    expect_refused([&] { return m.predict_one(bad.row(0)); });
    if (m.is_classifier()) {
        allow_refusal(steps, [&] {
            const Eigen::MatrixXd proba = m.predict_proba(x);
            if (proba.rows() != x.rows() || proba.cols() != m.n_classes()) __builtin_trap();
        });
        allow_refusal(steps, [&] {
            Eigen::VectorXd one(m.n_classes());
            m.predict_proba_one(x.row(0), one);
        });
        expect_refused([&] { return m.predict_proba(bad); });
    }
}

}  // namespace brine_fuzz
