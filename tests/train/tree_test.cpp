// Tests of brine::train::decision_tree_classifier and decision_tree_regressor on hand-built data.
// SPDX-License-Identifier: MIT
#include <cmath>
#include <map>

#include "brine/train/tree.hpp"
#include "brine_catch.hpp"

namespace {

Eigen::MatrixXd tree_design(Eigen::Index n, Eigen::Index d, unsigned seed) {
    Eigen::MatrixXd X(n, d);
    unsigned state = seed;
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < d; ++j) {
            state = state * 1664525u + 1013904223u;
            X(i, j) = static_cast<double>(state >> 8) / static_cast<double>(1u << 24);
        }
    }
    return X;
}

// Number of training samples that pass through each node, by routing every row from the root.
std::vector<int> node_counts(const brine::DecisionTree& t, const Eigen::MatrixXd& X) {
    std::vector<int> counts(static_cast<std::size_t>(t.n_nodes()), 0);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        std::int32_t node = 0;
        while (true) {
            ++counts[static_cast<std::size_t>(node)];
            if (t.children_left(node) == brine::DecisionTree::leaf) break;
            node = X(i, t.feature(node)) <= t.threshold(node) ? t.children_left(node)
                                                              : t.children_right(node);
        }
    }
    return counts;
}

}  // namespace

TEST_CASE("decision_tree_classifier finds the separating threshold by hand") {
    // One feature; classes switch between x = 3 and x = 4, so the midpoint 3.5 separates them.
    Eigen::MatrixXd X(6, 1);
    X << 4, 1, 6, 2, 5, 3;
    Eigen::VectorXd y(6);
    y << 9, 2, 9, 2, 9, 2;
    const brine::DecisionTree t = brine::train::decision_tree_classifier(X, y);
    t.validate();
    REQUIRE(t.n_nodes() == 3);
    CHECK(t.is_classifier());
    CHECK(t.classes(0) == 2.0);
    CHECK(t.classes(1) == 9.0);
    CHECK(t.feature(0) == 0);
    CHECK(t.threshold(0) == 3.5);
    CHECK(t.children_left(0) == 1);
    CHECK(t.children_right(0) == 2);
    // Every node holds class proportions, the root included.
    CHECK(t.value(0, 0) == 0.5);
    CHECK(t.value(0, 1) == 0.5);
    CHECK(t.value(1, 0) == 1.0);
    CHECK(t.value(2, 1) == 1.0);
    for (int leaf : {1, 2}) {
        CHECK(t.children_left(leaf) == -1);
        CHECK(t.children_right(leaf) == -1);
        CHECK(t.feature(leaf) == -2);
        CHECK(t.threshold(leaf) == -2.0);
    }
    CHECK(t.predict(X) == y);
}

TEST_CASE("decision_tree_classifier picks the feature with the best Gini decrease") {
    // Feature 0 separates 4 of 6 correctly at best; feature 1 separates all.
    Eigen::MatrixXd X(6, 2);
    X << 0, 10, 1, 20, 0, 30, 1, 40, 0, 50, 1, 60;
    Eigen::VectorXd y(6);
    y << 0, 0, 0, 1, 1, 1;
    const brine::DecisionTree t = brine::train::decision_tree_classifier(X, y);
    CHECK(t.feature(0) == 1);
    CHECK(t.threshold(0) == 35.0);
    CHECK(t.n_nodes() == 3);
}

TEST_CASE("decision_tree ties go to the lowest feature, then the lowest threshold") {
    // Two identical features: the same best split on both; feature 0 wins.
    Eigen::MatrixXd X(4, 2);
    X << 1, 1, 2, 2, 3, 3, 4, 4;
    Eigen::VectorXd y(4);
    y << 0, 0, 1, 1;
    CHECK(brine::train::decision_tree_classifier(X, y).feature(0) == 0);

    // Labels 0 1 1 0 along one feature: splitting at 1.5 or at 3.5 is equally good (each isolates
    // one 0); the lower threshold wins.
    Eigen::MatrixXd X1(4, 1);
    X1 << 1, 2, 3, 4;
    Eigen::VectorXd y1(4);
    y1 << 0, 1, 1, 0;
    brine::train::TreeOptions o;
    o.max_depth = 1;
    CHECK(brine::train::decision_tree_classifier(X1, y1, o).threshold(0) == 1.5);
}

TEST_CASE("decision_tree splits even when no split lowers the impurity (XOR)") {
    // scikit-learn takes the best split even when its gain is 0; the root of XOR has only such
    // splits, and the children then separate perfectly.
    Eigen::MatrixXd X(4, 2);
    X << 0, 0, 0, 1, 1, 0, 1, 1;
    Eigen::VectorXd y(4);
    y << 0, 1, 1, 0;
    const brine::DecisionTree t = brine::train::decision_tree_classifier(X, y);
    REQUIRE(t.n_nodes() == 7);
    CHECK(t.feature(0) == 0);
    CHECK(t.threshold(0) == 0.5);
    // Depth-first numbering: left subtree (1, 2, 3) before right subtree (4, 5, 6).
    CHECK(t.children_left(0) == 1);
    CHECK(t.children_right(0) == 4);
    CHECK(t.children_left(1) == 2);
    CHECK(t.children_right(1) == 3);
    CHECK(t.feature(1) == 1);
    CHECK(t.predict(X) == y);
}

TEST_CASE("decision_tree uses the lower value when the midpoint rounds up to the upper one") {
    // Find adjacent doubles a < b whose midpoint a/2 + b/2 rounds to b (round half to even).
    double a = 1e20;
    double b = std::nextafter(a, 1e30);
    while (a / 2 + b / 2 != b) {
        a = b;
        b = std::nextafter(a, 1e30);
    }
    Eigen::MatrixXd X(2, 1);
    X << a, b;
    const Eigen::Vector2d y(0, 1);
    const brine::DecisionTree t = brine::train::decision_tree_classifier(X, y);
    REQUIRE(t.n_nodes() == 3);
    CHECK(t.threshold(0) == a);  // b itself would send b to the left
    CHECK(t.predict(X) == y);
}

TEST_CASE("decision_tree treats values closer than 1e-7 as one value") {
    Eigen::MatrixXd X(2, 1);
    X << 1.0, 1.0 + 5e-8;
    const Eigen::Vector2d y(0, 1);
    const brine::DecisionTree t = brine::train::decision_tree_classifier(X, y);
    CHECK(t.n_nodes() == 1);  // no split is possible
    CHECK(t.value(0, 0) == 0.5);
}

TEST_CASE("decision_tree respects max_depth, min_samples_split and min_samples_leaf") {
    const Eigen::MatrixXd X = tree_design(500, 3, 21);
    Eigen::VectorXd y(500);
    for (Eigen::Index i = 0; i < 500; ++i)
        y(i) = std::floor(std::fmod(X(i, 0) * 7 + X(i, 1) * 13, 3.0));

    for (int depth : {1, 2, 4}) {
        brine::train::TreeOptions o;
        o.max_depth = depth;
        const brine::DecisionTree t = brine::train::decision_tree_classifier(X, y, o);
        t.validate();
        CHECK(t.depth() == depth);
    }

    brine::train::TreeOptions o;
    o.min_samples_leaf = 17;
    o.min_samples_split = 60;
    const brine::DecisionTree t = brine::train::decision_tree_classifier(X, y, o);
    t.validate();
    const std::vector<int> counts = node_counts(t, X);
    CHECK(counts[0] == 500);
    bool some_split_near_limit = false;
    for (Eigen::Index i = 0; i < t.n_nodes(); ++i) {
        const int c = counts[static_cast<std::size_t>(i)];
        if (t.children_left(i) == brine::DecisionTree::leaf) {
            CHECK(c >= 17);
        } else {
            CHECK(c >= 60);
            CHECK(t.children_left(i) == i + 1);  // depth-first: the left child comes next
            CHECK(t.children_right(i) > t.children_left(i));
            some_split_near_limit |= c < 120;
        }
    }
    CHECK(some_split_near_limit);

    // Unlimited depth with distinct rows fits the training data exactly.
    const brine::DecisionTree full = brine::train::decision_tree_classifier(X, y);
    CHECK(full.predict(X) == y);
}

TEST_CASE("decision_tree_classifier class proportions at every node") {
    Eigen::MatrixXd X(5, 1);
    X << 1, 2, 3, 4, 5;
    Eigen::VectorXd y(5);
    y << 0, 0, 1, 2, 2;
    brine::train::TreeOptions o;
    o.max_depth = 1;
    const brine::DecisionTree t = brine::train::decision_tree_classifier(X, y, o);
    // Root: 2/5, 1/5, 2/5. Gini proxy of the candidates (-n_l g_l - n_r g_r), by hand:
    // t=1.5: -5/2; t=2.5: -4/3; t=3.5: -4/3 (a tie: the lower threshold wins); t=4.5: -5/2.
    // So 2.5: left {0,0}, right {1,2,2}.
    CHECK(t.threshold(0) == 2.5);
    CHECK_THAT(t.value(0, 0), WithinAbs(0.4, 1e-15));
    CHECK_THAT(t.value(0, 1), WithinAbs(0.2, 1e-15));
    CHECK_THAT(t.value(2, 1), WithinAbs(1.0 / 3.0, 1e-15));
    CHECK_THAT(t.value(2, 2), WithinAbs(2.0 / 3.0, 1e-15));
    CHECK(t.value(1, 0) == 1.0);
}

TEST_CASE("decision_tree_regressor splits where the squared error drops most") {
    Eigen::MatrixXd X(6, 1);
    X << 1, 2, 3, 10, 11, 12;
    Eigen::VectorXd y(6);
    y << 1, 1, 1, 5, 5, 8;
    brine::train::TreeOptions o;
    o.max_depth = 1;
    const brine::DecisionTree t = brine::train::decision_tree_regressor(X, y, o);
    t.validate();
    CHECK_FALSE(t.is_classifier());
    CHECK(t.classes.size() == 0);
    CHECK(t.feature(0) == 0);
    CHECK(t.threshold(0) == 6.5);
    CHECK(t.value(0, 0) == 3.5);  // mean of all
    CHECK(t.value(1, 0) == 1.0);
    CHECK(t.value(2, 0) == 6.0);

    // Unlimited: the right side splits again between 11 and 12.
    const brine::DecisionTree full = brine::train::decision_tree_regressor(X, y);
    CHECK(full.predict(X) == y);
    CHECK(full.n_nodes() == 5);
}

TEST_CASE("decision_tree is deterministic and handles many rows") {
    const Eigen::MatrixXd X = tree_design(20000, 5, 22);
    Eigen::VectorXd y(20000);
    for (Eigen::Index i = 0; i < 20000; ++i) y(i) = X(i, 0) * X(i, 1) + std::sin(10 * X(i, 2));
    brine::train::TreeOptions o;
    o.max_depth = 8;
    const brine::DecisionTree a = brine::train::decision_tree_regressor(X, y, o);
    const brine::DecisionTree b = brine::train::decision_tree_regressor(X, y, o);
    CHECK(a == b);
    CHECK(a.depth() == 8);
    a.validate();
}

TEST_CASE("TreeOptions describe every option") {
    brine::train::TreeOptions o;
    auto d = o.describe();
    REQUIRE(d.size() == 3);
    CHECK(d[0] == std::make_pair(std::string("max_depth"), std::string("none")));
    CHECK(d[1] == std::make_pair(std::string("min_samples_split"), std::string("2")));
    CHECK(d[2] == std::make_pair(std::string("min_samples_leaf"), std::string("1")));
    o.max_depth = 4;
    CHECK(o.describe()[0].second == "4");
}
