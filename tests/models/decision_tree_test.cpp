// Tests of brine::DecisionTree on hand-built trees walked by hand, and of every validate() rule.
// SPDX-License-Identifier: MIT
#include "brine/models/decision_tree.hpp"

#include <cmath>
#include <limits>

#include "brine_catch.hpp"
#include "special_values.hpp"

namespace {

using special_values::inf_v;
using special_values::nan_v;
constexpr double big_v = std::numeric_limits<double>::max();
constexpr std::int32_t L = brine::DecisionTree::leaf;

/// Regressor over 2 features:
///   0: x0 <= 0.5 ? 1 : 2
///   1:   x1 <= -1 ? 3 : 4          2: leaf 20
///   3:   leaf 30    4: x0 <= 0 ? 5 : 6
///                   5: leaf 50    6: leaf 60
brine::DecisionTree regressor() {
    brine::DecisionTree t;
    t.task = brine::DecisionTree::Task::regression;
    t.n_features_in = 2;
    t.children_left.resize(7);
    t.children_left << 1, 3, L, L, 5, L, L;
    t.children_right.resize(7);
    t.children_right << 2, 4, L, L, 6, L, L;
    t.feature.resize(7);
    t.feature << 0, 1, -2, -2, 0, -2, -2;
    t.threshold.resize(7);
    t.threshold << 0.5, -1.0, -2, -2, 0.0, -2, -2;
    t.value.resize(7, 1);
    t.value << 35, 45, 20, 30, 55, 50, 60;  // split nodes' values are never predicted
    return t;
}

/// The regressor's leaf and value, walked by hand from its drawing.
Eigen::Index regressor_leaf(double x0, double x1) {
    if (x0 <= 0.5) {
        if (x1 <= -1.0) return 3;
        return x0 <= 0.0 ? 5 : 6;
    }
    return 2;
}
double regressor_value(double x0, double x1) {
    switch (regressor_leaf(x0, x1)) {
        case 2: return 20;
        case 3: return 30;
        case 5: return 50;
        default: return 60;
    }
}

/// Classifier over 3 features, classes 1, 2, 5:
///   0: x2 <= 1.5 ? 1 : 2
///   1: leaf (0.2, 0.3, 0.5) -> 5
///   2: x0 <= -1 ? 3 : 4
///   3: leaf (0.5, 0.5, 0) -> 1 (tie: first class)    4: leaf (0, 1, 0) -> 2
brine::DecisionTree classifier() {
    brine::DecisionTree t;
    t.task = brine::DecisionTree::Task::classification;
    t.n_features_in = 3;
    t.children_left.resize(5);
    t.children_left << 1, L, 3, L, L;
    t.children_right.resize(5);
    t.children_right << 2, L, 4, L, L;
    t.feature.resize(5);
    t.feature << 2, -2, 0, -2, -2;
    t.threshold.resize(5);
    t.threshold << 1.5, -2, -1.0, -2, -2;
    t.value.resize(5, 3);
    t.value << 0.3, 0.5, 0.2,  //
        0.2, 0.3, 0.5,         //
        0.25, 0.75, 0.0,       //
        0.5, 0.5, 0.0,         //
        0.0, 1.0, 0.0;
    t.classes.resize(3);
    t.classes << 1, 2, 5;
    return t;
}

/// 200 rows of a 300 x 5 matrix (outer stride 300), covering every leaf of regressor().
Eigen::MatrixXd wide_input() {
    Eigen::MatrixXd big(300, 5);
    for (Eigen::Index i = 0; i < big.rows(); ++i) {
        for (Eigen::Index j = 0; j < big.cols(); ++j) {
            big(i, j) = 1.5 * std::sin(0.37 * static_cast<double>(i) + static_cast<double>(j));
        }
    }
    return big;
}

}  // namespace

TEST_CASE("DecisionTree regressor predicts the leaf a hand walk reaches", "[models][tree]") {
    const brine::DecisionTree t = regressor();
    t.validate();
    CHECK_FALSE(t.is_classifier());
    CHECK(t.n_nodes() == 7);
    CHECK(t.n_features() == 2);
    CHECK(t.depth() == 3);
    Eigen::MatrixXd X(6, 2);
    X << 1.0, 0.0,  // right at the root
        0.5, 0.0,   // x0 == threshold goes left
        0.2, -1.0,  // x1 == threshold goes left
        0.2, 5.0,   //
        -3.0, 5.0,  //
        0.0, -0.5;  // x0 == 0 threshold goes left
    const Eigen::VectorXd y = t.predict(X);
    const brine::IndexVector leaves = t.apply(X);
    const double expected[] = {20, 60, 30, 60, 50, 50};
    const std::int32_t expected_leaves[] = {2, 6, 3, 6, 5, 5};
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        CHECK(y(i) == expected[i]);
        CHECK(leaves(i) == expected_leaves[i]);
        CHECK(t.predict_one(X.row(i)) == expected[i]);
        CHECK(t.apply_one(X.row(i)) == expected_leaves[i]);
    }
}

TEST_CASE("DecisionTree batch prediction handles many rows and strided input", "[models][tree]") {
    const brine::DecisionTree t = regressor();
    const Eigen::MatrixXd big = wide_input();
    // Columns 3 and 1 of rows 10..209: a view whose outer stride is not its row count, and
    // more rows than one block of the batched walk.
    Eigen::MatrixXd X(200, 2);
    X.col(0) = big.block(10, 3, 200, 1);
    X.col(1) = big.block(10, 1, 200, 1);
    const Eigen::VectorXd y_copy = t.predict(X);
    const brine::IndexVector leaves = t.apply(X);
    Eigen::MatrixXd both(300, 2);
    both.col(0) = big.col(3);
    both.col(1) = big.col(1);
    const Eigen::VectorXd y_view = t.predict(both.middleRows(10, 200));
    const brine::RowMatrix Xr = X;
    int seen[7] = {0, 0, 0, 0, 0, 0, 0};
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        const double expected = regressor_value(X(i, 0), X(i, 1));
        CHECK(y_copy(i) == expected);
        CHECK(y_view(i) == expected);
        CHECK(leaves(i) == regressor_leaf(X(i, 0), X(i, 1)));
        CHECK(t.predict_one(X.row(i)) == expected);
        CHECK(t.predict_one(Xr.row(i)) == expected);
        const Eigen::VectorXd v = X.row(i).transpose();
        CHECK(t.predict_one(v.transpose()) == expected);
        ++seen[leaves(i)];
    }
    CHECK(seen[2] > 0);
    CHECK(seen[3] > 0);
    CHECK(seen[5] > 0);
    CHECK(seen[6] > 0);
    CHECK(t.predict(Eigen::MatrixXd(0, 2)).size() == 0);
}

TEST_CASE("DecisionTree compares the largest finite values as numbers", "[models][tree]") {
    // NaN and infinities are refused (tests/models/input_policy_test.cpp); +-1e308 are numbers.
    const brine::DecisionTree t = regressor();
    Eigen::MatrixXd X(5, 2);
    X << 1e308, -5.0,    // right at the root, leaf 2
        0.2, 1e308,      // left at the root, right at node 1, x0 > 0: leaf 6
        -1.0, 1e308,     // ... x0 <= 0: leaf 5
        big_v, -5.0,     // leaf 2
        -big_v, -big_v;  // leaf 3
    const double expected[] = {20, 60, 50, 20, 30};
    const Eigen::VectorXd y = t.predict(X);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        CHECK(y(i) == expected[i]);
        CHECK(t.predict_one(X.row(i)) == expected[i]);
    }
}

TEST_CASE("DecisionTree classifier: labels, probabilities, first maximum wins", "[models][tree]") {
    const brine::DecisionTree t = classifier();
    t.validate();
    CHECK(t.is_classifier());
    CHECK(t.n_classes() == 3);
    CHECK(t.depth() == 2);
    Eigen::MatrixXd X(4, 3);
    X << 0, 0, 1.5,   // leaf 1
        -1, 9, 2,     // leaf 3 (tie between classes 1 and 2)
        0, 0, 2,      // leaf 4
        0, 0, 1e308;  // right at the root, x0 > -1: leaf 4
    const double labels[] = {5, 1, 2, 2};
    const int leaves[] = {1, 3, 4, 4};
    const Eigen::VectorXd y = t.predict(X);
    const Eigen::MatrixXd p = t.predict_proba(X);
    REQUIRE(p.cols() == 3);
    double out[3];
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        CHECK(y(i) == labels[i]);
        CHECK(t.predict_one(X.row(i)) == labels[i]);
        t.predict_proba_one(X.row(i), out, std::size(out));
        for (Eigen::Index k = 0; k < 3; ++k) {
            CHECK(p(i, k) == t.value(leaves[i], k));
            CHECK(out[k] == t.value(leaves[i], k));
        }
        CHECK_THAT(p.row(i).sum(), WithinAbs(1.0, 1e-15));
    }
}

TEST_CASE("DecisionTree with a single leaf predicts a constant", "[models][tree]") {
    brine::DecisionTree t;
    t.n_features_in = 4;
    t.children_left = brine::IndexVector::Constant(1, L);
    t.children_right = brine::IndexVector::Constant(1, L);
    t.feature = brine::IndexVector::Constant(1, -2);
    t.threshold = Eigen::VectorXd::Constant(1, -2.0);
    t.value = brine::RowMatrix::Constant(1, 1, 7.5);
    t.validate();
    CHECK(t.depth() == 0);
    const Eigen::MatrixXd X = Eigen::MatrixXd::Random(3, 4);
    CHECK((t.predict(X).array() == 7.5).all());
    CHECK(t.predict_one(X.row(2)) == 7.5);
}

TEST_CASE("DecisionTree checks the input's column count everywhere", "[models][tree]") {
    using brine::Errc;
    const brine::DecisionTree r = regressor();
    const brine::DecisionTree c = classifier();
    const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(2, 4);
    double out[3];
    BRINE_CHECK_THROWS_CODE(r.predict(X), Errc::shape_mismatch,
                            "DecisionTree expects 2 feature columns, got 4");
    BRINE_CHECK_THROWS_CODE(r.apply(X), Errc::shape_mismatch, "expects 2 feature columns, got 4");
    BRINE_CHECK_THROWS_CODE(r.predict_one(X.row(0)), Errc::shape_mismatch,
                            "expects 2 feature columns, got 4");
    BRINE_CHECK_THROWS_CODE(r.apply_one(X.row(0)), Errc::shape_mismatch,
                            "expects 2 feature columns, got 4");
    BRINE_CHECK_THROWS_CODE(c.predict_proba(X), Errc::shape_mismatch,
                            "expects 3 feature columns, got 4");
    BRINE_CHECK_THROWS_CODE(c.predict_proba_one(X.row(0), out, std::size(out)),
                            Errc::shape_mismatch, "expects 3 feature columns, got 4");
    BRINE_CHECK_THROWS_CODE(c.predict(X), Errc::shape_mismatch, "expects 3 feature columns, got 4");
}

TEST_CASE("DecisionTree regressor has no predict_proba", "[models][tree]") {
    const brine::DecisionTree r = regressor();
    const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(1, 2);
    double out[1];
    BRINE_CHECK_THROWS_CODE(r.predict_proba(X), brine::Errc::invalid_argument,
                            "predict_proba needs a classifier; this DecisionTree is a regressor");
    BRINE_CHECK_THROWS_CODE(r.predict_proba_one(X.row(0), out, std::size(out)),
                            brine::Errc::invalid_argument, "this DecisionTree is a regressor");
}

TEST_CASE("DecisionTree::validate rejects each broken invariant", "[models][tree]") {
    using brine::Errc;
    brine::DecisionTree t = regressor();
    brine::DecisionTree c = classifier();
    auto rejects = [](const brine::DecisionTree& tree, const char* text) {
        BRINE_CHECK_THROWS_CODE(tree.validate(), Errc::invalid_model, text);
    };
    // Sanity: the starting points are valid, so each section breaks exactly one rule.
    CHECK_NOTHROW(t.validate());
    CHECK_NOTHROW(c.validate());

    SECTION("unknown task") {
        t.task = static_cast<brine::DecisionTree::Task>(7);
        rejects(t, "DecisionTree: unknown task 7");
    }
    SECTION("no nodes") { rejects(brine::DecisionTree{}, "DecisionTree: has no nodes"); }
    SECTION("children_right length") {
        t.children_right.conservativeResize(6);
        rejects(t, "children_right has 6 entries for 7 nodes");
    }
    SECTION("feature length") {
        t.feature.conservativeResize(8);
        rejects(t, "feature has 8 entries for 7 nodes");
    }
    SECTION("threshold length") {
        t.threshold.conservativeResize(3);
        rejects(t, "threshold has 3 entries for 7 nodes");
    }
    SECTION("value rows") {
        t.value.conservativeResize(6, 1);
        rejects(t, "value has 6 rows for 7 nodes");
    }
    SECTION("no features") {
        t.n_features_in = 0;
        rejects(t, "n_features must be >= 1, is 0");
    }
    SECTION("classifier with one class") {
        c.classes.conservativeResize(1);
        rejects(c, "a classifier needs at least 2 classes, has 1");
    }
    SECTION("non-finite class label") {
        c.classes(1) = inf_v;
        rejects(c, "classes[1] is not finite");
    }
    SECTION("class labels not strictly increasing") {
        c.classes(2) = 2.0;
        rejects(c, "classes must be strictly increasing at classes[2]");
    }
    SECTION("value columns differ from the class count") {
        c.classes.conservativeResize(2);
        rejects(c, "value has 3 columns for 2 classes");
    }
    SECTION("regressor with classes") {
        t.classes = Eigen::VectorXd::Zero(2);
        rejects(t, "a regressor has no classes");
    }
    SECTION("regressor with two value columns") {
        t.value = brine::RowMatrix::Zero(7, 2);
        rejects(t, "a regressor's value has 1 column, not 2");
    }
    SECTION("non-finite value") {
        c.value(3, 1) = nan_v;
        rejects(c, "value[3, 1] is not finite");
    }
    SECTION("a node with one child") {
        t.children_right(2) = 5;
        rejects(t, "node 2 has one child: children_left -1, children_right 5");
    }
    SECTION("child index past the last node") {
        t.children_right(0) = 7;
        rejects(t, "node 0 has child 7; children must be in (0, 7)");
    }
    SECTION("negative child index other than leaf") {
        t.children_left(0) = -2;
        rejects(t, "node 0 has child -2");
    }
    SECTION("child index not greater than the parent's (a cycle)") {
        t.children_left(4) = 1;
        rejects(t, "node 4 has child 1; children must be in (4, 7)");
    }
    SECTION("node as its own child") {
        t.children_right(4) = 4;
        rejects(t, "node 4 has child 4");
    }
    SECTION("node with two parents") {
        t.children_right(1) = 5;  // node 4 keeps 5 as its left child
        rejects(t, "node 5 is the child of two nodes");
    }
    SECTION("same node as both children") {
        t.children_right(4) = 5;
        rejects(t, "node 4 has node 5 as both children");
    }
    SECTION("unreachable node") {
        t.children_left(4) = L;  // node 4 becomes a leaf; 5 and 6 lose their parent
        t.children_right(4) = L;
        rejects(t, "node 5 is unreachable (no parent)");
    }
    SECTION("split feature >= n_features") {
        t.feature(0) = 2;
        rejects(t, "node 0 splits on feature 2, expected 0 <= feature < 2");
    }
    SECTION("negative split feature") {
        t.feature(4) = -2;
        rejects(t, "node 4 splits on feature -2");
    }
    SECTION("NaN threshold") {
        t.threshold(1) = nan_v;
        rejects(t, "node 1 has a NaN threshold");
    }
    SECTION("negative class probability") {
        c.value.row(4) << -0.1, 1.1, 0.0;
        rejects(c, "leaf 4 has a negative class probability");
    }
    SECTION("class probabilities not summing to 1") {
        c.value.row(1) << 0.2, 0.3, 0.4;
        rejects(c, "leaf 1 class probabilities sum to 0.9");
    }
}

TEST_CASE("DecisionTree::validate ignores what leaves do not use", "[models][tree]") {
    brine::DecisionTree t = regressor();
    t.feature(2) = 99;  // a leaf's feature and threshold are never read
    t.threshold(3) = nan_v;
    CHECK_NOTHROW(t.validate());
    brine::DecisionTree c = classifier();
    c.value.row(2) << 5.0, 3.0, 1.0;  // a split node's value is never predicted
    CHECK_NOTHROW(c.validate());
}

TEST_CASE("DecisionTree equality is bit-exact", "[models][tree]") {
    const brine::DecisionTree a = regressor();
    brine::DecisionTree b = a;
    CHECK(a == b);
    b.threshold(4) = -0.0;  // 0.0 in a
    CHECK(a != b);
    b = a;
    b.n_features_in = 3;
    CHECK(a != b);
    b = a;
    b.task = brine::DecisionTree::Task::classification;
    CHECK(a != b);
    b = a;
    b.feature(2) = -1;
    CHECK(a != b);
    b = a;
    b.value(6, 0) = std::nextafter(60.0, 0.0);
    CHECK(a != b);
    CHECK(classifier() == classifier());
    CHECK(a != classifier());
}
