// Tests of brine::StandardScaler and brine::MinMaxScaler against hand-computed transforms.
// SPDX-License-Identifier: MIT
#include "brine/models/scalers.hpp"

#include <cmath>
#include <limits>

#include "brine_catch.hpp"
#include "special_values.hpp"

namespace {

using special_values::inf_v;
using special_values::nan_v;

brine::StandardScaler standard() {
    return brine::StandardScaler(Eigen::Vector2d(1, -2), Eigen::Vector2d(2, 0.5));
}
brine::MinMaxScaler min_max() {
    return brine::MinMaxScaler(Eigen::Vector2d(0.5, 2), Eigen::Vector2d(-1, 0.25));
}

}  // namespace

TEST_CASE("StandardScaler computes (x - mean) / scale per feature", "[models][scalers]") {
    const brine::StandardScaler s = standard();
    s.validate();
    CHECK(s.n_features() == 2);
    Eigen::MatrixXd X(2, 2);
    X << 3, -1,  //
        -1, -3;
    const Eigen::MatrixXd Z = s.transform(X);
    CHECK(Z(0, 0) == 1.0);   // (3 - 1) / 2
    CHECK(Z(0, 1) == 2.0);   // (-1 + 2) / 0.5
    CHECK(Z(1, 0) == -1.0);  // (-1 - 1) / 2
    CHECK(Z(1, 1) == -2.0);  // (-3 + 2) / 0.5
    double out[2];
    for (Eigen::Index i = 0; i < 2; ++i) {
        s.transform_one(X.row(i), out, std::size(out));  // a strided row
        CHECK(out[0] == Z(i, 0));
        CHECK(out[1] == Z(i, 1));
    }
}

TEST_CASE("MinMaxScaler computes x * scale + min per feature", "[models][scalers]") {
    const brine::MinMaxScaler s = min_max();
    s.validate();
    CHECK(s.n_features() == 2);
    Eigen::MatrixXd X(2, 2);
    X << 4, 1,  //
        0, -0.5;
    const Eigen::MatrixXd Z = s.transform(X);
    CHECK(Z(0, 0) == 1.0);   // 4 * 0.5 - 1
    CHECK(Z(0, 1) == 2.25);  // 1 * 2 + 0.25
    CHECK(Z(1, 0) == -1.0);
    CHECK(Z(1, 1) == -0.75);
    const brine::RowMatrix Xr = X;
    double out[2];
    s.transform_one(Xr.row(0), out, std::size(out));
    CHECK(out[0] == 1.0);
    CHECK(out[1] == 2.25);
}

TEST_CASE("Scalers transform_one may write over its own input", "[models][scalers]") {
    Eigen::RowVector2d x(3, -1);
    standard().transform_one(x, x.data(), x.size());
    CHECK(x(0) == 1.0);
    CHECK(x(1) == 2.0);
    min_max().transform_one(x, x.data(), x.size());
    CHECK(x(0) == -0.5);  // 1 * 0.5 - 1
    CHECK(x(1) == 4.25);  // 2 * 2 + 0.25
}

TEST_CASE("Scalers keep NaN and refuse infinity, as scikit-learn", "[models][scalers]") {
    Eigen::MatrixXd X(1, 2);
    X << nan_v, 5.0;
    const Eigen::MatrixXd Z = standard().transform(X);
    CHECK(std::isnan(Z(0, 0)));
    CHECK(Z(0, 1) == standard().transform(Eigen::RowVector2d(0, 5))(0, 1));
    X(0, 1) = inf_v;
    BRINE_CHECK_THROWS_CODE(standard().transform(X), brine::Errc::invalid_input,
                            "StandardScaler: input row 0, column 1 is +infinity");
}

TEST_CASE("Scalers check the input's column count", "[models][scalers]") {
    using brine::Errc;
    const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(2, 3);
    double out[3];
    BRINE_CHECK_THROWS_CODE(standard().transform(X), Errc::shape_mismatch,
                            "StandardScaler expects 2 feature columns, got 3");
    BRINE_CHECK_THROWS_CODE(standard().transform_one(X.row(0), out, std::size(out)),
                            Errc::shape_mismatch,
                            "StandardScaler expects 2 feature columns, got 3");
    BRINE_CHECK_THROWS_CODE(min_max().transform(X), Errc::shape_mismatch,
                            "MinMaxScaler expects 2 feature columns, got 3");
    BRINE_CHECK_THROWS_CODE(min_max().transform_one(X.row(0), out, std::size(out)),
                            Errc::shape_mismatch, "MinMaxScaler expects 2 feature columns, got 3");
}

TEST_CASE("StandardScaler::validate rejects each broken invariant", "[models][scalers]") {
    using brine::Errc;
    brine::StandardScaler s = standard();
    SECTION("no features") {
        BRINE_CHECK_THROWS_CODE(brine::StandardScaler{}.validate(), Errc::invalid_model,
                                "StandardScaler: has no features");
    }
    SECTION("scale length differs from mean length") {
        s.scale = Eigen::VectorXd::Ones(3);
        BRINE_CHECK_THROWS_CODE(s.validate(), Errc::invalid_model,
                                "scale has 3 entries, mean has 2");
    }
    SECTION("non-finite mean") {
        s.mean(1) = nan_v;
        BRINE_CHECK_THROWS_CODE(s.validate(), Errc::invalid_model, "mean[1] is not finite");
    }
    SECTION("non-finite scale") {
        s.scale(0) = inf_v;
        BRINE_CHECK_THROWS_CODE(s.validate(), Errc::invalid_model, "scale[0] is not finite");
    }
    SECTION("zero scale") {
        s.scale(1) = -0.0;
        BRINE_CHECK_THROWS_CODE(s.validate(), Errc::invalid_model, "scale[1] is 0");
    }
}

TEST_CASE("MinMaxScaler::validate rejects each broken invariant", "[models][scalers]") {
    using brine::Errc;
    brine::MinMaxScaler s = min_max();
    SECTION("no features") {
        BRINE_CHECK_THROWS_CODE(brine::MinMaxScaler{}.validate(), Errc::invalid_model,
                                "MinMaxScaler: has no features");
    }
    SECTION("min length differs from scale length") {
        s.min = Eigen::VectorXd::Zero(1);
        BRINE_CHECK_THROWS_CODE(s.validate(), Errc::invalid_model,
                                "min has 1 entries, scale has 2");
    }
    SECTION("non-finite scale") {
        s.scale(1) = -inf_v;
        BRINE_CHECK_THROWS_CODE(s.validate(), Errc::invalid_model, "scale[1] is not finite");
    }
    SECTION("non-finite min") {
        s.min(0) = nan_v;
        BRINE_CHECK_THROWS_CODE(s.validate(), Errc::invalid_model, "min[0] is not finite");
    }
}

TEST_CASE("Scaler equality is bit-exact", "[models][scalers]") {
    CHECK(standard() == standard());
    brine::StandardScaler s = standard();
    s.mean(0) = 1.0000000000000002;
    CHECK(s != standard());
    const brine::StandardScaler zero(Eigen::Vector2d(0.0, 1.0), Eigen::Vector2d(1, 1));
    const brine::StandardScaler negative_zero(Eigen::Vector2d(-0.0, 1.0), Eigen::Vector2d(1, 1));
    CHECK(zero != negative_zero);

    CHECK(min_max() == min_max());
    brine::MinMaxScaler m = min_max();
    m.min(1) = 0.0;
    brine::MinMaxScaler n = min_max();
    n.min(1) = -0.0;
    CHECK(m != n);
    // The same numbers in the other scaler's fields are a different model.
    CHECK(brine::MinMaxScaler(Eigen::Vector2d(1, 2), Eigen::Vector2d(3, 4)) !=
          brine::MinMaxScaler(Eigen::Vector2d(3, 4), Eigen::Vector2d(1, 2)));
}
