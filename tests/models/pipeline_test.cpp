// Tests of brine::Pipeline: the chain computed by hand, width checks, every entry point's errors.
// SPDX-License-Identifier: MIT
#include "brine/models/pipeline.hpp"

#include <cmath>
#include <limits>

#include "brine_catch.hpp"

namespace {

constexpr std::int32_t pipeline_leaf = brine::DecisionTree::leaf;

brine::StandardScaler scaler() {
    return brine::StandardScaler(Eigen::Vector2d(1, -2), Eigen::Vector2d(2, 0.5));
}

/// Binary: score = z0 - 2 z1 + 0.5 on the scaled features; labels -1 and 3.
brine::LogisticRegression logistic() {
    brine::RowMatrix coef(1, 2);
    coef << 1.0, -2.0;
    return brine::LogisticRegression(coef, Eigen::VectorXd::Constant(1, 0.5),
                                     Eigen::Vector2d(-1, 3));
}

/// Classifier stump on feature 1: z1 <= 0 ? (0.9, 0.1) : (0.2, 0.8); labels 0, 1.
brine::DecisionTree stump(brine::DecisionTree::Task task) {
    brine::DecisionTree t;
    t.task = task;
    t.n_features_in = 2;
    t.children_left.resize(3);
    t.children_left << 1, pipeline_leaf, pipeline_leaf;
    t.children_right.resize(3);
    t.children_right << 2, pipeline_leaf, pipeline_leaf;
    t.feature.resize(3);
    t.feature << 1, -2, -2;
    t.threshold.resize(3);
    t.threshold << 0.0, -2, -2;
    if (task == brine::DecisionTree::Task::classification) {
        t.value.resize(3, 2);
        t.value << 0.5, 0.5, 0.9, 0.1, 0.2, 0.8;
        t.classes = Eigen::Vector2d(0, 1);
    } else {
        t.value.resize(3, 1);
        t.value << 0, -1, 1;
    }
    return t;
}

double logistic_fn(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

TEST_CASE("Pipeline runs scaler then logistic regression", "[models][pipeline]") {
    const brine::StandardScaler sc = scaler();
    const brine::LogisticRegression lr = logistic();
    brine::Pipeline pipe({sc}, lr);  // the quick-start form
    pipe.validate();
    CHECK(pipe.n_features() == 2);
    CHECK(pipe.is_classifier());
    CHECK(pipe.n_classes() == 2);
    Eigen::MatrixXd X(2, 2);
    X << 3, -1,  // scaled (1, 2): score 1 - 4 + 0.5 = -2.5
        5, -2;   // scaled (2, 0): score 2.5
    const Eigen::MatrixXd Z = pipe.transform(X);
    CHECK(Z(0, 0) == 1.0);
    CHECK(Z(0, 1) == 2.0);
    CHECK(Z(1, 0) == 2.0);
    CHECK(Z(1, 1) == 0.0);
    const Eigen::VectorXd y = pipe.predict(X);
    CHECK(y(0) == -1.0);
    CHECK(y(1) == 3.0);
    const Eigen::MatrixXd p = pipe.predict_proba(X);
    CHECK_THAT(p(0, 1), WithinRel(logistic_fn(-2.5), 1e-14));
    CHECK_THAT(p(1, 1), WithinRel(logistic_fn(2.5), 1e-14));
    const brine::RowMatrix Xr = X;
    double out[2];
    for (Eigen::Index i = 0; i < 2; ++i) {
        CHECK(pipe.predict_one(X.row(i)) == y(i));
        CHECK(pipe.predict_one(Xr.row(i)) == y(i));
        const Eigen::VectorXd v = X.row(i).transpose();
        CHECK(pipe.predict_one(v.transpose()) == y(i));
        pipe.predict_proba_one(X.row(i), out, std::size(out));
        CHECK_THAT(out[0], WithinAbs(p(i, 0), 1e-15));
        CHECK_THAT(out[1], WithinAbs(p(i, 1), 1e-15));
        CHECK_THAT(out[0] + out[1], WithinAbs(1.0, 1e-15));
    }
    // The input row is left alone by the single-row path.
    CHECK(X(0, 0) == 3.0);
}

TEST_CASE("Pipeline chains two transforms into a tree", "[models][pipeline]") {
    // Standard: z = ((x0 - 1) / 2, (x1 + 2) / 0.5); then min-max: w = (z0, z1 * 1 - 1).
    const brine::MinMaxScaler mm(Eigen::Vector2d(1, 1), Eigen::Vector2d(0, -1));
    const brine::Pipeline pipe({scaler(), mm}, stump(brine::DecisionTree::Task::classification));
    pipe.validate();
    Eigen::MatrixXd X(3, 2);
    X << 0, -1.5,  // z1 = 1, w1 = 0: left (0.9, 0.1) -> 0
        0, -1.4,   // w1 = 0.2 > 0: right -> 1
        0, -5;     // w1 = -7: left -> 0
    const Eigen::VectorXd y = pipe.predict(X);
    CHECK(y(0) == 0.0);
    CHECK(y(1) == 1.0);
    CHECK(y(2) == 0.0);
    const Eigen::MatrixXd p = pipe.predict_proba(X);
    CHECK(p(0, 0) == 0.9);
    CHECK(p(1, 1) == 0.8);
    double out[2];
    for (Eigen::Index i = 0; i < 3; ++i) {
        CHECK(pipe.predict_one(X.row(i)) == y(i));
        pipe.predict_proba_one(X.row(i), out, std::size(out));
        CHECK(out[0] == p(i, 0));
        CHECK(out[1] == p(i, 1));
    }
}

TEST_CASE("Pipeline without transforms is its estimator", "[models][pipeline]") {
    const brine::Pipeline pipe({}, logistic());
    pipe.validate();
    Eigen::MatrixXd X(1, 2);
    X << 1, 1;  // score -0.5
    CHECK(pipe.predict(X)(0) == -1.0);
    CHECK(pipe.predict_one(X.row(0)) == -1.0);
    CHECK_THAT(pipe.predict_proba(X)(0, 1), WithinRel(logistic_fn(-0.5), 1e-14));
    double out[2];
    pipe.predict_proba_one(X.row(0), out, std::size(out));
    CHECK_THAT(out[1], WithinRel(logistic_fn(-0.5), 1e-14));
    CHECK(pipe.transform(X) == X);
}

TEST_CASE("Pipeline batches of many blocks give what the steps give on all of X",
          "[models][pipeline]") {
    // predict and predict_proba transform block_rows rows at a time; the rows are independent,
    // so the result must be bit-identical to the steps applied one after another to all of X,
    // including the last, partial block and a single row.
    const brine::Pipeline pipe(
        {scaler(), brine::MinMaxScaler(Eigen::Vector2d(0.5, 3), Eigen::Vector2d(-1, 0.25))},
        logistic());
    for (const Eigen::Index rows : {Eigen::Index{0}, Eigen::Index{1}, brine::Pipeline::block_rows,
                                    3 * brine::Pipeline::block_rows + 17}) {
        Eigen::MatrixXd X(rows, 2);
        for (Eigen::Index i = 0; i < rows; ++i) X.row(i) << 0.01 * i - 3, std::sin(0.1 * i) * 4;
        const Eigen::MatrixXd Z =
            std::get<brine::MinMaxScaler>(pipe.steps[1])
                .transform(std::get<brine::StandardScaler>(pipe.steps[0]).transform(X));
        CHECK(brine::detail::same_bits(pipe.transform(X), Z));
        CHECK(brine::detail::same_bits(pipe.predict(X), logistic().predict(Z)));
        CHECK(brine::detail::same_bits(pipe.predict_proba(X), logistic().predict_proba(Z)));
    }
}

TEST_CASE("Pipeline single-row path works beyond the stack buffer's width", "[models][pipeline]") {
    const Eigen::Index n = brine::Pipeline::stack_width + 44;
    const brine::StandardScaler sc(Eigen::VectorXd::Constant(n, 1.0),
                                   Eigen::VectorXd::Constant(n, 2.0));
    const brine::LinearRegression lin(Eigen::VectorXd::Ones(n), 0.5);
    const brine::Pipeline pipe({sc, sc}, lin);
    pipe.validate();
    const Eigen::MatrixXd X = Eigen::MatrixXd::Constant(2, n, 7.0);
    // (7 - 1) / 2 = 3, (3 - 1) / 2 = 1 per feature: n * 1 + 0.5.
    const double expected = static_cast<double>(n) + 0.5;
    CHECK(pipe.predict(X)(1) == expected);
    CHECK(pipe.predict_one(X.row(1)) == expected);
    CHECK(pipe.predict_one(X.row(0)) == expected);
}

TEST_CASE("Pipeline checks the input's column count on every entry point", "[models][pipeline]") {
    using brine::Errc;
    const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(2, 3);
    double out[2];
    const brine::Pipeline with_steps({scaler()}, logistic());
    const brine::Pipeline without_steps({}, logistic());
    for (const brine::Pipeline& pipe : {with_steps, without_steps}) {
        BRINE_CHECK_THROWS_CODE(pipe.predict(X), Errc::shape_mismatch,
                                "expects 2 feature columns, got 3");
        BRINE_CHECK_THROWS_CODE(pipe.predict_proba(X), Errc::shape_mismatch,
                                "expects 2 feature columns, got 3");
        BRINE_CHECK_THROWS_CODE(pipe.transform(X), Errc::shape_mismatch,
                                "Pipeline expects 2 feature columns, got 3");
        BRINE_CHECK_THROWS_CODE(pipe.predict_one(X.row(0)), Errc::shape_mismatch,
                                "Pipeline expects 2 feature columns, got 3");
        BRINE_CHECK_THROWS_CODE(pipe.predict_proba_one(X.row(0), out, std::size(out)),
                                Errc::shape_mismatch, "Pipeline expects 2 feature columns, got 3");
    }
}

TEST_CASE("Pipeline that skipped validate() still never reads out of bounds",
          "[models][pipeline]") {
    // Scaler of width 2 feeding a model of width 3: every path stops at a shape check.
    brine::RowMatrix coef = brine::RowMatrix::Ones(1, 3);
    const brine::Pipeline pipe({scaler()}, brine::LogisticRegression(coef, Eigen::VectorXd::Zero(1),
                                                                     Eigen::Vector2d(0, 1)));
    const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(1, 2);
    double out[3];
    BRINE_CHECK_THROWS_CODE(pipe.predict(X), brine::Errc::shape_mismatch,
                            "LogisticRegression expects 3 feature columns, got 2");
    BRINE_CHECK_THROWS_CODE(pipe.predict_one(X.row(0)), brine::Errc::shape_mismatch,
                            "LogisticRegression expects 3 feature columns, got 2");
    BRINE_CHECK_THROWS_CODE(pipe.predict_proba_one(X.row(0), out, std::size(out)),
                            brine::Errc::shape_mismatch,
                            "LogisticRegression expects 3 feature columns, got 2");
}

TEST_CASE("Pipeline predict_proba needs a classifying estimator", "[models][pipeline]") {
    using brine::Errc;
    const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(1, 2);
    double out[2];
    const brine::Pipeline linear({scaler()}, brine::LinearRegression(Eigen::Vector2d(1, 1), 0.0));
    CHECK_FALSE(linear.is_classifier());
    CHECK(linear.n_classes() == 0);
    CHECK(linear.predict(X)(0) == 3.5);  // scaled (-0.5, 4) summed
    BRINE_CHECK_THROWS_CODE(
        linear.predict_proba(X), Errc::invalid_argument,
        "predict_proba needs a classifier; this Pipeline ends in LinearRegression");
    BRINE_CHECK_THROWS_CODE(linear.predict_proba_one(X.row(0), out, std::size(out)),
                            Errc::invalid_argument, "this Pipeline ends in LinearRegression");
    const brine::Pipeline regressor({scaler()}, stump(brine::DecisionTree::Task::regression));
    CHECK_FALSE(regressor.is_classifier());
    CHECK(regressor.n_classes() == 0);
    BRINE_CHECK_THROWS_CODE(regressor.predict_proba(X), Errc::invalid_argument,
                            "this DecisionTree is a regressor");
    BRINE_CHECK_THROWS_CODE(regressor.predict_proba_one(X.row(0), out, std::size(out)),
                            Errc::invalid_argument, "this DecisionTree is a regressor");
}

TEST_CASE("Pipeline::validate rejects each broken invariant", "[models][pipeline]") {
    using brine::Errc;
    SECTION("an invalid step, named by position") {
        const brine::Pipeline pipe({scaler(), brine::MinMaxScaler{}}, logistic());
        BRINE_CHECK_THROWS_CODE(
            pipe.validate(), Errc::invalid_model,
            "brine: invalid model: Pipeline step 1: MinMaxScaler: has no features");
    }
    SECTION("an invalid estimator") {
        brine::LogisticRegression lr = logistic();
        lr.intercept(0) = std::numeric_limits<double>::quiet_NaN();
        const brine::Pipeline pipe({scaler()}, lr);
        BRINE_CHECK_THROWS_CODE(
            pipe.validate(), Errc::invalid_model,
            "Pipeline estimator: LogisticRegression: intercept[0] is not finite");
    }
    SECTION("steps whose widths do not chain") {
        const brine::MinMaxScaler three(Eigen::Vector3d::Ones(), Eigen::Vector3d::Zero());
        const brine::Pipeline pipe({scaler(), three}, logistic());
        BRINE_CHECK_THROWS_CODE(
            pipe.validate(), Errc::invalid_model,
            "Pipeline: step 1 expects 3 features but the step before it produces 2");
    }
    SECTION("estimator wider than the last step") {
        const brine::Pipeline pipe({scaler()},
                                   brine::LinearRegression(Eigen::Vector3d::Ones(), 0.0));
        BRINE_CHECK_THROWS_CODE(
            pipe.validate(), Errc::invalid_model,
            "Pipeline: estimator expects 3 features but the step before it produces 2");
    }
    SECTION("no estimator parameters") {
        const brine::Pipeline pipe;
        BRINE_CHECK_THROWS_CODE(
            pipe.validate(), Errc::invalid_model,
            "Pipeline estimator: LinearRegression: coef must be at least 1 x 1");
    }
}

TEST_CASE("Pipeline equality compares steps in order and the estimator bit for bit",
          "[models][pipeline]") {
    const brine::MinMaxScaler mm(Eigen::Vector2d(1, 1), Eigen::Vector2d(0, -1));
    const brine::Pipeline a({scaler(), mm}, logistic());
    CHECK(a == brine::Pipeline({scaler(), mm}, logistic()));
    CHECK(a != brine::Pipeline({mm, scaler()}, logistic()));
    CHECK(a != brine::Pipeline({scaler()}, logistic()));
    CHECK(a != brine::Pipeline({scaler(), mm}, stump(brine::DecisionTree::Task::classification)));
    brine::LogisticRegression lr = logistic();
    lr.coef(0, 0) = 1.0000000000000002;
    CHECK(a != brine::Pipeline({scaler(), mm}, lr));
    const brine::MinMaxScaler mm_negative_zero(Eigen::Vector2d(1, 1), Eigen::Vector2d(-0.0, -1));
    CHECK(a != brine::Pipeline({scaler(), mm_negative_zero}, logistic()));
}

namespace pipeline_blocks_test {

/// A complete regression tree of depth 12 (8191 nodes) on two features: node i splits on feature
/// i % 2 at sin(i) into 2i + 1 and 2i + 2; leaf i predicts i.
brine::DecisionTree complete_tree() {
    constexpr Eigen::Index n = 8191, splits = 4095;
    brine::DecisionTree t;
    t.task = brine::DecisionTree::Task::regression;
    t.n_features_in = 2;
    t.children_left.resize(n);
    t.children_right.resize(n);
    t.feature.resize(n);
    t.threshold.resize(n);
    t.value.resize(n, 1);
    for (Eigen::Index i = 0; i < n; ++i) {
        const bool split = i < splits;
        t.children_left(i) = split ? static_cast<std::int32_t>(2 * i + 1) : pipeline_leaf;
        t.children_right(i) = split ? static_cast<std::int32_t>(2 * i + 2) : pipeline_leaf;
        t.feature(i) = split ? static_cast<std::int32_t>(i % 2) : -2;
        t.threshold(i) = split ? std::sin(static_cast<double>(i)) : -2.0;
        t.value(i, 0) = static_cast<double>(i);
    }
    t.validate();
    return t;
}

Eigen::MatrixXd rows_of(Eigen::Index rows) {
    Eigen::MatrixXd X(rows, 2);
    for (Eigen::Index i = 0; i < rows; ++i) {
        X.row(i) << 2 * std::sin(0.7 * static_cast<double>(i)) + 1,
            std::cos(1.3 * static_cast<double>(i)) - 2;
    }
    return X;
}

}  // namespace pipeline_blocks_test

TEST_CASE("Pipeline with a big tree checks its nodes once per call, as the tree does on one batch",
          "[models][pipeline]") {
    using namespace pipeline_blocks_test;
    brine::DecisionTree tree = complete_tree();
    // 300 rows: fewer than n_nodes / 16 = 511.9, so each step of each walk is checked; 600 rows:
    // every node once, then all blocks (each of at most 256 rows) walk unchecked.
    for (const Eigen::Index rows : {Eigen::Index{300}, Eigen::Index{600}}) {
        const Eigen::MatrixXd X = rows_of(rows);
        const brine::Pipeline pipe({scaler()}, tree);
        const Eigen::VectorXd y = pipe.predict(X);
        CHECK(brine::detail::same_bits(y, tree.predict(scaler().transform(X))));
        // Each leaf's value is its index, so the leaf reached is checked against a walk by hand.
        for (Eigen::Index i = 0; i < rows; i += 37) {
            const Eigen::RowVectorXd z = scaler().transform(X.row(i));
            Eigen::Index node = 0;
            while (node < 4095) {
                const auto f = static_cast<Eigen::Index>(node % 2);
                node = z(f) <= std::sin(static_cast<double>(node)) ? 2 * node + 1 : 2 * node + 2;
            }
            CHECK(y(i) == static_cast<double>(node));
        }
    }
    // A broken node that no row of X reaches: found by the one check of every node (600 rows, in
    // three blocks of the pipeline's work), as the tree alone finds it on the transformed batch.
    const Eigen::MatrixXd X = rows_of(600);
    const Eigen::MatrixXd Z = scaler().transform(X);
    Eigen::Index unreached = -1;
    {
        std::vector<bool> reached(8191, false);
        const brine::IndexVector leaves = tree.apply(Z);
        for (Eigen::Index i = 0; i < leaves.size(); ++i) {
            for (Eigen::Index node = leaves(i); node > 0; node = (node - 1) / 2)
                reached[static_cast<std::size_t>(node)] = true;
        }
        for (Eigen::Index i = 4094; i >= 0 && unreached < 0; --i) {
            if (!reached[static_cast<std::size_t>(2 * i + 1)]) unreached = i;
        }
    }
    REQUIRE(unreached >= 0);
    tree.children_left(unreached) = 99999;
    const std::string message = "node " + std::to_string(unreached) +
                                " has child 99999; children must be in (" +
                                std::to_string(unreached) + ", 8191)";
    BRINE_CHECK_THROWS_CODE(tree.predict(Z), brine::Errc::invalid_model, message);
    BRINE_CHECK_THROWS_CODE(brine::Pipeline({scaler()}, tree).predict(X),
                            brine::Errc::invalid_model, message);
    // 300 rows walk checked, and none of them reaches the broken node.
    CHECK(brine::detail::same_bits(brine::Pipeline({scaler()}, tree).predict(rows_of(300)),
                                   complete_tree().predict(scaler().transform(rows_of(300)))));
}

TEST_CASE("Pipeline refuses a transform's overflow as its checked steps do",
          "[models][pipeline][input]") {
    // The pipeline's transforms leave the input check to the estimator; a finite input that a
    // transform makes infinite is still refused by the next step, with that step's message (the
    // row within the 256-row block of the pipeline's work: 300 - 256 = 44).
    const brine::MinMaxScaler huge(Eigen::Vector2d(1e300, 1), Eigen::Vector2d(0, 0));
    Eigen::MatrixXd X = Eigen::MatrixXd::Zero(400, 2);
    X(300, 0) = 1e10;  // 1e310: +infinity after the first step
    BRINE_CHECK_THROWS_CODE(brine::Pipeline({huge, scaler()}, logistic()).predict(X),
                            brine::Errc::invalid_input,
                            "StandardScaler: input row 44, column 0 is +infinity");
    BRINE_CHECK_THROWS_CODE(brine::Pipeline({huge}, logistic()).predict_proba(X),
                            brine::Errc::invalid_input,
                            "LogisticRegression: input row 44, column 0 is +infinity");
    // A tree inspects only the columns its splits read: the stump reads column 1, not column 0.
    CHECK_NOTHROW(brine::Pipeline({huge}, stump(brine::DecisionTree::Task::regression)).predict(X));
    const brine::MinMaxScaler huge1(Eigen::Vector2d(1, 1e300), Eigen::Vector2d(0, 0));
    Eigen::MatrixXd X1 = Eigen::MatrixXd::Zero(400, 2);
    X1(300, 1) = 1e10;
    BRINE_CHECK_THROWS_CODE(
        brine::Pipeline({huge1}, stump(brine::DecisionTree::Task::regression)).predict(X1),
        brine::Errc::invalid_input, "DecisionTree: input row 44, column 1 is +infinity");
    // An input NaN or infinity, in any step's terms, is reported as the pipeline's own.
    X(200, 1) = -std::numeric_limits<double>::infinity();
    BRINE_CHECK_THROWS_CODE(brine::Pipeline({huge, scaler()}, logistic()).predict(X),
                            brine::Errc::invalid_input,
                            "Pipeline: input row 200, column 1 is -infinity");
    X(200, 1) = 0;
    X(299, 1) = std::numeric_limits<double>::quiet_NaN();
    BRINE_CHECK_THROWS_CODE(brine::Pipeline({huge, scaler()}, logistic()).predict(X),
                            brine::Errc::invalid_input, "Pipeline: input row 299, column 1 is NaN");
}

TEST_CASE("Pipeline blocks of widening steps hold a bounded number of values",
          "[models][pipeline]") {
    // A block holds at most block_values values of the widest step: a wide encoder gets fewer
    // rows per block (its buffers would otherwise be block_rows x its width), at least one.
    using P = brine::Pipeline;
    CHECK(P::block_rows_for(1) == P::block_rows);
    CHECK(P::block_rows_for(P::block_values / P::block_rows) == P::block_rows);
    CHECK(P::block_rows_for(3000) == P::block_values / 3000);
    CHECK(P::block_rows_for(P::block_values) == 1);
    CHECK(P::block_rows_for(4 * P::block_values) == 1);

    // One column of 3000 categories (21 rows per block) into a linear model whose coefficient j
    // is j / 1000: each row predicts its category's coefficient plus the intercept, across many
    // blocks and a partial last one.
    const Eigen::Index k = 3000;
    Eigen::VectorXd categories(k), coef(k);
    for (Eigen::Index j = 0; j < k; ++j) {
        categories(j) = static_cast<double>(j);
        coef(j) = static_cast<double>(j) / 1000;
    }
    brine::IndexVector n_categories(1);
    n_categories(0) = k;
    const brine::Pipeline pipe({brine::OneHotEncoder(categories, n_categories, brine::IndexVector(),
                                                     brine::HandleUnknown::error)},
                               brine::LinearRegression(coef, 0.25));
    pipe.validate();
    Eigen::MatrixXd X(100, 1);
    for (Eigen::Index i = 0; i < X.rows(); ++i) X(i, 0) = static_cast<double>((i * 29) % k);
    const Eigen::VectorXd y = pipe.predict(X);
    const brine::RowMatrix Xr = X;
    const Eigen::VectorXd yr = pipe.predict(brine::Rows(Xr));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        const double want = coef(static_cast<Eigen::Index>(X(i, 0))) + 0.25;
        CHECK(y(i) == want);
        CHECK(yr(i) == want);
    }
}
