// brine::DecisionTree: a CART tree (classifier or regressor) stored as parallel node arrays.
// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

#include "brine/models/common.hpp"

namespace brine {

/// A binary decision tree in scikit-learn's `tree_` layout: node i is a leaf when
/// `children_left[i] == DecisionTree::leaf`; otherwise a sample goes to `children_left[i]` when
/// `x[feature[i]] <= threshold[i]` and to `children_right[i]` otherwise. Node 0 is the root.
/// `value` has one row per node: class probabilities (classifier, one column per class in the
/// order of `classes`) or the predicted value (regressor, one column).
///
/// NaN inputs: `NaN <= threshold` is false, so a NaN feature value always goes right, as in
/// scikit-learn up to 1.2 (before trees learned a direction for missing values). Infinite inputs
/// compare as numbers. Every walk of a validated tree ends at a leaf within depth() steps, whatever
/// the input.
///
/// ```
/// // root: x[0] <= 0.5 ? leaf 1 (value 10) : leaf 2 (value 20)
/// brine::DecisionTree t;
/// t.n_features_in = 1;
/// t.children_left.resize(3);  t.children_left << 1, -1, -1;
/// t.children_right.resize(3); t.children_right << 2, -1, -1;
/// t.feature.resize(3);        t.feature << 0, -2, -2;
/// t.threshold.resize(3);      t.threshold << 0.5, -2, -2;
/// t.value.resize(3, 1);       t.value << 15, 10, 20;
/// ```
struct DecisionTree {
    enum class Task : std::uint8_t { classification = 0, regression = 1 };
    static constexpr std::int32_t leaf = -1;  ///< child index of a leaf (scikit-learn's TREE_LEAF)

    Task task = Task::regression;
    std::int32_t n_features_in = 0;  ///< number of input features the tree was trained on
    IndexVector children_left;       ///< per node: left child or `leaf`
    IndexVector children_right;      ///< per node: right child or `leaf`
    IndexVector feature;             ///< per node: feature tested (ignored at leaves, stored as -2)
    Eigen::VectorXd threshold;       ///< per node: split threshold (ignored at leaves)
    RowMatrix value;                 ///< n_nodes x (n_classes or 1)
    Eigen::VectorXd classes;         ///< classifier: labels, strictly increasing; regressor: empty

    Eigen::Index n_features() const noexcept { return n_features_in; }
    Eigen::Index n_nodes() const noexcept { return children_left.size(); }
    Eigen::Index n_classes() const noexcept { return classes.size(); }
    bool is_classifier() const noexcept { return task == Task::classification; }

    /// Depth of the tree (a lone root has depth 0). Requires a valid tree.
    int depth() const {
        std::vector<int> d(static_cast<std::size_t>(n_nodes()), 0);
        int deepest = 0;
        for (Eigen::Index i = 0; i < n_nodes(); ++i) {  // children have larger indices than parents
            const int di = d[static_cast<std::size_t>(i)];
            deepest = std::max(deepest, di);
            if (children_left(i) != leaf) {
                d[static_cast<std::size_t>(children_left(i))] = di + 1;
                d[static_cast<std::size_t>(children_right(i))] = di + 1;
            }
        }
        return deepest;
    }

    /// Throws Error(Errc::invalid_model) naming the first broken invariant:
    /// task known; >= 1 node; every node array of length n_nodes; n_features >= 1; each node a
    /// leaf (both children `leaf`) or a split whose children are in range, greater than the node's
    /// own index, and children of no other node; every node but the root has a parent (so the tree
    /// is connected and every walk ends at a leaf); split features in [0, n_features); thresholds
    /// not NaN; values finite; classifier: >= 2 strictly increasing classes, value has n_classes
    /// columns, leaf rows are probabilities (>= 0, summing to 1 within 1e-9); regressor: one value
    /// column and no classes.
    void validate() const {
        constexpr const char* name = "DecisionTree";
        if (task != Task::classification && task != Task::regression) {
            detail::invalid_model(name, "unknown task " + std::to_string(static_cast<int>(task)));
        }
        const Eigen::Index n = n_nodes();
        if (n < 1) detail::invalid_model(name, "has no nodes");
        if (n > std::numeric_limits<std::int32_t>::max())
            detail::invalid_model(name, "too many nodes");
        auto same_length = [&](Eigen::Index len, const char* field) {
            if (len != n) {
                detail::invalid_model(name, std::string(field) + " has " + std::to_string(len) +
                                                " entries for " + std::to_string(n) + " nodes");
            }
        };
        same_length(children_right.size(), "children_right");
        same_length(feature.size(), "feature");
        same_length(threshold.size(), "threshold");
        if (value.rows() != n) {
            detail::invalid_model(name, "value has " + std::to_string(value.rows()) + " rows for " +
                                            std::to_string(n) + " nodes");
        }
        if (n_features_in < 1) {
            detail::invalid_model(name,
                                  "n_features must be >= 1, is " + std::to_string(n_features_in));
        }
        if (is_classifier()) {
            if (classes.size() < 2) {
                detail::invalid_model(name, "a classifier needs at least 2 classes, has " +
                                                std::to_string(classes.size()));
            }
            detail::require_finite(classes, name, "classes");
            for (Eigen::Index k = 1; k < classes.size(); ++k) {
                if (!(classes(k - 1) < classes(k))) {
                    detail::invalid_model(name, "classes must be strictly increasing at classes[" +
                                                    std::to_string(k) + "]");
                }
            }
            if (value.cols() != classes.size()) {
                detail::invalid_model(name, "value has " + std::to_string(value.cols()) +
                                                " columns for " + std::to_string(classes.size()) +
                                                " classes");
            }
        } else {
            if (classes.size() != 0) detail::invalid_model(name, "a regressor has no classes");
            if (value.cols() != 1) {
                detail::invalid_model(
                    name, "a regressor's value has 1 column, not " + std::to_string(value.cols()));
            }
        }
        detail::require_finite(value, name, "value");

        std::vector<std::uint8_t> has_parent(static_cast<std::size_t>(n), 0);
        for (Eigen::Index i = 0; i < n; ++i) {
            const std::int32_t l = children_left(i), r = children_right(i);
            const std::string at = "node " + std::to_string(i);
            if (l == leaf || r == leaf) {
                if (l != r) {
                    detail::invalid_model(name, at + " has one child: children_left " +
                                                    std::to_string(l) + ", children_right " +
                                                    std::to_string(r));
                }
                if (is_classifier()) check_probabilities(i);
                continue;
            }
            if (l == r) {
                detail::invalid_model(name,
                                      at + " has node " + std::to_string(l) + " as both children");
            }
            for (std::int32_t c : {l, r}) {
                if (c <= i || c >= n) {
                    detail::invalid_model(name, at + " has child " + std::to_string(c) +
                                                    "; children must be in (" + std::to_string(i) +
                                                    ", " + std::to_string(n) + ")");
                }
                auto& seen = has_parent[static_cast<std::size_t>(c)];
                if (seen) {
                    detail::invalid_model(
                        name, "node " + std::to_string(c) + " is the child of two nodes");
                }
                seen = 1;
            }
            if (feature(i) < 0 || feature(i) >= n_features_in) {
                detail::invalid_model(
                    name, at + " splits on feature " + std::to_string(feature(i)) +
                              ", expected 0 <= feature < " + std::to_string(n_features_in));
            }
            if (std::isnan(threshold(i))) detail::invalid_model(name, at + " has a NaN threshold");
        }
        for (Eigen::Index i = 1; i < n; ++i) {
            if (!has_parent[static_cast<std::size_t>(i)]) {
                detail::invalid_model(name,
                                      "node " + std::to_string(i) + " is unreachable (no parent)");
            }
        }
    }

    /// Index of the leaf that sample x reaches, reading x[feature * stride]. No checks: the tree
    /// must be valid and x must have n_features entries.
    Eigen::Index leaf_of(const double* x, Eigen::Index stride = 1) const noexcept {
        const std::int32_t* left = children_left.data();
        const std::int32_t* right = children_right.data();
        const std::int32_t* feat = feature.data();
        const double* thr = threshold.data();
        std::int32_t node = 0;
        while (left[node] != leaf) {
            node = x[feat[node] * stride] <= thr[node] ? left[node] : right[node];
        }
        return node;
    }

    /// Index of the leaf each row of X reaches (scikit-learn's `apply`).
    /// Throws Errc::shape_mismatch unless X has n_features columns.
    IndexVector apply(const MatrixRef& X) const {
        detail::check_columns(X.cols(), n_features(), "DecisionTree");
        IndexVector leaves(X.rows());
        leaves_of(X, leaves.data());
        return leaves;
    }

    /// Index of the leaf that one sample reaches. Throws Errc::shape_mismatch.
    Eigen::Index apply_one(const RowRef& x) const {
        detail::check_columns(x.size(), n_features(), "DecisionTree");
        return leaf_of(x.data(), x.innerStride());
    }

    /// Predicted value (regressor) or class label (classifier) for every row of X.
    /// Throws Errc::shape_mismatch unless X has n_features columns.
    Eigen::VectorXd predict(const MatrixRef& X) const {
        const IndexVector leaves = apply(X);
        Eigen::VectorXd y(X.rows());
        for (Eigen::Index i = 0; i < X.rows(); ++i) y(i) = output_of(leaves(i));
        return y;
    }

    /// Class probabilities (classifier only; else Errc::invalid_argument), one column per class.
    /// Throws Errc::shape_mismatch unless X has n_features columns.
    Eigen::MatrixXd predict_proba(const MatrixRef& X) const {
        require_classifier();
        const IndexVector leaves = apply(X);
        Eigen::MatrixXd p(X.rows(), value.cols());
        for (Eigen::Index i = 0; i < X.rows(); ++i) p.row(i) = value.row(leaves(i));
        return p;
    }

    /// Prediction for one sample, without heap allocation. Throws Errc::shape_mismatch.
    double predict_one(const RowRef& x) const {
        detail::check_columns(x.size(), n_features(), "DecisionTree");
        return output_of(leaf_of(x.data(), x.innerStride()));
    }

    /// Class probabilities of one sample into out[0 .. n_classes), without heap allocation.
    /// Throws Errc::invalid_argument for a regressor, Errc::shape_mismatch.
    void predict_proba_one(const RowRef& x, double* out) const {
        require_classifier();
        detail::check_columns(x.size(), n_features(), "DecisionTree");
        const Eigen::Index node = leaf_of(x.data(), x.innerStride());
        for (Eigen::Index k = 0; k < value.cols(); ++k) out[k] = value(node, k);
    }

    friend bool operator==(const DecisionTree& a, const DecisionTree& b) {
        return a.task == b.task && a.n_features_in == b.n_features_in &&
               detail::same_bits(a.children_left, b.children_left) &&
               detail::same_bits(a.children_right, b.children_right) &&
               detail::same_bits(a.feature, b.feature) &&
               detail::same_bits(a.threshold, b.threshold) && detail::same_bits(a.value, b.value) &&
               detail::same_bits(a.classes, b.classes);
    }
    friend bool operator!=(const DecisionTree& a, const DecisionTree& b) { return !(a == b); }

private:
    double output_of(Eigen::Index node) const {
        if (!is_classifier()) return value(node, 0);
        // value is row-major, so a node's class probabilities are contiguous.
        return classes(detail::argmax(value.data() + node * value.cols(), value.cols()));
    }

    /// Leaves of every row of X, one walk per row. (Copying blocks of rows into a row-major buffer
    /// and advancing a block of walks level by level were both measured on a 200000 x 30 input
    /// and an 8191-node tree: neither was faster, the walk is bound by unpredictable branches.)
    void leaves_of(const MatrixRef& X, std::int32_t* out) const {
        const Eigen::Index stride = X.outerStride();
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            out[i] = static_cast<std::int32_t>(leaf_of(X.data() + i, stride));
        }
    }

    void require_classifier() const {
        if (!is_classifier()) {
            throw Error(Errc::invalid_argument,
                        "predict_proba needs a classifier; this DecisionTree is a regressor");
        }
    }

    void check_probabilities(Eigen::Index i) const {
        double sum = 0.0;
        for (Eigen::Index k = 0; k < value.cols(); ++k) {
            if (value(i, k) < 0.0) {
                detail::invalid_model("DecisionTree", "leaf " + std::to_string(i) +
                                                          " has a negative class probability");
            }
            sum += value(i, k);
        }
        if (std::abs(sum - 1.0) > 1e-9) {
            detail::invalid_model("DecisionTree", "leaf " + std::to_string(i) +
                                                      " class probabilities sum to " +
                                                      std::to_string(sum) + ", not 1");
        }
    }
};

}  // namespace brine
