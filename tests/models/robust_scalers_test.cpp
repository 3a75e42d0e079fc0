// Tests of brine::MaxAbsScaler and brine::RobustScaler against hand-computed transforms.
// SPDX-License-Identifier: MIT
#include "brine/models/any_model.hpp"

#include <cmath>
#include <iterator>
#include <limits>

#include "brine_catch.hpp"
#include "special_values.hpp"

namespace robust_scalers_test {

using special_values::inf_v;
using special_values::nan_v;

inline Eigen::MatrixXd sample_rows() {
    Eigen::MatrixXd X(3, 2);
    X << 3, -1,  //
        -1, -3,  //
        nan_v, 0.5;
    return X;
}

/// transform_one of every row (a strided row of a column-major matrix) equals transform's row.
template <class Scaler>
void check_rows_alike(const Scaler& s, const Eigen::MatrixXd& X, const Eigen::MatrixXd& Z) {
    double out[2];
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        s.transform_one(X.row(i), out, std::size(out));
        for (Eigen::Index j = 0; j < 2; ++j) {
            if (std::isnan(Z(i, j)))
                CHECK(std::isnan(out[j]));
            else
                CHECK(out[j] == Z(i, j));
        }
    }
}

TEST_CASE("MaxAbsScaler computes x / scale per feature, keeps NaN, refuses infinity",
          "[models][scalers]") {
    const brine::MaxAbsScaler s(Eigen::Vector2d(2, 0.5));
    s.validate();
    const Eigen::MatrixXd X = sample_rows();
    const Eigen::MatrixXd Z = s.transform(X);
    CHECK(Z(0, 0) == 1.5);  // 3 / 2
    CHECK(Z(0, 1) == -2.0);
    CHECK(Z(1, 0) == -0.5);
    CHECK(Z(1, 1) == -6.0);
    CHECK(std::isnan(Z(2, 0)));
    CHECK(Z(2, 1) == 1.0);
    check_rows_alike(s, X, Z);
    Eigen::MatrixXd bad = X;
    bad(1, 1) = -inf_v;
    BRINE_CHECK_THROWS_CODE(s.transform(bad), brine::Errc::invalid_input,
                            "MaxAbsScaler: input row 1, column 1 is -infinity");
    BRINE_CHECK_THROWS_CODE(s.transform(Eigen::MatrixXd(1, 3)), brine::Errc::shape_mismatch,
                            "MaxAbsScaler expects 2 feature columns, got 3");
}

TEST_CASE("RobustScaler applies only the steps it was fitted with", "[models][scalers]") {
    const Eigen::MatrixXd X = sample_rows();
    const brine::RobustScaler both(2, Eigen::Vector2d(1, -2), Eigen::Vector2d(2, 0.5));
    const brine::RobustScaler center_only(2, Eigen::Vector2d(1, -2), Eigen::VectorXd());
    const brine::RobustScaler scale_only(2, Eigen::VectorXd(), Eigen::Vector2d(2, 0.5));
    const brine::RobustScaler neither(2, Eigen::VectorXd(), Eigen::VectorXd());
    for (const auto* s : {&both, &center_only, &scale_only, &neither}) s->validate();
    CHECK(both.with_centering());
    CHECK(both.with_scaling());
    CHECK_FALSE(scale_only.with_centering());
    CHECK_FALSE(center_only.with_scaling());

    const Eigen::MatrixXd a = both.transform(X);
    CHECK(a(0, 0) == 1.0);   // (3 - 1) / 2
    CHECK(a(0, 1) == 2.0);   // (-1 + 2) / 0.5
    CHECK(a(1, 1) == -2.0);  // (-3 + 2) / 0.5
    CHECK(std::isnan(a(2, 0)));
    check_rows_alike(both, X, a);
    const Eigen::MatrixXd c = center_only.transform(X);
    CHECK(c(0, 0) == 2.0);
    CHECK(c(1, 1) == -1.0);
    check_rows_alike(center_only, X, c);
    const Eigen::MatrixXd s = scale_only.transform(X);
    CHECK(s(0, 0) == 1.5);
    CHECK(s(1, 1) == -6.0);
    check_rows_alike(scale_only, X, s);
    const Eigen::MatrixXd n = neither.transform(X);
    CHECK(n(1, 1) == -3.0);
    CHECK(std::isnan(n(2, 0)));
    check_rows_alike(neither, X, n);

    Eigen::MatrixXd bad = X;
    bad(0, 0) = inf_v;
    BRINE_CHECK_THROWS_CODE(neither.transform(bad), brine::Errc::invalid_input,
                            "RobustScaler: input row 0, column 0 is +infinity");
}

TEST_CASE("AnyModel transforms with the new scalers and refuses to predict with them",
          "[models][scalers][any]") {
    const brine::AnyModel m = brine::MaxAbsScaler(Eigen::Vector2d(2, 0.5));
    CHECK(m.kind() == brine::ModelKind::max_abs_scaler);
    CHECK_FALSE(m.is_classifier());
    CHECK(m.transform(sample_rows())(0, 0) == 1.5);
    BRINE_CHECK_THROWS_CODE(m.predict(sample_rows()), brine::Errc::invalid_argument,
                            "predict needs an estimator; this model is a max_abs_scaler");
    const brine::AnyModel r = brine::RobustScaler(2, Eigen::VectorXd(), Eigen::VectorXd());
    CHECK(r.kind() == brine::ModelKind::robust_scaler);
    BRINE_CHECK_THROWS_CODE(r.predict_proba(sample_rows()), brine::Errc::invalid_argument,
                            "predict_proba needs a classifier; this model is a robust_scaler");
    static_assert(static_cast<int>(brine::ModelKind::max_abs_scaler) == 11, "file value");
    static_assert(static_cast<int>(brine::ModelKind::robust_scaler) == 12, "file value");
}

}  // namespace robust_scalers_test
