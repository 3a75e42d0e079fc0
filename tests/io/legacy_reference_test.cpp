// Files written before models refused NaN and infinite inputs still load: the reference check
// skips the rows the model now refuses and checks the others (tests/data/legacy).
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <cmath>
#include <string>

#include "brine_catch.hpp"
#include "test_data.hpp"

namespace legacy_reference_test {

using brine::Errc;

TEST_CASE("a file written before NaN inputs were refused loads with them in its reference") {
    for (const char* name : {"logistic_nan_reference.brine", "logistic_nan_reference.json"}) {
        CAPTURE(name);
        const std::string path = test_data::dir() + "/legacy/" + name;
        const brine::FileInfo info = brine::inspect(path);
        REQUIRE(info.reference.inputs.rows() == 4);
        CHECK(std::isnan(info.reference.inputs(1, 0)));
        CHECK(std::isinf(info.reference.inputs(3, 1)));

        const auto m = brine::load<brine::LogisticRegression>(path);
        // The finite rows reproduce what the old library stored, computed here from the closed
        // form: p(1) = 1 / (1 + exp(-(0.5 x0 - 0.75 x1 + 0.125))).
        for (int row : {0, 2}) {
            const double x0 = info.reference.inputs(row, 0);
            const double x1 = info.reference.inputs(row, 1);
            const double p1 = 1.0 / (1.0 + std::exp(-(0.5 * x0 - 0.75 * x1 + 0.125)));
            CHECK(info.reference.outputs(row, 1) == Approx(p1).epsilon(1e-15));
            const Eigen::MatrixXd x = info.reference.inputs.row(row);
            CHECK(m.predict_proba(x)(0, 1) == Approx(p1).epsilon(1e-15));
        }
        // The rows the model refuses today are refused at prediction, not answered.
        const Eigen::MatrixXd nan_row = info.reference.inputs.row(1);
        BRINE_CHECK_THROWS_CODE(m.predict_proba(nan_row), Errc::invalid_input, "NaN");
    }
}

TEST_CASE("a legacy file's finite reference rows are still checked") {
    // The same stored reference against a model with one coefficient changed: the finite rows
    // disagree, so the check refuses it although the other rows are skipped.
    const std::string path = test_data::dir() + "/legacy/logistic_nan_reference.brine";
    const brine::FileInfo info = brine::inspect(path);
    auto m = brine::load<brine::LogisticRegression>(path);
    CHECK_NOTHROW(brine::detail::check_reference(m, info.reference));
    m.coef(0, 0) += 1e-6;
    BRINE_CHECK_THROWS_CODE(brine::detail::check_reference(m, info.reference),
                            Errc::reference_mismatch, "row 0 output");
}

TEST_CASE("a mismatch after a skipped reference row names the file's row") {
    // Rows 0 and 2 are finite, row 1 is skipped (NaN). A coefficient change that keeps row 0's
    // score, 0.5 x0 - 0.75 x1 + 0.125 at (1, 2), and moves row 2's at (-3, 0.5) is refused at the
    // file's row 2: the second computed row, which must be compared with the third stored one.
    const std::string path = test_data::dir() + "/legacy/logistic_nan_reference.brine";
    const brine::FileInfo info = brine::inspect(path);
    auto m = brine::load<brine::LogisticRegression>(path);
    m.coef(0, 0) += 2e-6;
    m.coef(0, 1) -= 1e-6;
    BRINE_CHECK_THROWS_CODE(brine::detail::check_reference(m, info.reference),
                            Errc::reference_mismatch, "row 2 output");
}

}  // namespace legacy_reference_test
