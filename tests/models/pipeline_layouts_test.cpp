// Pipelines and transformers on every input form (row-major, column-major, strided, raw pointer,
// float, into caller buffers): the steps read each block of rows in place, and every form gives
// the bits of the column-major double form of the same values.
// SPDX-License-Identifier: MIT
#include "brine/models.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "brine_catch.hpp"

namespace pipeline_layouts_test {

constexpr Eigen::Index n_rows = 600;  // more than two of Pipeline's blocks of 256
constexpr Eigen::Index n_cols = 7;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Action = brine::ColumnBranch::Action;

/// Column 1 is a category (0, 1, 2 or 3); column 0 misses a value every 13th row; the others are
/// numbers of every sign in [-3, 3].
Eigen::MatrixXd input() {
    Eigen::MatrixXd X(n_rows, n_cols);
    for (Eigen::Index i = 0; i < n_rows; ++i) {
        for (Eigen::Index j = 0; j < n_cols; ++j) {
            const double a = 0.37 * static_cast<double>(i * n_cols + j);
            X(i, j) = 3.0 * std::sin(a);
        }
        X(i, 1) = static_cast<double>(i % 4);
        if (i % 13 == 5) X(i, 0) = nan;
    }
    return X;
}

Eigen::VectorXd lin(Eigen::Index n, double a, double b) {
    return Eigen::VectorXd::LinSpaced(n, a, b);
}

brine::IndexVector cols(std::initializer_list<std::int32_t> c) {
    brine::IndexVector v(static_cast<Eigen::Index>(c.size()));
    Eigen::Index k = 0;
    for (auto x : c) v(k++) = x;
    return v;
}

/// Mean imputer of the 7 inputs, with an indicator column for feature 0: 8 outputs.
brine::SimpleImputer imputer() {
    Eigen::VectorXd stats = lin(n_cols, -0.5, 0.5);
    stats(1) = 2.0;
    return brine::SimpleImputer(brine::ImputeStrategy::mean, nan, stats, true, cols({0}));
}

brine::OneHotEncoder encoder() {
    return brine::OneHotEncoder(lin(4, 0, 3), cols({4}), brine::IndexVector(),
                                brine::HandleUnknown::error);
}

/// Over the imputer's 8 outputs: a two-step chain over columns 2, 0, 5 (gathered), the category
/// one-hot encoded, the indicator passed through, columns 3 and 4 (adjacent, read in place)
/// scaled, column 6 through a nested ColumnTransformer. 3 + 4 + 1 + 2 + 1 = 11 outputs.
brine::ColumnTransformer column_transformer() {
    brine::ColumnTransformer inner;
    inner.n_features_in = 1;
    inner.branches.push_back(
        {"mx", cols({0}), Action::steps, {brine::MaxAbsScaler(lin(1, 1.5, 1.5))}});
    brine::ColumnTransformer ct;
    ct.n_features_in = 8;
    ct.branches.push_back({"num",
                           cols({2, 0, 5}),
                           Action::steps,
                           {brine::StandardScaler(lin(3, -0.25, 0.25), lin(3, 0.5, 2.0)),
                            brine::RobustScaler(3, lin(3, 0.1, -0.1), lin(3, 1.5, 0.75))}});
    ct.branches.push_back({"cat", cols({1}), Action::steps, {encoder()}});
    ct.branches.push_back({"ind", cols({7}), Action::passthrough, {}});
    ct.branches.push_back({"block",
                           cols({3, 4}),
                           Action::steps,
                           {brine::MinMaxScaler(lin(2, 0.5, 2), lin(2, -1, 1))}});
    ct.branches.push_back({"nested", cols({6}), Action::steps, {inner}});
    return ct;
}

constexpr Eigen::Index n_out = 11;

brine::RowMatrix coef_rows(Eigen::Index k) {
    brine::RowMatrix c(k, n_out);
    for (Eigen::Index r = 0; r < k; ++r)
        for (Eigen::Index j = 0; j < n_out; ++j)
            c(r, j) = std::cos(1.3 * static_cast<double>(r * n_out + j)) / 3.0;
    return c;
}

brine::DecisionTree tree() {
    constexpr std::int32_t L = brine::DecisionTree::leaf;
    brine::DecisionTree t;
    t.task = brine::DecisionTree::Task::classification;
    t.n_features_in = n_out;
    t.children_left = cols({1, 3, 5, L, L, L, L});
    t.children_right = cols({2, 4, 6, L, L, L, L});
    t.feature = cols({0, 4, 9, -2, -2, -2, -2});
    t.threshold.resize(7);
    t.threshold << 0.1, 0.5, 0.2, -2, -2, -2, -2;
    t.value.resize(7, 2);
    t.value << 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 0, 0.25, 0.75, 0.6, 0.4, 0, 1;
    t.classes = Eigen::Vector2d(0, 1);
    return t;
}

brine::Pipeline pipeline(brine::Estimator e) {
    return brine::Pipeline({imputer(), column_transformer()}, std::move(e));
}

/// A ColumnTransformer as the first step, over the raw input: an imputer chain over columns 0 and
/// 2, the category encoded, the rest scaled; then a scaler of its 1 + 1 + 4 + 4 = 10 outputs.
brine::Pipeline pipeline_raw_column_transformer() {
    brine::ColumnTransformer ct;
    ct.n_features_in = n_cols;
    ct.branches.push_back(
        {"imp",
         cols({2, 0}),
         Action::steps,
         {brine::SimpleImputer(brine::ImputeStrategy::median, nan, Eigen::Vector2d(0.5, -1.0)),
          brine::MaxAbsScaler(lin(2, 2, 4))}});
    ct.branches.push_back({"cat", cols({1}), Action::steps, {encoder()}});
    ct.remainder = {"remainder",
                    cols({3, 4, 5, 6}),
                    Action::steps,
                    {brine::RobustScaler(4, Eigen::VectorXd(), lin(4, 1, 2))}};
    brine::RowMatrix c(3, 10);
    for (Eigen::Index r = 0; r < 3; ++r)
        for (Eigen::Index j = 0; j < 10; ++j)
            c(r, j) = std::sin(0.9 * static_cast<double>(r * 10 + j));
    return brine::Pipeline(
        {ct, brine::StandardScaler(lin(10, -0.1, 0.1), lin(10, 1, 3))},
        brine::LogisticRegression(c, Eigen::Vector3d(0, 0.2, -0.2), Eigen::Vector3d(1, 2, 3)));
}

template <class A, class B>
bool same(const A& a, const B& b) {
    const Eigen::MatrixXd x = a, y = b;
    return x.rows() == y.rows() && x.cols() == y.cols() &&
           std::memcmp(x.data(), y.data(), sizeof(double) * static_cast<std::size_t>(x.size())) ==
               0;
}

/// The layouts of X's values a caller may hold, each with the Rows view of them, and the float
/// forms with the double values they stand for.
struct Layouts {
    Eigen::MatrixXd X = input();
    brine::RowMatrix R = X;
    brine::RowMatrix padded;     // R with two more columns per row
    Eigen::MatrixXd twice;       // X on every other row
    Eigen::MatrixXd transposed;  // X^T, column-major: a row-major view of X
    Eigen::MatrixXf F = X.cast<float>();
    RowMatrixF FR = F;
    Eigen::MatrixXd FX = F.cast<double>();

    Layouts() {
        padded = brine::RowMatrix::Constant(n_rows, n_cols + 2, 9e99);
        padded.leftCols(n_cols) = R;
        twice = Eigen::MatrixXd::Constant(2 * n_rows, n_cols, -9e99);
        for (Eigen::Index i = 0; i < n_rows; ++i) twice.row(2 * i) = X.row(i);
        transposed = X.transpose();
    }
    /// Every double view of X's values.
    std::vector<brine::Rows> doubles() const {
        return {brine::Rows(X),
                brine::Rows(R),
                brine::Rows(R.data(), n_rows, n_cols),
                brine::Rows(padded.data(), n_rows, n_cols, n_cols + 2),
                brine::Rows::column_major(X.data(), n_rows, n_cols),
                brine::Rows::strided(twice.data(), n_rows, n_cols, 2, 2 * n_rows),
                brine::Rows(transposed.transpose())};
    }
    /// Every float view of FX's values.
    std::vector<brine::Rows> floats() const {
        return {brine::Rows(F), brine::Rows(FR), brine::Rows(FR.data(), n_rows, n_cols),
                brine::Rows::strided(FR.data(), n_rows, n_cols, n_cols, 1)};
    }
};

/// predict (and predict_proba) of every form against the column-major double form.
template <class Model>
void check_predict_forms(const Model& m, bool proba) {
    const Layouts in;
    const Eigen::VectorXd ref = m.predict(in.X);
    const Eigen::VectorXd float_ref = m.predict(in.FX);
    CHECK(same(m.predict(in.R), ref));
    CHECK(same(m.predict(in.FR), float_ref));
    CHECK(same(m.predict(in.F), float_ref));
    const Eigen::Map<const brine::RowMatrix, 0, Eigen::OuterStride<>> map(
        in.padded.data(), n_rows, n_cols, Eigen::OuterStride<>(n_cols + 2));
    CHECK(same(m.predict(map), ref));
    std::vector<double> out(n_rows);
    for (const auto& v : in.doubles()) {
        m.predict(v, out);
        CHECK(same(Eigen::Map<Eigen::VectorXd>(out.data(), n_rows), ref));
    }
    for (const auto& v : in.floats()) {
        m.predict(v, out.data(), n_rows);
        CHECK(same(Eigen::Map<Eigen::VectorXd>(out.data(), n_rows), float_ref));
    }
    if (!proba) return;
    const Eigen::MatrixXd p = m.predict_proba(in.X);
    const Eigen::MatrixXd float_p = m.predict_proba(in.FX);
    CHECK(same(m.predict_proba(in.R), p));
    CHECK(same(m.predict_proba(in.FR), float_p));
    std::vector<double> pout(static_cast<std::size_t>(n_rows * p.cols()));
    for (const auto& v : in.doubles()) {
        m.predict_proba(v, pout);
        CHECK(same(Eigen::Map<const brine::RowMatrix>(pout.data(), n_rows, p.cols()), p));
    }
    for (const auto& v : in.floats()) {
        m.predict_proba(v, pout);
        CHECK(same(Eigen::Map<const brine::RowMatrix>(pout.data(), n_rows, p.cols()), float_p));
    }
}

/// transform of every form against the column-major double form.
template <class Model>
void check_transform_forms(const Model& m) {
    const Layouts in;
    const Eigen::MatrixXd ref = m.transform(in.X);
    const Eigen::MatrixXd float_ref = m.transform(in.FX);
    const Eigen::Index w = ref.cols();
    CHECK(same(m.transform(in.R), ref));
    CHECK(same(m.transform(in.FR), float_ref));
    CHECK(same(m.transform(in.F), float_ref));
    std::vector<double> out(static_cast<std::size_t>(n_rows * w));
    for (const auto& v : in.doubles()) {
        CHECK(same(m.transform(v), ref));
        m.transform(v, out);
        CHECK(same(Eigen::Map<const brine::RowMatrix>(out.data(), n_rows, w), ref));
    }
    for (const auto& v : in.floats()) {
        CHECK(same(m.transform(v), float_ref));
        m.transform(v, out.data(), static_cast<Eigen::Index>(out.size()));
        CHECK(same(Eigen::Map<const brine::RowMatrix>(out.data(), n_rows, w), float_ref));
    }
}

TEST_CASE("pipelines of an imputer, encoder and ColumnTransformer: every input form",
          "[models][rows][pipeline]") {
    check_predict_forms(pipeline(brine::LinearRegression(coef_rows(1), lin(1, 0.25, 0.25))), false);
    check_predict_forms(
        pipeline(brine::LogisticRegression(coef_rows(3), lin(3, -0.1, 0.1), lin(3, 0, 2))), true);
    check_predict_forms(pipeline(tree()), true);
    check_predict_forms(pipeline_raw_column_transformer(), true);
    check_predict_forms(brine::AnyModel(pipeline(tree())), true);
    // The test means something: the pipeline's values differ from row to row and depend on every
    // kind of step.
    const Eigen::VectorXd y =
        pipeline(brine::LinearRegression(coef_rows(1), lin(1, 0.25, 0.25))).predict(input());
    CHECK(y.allFinite());
    CHECK(y.minCoeff() < y.maxCoeff());
}

TEST_CASE("transform of pipelines and of every transformer: every input form",
          "[models][rows][pipeline]") {
    const brine::Pipeline p = pipeline(tree());
    check_transform_forms(p);
    check_transform_forms(pipeline_raw_column_transformer());
    check_transform_forms(
        brine::Pipeline({imputer()}, brine::LinearRegression(lin(8, -1, 1), 0.5)));
    check_transform_forms(imputer());
    check_transform_forms(
        std::get<brine::ColumnTransformer>(pipeline_raw_column_transformer().steps[0]));
    // The transform of a pipeline is its steps' transforms, one after the other.
    const Eigen::MatrixXd X = input();
    CHECK(same(p.transform(X), column_transformer().transform(imputer().transform(X))));
    CHECK(p.n_features_out() == n_out);
    // A pipeline without steps copies its input.
    const brine::Pipeline bare({}, brine::LinearRegression(lin(n_cols, 1, 2), 0.0));
    const brine::RowMatrix R = X;
    CHECK(same(bare.transform(R), X));
}

TEST_CASE("refusals name the caller's row and column in every layout", "[models][rows][pipeline]") {
    // An infinity: the imputer refuses it (NaN is its missing value); the message names the
    // caller's row whatever the layout or block.
    Eigen::MatrixXd X = input();
    X(300, 4) = std::numeric_limits<double>::infinity();
    const brine::RowMatrix R = X;
    const RowMatrixF FR = X.cast<float>();
    const brine::Pipeline p = pipeline(tree());
    const std::string msg = "input row 300, column 4 is +infinity";
    BRINE_CHECK_THROWS_CODE(p.predict(X), brine::Errc::invalid_input, msg);
    BRINE_CHECK_THROWS_CODE(p.predict(R), brine::Errc::invalid_input, msg);
    BRINE_CHECK_THROWS_CODE(p.predict(FR), brine::Errc::invalid_input, msg);
    BRINE_CHECK_THROWS_CODE(p.transform(R), brine::Errc::invalid_input, msg);
    std::vector<double> out(static_cast<std::size_t>(n_rows * n_out));
    BRINE_CHECK_THROWS_CODE(p.transform(brine::Rows(FR), out), brine::Errc::invalid_input, msg);
    // A category the encoder does not know, inside the ColumnTransformer's branch.
    X = input();
    X(400, 1) = 7.0;
    const brine::RowMatrix R2 = X;
    const std::string unknown =
        "'cat': OneHotEncoder: input row 400, column 0 is 7, not one of "
        "the 4 categories";
    BRINE_CHECK_THROWS_CODE(p.predict(X), brine::Errc::invalid_input, unknown);
    BRINE_CHECK_THROWS_CODE(p.predict(R2), brine::Errc::invalid_input, unknown);
    BRINE_CHECK_THROWS_CODE(p.predict(brine::Rows(R2), out), brine::Errc::invalid_input, unknown);
}

TEST_CASE("scalers refuse the first infinity in row order, in every layout",
          "[models][rows][scalers]") {
    // Past the 1024 rows a scaler checks at once: an infinity in column 0 late, one in column 3
    // early. Every layout names the early one.
    const Eigen::Index rows = 2000;
    Eigen::MatrixXd X = Eigen::MatrixXd::Constant(rows, 4, 0.5);
    X(1500, 0) = std::numeric_limits<double>::infinity();
    X(10, 3) = -std::numeric_limits<double>::infinity();
    X(5, 2) = nan;  // NaN passes through
    const brine::RowMatrix R = X;
    const RowMatrixF FR = X.cast<float>();
    const brine::StandardScaler s(lin(4, 0, 1), lin(4, 1, 2));
    const std::string msg = "input row 10, column 3 is -infinity";
    BRINE_CHECK_THROWS_CODE(s.transform(X), brine::Errc::invalid_input, msg);
    BRINE_CHECK_THROWS_CODE(s.transform(R), brine::Errc::invalid_input, msg);
    BRINE_CHECK_THROWS_CODE(s.transform(FR), brine::Errc::invalid_input, msg);
    BRINE_CHECK_THROWS_CODE(brine::MaxAbsScaler(lin(4, 1, 2)).transform(R),
                            brine::Errc::invalid_input, msg);
    // Without the infinities: NaN kept, every layout the same bits, tiles of any height.
    X(1500, 0) = 1.0;
    X(10, 3) = 2.0;
    const brine::RowMatrix R3 = X;
    const Eigen::MatrixXd Z = s.transform(X);
    CHECK(std::isnan(Z(5, 2)));
    CHECK(same(s.transform(R3), Z));
    for (Eigen::Index n : {1, 15, 16, 17, 33}) {
        CHECK(same(s.transform(brine::Rows(R3.data(), n, 4)), Z.topRows(n)));
        CHECK(same(s.transform(brine::Rows::strided(X.data() + 1, n, 4, 1, rows)),
                   Z.middleRows(1, n)));
    }
}

}  // namespace pipeline_layouts_test
