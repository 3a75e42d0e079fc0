// brine::map_columns and brine::ColumnMapping: a caller's columns matched to a model's features by
// name, reordered and thinned once, then every kind predicting through the mapping exactly what it
// predicts on the columns in its own order.
// SPDX-License-Identifier: MIT
#include "brine/models.hpp"

#include <string>
#include <vector>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"

namespace columns_test {

using Names = std::vector<std::string>;
using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// "f0", "f1", ...: the model's names for n features.
Names model_names(Eigen::Index n) {
    Names v;
    for (Eigen::Index j = 0; j < n; ++j) v.push_back("f" + std::to_string(j));
    return v;
}

/// The caller's names: an extra column first, the model's in reverse order, another extra last.
Names caller_names(Eigen::Index n) {
    Names v{"id"};
    for (Eigen::Index j = n - 1; j >= 0; --j) v.push_back("f" + std::to_string(j));
    v.push_back("note");
    return v;
}

/// The batch X (the model's order) as the caller holds it: caller_names' columns, the extra
/// columns filled with values no model would ignore if it read them.
Eigen::MatrixXd as_caller(const Eigen::MatrixXd& X) {
    const Eigen::Index n = X.cols();
    Eigen::MatrixXd C(X.rows(), n + 2);
    C.col(0).setConstant(1e6);
    for (Eigen::Index j = 0; j < n; ++j) C.col(1 + (n - 1 - j)) = X.col(j);
    C.col(n + 1).setConstant(-1e6);
    return C;
}

/// Rows that differ in every column, so a wrong column changes what a model computes.
Eigen::MatrixXd batch(Eigen::Index n) {
    Eigen::MatrixXd X(9, n);
    for (Eigen::Index i = 0; i < X.rows(); ++i)
        for (Eigen::Index j = 0; j < n; ++j)
            X(i, j) = 1.7 * std::sin(0.9 * static_cast<double>(i) + 1.1 * static_cast<double>(j));
    return X;
}

/// Every form of `m` through the mapping equals the same form on X in the model's order, bit for
/// bit: batch from column-major, row-major and float input, into a reused buffer, and one row.
template <class Model>
void check_through_mapping(const Model& m) {
    const Eigen::Index n = m.n_features();
    const brine::ColumnMapping cols = brine::map_columns(model_names(n), caller_names(n));
    const Eigen::MatrixXd X = batch(n);
    const Eigen::MatrixXd C = as_caller(X);
    const brine::RowMatrix C_rows = C;
    const RowMatrixF C_float = C.cast<float>();
    const Eigen::MatrixXd X_float_values = X.cast<float>().cast<double>();
    std::vector<double> buffer;

    if constexpr (brine::detail::has_predict<Model>::value) {
        const Eigen::VectorXd y = m.predict(X);
        CHECK(m.predict(cols.apply(C, buffer)) == y);
        const double* kept = buffer.data();
        CHECK(m.predict(cols.apply(C_rows, buffer)) == y);
        CHECK(buffer.data() == kept);  // reused, not reallocated
        CHECK(m.predict(cols.apply(C_rows)) == y);
        CHECK(m.predict(cols.apply(C_float, buffer)) == m.predict(X_float_values));
        Eigen::VectorXd into(X.rows());
        m.predict(cols.apply(C_rows, buffer), into);
        CHECK(into == y);
        std::vector<double> one;
        for (Eigen::Index i = 0; i < X.rows(); ++i)
            CHECK(m.predict_one(cols.apply_one(C.row(i), one)) == y(i));
    }
    if constexpr (brine::detail::has_predict_proba<Model>::value) {
        if (m.n_classes() > 0) {
            const Eigen::MatrixXd p = m.predict_proba(X);
            CHECK(m.predict_proba(cols.apply(C_rows, buffer)) == p);
            CHECK(m.predict_proba(cols.apply(C_float, buffer)) == m.predict_proba(X_float_values));
        }
    }
    if constexpr (brine::detail::has_transform<Model>::value) {
        CHECK(m.transform(cols.apply(C_rows, buffer)) == m.transform(X));
    }
    // Through AnyModel, with the names it carries.
    brine::AnyModel any(m);
    any.set_feature_names(model_names(n));
    const brine::ColumnMapping from_any = any.columns(caller_names(n));
    CHECK(from_any == cols);
    if constexpr (brine::detail::has_predict<Model>::value) {
        CHECK(any.predict(from_any.apply(C_rows, buffer)) == m.predict(X));
        std::vector<double> out(static_cast<std::size_t>(X.rows()));
        any.predict(from_any.apply(C, buffer), out);
        CHECK(Eigen::Map<const Eigen::VectorXd>(out.data(), X.rows()) == m.predict(X));
    }
    if constexpr (brine::detail::has_predict_proba<Model>::value) {
        if (m.n_classes() > 0) {
            CHECK(any.predict_proba(from_any.apply(C_rows, buffer)) == m.predict_proba(X));
        }
    }
    if constexpr (brine::detail::has_transform<Model>::value) {
        CHECK(any.transform(from_any.apply(C_float, buffer)) == m.transform(X_float_values));
    }
}

brine::LinearRegression linear3() {
    return brine::LinearRegression(fixtures::vec({1.0, -2.0, 0.5}), 0.25);
}

brine::LogisticRegression logistic3() {
    brine::RowMatrix coef(3, 3);
    coef << 1, -1, 0.5, -0.25, 2, 0, 0.75, 0.1, -1.5;
    return brine::LogisticRegression(coef, fixtures::vec({0.1, -0.2, 0}), fixtures::vec({0, 1, 2}));
}

brine::StandardScaler scaler3() {
    return brine::StandardScaler(fixtures::vec({1, -2, 0.5}), fixtures::vec({0.5, 3, 2}));
}

TEST_CASE("map_columns puts the caller's columns in the model's order and drops the others",
          "[models][columns]") {
    const brine::ColumnMapping cols =
        brine::map_columns(Names{"a", "b", "c"}, Names{"c", "x", "a", "b"});
    CHECK(cols.n_features() == 3);
    CHECK(cols.n_input_columns() == 4);
    CHECK(cols.source_columns() == std::vector<Eigen::Index>{2, 3, 0});
    CHECK(cols.dropped_columns() == std::vector<Eigen::Index>{1});
    CHECK_FALSE(cols.is_identity());

    Eigen::MatrixXd C(2, 4);  // columns c, x, a, b
    C << 3, 99, 1, 2,         //
        30, 990, 10, 20;
    Eigen::MatrixXd expected(2, 3);  // a, b, c
    expected << 1, 2, 3,             //
        10, 20, 30;
    CHECK(cols.apply(C) == expected);
    std::vector<double> buffer;
    CHECK(cols.apply(C, buffer) == expected);
    CHECK(cols.apply(brine::RowMatrix(C), buffer) == expected);
    CHECK(cols.apply(Eigen::MatrixXf(C.cast<float>()), buffer) == expected);
    const brine::RowMatrix R = C;
    CHECK(cols.apply(brine::Rows(R.data(), 2, 4), buffer) == expected);
    double out[3];
    CHECK(cols.apply_one(C.row(1), out, 3) == expected.row(1));

    // Any container of names, and a braced list.
    const std::vector<std::string_view> views{"c", "x", "a", "b"};
    CHECK(brine::map_columns(Names{"a", "b", "c"}, views) == cols);
    CHECK(brine::map_columns(Names{"a", "b", "c"}, {"c", "x", "a", "b"}) == cols);
    CHECK(brine::ColumnMapping({2, 3, 0}, 4) == cols);
}

TEST_CASE("an identity mapping reads column-major doubles in place", "[models][columns]") {
    const brine::ColumnMapping cols = brine::map_columns(Names{"a", "b"}, Names{"a", "b"});
    CHECK(cols.is_identity());
    CHECK(cols.dropped_columns().empty());
    const Eigen::MatrixXd X = batch(2);
    std::vector<double> buffer;
    const brine::ColumnView v = cols.apply(X, buffer);
    CHECK(v.data() == X.data());
    CHECK(buffer.empty());
    CHECK(v == X);
    // A row-major batch is gathered into the buffer.
    const brine::RowMatrix R = X;
    CHECK(cols.apply(R, buffer) == X);
    CHECK(buffer.size() == static_cast<std::size_t>(X.size()));
    // No rows: an empty view of the model's width.
    CHECK(cols.apply(Eigen::MatrixXd(0, 2), buffer).cols() == 2);
    CHECK(cols.apply(Eigen::MatrixXd(0, 2)).rows() == 0);
}

TEST_CASE("every kind and AnyModel predict through a mapping what they predict in their order",
          "[models][columns]") {
    SECTION("linear regression") { check_through_mapping(linear3()); }
    SECTION("logistic regression") { check_through_mapping(logistic3()); }
    SECTION("decision tree") { check_through_mapping(fixtures::tree_classifier()); }
    SECTION("decision tree, missing values") {
        check_through_mapping(fixtures::tree_classifier_missing());
    }
    SECTION("standard scaler") { check_through_mapping(scaler3()); }
    SECTION("robust scaler") { check_through_mapping(fixtures::robust_scaler()); }
    SECTION("pipeline") { check_through_mapping(brine::Pipeline({scaler3()}, logistic3())); }
    SECTION("tree ensemble") { check_through_mapping(fixtures::ensemble_forest()); }
    SECTION("tree ensemble, three features") {
        check_through_mapping(fixtures::ensemble_boosted_binary());
    }
}

TEST_CASE("map_columns names every missing feature", "[models][columns]") {
    BRINE_CHECK_THROWS_CODE(brine::map_columns(Names{"a", "b", "c", "d"}, Names{"b", "x"}),
                            brine::Errc::shape_mismatch,
                            "brine: shape mismatch: 3 of the model's 4 features are missing from "
                            "the 2 input columns: 'a' (feature 0), 'c' (feature 2), 'd' (feature "
                            "3)");
    BRINE_CHECK_THROWS_CODE(brine::map_columns(Names{"a", "b"}, Names{"b", "A"}),
                            brine::Errc::shape_mismatch,
                            "1 of the model's 2 features is missing from the 2 input columns: "
                            "'a' (feature 0)");
    BRINE_CHECK_THROWS_CODE(brine::map_columns(Names{"a"}, Names{}), brine::Errc::shape_mismatch,
                            "from the 0 input columns: 'a' (feature 0)");
}

TEST_CASE("the list of missing features is bounded and escaped", "[models][columns]") {
    Names model;
    for (int j = 0; j < 40; ++j) model.push_back(std::string(1000, 'n') + std::to_string(j));
    model[0] = "line\nbreak";
    try {
        brine::map_columns(model, Names{"z"});
        FAIL("no error");
    } catch (const brine::Error& e) {
        const std::string what = e.what();
        CHECK(e.code() == brine::Errc::shape_mismatch);
        CHECK_THAT(what, BRINE_CONTAINS("40 of the model's 40 features are missing from the 1 "
                                        "input columns: 'line\\nbreak' (feature 0), 'nnnn"));
        CHECK_THAT(what, BRINE_CONTAINS("...' (1001 bytes) (feature 1)"));
        CHECK_THAT(what, BRINE_CONTAINS("(feature 15), and 24 more"));
        CHECK(what.find('\n') == std::string::npos);
        CHECK(what.size() < 2000);  // 16 names of at most 64 bytes, not 40 of 1000
    }
}

TEST_CASE("map_columns refuses names that repeat", "[models][columns]") {
    BRINE_CHECK_THROWS_CODE(
        brine::map_columns(Names{"a", "b"}, Names{"a", "b", "x", "a", "x"}),
        brine::Errc::shape_mismatch,
        "brine: shape mismatch: map_columns: the input's column names repeat, so columns cannot "
        "be matched by name: 'a' (columns 0 and 3), 'x' (columns 2 and 4)");
    BRINE_CHECK_THROWS_CODE(brine::map_columns(Names{"a", "b", "a"}, Names{"a", "b"}),
                            brine::Errc::invalid_model,
                            "brine: invalid model: map_columns: the model's feature names repeat, "
                            "so columns cannot be matched by name: 'a' (features 0 and 2)");
}

TEST_CASE("a mapping refuses a batch or buffer of the wrong size", "[models][columns]") {
    const brine::ColumnMapping cols = brine::map_columns(Names{"a", "b"}, Names{"b", "x", "a"});
    std::vector<double> buffer;
    const Eigen::MatrixXd narrow = Eigen::MatrixXd::Zero(2, 2), wide = Eigen::MatrixXd::Zero(2, 3);
    BRINE_CHECK_THROWS_CODE(cols.apply(narrow, buffer), brine::Errc::shape_mismatch,
                            "brine: shape mismatch: ColumnMapping expects 3 columns (the names it "
                            "was made from), got 2");
    double small[3];
    BRINE_CHECK_THROWS_CODE(cols.apply(wide, small, 3), brine::Errc::shape_mismatch,
                            "ColumnMapping::apply writes 4 values, the output buffer holds 3");
    BRINE_CHECK_THROWS_CODE(cols.apply_one(Eigen::RowVectorXd::Zero(3), small, 1),
                            brine::Errc::shape_mismatch,
                            "ColumnMapping::apply_one writes 2 values, the output buffer holds 1");
    BRINE_CHECK_THROWS_CODE(cols.apply_one(Eigen::RowVectorXd::Zero(2), small, 3),
                            brine::Errc::shape_mismatch, "ColumnMapping expects 3 columns");
    BRINE_CHECK_THROWS_CODE(brine::ColumnMapping({0, 0}, 2), brine::Errc::invalid_argument,
                            "ColumnMapping: feature 1 reads column 0, expected a column in [0, 2) "
                            "that no other feature reads");
    BRINE_CHECK_THROWS_CODE(brine::ColumnMapping({2}, 2), brine::Errc::invalid_argument,
                            "feature 0 reads column 2");
}

TEST_CASE("AnyModel's columns need feature names that count its features", "[models][columns]") {
    brine::AnyModel m(linear3());
    CHECK(m.feature_names().empty());
    BRINE_CHECK_THROWS_CODE(m.columns(Names{"a", "b", "c"}), brine::Errc::invalid_argument,
                            "brine: invalid argument: the model has no feature names (its file's "
                            "metadata feature_names is empty): its input columns can only be "
                            "given by position");
    m.set_feature_names({"a", "b"});
    BRINE_CHECK_THROWS_CODE(m.columns(Names{"a", "b", "c"}), brine::Errc::invalid_model,
                            "brine: invalid model: the file's metadata names 2 features, the "
                            "model takes 3");
    m.set_feature_names({"a", "b", "c"});
    CHECK(m.columns({"c", "b", "a"}).source_columns() == std::vector<Eigen::Index>{2, 1, 0});
    // Names are the file's, not the model's: == compares models.
    CHECK(m == brine::AnyModel(linear3()));
}

}  // namespace columns_test
