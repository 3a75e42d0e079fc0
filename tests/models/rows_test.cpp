// brine::Rows and the batch forms built on it: row-major, column-major, strided and raw-pointer
// input, float input, and results into caller buffers, each checked bit for bit against the
// column-major double form where the arithmetic is the same.
// SPDX-License-Identifier: MIT
#include "brine/models.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "brine_catch.hpp"

namespace rows_test {

constexpr Eigen::Index n_rows = 600;  // more than two of Pipeline's blocks of 256
constexpr Eigen::Index n_cols = 7;

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Deterministic inputs in [-2, 2], with values of every sign and magnitude the models split on.
Eigen::MatrixXd input() {
    Eigen::MatrixXd X(n_rows, n_cols);
    for (Eigen::Index i = 0; i < n_rows; ++i)
        for (Eigen::Index j = 0; j < n_cols; ++j)
            X(i, j) = 2.0 * std::sin(0.37 * static_cast<double>(i * n_cols + j) + 0.1 * j);
    return X;
}

/// The same values as float and back: the double input a float batch stands for.
Eigen::MatrixXd as_float_values(const Eigen::MatrixXd& X) { return X.cast<float>().cast<double>(); }

brine::RowMatrix coef_rows(Eigen::Index k) {
    brine::RowMatrix c(k, n_cols);
    for (Eigen::Index r = 0; r < k; ++r)
        for (Eigen::Index j = 0; j < n_cols; ++j)
            c(r, j) = std::cos(1.3 * static_cast<double>(r * n_cols + j)) / 3.0;
    return c;
}

brine::LinearRegression linear() {
    return brine::LinearRegression(coef_rows(1), Eigen::VectorXd::Constant(1, 0.1));
}
brine::LogisticRegression logistic_binary() {
    return brine::LogisticRegression(coef_rows(1), Eigen::VectorXd::Constant(1, -0.2),
                                     Eigen::Vector2d(-1, 1));
}
brine::LogisticRegression logistic_multi() {
    return brine::LogisticRegression(coef_rows(4), Eigen::Vector4d(0.1, -0.1, 0.2, 0),
                                     Eigen::Vector4d(0, 1, 2, 5));
}

/// Depth-2 classifier: x3 <= 0.25 ? (x0 <= -0.5 ? A : B) : (x6 <= 1.0f ? C : D), thresholds that
/// are float values, as scikit-learn stores them.
brine::DecisionTree tree(bool classify) {
    constexpr std::int32_t L = brine::DecisionTree::leaf;
    brine::DecisionTree t;
    t.task = classify ? brine::DecisionTree::Task::classification
                      : brine::DecisionTree::Task::regression;
    t.n_features_in = n_cols;
    t.children_left.resize(7);
    t.children_left << 1, 3, 5, L, L, L, L;
    t.children_right.resize(7);
    t.children_right << 2, 4, 6, L, L, L, L;
    t.feature.resize(7);
    t.feature << 3, 0, 6, -2, -2, -2, -2;
    t.threshold.resize(7);
    t.threshold << 0.25, -0.5, static_cast<double>(1.1f), -2, -2, -2, -2;
    if (classify) {
        t.value.resize(7, 3);
        t.value << 0.4, 0.3, 0.3, 0.5, 0.25, 0.25, 0.3, 0.3, 0.4, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5,
            0.5, 0;
        t.classes = Eigen::Vector3d(1, 2, 3);
    } else {
        t.value.resize(7, 1);
        t.value << 0, 1, 2, 3.5, -4, 1e-3, 7;
    }
    return t;
}

brine::Pipeline pipeline(brine::Estimator e) {
    brine::StandardScaler s(Eigen::VectorXd::LinSpaced(n_cols, -0.5, 0.5),
                            Eigen::VectorXd::LinSpaced(n_cols, 0.5, 2.0));
    brine::MinMaxScaler mm(Eigen::VectorXd::LinSpaced(n_cols, 2.0, 0.25),
                           Eigen::VectorXd::LinSpaced(n_cols, -1.0, 1.0));
    return brine::Pipeline({s, mm}, std::move(e));
}

/// Bit-for-bit equality of two results (same shape, same bytes).
template <class A, class B>
bool same(const A& a, const B& b) {
    const Eigen::MatrixXd x = a, y = b;
    return x.rows() == y.rows() && x.cols() == y.cols() &&
           std::memcmp(x.data(), y.data(), sizeof(double) * static_cast<std::size_t>(x.size())) ==
               0;
}

/// Every input form of `m` against its column-major double form: the same bits.
template <bool Proba, class Model>
void check_forms(const Model& m) {
    const Eigen::MatrixXd X = input();
    const brine::RowMatrix R = X;
    const Eigen::VectorXd ref = m.predict(X);

    // Column-major views of the same memory: raw pointer, padded columns, Rows of the matrix.
    CHECK(same(m.predict(brine::Rows(X)), ref));
    CHECK(same(m.predict(brine::Rows::column_major(X.data(), n_rows, n_cols)), ref));
    Eigen::MatrixXd padded = Eigen::MatrixXd::Constant(n_rows + 3, n_cols, 9e99);
    padded.topRows(n_rows) = X;
    CHECK(
        same(m.predict(brine::Rows::column_major(padded.data(), n_rows, n_cols, n_rows + 3)), ref));
    CHECK(same(m.predict(padded.topRows(n_rows)), ref));  // a Block: the MatrixRef form

    // Row-major: a matrix, a raw pointer, padded rows, an Eigen::Map with an outer stride.
    const Eigen::VectorXd row_ref = m.predict(R);
    CHECK(same(row_ref, ref));
    CHECK(same(m.predict(brine::Rows(R.data(), n_rows, n_cols)), row_ref));
    brine::RowMatrix wide = brine::RowMatrix::Constant(n_rows, n_cols + 2, -9e99);
    wide.leftCols(n_cols) = R;
    CHECK(same(m.predict(brine::Rows(wide.data(), n_rows, n_cols, n_cols + 2)), row_ref));
    const Eigen::Map<const brine::RowMatrix, 0, Eigen::OuterStride<>> map(
        wide.data(), n_rows, n_cols, Eigen::OuterStride<>(n_cols + 2));
    CHECK(same(m.predict(map), row_ref));

    // Any strides: every other row of a column-major matrix.
    Eigen::MatrixXd twice(2 * n_rows, n_cols);
    for (Eigen::Index i = 0; i < n_rows; ++i) twice.row(2 * i) = X.row(i);
    const Eigen::VectorXd strided =
        m.predict(brine::Rows::strided(twice.data(), n_rows, n_cols, 2, 2 * n_rows));
    CHECK(same(strided, ref));

    // Float input is the double input of the same values, in either storage order.
    const Eigen::MatrixXf F = X.cast<float>();
    const RowMatrixF FR = F;
    const Eigen::MatrixXd FX = as_float_values(X);
    const brine::RowMatrix FXR = FX;
    const Eigen::VectorXd float_ref = m.predict(FX);
    CHECK(same(m.predict(F), float_ref));
    CHECK(same(m.predict(FXR), float_ref));
    CHECK(same(m.predict(FR), m.predict(FXR)));
    CHECK(same(m.predict(brine::Rows(FR.data(), n_rows, n_cols)), m.predict(FXR)));
    CHECK(same(m.predict(brine::Rows::column_major(F.data(), n_rows, n_cols)), m.predict(FX)));

    // Into caller buffers: the same values, and nothing written to a buffer too small.
    std::vector<double> out(n_rows + 1, -7.0);
    m.predict(R, out.data(), static_cast<Eigen::Index>(out.size()));
    CHECK(same(Eigen::Map<Eigen::VectorXd>(out.data(), n_rows), row_ref));
    CHECK(out[n_rows] == -7.0);
    std::vector<double> exact(n_rows);
    m.predict(X, exact);
    CHECK(same(Eigen::Map<Eigen::VectorXd>(exact.data(), n_rows), ref));
    std::vector<double> small(n_rows - 1, -7.0);
    BRINE_CHECK_THROWS_CODE(m.predict(X, small), brine::Errc::shape_mismatch,
                            "::predict writes 600 values, the output buffer holds 599");
    CHECK(small[0] == -7.0);

    if constexpr (Proba) {
        const Eigen::MatrixXd p_ref = m.predict_proba(X);
        const Eigen::MatrixXd p_row = m.predict_proba(R);
        CHECK(same(p_row, p_ref));
        CHECK(same(m.predict_proba(F), m.predict_proba(FX)));
        CHECK(same(m.predict_proba(FR), m.predict_proba(FXR)));
        // Row-major buffers: sample i's probabilities together.
        const Eigen::Index k = p_ref.cols();
        std::vector<double> pout(static_cast<std::size_t>(n_rows * k));
        m.predict_proba(X, pout);
        const brine::RowMatrix p_buf = Eigen::Map<const brine::RowMatrix>(pout.data(), n_rows, k);
        CHECK(same(p_buf, p_ref));
        m.predict_proba(brine::Rows(FR.data(), n_rows, n_cols), pout.data(),
                        static_cast<Eigen::Index>(pout.size()));
        CHECK(
            same(Eigen::Map<const brine::RowMatrix>(pout.data(), n_rows, k), m.predict_proba(FXR)));
        BRINE_CHECK_THROWS_CODE(
            m.predict_proba(X, pout.data(), static_cast<Eigen::Index>(pout.size()) - 1),
            brine::Errc::shape_mismatch,
            "::predict_proba writes " + std::to_string(n_rows * k) +
                " values, the output buffer holds " + std::to_string(n_rows * k - 1));
    }
}

TEST_CASE("linear regression: every input form", "[models][rows]") { check_forms<false>(linear()); }

TEST_CASE("logistic regression: every input form", "[models][rows]") {
    check_forms<true>(logistic_binary());
    check_forms<true>(logistic_multi());
}

TEST_CASE("decision tree: every input form, floats compared as scikit-learn does",
          "[models][rows]") {
    check_forms<true>(tree(true));
    check_forms<false>(tree(false));
    // scikit-learn compares float32 inputs: 1.10000003 as a float is 1.1f, which is the
    // threshold (double)1.1f, so it goes left; the same number as a double is above it.
    const brine::DecisionTree t = tree(false);
    Eigen::Matrix<float, 1, n_cols, Eigen::RowMajor> xf;
    xf.setZero();
    xf(3) = 1.0f;
    xf(6) = static_cast<float>(1.10000003);
    REQUIRE(xf(6) == 1.1f);
    double y = 0;
    t.predict(brine::Rows(xf.data(), 1, n_cols), &y, 1);
    CHECK(y == 1e-3);
    Eigen::Matrix<double, 1, n_cols> xd = xf.cast<double>();
    xd(6) = 1.10000003;
    CHECK(t.predict_one(xd) == 7);
}

TEST_CASE("pipelines and AnyModel: every input form", "[models][rows]") {
    check_forms<true>(pipeline(logistic_multi()));
    check_forms<true>(pipeline(tree(true)));
    check_forms<false>(pipeline(linear()));
    check_forms<true>(brine::Pipeline({}, tree(true)));
    check_forms<true>(brine::AnyModel(pipeline(logistic_binary())));
    check_forms<true>(brine::AnyModel(tree(true)));
    check_forms<false>(brine::AnyModel(linear()));
}

/// The matrix-valued forms of `f` (decision_function, transform): every input form and the
/// row-major buffer form against the column-major double form.
template <class Model, class F>
void check_matrix_forms(const Model& m, F f, const char* call) {
    const Eigen::MatrixXd X = input();
    const brine::RowMatrix R = X;
    const Eigen::MatrixXd ref = f(m, X);
    CHECK(same(f(m, R), ref));
    CHECK(same(f(m, brine::Rows(R.data(), n_rows, n_cols)), ref));
    Eigen::MatrixXd twice(2 * n_rows, n_cols);
    for (Eigen::Index i = 0; i < n_rows; ++i) twice.row(2 * i) = X.row(i);
    CHECK(same(f(m, brine::Rows::strided(twice.data(), n_rows, n_cols, 2, 2 * n_rows)), ref));
    const RowMatrixF FR = X.cast<float>();
    CHECK(same(f(m, FR), f(m, as_float_values(X))));
    // Into a row-major buffer: sample i's values together; too small a buffer is refused.
    const Eigen::Index k = ref.cols();
    std::vector<double> out(static_cast<std::size_t>(n_rows * k) + 1, -7.0);
    f(m, brine::Rows(R.data(), n_rows, n_cols), out.data(), static_cast<Eigen::Index>(out.size()));
    CHECK(same(Eigen::Map<const brine::RowMatrix>(out.data(), n_rows, k), ref));
    CHECK(out.back() == -7.0);
    std::vector<double> small(static_cast<std::size_t>(n_rows * k) - 1, -7.0);
    BRINE_CHECK_THROWS_CODE(
        f(m, brine::Rows(X), small.data(), static_cast<Eigen::Index>(small.size())),
        brine::Errc::shape_mismatch,
        std::string("::") + call + " writes " + std::to_string(n_rows * k) +
            " values, the output buffer holds " + std::to_string(n_rows * k - 1));
    CHECK(small[0] == -7.0);
}

struct DecisionFunction {
    template <class M, class... A>
    auto operator()(const M& m, const A&... a) const {
        return m.decision_function(a...);
    }
};
struct Transform {
    template <class M, class... A>
    auto operator()(const M& m, const A&... a) const {
        return m.transform(a...);
    }
};

TEST_CASE("decision_function, transform and apply: every input form", "[models][rows]") {
    check_matrix_forms(logistic_binary(), DecisionFunction{}, "decision_function");
    check_matrix_forms(logistic_multi(), DecisionFunction{}, "decision_function");
    const brine::Pipeline p = pipeline(linear());
    for (const auto& step : p.steps) {
        std::visit([](const auto& t) { check_matrix_forms(t, Transform{}, "transform"); }, step);
    }
    check_matrix_forms(brine::MaxAbsScaler(Eigen::VectorXd::LinSpaced(n_cols, 0.5, 3.0)),
                       Transform{}, "transform");
    // Trees: the leaf indices, from every layout and from floats.
    const brine::DecisionTree t = tree(true);
    const Eigen::MatrixXd X = input();
    const brine::RowMatrix R = X;
    const brine::IndexVector leaves = t.apply(X);
    CHECK(t.apply(R) == leaves);
    CHECK(t.apply(brine::Rows(R.data(), n_rows, n_cols)) == leaves);
    const RowMatrixF FR = X.cast<float>();
    CHECK(t.apply(FR) == t.apply(as_float_values(X)));
    // Refusals name the caller's row, in every layout.
    brine::RowMatrix bad = R;
    bad(300, 2) = std::numeric_limits<double>::infinity();
    BRINE_CHECK_THROWS_CODE(std::get<brine::StandardScaler>(p.steps[0]).transform(bad),
                            brine::Errc::invalid_input, "input row 300, column 2 is +infinity");
}

TEST_CASE("wide batches: the same bits past Eigen's blocking thresholds", "[models][rows]") {
    // 130 columns and 4100 rows: where Eigen's matrix-vector product would block its columns
    // (from 128 columns on); brine's linear kernels sum each row in one order in every layout.
    const Eigen::Index rows = 4100, cols = 130;
    Eigen::MatrixXd X(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i)
            X(i, j) = std::sin(0.011 * static_cast<double>(i) + 0.7 * static_cast<double>(j));
    Eigen::VectorXd w(cols);
    for (Eigen::Index j = 0; j < cols; ++j) w(j) = std::cos(0.3 * static_cast<double>(j)) / 7.0;
    const brine::LinearRegression lin(w, 0.25);
    brine::RowMatrix c(3, cols);
    for (Eigen::Index k = 0; k < 3; ++k) c.row(k) = w.transpose() * static_cast<double>(k - 1);
    const brine::LogisticRegression lg(c, Eigen::Vector3d(0, 0.1, -0.1), Eigen::Vector3d(1, 2, 3));
    const brine::RowMatrix R = X;
    CHECK(same(lin.predict(R), lin.predict(X)));
    CHECK(same(lg.predict_proba(R), lg.predict_proba(X)));
    const Eigen::MatrixXf F = X.cast<float>();
    const Eigen::MatrixXd FX = as_float_values(X);
    const RowMatrixF FR = F;
    CHECK(same(lin.predict(FR), lin.predict(FX)));
    CHECK(same(lg.predict_proba(FR), lg.predict_proba(FX)));
    // Fewer rows than the threshold: the converted blocks keep a stride below it too, as a packed
    // column-major matrix of those rows has.
    const Eigen::MatrixXd top = X.topRows(700);
    CHECK(same(lin.predict(R.topRows(700)), lin.predict(top)));
}

TEST_CASE("linear scores: the products summed in feature order, in every layout and block",
          "[models][rows]") {
    // Values whose sum depends on the order of the additions: 1e16 + 1 - 1e16 is 0 from the left
    // and 1 in other orders. The documented order (from 0.0, feature 0 first, then the intercept)
    // computed here by hand is what every layout and every row of a group of eight gets.
    const Eigen::Index rows = 21, cols = 5;  // two groups of eight and five rows one at a time
    Eigen::MatrixXd X(rows, cols);
    for (Eigen::Index i = 0; i < rows; ++i) {
        X.row(i) << 1e16, 1.0 + static_cast<double>(i), -1e16, 0.5 * static_cast<double>(i), 3.0;
    }
    Eigen::VectorXd w(cols);
    w << 1.0, 1.0, 1.0, 0.25, -1.0 / 3.0;
    const brine::LinearRegression lin(w, 0.1);
    Eigen::VectorXd expected(rows);
    for (Eigen::Index i = 0; i < rows; ++i) {
        double acc = 0.0;
        for (Eigen::Index j = 0; j < cols; ++j) acc += X(i, j) * w(j);
        expected(i) = acc + 0.1;
    }
    const brine::RowMatrix R = X;
    CHECK(same(lin.predict(X), expected));
    CHECK(same(lin.predict(R), expected));
    Eigen::MatrixXd twice(2 * rows, cols);
    for (Eigen::Index i = 0; i < rows; ++i) twice.row(2 * i) = X.row(i);
    CHECK(same(lin.predict(brine::Rows::strided(twice.data(), rows, cols, 2, 2 * rows)), expected));
    for (Eigen::Index i = 0; i < rows; ++i) {  // a batch of one row each, from any offset
        CHECK(same(lin.predict(R.middleRows(i, 1)), expected.segment(i, 1)));
    }
    // Logistic scores (decision_function) follow the same order, per class.
    brine::RowMatrix c(3, cols);
    c.row(0) = w.transpose();
    c.row(1) = -w.transpose();
    c.row(2) = 2.0 * w.transpose();
    const brine::LogisticRegression lg(c, Eigen::Vector3d(0.1, 0.2, 0.3), Eigen::Vector3d(0, 1, 2));
    const Eigen::MatrixXd s = lg.decision_function(X);
    for (Eigen::Index k = 0; k < 3; ++k) {
        for (Eigen::Index i = 0; i < rows; ++i) {
            double acc = 0.0;
            for (Eigen::Index j = 0; j < cols; ++j) acc += X(i, j) * c(k, j);
            CHECK(s(i, k) == acc + lg.intercept(k));
        }
    }
    CHECK(same(lg.predict_proba(R), lg.predict_proba(X)));
}

TEST_CASE("non-finite input in any layout is refused naming the row and column", "[models][rows]") {
    Eigen::MatrixXd X = input();
    X(301, 4) = std::nan("");
    const brine::RowMatrix R = X;
    const Eigen::MatrixXf F = X.cast<float>();
    const std::string at = "input row 301, column 4 is NaN";
    const brine::Pipeline p = pipeline(logistic_multi());
    double out[n_rows];
    BRINE_CHECK_THROWS_CODE(p.predict(R), brine::Errc::invalid_input, "Pipeline: " + at);
    BRINE_CHECK_THROWS_CODE(p.predict(F, out, n_rows), brine::Errc::invalid_input,
                            "Pipeline: " + at);
    BRINE_CHECK_THROWS_CODE(linear().predict(R), brine::Errc::invalid_input,
                            "LinearRegression: " + at);
    // A tree inspects only the columns its splits read (3, 0 and 6): column 4 is not looked at.
    CHECK_NOTHROW(tree(true).predict(F));
    Eigen::MatrixXf F3 = F;
    F3(301, 3) = std::nanf("");
    BRINE_CHECK_THROWS_CODE(tree(true).predict(F3), brine::Errc::invalid_input,
                            "DecisionTree: input row 301, column 3 is NaN");
    BRINE_CHECK_THROWS_CODE(logistic_multi().predict_proba(R), brine::Errc::invalid_input,
                            "LogisticRegression: " + at);
    BRINE_CHECK_THROWS_CODE(linear().predict(brine::Rows(R.data(), n_rows, n_cols - 1)),
                            brine::Errc::shape_mismatch,
                            "LinearRegression expects 7 feature columns, got 6");
}

TEST_CASE("Rows refuses negative sizes and null data; empty batches are fine", "[models][rows]") {
    const double x = 1.0;
    BRINE_CHECK_THROWS_CODE(brine::Rows(&x, -1, 2), brine::Errc::invalid_argument,
                            "sizes and strides must not be negative");
    BRINE_CHECK_THROWS_CODE(brine::Rows(static_cast<const double*>(nullptr), 2, 2),
                            brine::Errc::invalid_argument, "null data");
    CHECK(linear().predict(brine::Rows(static_cast<const double*>(nullptr), 0, n_cols)).size() ==
          0);
    // A scaler has no predict: the Rows forms of AnyModel say so as predict does.
    const brine::AnyModel s(
        brine::StandardScaler(Eigen::VectorXd::Zero(n_cols), Eigen::VectorXd::Ones(n_cols)));
    const brine::RowMatrix R = input();
    BRINE_CHECK_THROWS_CODE(s.predict(R), brine::Errc::invalid_argument,
                            "predict needs an estimator; this model is a standard_scaler");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(linear()).predict_proba(R),
                            brine::Errc::invalid_argument,
                            "predict_proba needs a classifier; this model is a linear_regression");
}

}  // namespace rows_test
