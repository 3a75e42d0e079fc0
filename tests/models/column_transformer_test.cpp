// Tests of brine::ColumnTransformer and of pipelines whose steps change the width: outputs computed
// by hand, every entry point agreeing, and every invariant refused by validate() with its message.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <cmath>
#include <limits>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"

namespace column_transformer_test {

using A = brine::ColumnBranch::Action;
using fixtures::columns;
using fixtures::vec;

/// The closed form of fixtures::column_transformer() for one row.
Eigen::RowVectorXd expected_row(const Eigen::RowVectorXd& x) {
    Eigen::RowVectorXd z(6);
    z << (x(2) - 1) / 2 / 0.5, (x(0) + 1) / 4 / 8, x(0), x(3) * 2 + 0.5, x(1), x(4) / 2;
    return z;
}

Eigen::MatrixXd inputs() {
    Eigen::MatrixXd X(3, 5);
    X << 1, 2, 3, 4, 5,  //
        -0.5, 0.25, 8, -3, 1e3, 0, 0, 0, 0, 0;
    return X;
}

TEST_CASE("ColumnTransformer: branches in order, remainder last, nested and chained steps",
          "[models][column_transformer]") {
    const brine::ColumnTransformer ct = fixtures::column_transformer();
    ct.validate();
    CHECK(ct.n_features() == 5);
    CHECK(ct.n_features_out() == 6);
    CHECK(ct.n_outputs() == 6);
    CHECK(ct.depth() == 2);
    CHECK(ct.total_steps() == 5);
    const Eigen::MatrixXd X = inputs();
    const Eigen::MatrixXd Z = ct.transform(X);
    REQUIRE(Z.rows() == 3);
    REQUIRE(Z.cols() == 6);
    Eigen::MatrixXd into(3, 6);
    ct.transform_into(X, into);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        const Eigen::RowVectorXd want = expected_row(X.row(i));
        for (Eigen::Index j = 0; j < 6; ++j) {
            INFO("row " << i << " column " << j);
            CHECK(Z(i, j) == want(j));  // each a division or two of exact values: no rounding
            CHECK(into(i, j) == want(j));
        }
        std::vector<double> one(6);
        ct.transform_one(X.row(i), one);
        for (Eigen::Index j = 0; j < 6; ++j) CHECK(one[static_cast<std::size_t>(j)] == want(j));
    }
    const brine::AnyModel any = ct;
    CHECK(any.transform(X) == Z);
    CHECK(any.kind() == brine::ModelKind::column_transformer);
    CHECK(brine::kind_name(any.kind()) == "column_transformer");
}

TEST_CASE("ColumnTransformer: repeated and empty column lists, as scikit-learn allows",
          "[models][column_transformer]") {
    brine::ColumnTransformer ct;
    ct.n_features_in = 2;
    ct.branches.push_back({"twice", columns({1, 1}), A::passthrough, {}});
    ct.branches.push_back({"none", columns({}), A::passthrough, {}});
    ct.remainder = {"remainder", columns({0}), A::drop, {}};
    ct.validate();
    Eigen::MatrixXd X(1, 2);
    X << 7, -std::numeric_limits<double>::infinity();
    // Passthrough copies what it gets, infinities included (scikit-learn checks nothing there).
    const Eigen::MatrixXd Z = ct.transform(X);
    REQUIRE(Z.cols() == 2);
    CHECK(std::isinf(Z(0, 0)));
    CHECK(std::isinf(Z(0, 1)));
}

TEST_CASE("ColumnTransformer: a step's refusal names the branch", "[models][column_transformer]") {
    const brine::ColumnTransformer ct = fixtures::column_transformer();
    Eigen::MatrixXd X = inputs();
    X(1, 2) = std::numeric_limits<double>::infinity();
    BRINE_CHECK_THROWS_CODE(ct.transform(X), brine::Errc::invalid_input,
                            "ColumnTransformer branch 0 'scaled': StandardScaler: input row 1, "
                            "column 0 is +infinity");
    BRINE_CHECK_THROWS_CODE(ct.transform_one(X.row(1), std::vector<double>(6)),
                            brine::Errc::invalid_input,
                            "ColumnTransformer branch 0 'scaled': StandardScaler: input column 0");
    BRINE_CHECK_THROWS_CODE(ct.transform(Eigen::MatrixXd(2, 4)), brine::Errc::shape_mismatch,
                            "ColumnTransformer expects 5 feature columns, got 4");
    Eigen::MatrixXd small(3, 5);
    BRINE_CHECK_THROWS_CODE(ct.transform_into(inputs(), small), brine::Errc::shape_mismatch,
                            "ColumnTransformer::transform_into writes 3 x 6 values, the output is "
                            "3 x 5");
    BRINE_CHECK_THROWS_CODE(ct.transform_one(inputs().row(0), std::vector<double>(5)),
                            brine::Errc::shape_mismatch,
                            "writes 6 values, the output buffer holds 5");
}

TEST_CASE("Pipeline: a ColumnTransformer step widens the input for the estimator",
          "[models][column_transformer][pipeline]") {
    const brine::Pipeline p = fixtures::pipeline_column_transformer();
    p.validate();
    CHECK(p.n_features() == 5);
    CHECK(p.n_features_out() == 6);
    const auto& lr = std::get<brine::LogisticRegression>(p.estimator);
    const Eigen::MatrixXd X = inputs();
    const Eigen::MatrixXd Z = fixtures::column_transformer().transform(X);
    CHECK(p.transform(X) == Z);
    const Eigen::MatrixXd want = lr.predict_proba(Z);
    const Eigen::MatrixXd got = p.predict_proba(X);
    CHECK(got == want);
    CHECK(p.predict(X) == lr.predict(Z));
    const brine::RowMatrix Xr = X;
    CHECK(p.predict_proba(Xr) == want);  // the Rows path: blocks through two buffers
    CHECK(p.predict(Xr) == lr.predict(Z));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        std::vector<double> out(3);
        p.predict_proba_one(X.row(i), out);
        for (Eigen::Index k = 0; k < 3; ++k) CHECK(out[static_cast<std::size_t>(k)] == want(i, k));
        CHECK(p.predict_one(X.row(i)) == lr.predict(Z.row(i))(0));
    }
    // A refusal inside the ColumnTransformer names the caller's row, in every form.
    Eigen::MatrixXd bad = Eigen::MatrixXd::Zero(300, 5);
    bad(290, 4) = -std::numeric_limits<double>::infinity();
    BRINE_CHECK_THROWS_CODE(p.predict(bad), brine::Errc::invalid_input,
                            "ColumnTransformer remainder: StandardScaler: input row 290, column 0");
    const brine::RowMatrix bad_r = bad;
    BRINE_CHECK_THROWS_CODE(p.predict(bad_r), brine::Errc::invalid_input,
                            "ColumnTransformer remainder: StandardScaler: input row 290, column 0");
    BRINE_CHECK_THROWS_CODE(p.transform(bad), brine::Errc::invalid_input, "input row 290");
}

TEST_CASE("Pipeline: widths must chain through width-changing steps",
          "[models][column_transformer][pipeline]") {
    brine::Pipeline p = fixtures::pipeline_column_transformer();
    p.estimator = fixtures::logistic_multi();  // 2 features, the ColumnTransformer gives 6
    BRINE_CHECK_THROWS_CODE(p.validate(), brine::Errc::invalid_model,
                            "Pipeline: estimator expects 2 features but the step before it "
                            "produces 6");
    brine::Pipeline q({fixtures::column_transformer(), fixtures::standard_scaler()},
                      fixtures::logistic_multi());
    BRINE_CHECK_THROWS_CODE(
        q.validate(), brine::Errc::invalid_model,
        "Pipeline: step 1 expects 2 features but the step before it produces 6");
}

/// Validates ct expecting Errc::invalid_model and `message`.
void refused(const brine::ColumnTransformer& ct, const std::string& message) {
    BRINE_CHECK_THROWS_CODE(ct.validate(), brine::Errc::invalid_model, message);
}

TEST_CASE("ColumnTransformer: validate() refuses every broken invariant",
          "[models][column_transformer]") {
    using CT = brine::ColumnTransformer;
    CT ct = fixtures::column_transformer();
    ct.n_features_in = 0;
    refused(ct, "ColumnTransformer: has no input features");
    ct = fixtures::column_transformer();
    ct.n_features_in = 9;
    refused(ct,
            "ColumnTransformer: 9 input features but the branches and the remainder list 7 "
            "columns: the remainder must list every column no branch takes");
    ct = fixtures::column_transformer();
    ct.branches[1].columns(0) = 5;
    refused(ct, "ColumnTransformer: branch 1 'copy' column 5 is out of range for 5 input features");
    ct.branches[1].columns(0) = -1;
    refused(ct, "branch 1 'copy' column -1 is out of range");
    ct = fixtures::column_transformer();
    ct.branches[1].name = "scaled";
    refused(ct, "ColumnTransformer: two branches are named 'scaled'");
    ct.branches[1].name = "";
    refused(ct, "ColumnTransformer: branch 1 has no name");
    ct.branches[1].name = "remainder";
    refused(ct, "ColumnTransformer: branch 1 'remainder': the name 'remainder' is the remainder's");
    ct = fixtures::column_transformer();
    ct.remainder.name = "rest";
    refused(ct, "ColumnTransformer: the remainder is named 'rest', expected 'remainder'");
    ct = fixtures::column_transformer();
    ct.branches[1].steps.push_back(fixtures::standard_scaler());
    refused(ct, "ColumnTransformer: branch 1 'copy' is passthrough but has 1 steps");
    ct = fixtures::column_transformer();
    ct.branches[0].steps.clear();
    refused(ct, "ColumnTransformer: branch 0 'scaled' has no steps");
    ct = fixtures::column_transformer();
    ct.branches[0].columns = columns({2});
    refused(ct,
            "ColumnTransformer: branch 0 'scaled' step 0 expects 2 features but the branch "
            "takes 1");
    ct = fixtures::column_transformer();
    ct.branches[0].steps[1] = brine::MaxAbsScaler(vec({1, 1, 1}));
    refused(ct,
            "ColumnTransformer: branch 0 'scaled' step 1 expects 3 features but the step "
            "before it produces 2");
    ct = fixtures::column_transformer();
    std::get<brine::StandardScaler>(ct.branches[0].steps[0]).scale(1) = 0;
    refused(ct, "ColumnTransformer: branch 0 'scaled' step 0: StandardScaler: scale[1] is 0");
    ct = fixtures::column_transformer();
    std::get<CT>(ct.branches[2].steps[0]).remainder.columns = columns({});
    refused(ct,
            "ColumnTransformer: branch 2 'nested' step 0: ColumnTransformer: 2 input features "
            "but the branches and the remainder list 1 columns");
    ct = fixtures::column_transformer();
    ct.branches[1].columns = columns({0, 0});
    ct.remainder = {"remainder", columns({}), A::passthrough, {}};
    refused(ct, "ColumnTransformer: the remainder lists 0 columns, 1 are taken by no branch");
    // The remainder: exactly the columns no branch takes, ascending.
    ct = fixtures::column_transformer();
    ct.remainder.columns = columns({0});
    refused(ct, "ColumnTransformer: remainder column 0 is taken by a branch");
    ct = fixtures::column_transformer();
    ct.branches[3].columns = columns({});
    ct.remainder = {"remainder", columns({4, 3}), A::passthrough, {}};
    refused(ct, "ColumnTransformer: remainder columns are not strictly ascending at 1");
    // Nothing out.
    CT empty;
    empty.n_features_in = 1;
    empty.branches.push_back({"gone", columns({0}), A::drop, {}});
    refused(empty, "ColumnTransformer: produces no output columns");
}

TEST_CASE("ColumnTransformer: nesting deeper than max_nesting is refused without deeper recursion",
          "[models][column_transformer]") {
    brine::ColumnTransformer ct;
    ct.n_features_in = 1;
    ct.remainder = {"remainder", columns({0}), A::passthrough, {}};
    for (int d = 1; d < brine::ColumnTransformer::max_nesting; ++d) {
        brine::ColumnTransformer outer;
        outer.n_features_in = 1;
        outer.branches.push_back({"in", columns({0}), A::steps, {ct}});
        ct = std::move(outer);
    }
    CHECK(ct.depth() == brine::ColumnTransformer::max_nesting);
    ct.validate();
    Eigen::MatrixXd X(1, 1);
    X << 4;
    CHECK(ct.transform(X)(0, 0) == 4.0);
    std::vector<double> one(1);
    ct.transform_one(X.row(0), one);
    CHECK(one[0] == 4.0);
    brine::ColumnTransformer deeper;
    deeper.n_features_in = 1;
    deeper.branches.push_back({"in", columns({0}), A::steps, {ct}});
    refused(deeper, "ColumnTransformer: nested 33 deep, more than the limit of 32");
}

}  // namespace column_transformer_test
