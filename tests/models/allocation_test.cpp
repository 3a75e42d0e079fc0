// Tests that single-row predictions and batch predictions into caller buffers do not allocate.
// SPDX-License-Identifier: MIT
//
// This file replaces the global operator new / delete for the whole test executable, and with
// glibc (outside AddressSanitizer, which owns malloc) also interposes malloc, because Eigen
// allocates its temporaries with malloc rather than operator new. Both only count while a
// CountAllocations scope is open, so no other test is affected.
#include <atomic>
#include <cstdlib>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "brine/models/any_model.hpp"
#include "brine_catch.hpp"
#include "model_fixtures.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define BRINE_TEST_OWNS_MALLOC 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BRINE_TEST_OWNS_MALLOC 1
#endif

namespace {

std::atomic<bool> counting{false};
std::atomic<long> allocations{0};

void note_allocation() noexcept {
    if (counting.load(std::memory_order_relaxed))
        allocations.fetch_add(1, std::memory_order_relaxed);
}

/// Counts the allocations made between construction and stop().
class CountAllocations {
public:
    CountAllocations() {
        allocations.store(0);
        counting.store(true);
    }
    ~CountAllocations() { counting.store(false); }
    CountAllocations(const CountAllocations&) = delete;
    CountAllocations& operator=(const CountAllocations&) = delete;
    long stop() {
        counting.store(false);
        return allocations.load();
    }
};

void* counted_new(std::size_t n) {
    note_allocation();
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}

}  // namespace

#if defined(__GLIBC__) && !defined(BRINE_TEST_OWNS_MALLOC)
#define BRINE_TEST_COUNTS_MALLOC 1
extern "C" void* __libc_malloc(std::size_t n);
extern "C" void* malloc(std::size_t n) noexcept {
    note_allocation();
    return __libc_malloc(n);
}
#endif

void* operator new(std::size_t n) { return counted_new(n); }
void* operator new[](std::size_t n) { return counted_new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    note_allocation();
    return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    note_allocation();
    return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

constexpr std::int32_t L = brine::DecisionTree::leaf;

brine::LogisticRegression multinomial() {
    brine::RowMatrix coef(3, 4);
    coef << 1, 0, 0, 1,  //
        0, 1, 0, -1,     //
        0, 0, 1, 0.5;
    return brine::LogisticRegression(coef, Eigen::Vector3d(0.1, 0.2, 0.3),
                                     Eigen::Vector3d(0, 1, 2));
}

brine::LogisticRegression binary() {
    brine::RowMatrix coef(1, 4);
    coef << 1, -1, 0.5, 0;
    return brine::LogisticRegression(coef, Eigen::VectorXd::Constant(1, 0.1),
                                     Eigen::Vector2d(0, 1));
}

brine::DecisionTree tree() {
    brine::DecisionTree t;
    t.task = brine::DecisionTree::Task::classification;
    t.n_features_in = 4;
    t.children_left.resize(5);
    t.children_left << 1, L, 3, L, L;
    t.children_right.resize(5);
    t.children_right << 2, L, 4, L, L;
    t.feature.resize(5);
    t.feature << 3, -2, 1, -2, -2;
    t.threshold.resize(5);
    t.threshold << 0.0, -2, 0.5, -2, -2;
    t.value.resize(5, 2);
    t.value << 0.5, 0.5, 1, 0, 0.5, 0.5, 0.25, 0.75, 0, 1;
    t.classes = Eigen::Vector2d(0, 1);
    return t;
}

/// A boosted binary classifier (XGBoost's layout) over 4 features, the last one not read.
brine::TreeEnsemble ensemble() {
    brine::TreeEnsemble e = fixtures::ensemble_boosted_binary();
    e.n_features_in = 4;
    return e;
}

brine::StandardScaler scaler(Eigen::Index n) {
    return brine::StandardScaler(Eigen::VectorXd::Constant(n, 0.5),
                                 Eigen::VectorXd::Constant(n, 2.0));
}

Eigen::MatrixXd input(Eigen::Index rows, Eigen::Index cols) {
    Eigen::MatrixXd X(rows, cols);
    for (Eigen::Index i = 0; i < rows; ++i) {
        for (Eigen::Index j = 0; j < cols; ++j) X(i, j) = std::sin(static_cast<double>(3 * i + j));
    }
    return X;
}

/// Runs every single-row entry point of `m` over the rows of X in each layout (a strided row of a
/// column-major matrix, a row of a row-major matrix, a transposed vector) after one warm-up call,
/// and returns the number of allocations the counted calls made.
template <class Model>
long allocations_of_single_row_calls(const Model& m, Eigen::Index cols, bool with_proba) {
    const Eigen::MatrixXd X = input(5, cols);
    const brine::RowMatrix Xr = X;
    const Eigen::VectorXd v = X.row(2).transpose();
    double out[8] = {};
    double sink = m.predict_one(X.row(0));  // warm-up: a per-thread buffer may grow once
    if (with_proba) {
        if constexpr (!std::is_same_v<Model, brine::LinearRegression>)
            m.predict_proba_one(X.row(0), out, std::size(out));
    }
    long n = 0;
    {
        CountAllocations count;
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            sink += m.predict_one(X.row(i));
            sink += m.predict_one(Xr.row(i));
            if (with_proba) {
                if constexpr (!std::is_same_v<Model, brine::LinearRegression>) {
                    m.predict_proba_one(X.row(i), out, std::size(out));
                    m.predict_proba_one(Xr.row(i), out, std::size(out));
                }
            }
        }
        sink += m.predict_one(v.transpose());
        n = count.stop();
    }
    CHECK(sink == sink);  // keeps the calls observable
    return n;
}

}  // namespace

TEST_CASE("The allocation counter sees operator new and Eigen temporaries", "[models][alloc]") {
    long n = 0;
    {
        CountAllocations count;
        int* p = new int(3);
        delete p;
        n = count.stop();
    }
    CHECK(n >= 1);  // twice where malloc is counted too
#if defined(BRINE_TEST_COUNTS_MALLOC)
    {
        CountAllocations count;
        Eigen::VectorXd v = Eigen::VectorXd::Zero(100);
        v(1) = 2.0;
        n = count.stop();
        CHECK(v.sum() == 2.0);
    }
    CHECK(n >= 1);
    {
        // A row that RowRef cannot view in place (an expression) is copied: that allocates.
        const brine::LinearRegression m(Eigen::VectorXd::Ones(4), 0.0);
        const Eigen::MatrixXd X = input(2, 4);
        CountAllocations count;
        const double y = m.predict_one(X.row(0) * 2.0);
        n = count.stop();
        CHECK(y == y);
    }
    CHECK(n >= 1);
#endif
}

TEST_CASE("predict_one and predict_proba_one do not allocate", "[models][alloc]") {
    CHECK(allocations_of_single_row_calls(brine::LinearRegression(Eigen::Vector4d(1, 2, 3, 4), 0.5),
                                          4, false) == 0);
    CHECK(allocations_of_single_row_calls(binary(), 4, true) == 0);
    CHECK(allocations_of_single_row_calls(multinomial(), 4, true) == 0);
    CHECK(allocations_of_single_row_calls(tree(), 4, true) == 0);
    CHECK(allocations_of_single_row_calls(ensemble(), 4, true) == 0);
    CHECK(allocations_of_single_row_calls(brine::Pipeline({scaler(4)}, multinomial()), 4, true) ==
          0);
    CHECK(allocations_of_single_row_calls(brine::Pipeline({scaler(4), scaler(4)}, tree()), 4,
                                          true) == 0);
    CHECK(allocations_of_single_row_calls(brine::Pipeline({}, binary()), 4, true) == 0);
    // Wider than the stack buffer: the per-thread buffer is reused after the warm-up call.
    const Eigen::Index wide = brine::Pipeline::stack_width + 1;
    const brine::LinearRegression wide_linear(Eigen::VectorXd::Ones(wide), 0.0);
    CHECK(allocations_of_single_row_calls(brine::Pipeline({scaler(wide)}, wide_linear), wide,
                                          false) == 0);
    CHECK(allocations_of_single_row_calls(brine::AnyModel(brine::Pipeline({scaler(4)}, tree())), 4,
                                          true) == 0);
    CHECK(allocations_of_single_row_calls(brine::AnyModel(multinomial()), 4, true) == 0);
}

TEST_CASE("Transforms and tree leaves of one row do not allocate", "[models][alloc]") {
    const Eigen::MatrixXd X = input(3, 4);
    const brine::StandardScaler s = scaler(4);
    const brine::MinMaxScaler mm(Eigen::VectorXd::Constant(4, 2.0),
                                 Eigen::VectorXd::Constant(4, -1.0));
    const brine::DecisionTree t = tree();
    double out[4];
    Eigen::Index leaves = 0;
    long n = 0;
    {
        CountAllocations count;
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            s.transform_one(X.row(i), out, std::size(out));
            mm.transform_one(X.row(i), out, std::size(out));
            leaves += t.apply_one(X.row(i));
        }
        n = count.stop();
    }
    CHECK(n == 0);
    CHECK(leaves > 0);
}

namespace {

/// Runs predict (and predict_proba) into a caller buffer for a batch in every layout (column-major
/// and row-major, double and float) once to warm up the per-thread buffers, then again counting.
template <class Model>
long allocations_of_batch_calls(const Model& m, bool with_proba) {
    const Eigen::MatrixXd X = input(300, 4);  // more than a pipeline's block of 256 rows
    const brine::RowMatrix R = X;
    const Eigen::MatrixXf F = X.cast<float>();
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> FR = F;
    std::vector<double> out(300 * 3);
    const auto size = static_cast<Eigen::Index>(out.size());
    auto all = [&] {
        for (const brine::Rows& v :
             {brine::Rows(X), brine::Rows(R), brine::Rows(F), brine::Rows(FR),
              brine::Rows(R.data(), 300, 4), brine::Rows::column_major(X.data(), 300, 4)}) {
            m.predict(v, out.data(), size);
            if constexpr (!std::is_same_v<Model, brine::LinearRegression>) {
                if (with_proba) m.predict_proba(v, out.data(), size);
            }
        }
    };
    all();
    CountAllocations count;
    all();
    const long n = count.stop();
    CHECK(out[0] == out[0]);
    return n;
}

}  // namespace

TEST_CASE("batch predictions into caller buffers do not allocate in steady state",
          "[models][alloc]") {
    CHECK(allocations_of_batch_calls(brine::LinearRegression(Eigen::Vector4d(1, 2, 3, 4), 0.5),
                                     false) == 0);
    CHECK(allocations_of_batch_calls(binary(), true) == 0);
    CHECK(allocations_of_batch_calls(multinomial(), true) == 0);
    CHECK(allocations_of_batch_calls(tree(), true) == 0);
    CHECK(allocations_of_batch_calls(ensemble(), true) == 0);
    CHECK(allocations_of_batch_calls(brine::Pipeline({scaler(4)}, multinomial()), true) == 0);
    CHECK(allocations_of_batch_calls(brine::Pipeline({scaler(4), scaler(4)}, tree()), true) == 0);
    CHECK(allocations_of_batch_calls(brine::AnyModel(brine::Pipeline({scaler(4)}, binary())),
                                     true) == 0);
#if defined(BRINE_TEST_COUNTS_MALLOC)
    // The counter sees what the returning forms allocate: their result.
    const brine::RowMatrix R = input(10, 4);
    long n = 0;
    {
        CountAllocations count;
        const Eigen::VectorXd y = binary().predict(R);
        n = count.stop();
        CHECK(y.size() == 10);
    }
    CHECK(n >= 1);
#endif
}

namespace {

brine::IndexVector index_list(std::initializer_list<std::int32_t> c) {
    brine::IndexVector v(static_cast<Eigen::Index>(c.size()));
    Eigen::Index k = 0;
    for (auto x : c) v(k++) = x;
    return v;
}

/// Over 4 inputs: an imputer (5 outputs: an indicator for feature 0), then a ColumnTransformer
/// with a two-step chain over gathered columns, an encoder (unknown values ignored), a nested
/// ColumnTransformer and a passthrough column (2 + 3 + 1 + 1 = 7 outputs), then a tree or a
/// 3-class logistic regression.
brine::Pipeline mixed_pipeline(bool logistic) {
    using A = brine::ColumnBranch::Action;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const brine::SimpleImputer imp(brine::ImputeStrategy::mean, nan, Eigen::Vector4d(0, 1, 2, 3),
                                   true, index_list({0}));
    brine::ColumnTransformer inner;
    inner.n_features_in = 1;
    inner.branches.push_back({"s", index_list({0}), A::steps, {scaler(1)}});
    brine::ColumnTransformer ct;
    ct.n_features_in = 5;
    ct.branches.push_back({"num",
                           index_list({2, 0}),
                           A::steps,
                           {scaler(2), brine::MaxAbsScaler(Eigen::Vector2d(2, 4))}});
    ct.branches.push_back(
        {"cat",
         index_list({1}),
         A::steps,
         {brine::OneHotEncoder(Eigen::Vector3d(-1, 0, 1), index_list({3}), brine::IndexVector(),
                               brine::HandleUnknown::ignore)}});
    ct.branches.push_back({"nested", index_list({3}), A::steps, {inner}});
    ct.branches.push_back({"ind", index_list({4}), A::passthrough, {}});
    if (!logistic) {
        brine::DecisionTree t = tree();
        t.n_features_in = 7;
        return brine::Pipeline({imp, ct}, t);
    }
    brine::RowMatrix coef = brine::RowMatrix::Constant(3, 7, 0.25);
    coef(1, 2) = -1;
    return brine::Pipeline({imp, ct}, brine::LogisticRegression(coef, Eigen::Vector3d(0, 1, 2),
                                                                Eigen::Vector3d(0, 1, 2)));
}

/// transform into a caller buffer for a batch in every layout, warmed up once, then counted.
template <class Model>
long allocations_of_transform_calls(const Model& m) {
    const Eigen::MatrixXd X = input(300, 4);
    const brine::RowMatrix R = X;
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> FR =
        X.cast<float>();
    std::vector<double> out(300 * 8);
    auto all = [&] {
        for (const brine::Rows& v :
             {brine::Rows(X), brine::Rows(R), brine::Rows(FR), brine::Rows(R.data(), 300, 4)})
            m.transform(v, out.data(), static_cast<Eigen::Index>(out.size()));
    };
    all();
    CountAllocations count;
    all();
    const long n = count.stop();
    CHECK(out[0] == out[0]);
    return n;
}

}  // namespace

TEST_CASE(
    "pipelines of imputers, encoders and ColumnTransformers into caller buffers do not "
    "allocate in steady state",
    "[models][alloc]") {
    CHECK(allocations_of_batch_calls(mixed_pipeline(true), true) == 0);
    CHECK(allocations_of_batch_calls(mixed_pipeline(false), true) == 0);
    CHECK(allocations_of_transform_calls(mixed_pipeline(true)) == 0);
    CHECK(allocations_of_transform_calls(brine::Pipeline({scaler(4)}, binary())) == 0);
    CHECK(allocations_of_transform_calls(scaler(4)) == 0);
    CHECK(allocations_of_transform_calls(
              std::get<brine::SimpleImputer>(mixed_pipeline(true).steps[0])) == 0);
    // The ColumnTransformer on the caller's 4 columns, without the indicator column.
    brine::ColumnTransformer ct = std::get<brine::ColumnTransformer>(mixed_pipeline(true).steps[1]);
    ct.n_features_in = 4;
    ct.branches.pop_back();
    CHECK(allocations_of_transform_calls(ct) == 0);
}

TEST_CASE("predictions through a column mapping into caller buffers do not allocate",
          "[models][alloc][columns]") {
    // The caller's columns: the model's four reordered, and one it does not use.
    const brine::ColumnMapping cols =
        brine::map_columns(std::vector<std::string>{"a", "b", "c", "d"},
                           std::vector<std::string>{"d", "x", "b", "a", "c"});
    const Eigen::MatrixXd X = input(300, 5);
    const brine::RowMatrix R = X;
    const Eigen::MatrixXf F = X.cast<float>();
    const brine::AnyModel m(brine::Pipeline({scaler(4)}, multinomial()));
    std::vector<double> buffer, one, out(300 * 3), proba(3);
    const auto size = static_cast<Eigen::Index>(out.size());
    double sum = 0;
    auto all = [&] {
        for (const brine::Rows& v : {brine::Rows(X), brine::Rows(R), brine::Rows(F)}) {
            m.predict(cols.apply(v, buffer), out.data(), size);
            m.predict_proba(cols.apply(v, buffer), out.data(), size);
        }
        for (Eigen::Index i = 0; i < 10; ++i) {
            sum += m.predict_one(cols.apply_one(R.row(i), one));
            m.predict_proba_one(cols.apply_one(X.row(i), one), proba);
        }
    };
    all();
    CountAllocations count;
    all();
    CHECK(count.stop() == 0);
    CHECK(sum == sum);
}
