// Tests of brine::SimpleImputer against hand-computed imputations (scikit-learn 1.2's rules: a
// NaN statistic drops its feature, indicator columns come last, NaN and infinity as it refuses).
// SPDX-License-Identifier: MIT
#include "brine/models/any_model.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "special_values.hpp"

namespace simple_imputer_test {

using special_values::inf_v;
using special_values::nan_v;

/// Rows for fixtures::simple_imputer() (3 features, NaN marker).
inline Eigen::MatrixXd nan_rows() {
    Eigen::MatrixXd X(3, 3);
    X << 1, 2, nan_v,     //
        nan_v, nan_v, 4,  //
        -0.0, 5, 6;
    return X;
}

/// What scikit-learn gives for nan_rows(): feature 1 dropped; feature 0 filled with 0.25,
/// feature 2 with -3.5; indicators of features 1 and 2.
inline Eigen::MatrixXd nan_rows_imputed() {
    Eigen::MatrixXd Z(3, 4);
    Z << 1, -3.5, 0, 1,  //
        0.25, 4, 1, 0,   //
        -0.0, 6, 0, 0;
    return Z;
}

TEST_CASE("SimpleImputer fills NaN, drops all-missing features, appends indicators",
          "[models][imputer]") {
    const brine::SimpleImputer m = fixtures::simple_imputer();
    m.validate();
    CHECK(m.n_features() == 3);
    CHECK(m.n_features_out() == 4);
    CHECK(m.n_outputs() == 4);
    const Eigen::MatrixXd Z = m.transform(nan_rows());
    CHECK(brine::detail::same_bits(Z, nan_rows_imputed()));  // -0.0 passes through as is

    // transform_one of each (strided) row, into a sized buffer.
    std::vector<double> out(4);
    for (Eigen::Index i = 0; i < 3; ++i) {
        m.transform_one(nan_rows().row(i), out);
        CHECK(Eigen::Map<Eigen::RowVectorXd>(out.data(), 4) == nan_rows_imputed().row(i));
    }
    double small[3];
    BRINE_CHECK_THROWS_CODE(m.transform_one(nan_rows().row(0), small, 3),
                            brine::Errc::shape_mismatch,
                            "SimpleImputer::transform_one writes 4 values, the output buffer "
                            "holds 3");
    Eigen::MatrixXd wrong(3, 3);
    BRINE_CHECK_THROWS_CODE(m.transform_into(nan_rows(), wrong), brine::Errc::shape_mismatch,
                            "SimpleImputer::transform_into writes 3 x 4 values, the output is 3 x "
                            "3");
    BRINE_CHECK_THROWS_CODE(m.transform(Eigen::MatrixXd(1, 2)), brine::Errc::shape_mismatch,
                            "SimpleImputer expects 3 feature columns, got 2");
}

TEST_CASE("SimpleImputer's transforms may write over their input", "[models][imputer]") {
    const brine::SimpleImputer m = fixtures::simple_imputer();
    // One sample, imputed in place in a buffer wide enough for the output.
    for (Eigen::Index i = 0; i < 3; ++i) {
        Eigen::RowVectorXd buf(4);
        buf.head(3) = nan_rows().row(i);
        buf(3) = 99;
        m.transform_one(buf.head(3), buf.data(), 4);
        CHECK(brine::detail::same_bits(buf, nan_rows_imputed().row(i)));
    }
    // A batch whose output is a view of the input's storage (same rows, 4 columns).
    Eigen::MatrixXd storage(3, 4);
    storage.leftCols(3) = nan_rows();
    m.transform_into(storage.leftCols(3), storage);
    CHECK(brine::detail::same_bits(storage, nan_rows_imputed()));
}

TEST_CASE("SimpleImputer with a numeric marker: NaN and infinities are refused",
          "[models][imputer]") {
    const brine::SimpleImputer m = fixtures::simple_imputer_marker();
    m.validate();
    Eigen::MatrixXd X(2, 2);
    X << -1, 3,  //
        -0.5, -1;
    Eigen::MatrixXd Z(2, 2);
    Z << 7.5, 3,  //
        -0.5, 7.5;
    CHECK(m.transform(X) == Z);
    X(1, 0) = nan_v;
    BRINE_CHECK_THROWS_CODE(m.transform(X), brine::Errc::invalid_input,
                            "SimpleImputer: input row 1, column 0 is NaN; SimpleImputer takes "
                            "finite values only (no NaN or infinity)");
    BRINE_CHECK_THROWS_CODE(m.transform_one(X.row(1), Z.data(), 4), brine::Errc::invalid_input,
                            "SimpleImputer: input column 0 is NaN");
    X(1, 0) = 0;
    X(0, 1) = inf_v;
    BRINE_CHECK_THROWS_CODE(m.transform(X), brine::Errc::invalid_input,
                            "SimpleImputer: input row 0, column 1 is +infinity");
}

TEST_CASE("SimpleImputer with a NaN marker refuses infinities, the first in row order",
          "[models][imputer]") {
    const brine::SimpleImputer m = fixtures::simple_imputer();
    Eigen::MatrixXd X = nan_rows();
    X(2, 0) = inf_v;
    X(1, 1) = -inf_v;  // in a dropped feature: refused as well, as scikit-learn checks every column
    BRINE_CHECK_THROWS_CODE(m.transform(X), brine::Errc::invalid_input,
                            "SimpleImputer: input row 1, column 1 is -infinity; SimpleImputer "
                            "takes finite values and NaN");
}

TEST_CASE("SimpleImputer through AnyModel: a transformer of n_outputs columns",
          "[models][imputer]") {
    const brine::AnyModel any(fixtures::simple_imputer());
    CHECK(any.kind() == brine::ModelKind::simple_imputer);
    CHECK(brine::kind_name(any.kind()) == "simple_imputer");
    CHECK(static_cast<int>(any.kind()) == 8);
    CHECK(any.n_outputs() == 4);
    CHECK_FALSE(any.is_classifier());
    CHECK(brine::detail::same_bits(any.transform(nan_rows()), nan_rows_imputed()));
    BRINE_CHECK_THROWS_CODE(any.predict(nan_rows()), brine::Errc::invalid_argument,
                            "predict needs an estimator; this model is a simple_imputer");
}

TEST_CASE("SimpleImputer::validate refuses what scikit-learn cannot have fitted",
          "[models][imputer]") {
    brine::SimpleImputer m = fixtures::simple_imputer();
    m.add_indicator = false;
    BRINE_CHECK_THROWS_CODE(m.validate(), brine::Errc::invalid_model,
                            "SimpleImputer: indicator_features has 2 entries without "
                            "add_indicator (expected none)");
    // Shape checks guard the transforms too, so a changed field never reads out of bounds.
    BRINE_CHECK_THROWS_CODE(m.transform(nan_rows()), brine::Errc::invalid_model,
                            "indicator_features has 2 entries without add_indicator");
    m = fixtures::simple_imputer();
    m.indicator_features(1) = 3;
    BRINE_CHECK_THROWS_CODE(m.transform_one(nan_rows().row(0), Eigen::RowVectorXd(4)),
                            brine::Errc::invalid_model,
                            "SimpleImputer: indicator_features[1] is 3; expected a feature index "
                            "< 3");
}

}  // namespace simple_imputer_test
