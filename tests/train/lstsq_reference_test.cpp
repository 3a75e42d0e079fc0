// brine::train::linear_regression's minimum-norm least squares against numpy.linalg.lstsq and
// scikit-learn, on rank-deficient designs and designs with fewer rows than columns.
// SPDX-License-Identifier: MIT
//
// Every expected number comes from tests/reference/make_lstsq_reference.py, which wrote the
// designs and the fits to tests/data/sklearn_reference/lstsq/ (see the script's docstring).
#include <string>

#include "brine/train/linear.hpp"
#include "brine_catch.hpp"
#include "csv.hpp"
#include "test_data.hpp"

// A named namespace, not an anonymous one: the tests of an area compile together (unity
// batches), and this file's helpers must not meet another file's.
namespace lstsq_reference_test {

const std::string lstsq_dir = test_data::dir() + "/sklearn_reference/lstsq/";

Eigen::MatrixXd read(const std::string& file) {
    return brine::test::read_csv(lstsq_dir + file).data;
}

TEST_CASE("linear_regression gives numpy.linalg.lstsq's minimum-norm fit") {
    struct Case {
        const char* name;
        bool fit_intercept;
    };
    for (const Case c :
         {Case{"wide_no_intercept", false}, Case{"wide", true}, Case{"rank_deficient", true},
          Case{"rank_deficient_no_intercept", false}, Case{"wide_rank_deficient", true}}) {
        INFO(c.name);
        const Eigen::MatrixXd X = read(std::string(c.name) + "_X.csv");
        const Eigen::MatrixXd Y = read(std::string(c.name) + "_Y.csv");
        const Eigen::MatrixXd expected = read(std::string(c.name) + "_fit.csv");
        brine::train::LinearOptions o;
        o.fit_intercept = c.fit_intercept;
        const brine::LinearRegression m = brine::train::linear_regression(X, Y, o);
        REQUIRE(m.coef.rows() == expected.rows());
        REQUIRE(m.coef.cols() + 1 == expected.cols());
        const Eigen::MatrixXd W = expected.leftCols(X.cols());
        // Weights relative to the largest one; intercepts absolutely (they are O(1) here).
        CHECK((m.coef - W).cwiseAbs().maxCoeff() / W.cwiseAbs().maxCoeff() < 1e-10);
        CHECK((m.intercept - expected.col(X.cols())).cwiseAbs().maxCoeff() < 1e-10);
        // A vector target takes the same path as a one-column matrix.
        if (Y.cols() == 1) {
            const Eigen::VectorXd y = Y.col(0);
            CHECK(brine::train::linear_regression(X, y, o) == m);
        }
    }
}

}  // namespace lstsq_reference_test
