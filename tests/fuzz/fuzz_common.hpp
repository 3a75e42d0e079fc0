// What every brine fuzz harness shares: small load limits, the probe rows and the "a loaded model
// must predict" check.
// SPDX-License-Identifier: MIT
#pragma once

#include <brine/brine.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <string_view>
#include <type_traits>
#include <vector>

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

/// One row of infinities of both signs. Every model refuses an infinity in a column it reads
/// (Errc::invalid_input); a NaN is left out, since models that take missing values route it.
inline Eigen::MatrixXd non_finite_row(Eigen::Index n_features) {
    Eigen::MatrixXd x(1, n_features);
    for (Eigen::Index j = 0; j < n_features; ++j)
        x(0, j) = j % 2 == 0 ? std::numeric_limits<double>::infinity()
                             : -std::numeric_limits<double>::infinity();
    return x;
}

/// x with every infinity replaced by v.
inline Eigen::MatrixXd with_finite(Eigen::MatrixXd x, double v) {
    for (Eigen::Index i = 0; i < x.size(); ++i)
        if (std::isinf(x.data()[i])) x.data()[i] = v;
    return x;
}

/// The values of a prediction (a number, a vector or a matrix), in order.
template <class R>
std::vector<double> values_of(const R& r) {
    if constexpr (std::is_arithmetic_v<R>) {
        return {static_cast<double>(r)};
    } else {
        const Eigen::MatrixXd m = r;
        return {m.data(), m.data() + m.size()};
    }
}

/// Equal bit for bit, NaN equal to NaN.
inline bool same_values(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::isnan(a[i]) && std::isnan(b[i])) continue;
        if (std::memcmp(&a[i], &b[i], sizeof(double)) != 0) return false;
    }
    return true;
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

/// Traps unless f(bad) is refused (brine::Error with Errc::invalid_input) or, accepted, gives what
/// f gives with bad's infinities replaced by 0 and by 1: a model may leave a column it never reads
/// unchecked (a tree checks only the columns its splits test), and then no value there matters.
template <class F>
void expect_refused(const Eigen::MatrixXd& bad, F&& f) {
    std::vector<double> got;
    try {
        got = values_of(f(bad));
    } catch (const brine::Error& e) {
        if (e.code() == brine::Errc::invalid_input) return;
        __builtin_trap();
    }
    for (const double v : {0.0, 1.0}) {
        std::vector<double> finite;
        try {
            finite = values_of(f(with_finite(bad, v)));
        } catch (const brine::Error&) {
            continue;  // refused for another reason (an unknown category): nothing to compare
        }
        if (!same_values(got, finite)) __builtin_trap();
    }
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
        expect_refused(bad, [&](const Eigen::MatrixXd& r) { return m.transform(r); });
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
        expect_refused(bad, [&](const Eigen::MatrixXd& r) { return linear->predict_targets(r); });
        return;
    }
    const bool steps = pipeline != nullptr && !pipeline->steps.empty();
    allow_refusal(steps, [&] {
        const Eigen::VectorXd p = m.predict(x);
        if (p.size() != x.rows()) __builtin_trap();
    });
    allow_refusal(steps, [&] { (void)m.predict_one(x.row(0)); });
    allow_refusal(steps, [&] { (void)m.predict_one(x.row(1)); });
    expect_refused(bad, [&](const Eigen::MatrixXd& r) { return m.predict(r); });
    expect_refused(bad, [&](const Eigen::MatrixXd& r) { return m.predict_one(r.row(0)); });
    if (m.is_classifier()) {
        allow_refusal(steps, [&] {
            const Eigen::MatrixXd proba = m.predict_proba(x);
            if (proba.rows() != x.rows() || proba.cols() != m.n_classes()) __builtin_trap();
        });
        allow_refusal(steps, [&] {
            Eigen::VectorXd one(m.n_classes());
            m.predict_proba_one(x.row(0), one);
        });
        expect_refused(bad, [&](const Eigen::MatrixXd& r) { return m.predict_proba(r); });
    }
}

}  // namespace brine_fuzz
