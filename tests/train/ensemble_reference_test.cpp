// brine's tree-ensemble trainers against scikit-learn 1.2.1 on its bundled datasets.
// SPDX-License-Identifier: MIT
//
// Every expected number comes from tests/reference/make_training_ensemble_reference.py, which wrote
// what scikit-learn's GradientBoosting*, RandomForest* and ExtraTrees* fit on examples/data/ to
// tests/data/sklearn_reference/<dataset>/ (gb_predictions.csv, gb_trees.csv, forest_scores.csv).
#include <cmath>
#include <limits>
#include <string>

#include "brine/train.hpp"
#include "brine_catch.hpp"
#include "csv.hpp"
#include "test_data.hpp"

namespace ensemble_reference_test {

const std::string reference_dir = test_data::dir() + "/sklearn_reference/";
const std::string dataset_dir = test_data::dir() + "/../../examples/data/";

struct Dataset {
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
};

Dataset load_dataset(const std::string& name) {
    const brine::test::Csv csv = brine::test::read_csv(dataset_dir + name + ".csv");
    const Eigen::Index target = csv.column("target");
    REQUIRE(target == csv.data.cols() - 1);
    return {csv.data.leftCols(target), csv.data.col(target)};
}

brine::test::Csv reference(const std::string& dataset, const std::string& file) {
    return brine::test::read_csv(reference_dir + dataset + "/" + file);
}

// The inputs as scikit-learn's trees read them: rounded to float32.
Eigen::MatrixXd float32_rounded(const Eigen::MatrixXd& X) { return X.cast<float>().cast<double>(); }

// Raw scores of a grown ensemble: base score plus each tree's leaf in tree order (sum), or the
// mean of the trees (average).
Eigen::MatrixXd raw_scores(const brine::train::detail::GrownEnsemble& e, const Eigen::MatrixXd& X) {
    const Eigen::MatrixXd X32 = float32_rounded(X);
    const Eigen::Index width = e.trees.front().value.cols();
    Eigen::MatrixXd out(X.rows(), std::max(e.base_score.size(), width));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        Eigen::RowVectorXd acc = Eigen::RowVectorXd::Zero(out.cols());
        if (!e.average) acc.head(e.base_score.size()) = e.base_score.transpose();
        for (std::size_t t = 0; t < e.trees.size(); ++t) {
            const Eigen::Index leaf = e.trees[t].apply_one(X32.row(i));
            acc.segment(e.tree_output[t], width) += e.trees[t].value.row(leaf);
        }
        if (e.average) acc /= static_cast<double>(e.trees.size());
        out.row(i) = acc;
    }
    return out;
}

double max_rel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    REQUIRE(a.rows() == b.rows());
    REQUIRE(a.cols() == b.cols());
    return ((a - b).array().abs() / b.array().abs().max(1e-300)).maxCoeff();
}

// Whether a row (float32-rounded) passes through `node` of the tree.
bool reaches(const brine::DecisionTree& t, const Eigen::RowVectorXd& x, Eigen::Index node) {
    Eigen::Index at = 0;
    while (at != node) {
        if (t.children_left(at) == brine::DecisionTree::leaf) return false;
        at = x(t.feature(at)) <= t.threshold(at) ? t.children_left(at) : t.children_right(at);
    }
    return true;
}

// Trees identical to scikit-learn's (structure, features and thresholds exactly; leaf values to
// 1e-9 relative), and every tree that is not: where it first differs, and whether that
// difference is an exact tie (both splits part the node's training rows the same way, or as
// mirror images, so both have the same improvement).
struct TreeMatch {
    int identical = 0;
    int total = 0;
    int differ_by_tie = 0;
    std::string differences;
};

TreeMatch compare_trees(const brine::train::detail::GrownEnsemble& e, const brine::test::Csv& ref,
                        double learning_rate, Eigen::Index K, const Eigen::MatrixXd& X32) {
    TreeMatch m;
    m.total = static_cast<int>(e.trees.size());
    const Eigen::MatrixXd& r = ref.data;
    Eigen::Index row = 0;
    for (std::size_t t = 0; t < e.trees.size(); ++t) {
        const brine::DecisionTree& tree = e.trees[t];
        const auto stage = static_cast<double>(static_cast<Eigen::Index>(t) / K);
        const auto k = static_cast<double>(static_cast<Eigen::Index>(t) % K);
        const Eigen::Index begin = row;
        while (row < r.rows() && r(row, 0) == stage && r(row, 1) == k) ++row;
        std::string why;
        bool tie = false;
        for (Eigen::Index node = 0; why.empty() && node < tree.n_nodes(); ++node) {
            if (begin + node >= row) {
                why = "more nodes";
                break;
            }
            const auto R = r.row(begin + node);
            const bool leaf = tree.children_left(node) == brine::DecisionTree::leaf;
            if (leaf != (R(3) < 0)) {
                why = "node " + std::to_string(node) + " is a leaf in one tree only";
            } else if (!leaf && (tree.feature(node) != R(5) || tree.threshold(node) != R(6))) {
                why = "node " + std::to_string(node) + ": x" + std::to_string(tree.feature(node)) +
                      " <= " + brine::train::detail::number_text(tree.threshold(node)) +
                      " where scikit-learn has x" + std::to_string(static_cast<int>(R(5))) +
                      " <= " + brine::train::detail::number_text(R(6));
                // Nodes before this one (depth-first) are identical, so are its ancestors.
                int same = 0, mirror = 0, rows = 0;
                for (Eigen::Index i = 0; i < X32.rows(); ++i) {
                    if (!reaches(tree, X32.row(i), node)) continue;
                    ++rows;
                    const bool a = X32(i, tree.feature(node)) <= tree.threshold(node);
                    const bool b = X32(i, static_cast<Eigen::Index>(R(5))) <= R(6);
                    same += a == b;
                    mirror += a != b;
                }
                tie = same == rows || mirror == rows;
                why += tie ? " (an exact tie: the same partition of its " + std::to_string(rows) +
                                 " rows" + (mirror == rows ? ", mirrored)" : ")")
                           : " (not a tie)";
            } else if (tree.children_left(node) != R(3) || tree.children_right(node) != R(4)) {
                why = "node " + std::to_string(node) + ": children differ";
            } else if (leaf && std::abs(tree.value(node, 0) - learning_rate * R(7)) >
                                   1e-9 * std::abs(learning_rate * R(7)) + 1e-16) {
                why = "leaf " + std::to_string(node) + " value " +
                      brine::train::detail::number_text(tree.value(node, 0)) + " vs " +
                      brine::train::detail::number_text(learning_rate * R(7));
            }
        }
        if (why.empty() && row - begin != tree.n_nodes()) why = "fewer nodes";
        if (why.empty()) {
            ++m.identical;
        } else {
            m.differ_by_tie += tie;
            m.differences += "tree " + std::to_string(t) + " (stage " +
                             std::to_string(static_cast<int>(stage)) + ", output " +
                             std::to_string(static_cast<int>(k)) + "): " + why + "\n";
        }
    }
    return m;
}

TEST_CASE("gradient boosting agrees with scikit-learn's GradientBoosting tree for tree") {
    struct Case {
        const char* dataset;
        bool classifier;
        Eigen::Index K;
    };
    for (const Case c :
         {Case{"diabetes", false, 1}, Case{"breast_cancer", true, 1}, Case{"iris", true, 3}}) {
        INFO(c.dataset);
        const Dataset d = load_dataset(c.dataset);
        brine::train::BoostingOptions o;
        o.n_estimators = 20;  // make_training_ensemble_reference.py's GB_STAGES
        const brine::train::detail::GrownEnsemble e =
            brine::train::detail::grow_boosting(d.X, d.y, o, c.classifier, "gradient_boosting");
        const TreeMatch m =
            compare_trees(e, reference(c.dataset, "gb_trees.csv"), 0.1, c.K, float32_rounded(d.X));
        INFO(m.identical << " of " << m.total << " trees identical to scikit-learn's; the others:\n"
                         << m.differences);
        CHECK(m.total == 20 * c.K);
        // A tree may differ only where scikit-learn's first difference is an exact tie (exp and
        // log round differently in numpy, so which of two tied splits wins can change); a later
        // difference in such a tree follows from the first.
        CHECK(m.identical + m.differ_by_tie == m.total);
        if (!c.classifier) CHECK(m.identical == m.total);  // no exp or log: every tree the same

        const brine::test::Csv pred = reference(c.dataset, "gb_predictions.csv");
        CHECK(max_rel(raw_scores(e, d.X), pred.data.leftCols(c.K)) < 1e-9);

        // The model the public trainer returns predicts the same.
        const brine::TreeEnsemble model =
            c.classifier ? brine::train::gradient_boosting_classifier(d.X, d.y, o)
                         : brine::train::gradient_boosting_regressor(d.X, d.y, o);
        model.validate();
        CHECK(model.n_trees() == 20 * c.K);
        CHECK(model.compare == brine::TreeEnsemble::Compare::float32_le);
        CHECK(max_rel(model.decision_function(d.X), pred.data.leftCols(c.K)) < 1e-9);
        if (c.classifier) {
            const Eigen::Index n_classes = c.K == 1 ? 2 : c.K;
            CHECK(max_rel(model.predict_proba(d.X), pred.data.rightCols(n_classes)) < 1e-9);
        } else {
            CHECK(max_rel(model.predict(d.X), pred.data.col(pred.column("predict"))) < 1e-9);
        }
    }
}

// Out-of-fold predictions of a forest, row i in fold i % 5 (make_training_ensemble_reference.py).
double forest_cv_score(const Dataset& d, const brine::train::ForestOptions& o, bool classifier) {
    const Eigen::Index n = d.X.rows(), folds = 5;
    Eigen::VectorXd pred(n);
    for (Eigen::Index f = 0; f < folds; ++f) {
        const Eigen::Index n_test = (n - f + folds - 1) / folds;
        Eigen::MatrixXd Xtr(n - n_test, d.X.cols()), Xte(n_test, d.X.cols());
        Eigen::VectorXd ytr(n - n_test);
        for (Eigen::Index i = 0, a = 0, b = 0; i < n; ++i) {
            if (i % folds == f) {
                Xte.row(b++) = d.X.row(i);
            } else {
                Xtr.row(a) = d.X.row(i);
                ytr(a++) = d.y(i);
            }
        }
        const brine::TreeEnsemble m = classifier
                                          ? brine::train::random_forest_classifier(Xtr, ytr, o)
                                          : brine::train::random_forest_regressor(Xtr, ytr, o);
        const Eigen::VectorXd p = m.predict(Xte);
        for (Eigen::Index i = f, b = 0; i < n; i += folds) pred(i) = p(b++);
    }
    if (classifier) return (pred.array() == d.y.array()).cast<double>().mean();
    const double mean = d.y.mean();
    return 1.0 - (pred - d.y).squaredNorm() / (d.y.array() - mean).square().sum();
}

TEST_CASE("random forests and extra trees score within 0.02 of scikit-learn's") {
    for (const char* name : {"diabetes", "breast_cancer", "iris"}) {
        const bool classifier = std::string(name) != "diabetes";
        const Dataset d = load_dataset(name);
        const brine::test::Csv ref = reference(name, "forest_scores.csv");
        for (Eigen::Index r = 0; r < ref.data.rows(); ++r) {
            const auto row = ref.data.row(r);
            brine::train::ForestOptions o;
            o.extra_trees = row(1) != 0.0;
            o.n_estimators = static_cast<int>(row(2));
            if (row(3) > 0) o.max_depth = static_cast<int>(row(3));
            o.min_samples_leaf = static_cast<int>(row(4));
            if (row(5) > 0) o.max_features = brine::train::MaxFeatures::fraction(row(5));
            if (row(6) >= 0) o.bootstrap = row(6) != 0.0;
            o.seed = 0;
            const double score = forest_cv_score(d, o, classifier);
            INFO(name << " config " << row(0) << (o.extra_trees ? " extra trees" : " random forest")
                      << ": brine " << score << ", scikit-learn " << row(7) << " +- " << row(8));
            CHECK(std::abs(score - row(7)) <= 0.02);
        }
    }
}

TEST_CASE("forests with seed 0 predict as scikit-learn's with random_state=0") {
    // Same random streams (numpy's RandomState for tree seeds and bootstraps, the splitter's
    // xorshift for feature order and extra-trees thresholds), so the same trees.
    for (const char* name : {"diabetes", "breast_cancer", "iris"}) {
        INFO(name);
        const bool classifier = std::string(name) != "diabetes";
        const Dataset d = load_dataset(name);
        const brine::test::Csv ref = reference(name, "forest_predictions.csv");
        const Eigen::Index width = ref.data.cols() / 2;
        for (const bool extra : {false, true}) {
            INFO((extra ? "extra trees" : "random forest"));
            brine::train::ForestOptions o;
            o.n_estimators = 10;  // FOREST_PREDICTION_TREES
            o.extra_trees = extra;
            const brine::TreeEnsemble m = classifier
                                              ? brine::train::random_forest_classifier(d.X, d.y, o)
                                              : brine::train::random_forest_regressor(d.X, d.y, o);
            m.validate();
            const Eigen::MatrixXd expected = ref.data.middleCols(extra ? width : 0, width);
            const Eigen::MatrixXd got =
                classifier ? m.predict_proba(d.X) : Eigen::MatrixXd(m.predict(d.X));
            if (classifier) {
                CHECK((got - expected).cwiseAbs().maxCoeff() <= 1e-12);
            } else {
                CHECK(max_rel(got, expected) < 1e-9);
            }
        }
    }
}

TEST_CASE("ensemble trainers give the same model for any thread count") {
    const Dataset d = load_dataset("iris");
    brine::train::ForestOptions f;
    f.n_estimators = 6;
    f.max_depth = 3;
    f.seed = 7;
    const brine::TreeEnsemble one = brine::train::random_forest_classifier(d.X, d.y, f);
    f.threads = 3;
    CHECK(brine::train::random_forest_classifier(d.X, d.y, f) == one);
    f.seed = 8;
    CHECK(brine::train::random_forest_classifier(d.X, d.y, f) != one);

    brine::train::BoostingOptions b;
    b.n_estimators = 3;
    b.subsample = 0.5;
    const brine::TreeEnsemble g1 = brine::train::gradient_boosting_classifier(d.X, d.y, b);
    b.threads = 2;
    CHECK(brine::train::gradient_boosting_classifier(d.X, d.y, b) == g1);
    CHECK(g1.n_trees() == 9);  // one tree per class per stage
}

TEST_CASE("ensemble trainers refuse bad options and data with the option named") {
    const Dataset d = load_dataset("iris");
    auto forest = [&](brine::train::ForestOptions o) {
        return brine::train::random_forest_classifier(d.X, d.y, o);
    };
    auto boost = [&](brine::train::BoostingOptions o) {
        return brine::train::gradient_boosting_regressor(d.X, d.y, o);
    };
    brine::train::ForestOptions f;
    f.n_estimators = 0;
    BRINE_CHECK_THROWS_CODE(forest(f), brine::Errc::invalid_argument,
                            "random_forest_classifier: n_estimators must be >= 1, is 0");
    f = {};
    f.max_features = brine::train::MaxFeatures::fraction(1.5);
    BRINE_CHECK_THROWS_CODE(forest(f), brine::Errc::invalid_argument,
                            "max_features fraction must be in (0, 1], is 1.5");
    brine::train::BoostingOptions b;
    b.subsample = 0.0;
    BRINE_CHECK_THROWS_CODE(boost(b), brine::Errc::invalid_argument,
                            "gradient_boosting_regressor: subsample must be in (0, 1], is 0");
    b = {};
    b.learning_rate = -0.1;
    BRINE_CHECK_THROWS_CODE(boost(b), brine::Errc::invalid_argument,
                            "learning_rate must be finite and > 0, is -0.1");
    Eigen::MatrixXd X = d.X;
    X(3, 2) = std::numeric_limits<double>::quiet_NaN();
    BRINE_CHECK_THROWS_CODE(brine::train::gradient_boosting_classifier(X, d.y),
                            brine::Errc::invalid_argument,
                            "X has a non-finite value (nan) at row 3, column 2");
    const Eigen::VectorXd one_class = Eigen::VectorXd::Ones(d.y.size());
    BRINE_CHECK_THROWS_CODE(brine::train::random_forest_classifier(d.X, one_class),
                            brine::Errc::invalid_argument, "single class");
}

}  // namespace ensemble_reference_test
