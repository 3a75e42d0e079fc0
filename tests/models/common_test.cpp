// Tests of the shared model helpers: column checks, finiteness checks, argmax, bit equality.
// SPDX-License-Identifier: MIT
#include "brine/models/common.hpp"

#include <cmath>
#include <limits>

#include "brine_catch.hpp"
#include "special_values.hpp"

namespace {
using special_values::inf_v;
using special_values::nan_v;
}  // namespace

TEST_CASE("check_columns names the model, the expected and the actual count", "[models][common]") {
    CHECK_NOTHROW(brine::detail::check_columns(3, 3, "Model"));
    BRINE_CHECK_THROWS_CODE(brine::detail::check_columns(4, 3, "Model"),
                            brine::Errc::shape_mismatch,
                            "brine: shape mismatch: Model expects 3 feature columns, got 4");
}

TEST_CASE("invalid_model prefixes the model name", "[models][common]") {
    BRINE_CHECK_THROWS_CODE(brine::detail::invalid_model("Model", "is broken"),
                            brine::Errc::invalid_model, "brine: invalid model: Model: is broken");
}

TEST_CASE("require_finite names the first NaN or infinity", "[models][common]") {
    Eigen::VectorXd v(4);
    v << 1, 2, 3, 4;
    CHECK_NOTHROW(brine::detail::require_finite(v, "M", "v"));
    v(2) = inf_v;
    v(3) = nan_v;
    BRINE_CHECK_THROWS_CODE(brine::detail::require_finite(v, "M", "v"), brine::Errc::invalid_model,
                            "M: v[2] is not finite (NaN or infinity)");

    // Matrices are reported as [row, col] whatever their storage order.
    brine::RowMatrix r = brine::RowMatrix::Zero(3, 4);
    r(1, 3) = -inf_v;
    BRINE_CHECK_THROWS_CODE(brine::detail::require_finite(r, "M", "r"), brine::Errc::invalid_model,
                            "r[1, 3]");
    Eigen::MatrixXd c = Eigen::MatrixXd::Zero(3, 4);
    c(2, 1) = nan_v;
    BRINE_CHECK_THROWS_CODE(brine::detail::require_finite(c, "M", "c"), brine::Errc::invalid_model,
                            "c[2, 1]");

    const brine::IndexVector ints =
        brine::IndexVector::Constant(3, 7);  // integers are always finite
    CHECK(brine::detail::first_non_finite(ints) == -1);
}

TEST_CASE("argmax follows numpy: first maximum wins, first NaN wins", "[models][common]") {
    using brine::detail::argmax;
    const double ties[] = {1.0, 3.0, 2.0, 3.0};
    CHECK(argmax(ties, 4) == 1);
    const double one[] = {-5.0};
    CHECK(argmax(one, 1) == 0);
    const double with_nan[] = {1.0, 5.0, nan_v, 7.0, nan_v};
    CHECK(argmax(with_nan, 5) == 2);
    const double nan_first[] = {nan_v, 5.0};
    CHECK(argmax(nan_first, 2) == 0);
    const double infinities[] = {-inf_v, -inf_v, inf_v, inf_v};
    CHECK(argmax(infinities, 4) == 2);
    const double all_minus_inf[] = {-inf_v, -inf_v};
    CHECK(argmax(all_minus_inf, 2) == 0);
    Eigen::RowVectorXd row(3);
    row << -1, -0.5, -0.5;
    CHECK(argmax(row, 3) == 1);
}

TEST_CASE("same_bits compares shape and bytes", "[models][common]") {
    using brine::detail::same_bits;
    Eigen::VectorXd a(2), b(2);
    a << 0.0, 1.0;
    b << 0.0, 1.0;
    CHECK(same_bits(a, b));
    b(0) = -0.0;  // equal as numbers, different bits
    CHECK_FALSE(same_bits(a, b));
    a(0) = nan_v;
    b(0) = nan_v;  // a NaN equals the same NaN
    CHECK(same_bits(a, b));
    b(0) = -nan_v;  // and every other NaN: brine files keep no NaN sign or payload
    CHECK(std::signbit(b(0)));
    CHECK(same_bits(a, b));
    b(0) = 0.0;  // but not a number
    CHECK_FALSE(same_bits(a, b));
    CHECK_FALSE(same_bits(b, a));
    CHECK_FALSE(same_bits(Eigen::VectorXd::Zero(2), Eigen::VectorXd::Zero(3)));
    CHECK_FALSE(same_bits(Eigen::MatrixXd::Zero(2, 3), Eigen::MatrixXd::Zero(3, 2)));
    CHECK(same_bits(Eigen::MatrixXd(0, 0), Eigen::MatrixXd(0, 0)));
    // Storage order does not matter, element (i, j) is compared with element (i, j).
    Eigen::MatrixXd cm(2, 2);
    cm << 1, 2, 3, 4;
    const brine::RowMatrix rm = cm;
    CHECK(same_bits(cm, rm));
    brine::IndexVector i1(2), i2(2);
    i1 << 1, -1;
    i2 << 1, -1;
    CHECK(same_bits(i1, i2));
    i2(1) = -2;
    CHECK_FALSE(same_bits(i1, i2));
}

TEST_CASE("RowRef binds rows of either storage order and transposed vectors", "[models][common]") {
    Eigen::MatrixXd X(2, 3);
    X << 1, 2, 3, 4, 5, 6;
    const brine::RowMatrix R = X;
    const Eigen::VectorXd v = X.row(1).transpose();
    auto second = [](const brine::RowRef& x) { return x(1); };
    CHECK(second(X.row(1)) == 5.0);
    CHECK(second(R.row(1)) == 5.0);
    CHECK(second(v.transpose()) == 5.0);
    // A strided row is viewed in place, not copied.
    const brine::RowRef strided = X.row(1);
    CHECK(strided.data() == &X(1, 0));
    CHECK(strided.innerStride() == 2);
}
