// Consumer test program: uses brine as an outside project would and checks hand-computed results.
// SPDX-License-Identifier: MIT
// Standard headers first, as a user's file may have them: <iomanip>'s std::quoted must not be found
// by argument-dependent lookup inside brine's headers.
#include <filesystem>
#include <iomanip>
#include <sstream>
// clang-format off
#include <brine/brine.hpp>
// clang-format on

#include <cmath>
#include <cstdio>

namespace {

int failures = 0;

void expect_near(double got, double want, const char* what) {
    if (!(std::fabs(got - want) <= 1e-12)) {
        std::fprintf(stderr, "MISMATCH %s: got %.17g, want %.17g\n", what, got, want);
        ++failures;
    }
}

}  // namespace

int main() {
    // y = 2*x0 - x1 + 0.5
    const Eigen::Vector2d coef(2.0, -1.0);
    const brine::LinearRegression linear(coef, 0.5);
    linear.validate();
    Eigen::MatrixXd X(2, 2);
    X << 1.0, 2.0,  //
        3.0, 1.0;
    const Eigen::VectorXd y = linear.predict(X);
    expect_near(y(0), 0.5, "linear row 0");
    expect_near(y(1), 5.5, "linear row 1");

    // Scaler (x - (1, 2)) / (2, 4), then y = z0 + 2*z1 + 3.
    const brine::StandardScaler scaler(Eigen::Vector2d(1.0, 2.0), Eigen::Vector2d(2.0, 4.0));
    const brine::Pipeline pipeline({scaler},
                                   brine::LinearRegression(Eigen::Vector2d(1.0, 2.0), 3.0));
    pipeline.validate();
    Eigen::MatrixXd Z(3, 2);
    Z << 3.0, 6.0,  // scaled (1, 1)     -> 6
        1.0, 2.0,   // scaled (0, 0)     -> 3
        -1.0, 0.0;  // scaled (-1, -0.5) -> 1
    const Eigen::VectorXd p = pipeline.predict(Z);
    expect_near(p(0), 6.0, "pipeline row 0");
    expect_near(p(1), 3.0, "pipeline row 1");
    expect_near(p(2), 1.0, "pipeline row 2");
    expect_near(pipeline.predict_one(Z.row(2)), 1.0, "pipeline predict_one");

    // A wrong column count is a brine::Error, not undefined behaviour.
    bool threw = false;
    try {
        (void)pipeline.predict(Eigen::MatrixXd::Zero(1, 3));
    } catch (const brine::Error& e) {
        threw = e.code() == brine::Errc::shape_mismatch;
    }
    if (!threw) {
        std::fprintf(stderr, "MISMATCH: a 3-column input did not throw Errc::shape_mismatch\n");
        ++failures;
    }

    if (failures != 0) return 1;
    std::printf("brine %s consumer: all checks passed\n", brine::library_version_string);
    return 0;
}
