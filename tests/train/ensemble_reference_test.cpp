// brine's tree-ensemble trainers against scikit-learn 1.2.1 on its bundled datasets.
// SPDX-License-Identifier: MIT
//
// Every expected number comes from tests/reference/make_training_ensemble_reference.py, which wrote what
// scikit-learn's GradientBoosting*, RandomForest* and ExtraTrees* fit on examples/data/ to
// tests/data/sklearn_reference/<dataset>/ (gb_predictions.csv, gb_trees.csv, forest_scores.csv).
#include <cmath>
#include <string>

#include "brine/train/ensemble.hpp"
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
Eigen::MatrixXd float32_rounded(const Eigen::MatrixXd& X) {
    return X.cast<float>().cast<double>();
}

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

// Trees identical to scikit-learn's (structure, features and thresholds exactly; leaf values to
// 1e-9 relative), counted from the first; `first_difference` describes the first that is not.
struct TreeMatch {
    int identical = 0;
    int total = 0;
    std::string first_difference;
};

TreeMatch compare_trees(const brine::train::detail::GrownEnsemble& e, const brine::test::Csv& ref,
                        double learning_rate, Eigen::Index K) {
    TreeMatch m;
    m.total = static_cast<int>(e.trees.size());
    const Eigen::MatrixXd& r = ref.data;
    Eigen::Index row = 0;
    for (std::size_t t = 0; t < e.trees.size(); ++t) {
        const brine::DecisionTree& tree = e.trees[t];
        const auto stage = static_cast<double>(static_cast<Eigen::Index>(t) / K);
        const auto k = static_cast<double>(static_cast<Eigen::Index>(t) % K);
        Eigen::Index begin = row;
        while (row < r.rows() && r(row, 0) == stage && r(row, 1) == k) ++row;
        bool same = row - begin == tree.n_nodes();
        std::string why = same ? "" : "node count " + std::to_string(tree.n_nodes()) + " vs " +
                                          std::to_string(row - begin);
        for (Eigen::Index node = 0; same && node < tree.n_nodes(); ++node) {
            const auto R = r.row(begin + node);
            const bool leaf = tree.children_left(node) == brine::DecisionTree::leaf;
            if (tree.children_left(node) != R(3) || tree.children_right(node) != R(4) ||
                (!leaf && (tree.feature(node) != R(5) || tree.threshold(node) != R(6)))) {
                same = false;
                why = "node " + std::to_string(node) + ": feature " +
                      std::to_string(tree.feature(node)) + " threshold " +
                      brine::train::detail::number_text(tree.threshold(node)) + " vs feature " +
                      std::to_string(static_cast<int>(R(5))) + " threshold " +
                      brine::train::detail::number_text(R(6));
            } else if (leaf && std::abs(tree.value(node, 0) - learning_rate * R(7)) >
                                   1e-9 * std::abs(learning_rate * R(7)) + 1e-16) {
                same = false;
                why = "leaf " + std::to_string(node) + " value " +
                      brine::train::detail::number_text(tree.value(node, 0)) + " vs " +
                      brine::train::detail::number_text(learning_rate * R(7));
            }
        }
        if (!same) {
            m.first_difference = "tree " + std::to_string(t) + " (stage " +
                                 std::to_string(static_cast<int>(stage)) + ", output " +
                                 std::to_string(static_cast<int>(k)) + "): " + why;
            break;
        }
        ++m.identical;
    }
    return m;
}

Eigen::MatrixXd softmax_rows(const Eigen::MatrixXd& raw) {
    Eigen::MatrixXd p(raw.rows(), raw.cols());
    for (Eigen::Index i = 0; i < raw.rows(); ++i) {
        const double top = raw.row(i).maxCoeff();
        p.row(i) = (raw.row(i).array() - top).exp().matrix();
        p.row(i) /= p.row(i).sum();
    }
    return p;
}

TEST_CASE("gradient boosting agrees with scikit-learn's GradientBoosting tree for tree") {
    struct Case {
        const char* dataset;
        bool classifier;
        Eigen::Index K;
    };
    for (const Case c : {Case{"diabetes", false, 1}, Case{"breast_cancer", true, 1},
                         Case{"iris", true, 3}}) {
        INFO(c.dataset);
        const Dataset d = load_dataset(c.dataset);
        brine::train::BoostingOptions o;
        o.n_estimators = 20;  // make_ensemble_reference.py's GB_STAGES
        const brine::train::detail::GrownEnsemble e = brine::train::detail::grow_boosting(
            d.X, d.y, o, c.classifier, "gradient_boosting");
        const TreeMatch m = compare_trees(e, reference(c.dataset, "gb_trees.csv"), 0.1, c.K);
        INFO(m.first_difference);
        CHECK(m.identical == m.total);
        CHECK(m.total == 20 * c.K);

        const brine::test::Csv pred = reference(c.dataset, "gb_predictions.csv");
        const Eigen::MatrixXd raw = raw_scores(e, d.X);
        CHECK(max_rel(raw, pred.data.leftCols(c.K)) < 1e-9);
        if (c.classifier && c.K == 1) {
            const Eigen::ArrayXd p1 = 1.0 / (1.0 + (-raw.col(0).array()).exp());
            CHECK(max_rel(p1.matrix(), pred.data.col(pred.column("proba_1"))) < 1e-9);
        } else if (c.classifier) {
            CHECK(max_rel(softmax_rows(raw), pred.data.rightCols(c.K)) < 1e-9);
        }
    }
}

}  // namespace ensemble_reference_test
