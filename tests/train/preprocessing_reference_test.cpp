// brine's preprocessing transformers and their training shim against scikit-learn 1.2.1, on the
// bundled datasets with NaN holes.
// SPDX-License-Identifier: MIT
//
// Every expected number comes from tests/reference/make_preprocessing_reference.py (output in
// tests/data/sklearn_preprocessing/, described in that script); nothing is compared with brine's
// own earlier output.
#include <cmath>
#include <string>

#include "brine/train.hpp"
#include "brine_catch.hpp"
#include "csv.hpp"
#include "test_data.hpp"

namespace preprocessing_reference_test {

inline const char* const datasets[] = {"diabetes", "breast_cancer", "iris", "wine"};

inline Eigen::MatrixXd read(const std::string& dataset, const std::string& file) {
    return brine::test::read_csv(test_data::dir() + "/sklearn_preprocessing/" + dataset + "/" +
                                 file)
        .data;
}

inline Eigen::MatrixXd features(const std::string& dataset) {
    const brine::test::Csv csv =
        brine::test::read_csv(test_data::dir() + "/../../examples/data/" + dataset + ".csv");
    return csv.data.leftCols(csv.column("target"));
}

/// Largest |a - b| / |b| over entries where b != 0 (|a - b| where b == 0); NaN must match NaN.
inline double max_rel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    REQUIRE(a.rows() == b.rows());
    REQUIRE(a.cols() == b.cols());
    double worst = 0;
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
        for (Eigen::Index j = 0; j < a.cols(); ++j) {
            if (std::isnan(b(i, j))) {
                if (!std::isnan(a(i, j))) return HUGE_VAL;
                continue;
            }
            const double d = std::abs(a(i, j) - b(i, j));
            worst = std::max(worst, b(i, j) == 0 ? d : d / std::abs(b(i, j)));
        }
    }
    return worst;
}

inline Eigen::MatrixXd head(const Eigen::MatrixXd& X, Eigen::Index rows) { return X.topRows(rows); }

TEST_CASE("sklearn: MaxAbsScaler's scale_ and transform, with and without NaN holes",
          "[train][preprocessing]") {
    for (const char* name : datasets) {
        INFO(name);
        const Eigen::MatrixXd X = features(name), Xn = read(name, "X_nan.csv");
        const Eigen::MatrixXd ref = read(name, "max_abs_scaler.csv");  // rows: on X, on X_nan
        const brine::MaxAbsScaler a = brine::train::max_abs_scaler(X);
        const brine::MaxAbsScaler b = brine::train::max_abs_scaler(Xn);
        // A maximum is one of the data's values: exact.
        CHECK(a.scale.transpose() == ref.row(0));
        CHECK(b.scale.transpose() == ref.row(1));
        const Eigen::MatrixXd expected = read(name, "max_abs_transform.csv");
        CHECK(max_rel(b.transform(head(Xn, expected.rows())), expected) == 0.0);
    }
}

TEST_CASE("sklearn: RobustScaler's center_, scale_ and transforms, with and without NaN holes",
          "[train][preprocessing]") {
    for (const char* name : datasets) {
        INFO(name);
        const Eigen::MatrixXd X = features(name), Xn = read(name, "X_nan.csv");
        const Eigen::MatrixXd ref = read(name, "robust_scaler.csv");
        const brine::RobustScaler a = brine::train::robust_scaler(X);
        const brine::RobustScaler b = brine::train::robust_scaler(Xn);
        CHECK(max_rel(a.center.transpose(), ref.row(0)) <= 1e-12);
        CHECK(max_rel(a.scale.transpose(), ref.row(1)) <= 1e-12);
        CHECK(max_rel(b.center.transpose(), ref.row(2)) <= 1e-12);
        CHECK(max_rel(b.scale.transpose(), ref.row(3)) <= 1e-12);

        const Eigen::MatrixXd expected = read(name, "robust_transform.csv");
        const Eigen::MatrixXd rows = head(Xn, expected.rows());
        CHECK(max_rel(b.transform(rows), expected) <= 1e-12);
        brine::train::RobustScalerOptions o;
        o.with_centering = false;
        const brine::RobustScaler nc = brine::train::robust_scaler(Xn, o);
        CHECK_FALSE(nc.with_centering());
        CHECK(max_rel(nc.transform(rows), read(name, "robust_no_centering_transform.csv")) <=
              1e-12);
        o = {};
        o.with_scaling = false;
        const brine::RobustScaler ns = brine::train::robust_scaler(Xn, o);
        CHECK_FALSE(ns.with_scaling());
        CHECK(max_rel(ns.transform(rows), read(name, "robust_no_scaling_transform.csv")) <= 1e-12);
    }
}

TEST_CASE("the robust scalers' training refuses what scikit-learn refuses",
          "[train][preprocessing]") {
    Eigen::MatrixXd X(3, 2);
    X << 1, NAN, 2, NAN, 3, NAN;
    BRINE_CHECK_THROWS_CODE(brine::train::robust_scaler(X), brine::Errc::invalid_argument,
                            "robust_scaler: column 1 of X is all NaN");
    X(1, 1) = HUGE_VAL;
    BRINE_CHECK_THROWS_CODE(brine::train::max_abs_scaler(X), brine::Errc::invalid_argument,
                            "max_abs_scaler: X has an infinite value (inf) at row 1, column 1");
    BRINE_CHECK_THROWS_CODE(brine::train::max_abs_scaler(Eigen::MatrixXd(0, 2)),
                            brine::Errc::invalid_argument, "max_abs_scaler: X is empty (0 x 2)");
}

TEST_CASE("train::pipeline fits max-abs and robust steps in order", "[train][preprocessing]") {
    const Eigen::MatrixXd X = features("iris");
    const brine::test::Csv csv =
        brine::test::read_csv(test_data::dir() + "/../../examples/data/iris.csv");
    const Eigen::VectorXd y = csv.data.col(csv.column("target"));
    const brine::Pipeline p = brine::train::pipeline(
        X, y, {brine::train::MaxAbsScalerOptions{}, brine::train::RobustScalerOptions{}},
        brine::train::TreeClassifierOptions{});
    REQUIRE(p.steps.size() == 2);
    const auto& ma = std::get<brine::MaxAbsScaler>(p.steps[0]);
    const auto& rs = std::get<brine::RobustScaler>(p.steps[1]);
    CHECK(ma == brine::train::max_abs_scaler(X));
    CHECK(rs == brine::train::robust_scaler(ma.transform(X)));
    p.validate();
}

}  // namespace preprocessing_reference_test
