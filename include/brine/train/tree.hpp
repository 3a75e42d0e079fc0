// brine::train::decision_tree_classifier and decision_tree_regressor: CART trees as scikit-learn
// grows them. SPDX-License-Identifier: MIT
#pragma once

#include <numeric>
#include <optional>
#include <vector>

#include "brine/models/decision_tree.hpp"
#include "brine/train/checks.hpp"

namespace brine::train {

/// Options of decision_tree_classifier() and decision_tree_regressor() (scikit-learn's names and
/// defaults).
struct TreeOptions {
    /// Maximum depth (the root is depth 0); unset means grow until leaves are pure or too small.
    std::optional<int> max_depth;
    /// A node with fewer samples than this (>= 2) is not split.
    int min_samples_split = 2;
    /// Every leaf keeps at least this many samples (>= 1); splits that would leave fewer are
    /// not considered.
    int min_samples_leaf = 1;

    OptionList describe() const {
        return {{"max_depth", max_depth ? detail::number_text(*max_depth) : std::string("none")},
                {"min_samples_split", detail::number_text(min_samples_split)},
                {"min_samples_leaf", detail::number_text(min_samples_leaf)}};
    }

    /// Throws Error(Errc::invalid_argument) unless max_depth (when set) >= 1,
    /// min_samples_split >= 2 and min_samples_leaf >= 1.
    void validate(const char* fn = "decision_tree") const {
        if (max_depth && *max_depth < 1) {
            detail::invalid(fn,
                            "max_depth must be >= 1 when set, is " + std::to_string(*max_depth));
        }
        if (min_samples_split < 2) {
            detail::invalid(
                fn, "min_samples_split must be >= 2, is " + std::to_string(min_samples_split));
        }
        if (min_samples_leaf < 1) {
            detail::invalid(
                fn, "min_samples_leaf must be >= 1, is " + std::to_string(min_samples_leaf));
        }
    }
};

/// TreeOptions that choose a classification tree, for pipeline(): `TreeClassifierOptions{options}`.
struct TreeClassifierOptions : TreeOptions {};
/// TreeOptions that choose a regression tree, for pipeline(): `TreeRegressorOptions{options}`.
struct TreeRegressorOptions : TreeOptions {};

namespace detail {

/// Grows a CART tree. Every feature is sorted once at the root; a node's samples occupy the
/// same range [start, end) of every feature's sorted list, and splitting a node stably
/// partitions that range in each list, so no node sorts again (O(n_samples * n_features) work per
/// tree level).
template <class = void>
class TreeGrower {
public:
    /// Values closer than this are one value, as scikit-learn's FEATURE_THRESHOLD: no split is
    /// placed between them.
    static constexpr double feature_threshold = 1e-7;

    TreeGrower(const Eigen::Ref<const Eigen::MatrixXd>& X, const TreeOptions& options,
               std::vector<int> label, Eigen::Index n_classes, const double* target)
        : X_(X),
          options_(options),
          label_(std::move(label)),
          n_classes_(n_classes),
          target_(target) {}

    DecisionTree grow() {
        const Eigen::Index n = X_.rows(), d = X_.cols();
        presort();
        left_flag_.assign(static_cast<std::size_t>(n), 0);
        buffer_.resize(static_cast<std::size_t>(n));
        value_buffer_.resize(static_cast<std::size_t>(n));
        const int max_depth = options_.max_depth.value_or(std::numeric_limits<int>::max());

        struct Pending {
            Eigen::Index start, end;
            int depth;
            std::int32_t parent;
            bool is_left;
        };
        std::vector<Pending> stack{{0, n, 0, -1, false}};
        while (!stack.empty()) {
            const Pending p = stack.back();
            stack.pop_back();
            const auto id = static_cast<std::int32_t>(left_.size());
            if (p.parent >= 0)
                (p.is_left ? left_ : right_)[static_cast<std::size_t>(p.parent)] = id;
            const double impurity = add_node(p.start, p.end);

            const Eigen::Index count = p.end - p.start;
            // scikit-learn's stopping rules, in its order; a pure node (impurity <= machine
            // epsilon) is a leaf.
            bool leaf = p.depth >= max_depth || count < options_.min_samples_split ||
                        count < 2 * static_cast<Eigen::Index>(options_.min_samples_leaf) ||
                        impurity <= std::numeric_limits<double>::epsilon();
            Split best;
            if (!leaf) {
                best = best_split(p.start, p.end);
                leaf = best.feature < 0;
            }
            if (leaf) continue;
            feature_[static_cast<std::size_t>(id)] = best.feature;
            threshold_[static_cast<std::size_t>(id)] = best.threshold;
            partition(p.start, p.end, best);
            // Right pushed first so the left subtree is numbered next: scikit-learn's
            // depth-first order, children after their parent.
            stack.push_back({p.start + best.position, p.end, p.depth + 1, id, false});
            stack.push_back({p.start, p.start + best.position, p.depth + 1, id, true});
        }

        DecisionTree t;
        t.task = classifier() ? DecisionTree::Task::classification : DecisionTree::Task::regression;
        t.n_features_in = static_cast<std::int32_t>(d);
        const auto nodes = static_cast<Eigen::Index>(left_.size());
        t.children_left = Eigen::Map<const IndexVector>(left_.data(), nodes);
        t.children_right = Eigen::Map<const IndexVector>(right_.data(), nodes);
        t.feature = Eigen::Map<const IndexVector>(feature_.data(), nodes);
        t.threshold = Eigen::Map<const Eigen::VectorXd>(threshold_.data(), nodes);
        const Eigen::Index width = classifier() ? n_classes_ : 1;
        t.value = Eigen::Map<const RowMatrix>(values_.data(), nodes, width);
        return t;
    }

private:
    struct Split {
        std::int32_t feature = -1;
        Eigen::Index position = 0;  ///< samples [start, start + position) go left
        double threshold = 0.0;
    };

    bool classifier() const { return target_ == nullptr; }

    void presort() {
        const Eigen::Index n = X_.rows(), d = X_.cols();
        order_.assign(static_cast<std::size_t>(d),
                      std::vector<std::int32_t>(static_cast<std::size_t>(n)));
        sorted_.assign(static_cast<std::size_t>(d),
                       std::vector<double>(static_cast<std::size_t>(n)));
        for (Eigen::Index f = 0; f < d; ++f) {
            auto& order = order_[static_cast<std::size_t>(f)];
            std::iota(order.begin(), order.end(), 0);
            const double* col = X_.col(f).data();
            // Ties in value keep sample order, so the result never depends on the sort algorithm.
            std::sort(order.begin(), order.end(), [col](std::int32_t a, std::int32_t b) {
                return col[a] < col[b] || (col[a] == col[b] && a < b);
            });
            auto& sorted = sorted_[static_cast<std::size_t>(f)];
            for (Eigen::Index i = 0; i < n; ++i)
                sorted[static_cast<std::size_t>(i)] = col[order[static_cast<std::size_t>(i)]];
        }
    }

    /// Appends a node for samples [start, end) with its value row; returns its impurity.
    double add_node(Eigen::Index start, Eigen::Index end) {
        left_.push_back(DecisionTree::leaf);
        right_.push_back(DecisionTree::leaf);
        feature_.push_back(-2);  // scikit-learn's TREE_UNDEFINED at leaves
        threshold_.push_back(-2.0);
        const auto& order = order_[0];
        const double count = static_cast<double>(end - start);
        if (classifier()) {
            std::vector<double> counts(static_cast<std::size_t>(n_classes_), 0.0);
            for (Eigen::Index i = start; i < end; ++i)
                counts[static_cast<std::size_t>(
                    label_[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])])] += 1.0;
            double squares = 0.0;
            for (double c : counts) {
                squares += c * c;
                values_.push_back(c / count);
            }
            return 1.0 - squares / (count * count);
        }
        double sum = 0.0, squares = 0.0;
        for (Eigen::Index i = start; i < end; ++i) {
            const double v = target_[order[static_cast<std::size_t>(i)]];
            sum += v;
            squares += v * v;
        }
        values_.push_back(sum / count);
        return squares / count - (sum / count) * (sum / count);
    }

    /// The best split of [start, end): the largest scikit-learn "proxy improvement" over every
    /// feature and every threshold; the first found wins a tie (lowest feature, then lowest
    /// threshold). feature < 0 when no split is allowed.
    Split best_split(Eigen::Index start, Eigen::Index end) const {
        const Eigen::Index n = end - start;
        const Eigen::Index min_leaf = options_.min_samples_leaf;
        Split best;
        double best_proxy = -std::numeric_limits<double>::infinity();
        std::vector<double> left_counts, right_counts;
        double total_counts_sq = 0.0, total_sum = 0.0;
        std::vector<double> total_counts(static_cast<std::size_t>(classifier() ? n_classes_ : 0),
                                         0.0);
        for (Eigen::Index i = start; i < end; ++i) {
            const std::int32_t s = order_[0][static_cast<std::size_t>(i)];
            if (classifier())
                total_counts[static_cast<std::size_t>(label_[static_cast<std::size_t>(s)])] += 1.0;
            else
                total_sum += target_[s];
        }
        for (double c : total_counts) total_counts_sq += c * c;

        for (std::size_t f = 0; f < order_.size(); ++f) {
            const std::int32_t* order = order_[f].data() + start;
            const double* x = sorted_[f].data() + start;
            if (x[n - 1] <= x[0] + feature_threshold) continue;  // constant within this node
            // Running statistics of the left part [0, i); the right part is the rest.
            left_counts.assign(total_counts.size(), 0.0);
            right_counts = total_counts;
            double left_sq = 0.0, right_sq = total_counts_sq, left_sum = 0.0;
            for (Eigen::Index i = 1; i < n; ++i) {
                const std::int32_t s = order[i - 1];
                if (classifier()) {
                    const auto k = static_cast<std::size_t>(label_[static_cast<std::size_t>(s)]);
                    // Counts are integers, so these sums of squares are exact.
                    left_sq += 2.0 * left_counts[k] + 1.0;
                    right_sq -= 2.0 * right_counts[k] - 1.0;
                    left_counts[k] += 1.0;
                    right_counts[k] -= 1.0;
                } else {
                    left_sum += target_[s];
                }
                if (!(x[i] > x[i - 1] + feature_threshold)) continue;
                if (i < min_leaf || n - i < min_leaf) continue;
                const double nl = static_cast<double>(i), nr = static_cast<double>(n - i);
                double proxy;
                if (classifier()) {
                    // -n_right * gini_right - n_left * gini_left, scikit-learn's expression.
                    const double gini_left = 1.0 - left_sq / (nl * nl);
                    const double gini_right = 1.0 - right_sq / (nr * nr);
                    proxy = -nr * gini_right - nl * gini_left;
                } else {
                    // The squared-error decrease up to terms constant over the node's splits.
                    const double right_sum = total_sum - left_sum;
                    proxy = left_sum * left_sum / nl + right_sum * right_sum / nr;
                }
                if (proxy > best_proxy) {
                    best_proxy = proxy;
                    best.feature = static_cast<std::int32_t>(f);
                    best.position = i;
                    // Halves are summed so huge values cannot overflow; a midpoint that rounds up
                    // to the upper value would send that value left, so the lower value is used.
                    double t = x[i - 1] / 2.0 + x[i] / 2.0;
                    if (t == x[i] || std::isinf(t)) t = x[i - 1];
                    best.threshold = t;
                }
            }
        }
        return best;
    }

    /// Stably moves the samples going left to the front of [start, end) in every feature's list.
    void partition(Eigen::Index start, Eigen::Index end, const Split& split) {
        const auto& chosen = order_[static_cast<std::size_t>(split.feature)];
        for (Eigen::Index i = start; i < end; ++i) {
            left_flag_[static_cast<std::size_t>(chosen[static_cast<std::size_t>(i)])] =
                i < start + split.position;
        }
        for (std::size_t f = 0; f < order_.size(); ++f) {
            if (f == static_cast<std::size_t>(split.feature)) continue;  // already in place
            auto& order = order_[f];
            auto& sorted = sorted_[f];
            Eigen::Index l = start, r = 0;
            for (Eigen::Index i = start; i < end; ++i) {
                const auto ui = static_cast<std::size_t>(i);
                const std::int32_t s = order[ui];
                if (left_flag_[static_cast<std::size_t>(s)]) {
                    order[static_cast<std::size_t>(l)] = s;
                    sorted[static_cast<std::size_t>(l++)] = sorted[ui];
                } else {
                    buffer_[static_cast<std::size_t>(r)] = s;
                    value_buffer_[static_cast<std::size_t>(r++)] = sorted[ui];
                }
            }
            std::copy(buffer_.begin(), buffer_.begin() + r, order.begin() + l);
            std::copy(value_buffer_.begin(), value_buffer_.begin() + r, sorted.begin() + l);
        }
    }

    Eigen::Ref<const Eigen::MatrixXd> X_;
    const TreeOptions& options_;
    std::vector<int> label_;
    Eigen::Index n_classes_;
    const double* target_;  ///< regression targets, or nullptr for a classifier

    std::vector<std::vector<std::int32_t>> order_;  ///< per feature: sample indices by value
    std::vector<std::vector<double>> sorted_;       ///< per feature: the values in that order
    std::vector<std::uint8_t> left_flag_;
    std::vector<std::int32_t> buffer_;
    std::vector<double> value_buffer_;

    std::vector<std::int32_t> left_, right_, feature_;
    std::vector<double> threshold_, values_;
};

}  // namespace detail

/// Grows a classification tree with the Gini criterion, as scikit-learn's
/// `DecisionTreeClassifier(criterion="gini")` with every feature considered at every node.
///
/// Candidate thresholds are midpoints between consecutive distinct sorted values of a feature
/// within the node; values closer than 1e-7 count as one value, and when the midpoint rounds up
/// to the upper value the lower value is used, both as scikit-learn. Of the candidates the one
/// with the largest impurity decrease wins, even a decrease of 0, as in scikit-learn; a node
/// stops when it is pure, at max_depth, below min_samples_split, or when no split leaves
/// min_samples_leaf samples on both sides. **Ties** between equally good splits go to the lowest
/// feature index, then the lowest threshold (scikit-learn visits features in a random order
/// instead, so where ties exist its tree can differ while being equally good).
/// scikit-learn also rounds X to float32 first; brine splits the doubles as given.
///
/// Nodes are numbered depth first, left subtree before right (scikit-learn's order). Every
/// node's `value` row holds the class proportions of its training samples; `classes` the sorted
/// distinct labels of y.
///
/// Throws Error(Errc::invalid_argument) for an empty X, mismatched sizes, a non-finite entry, a
/// single class, or invalid options.
template <class = void>
DecisionTree decision_tree_classifier(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                      const Eigen::Ref<const Eigen::VectorXd>& y,
                                      const TreeOptions& options = {}) {
    constexpr const char* fn = "decision_tree_classifier";
    options.validate(fn);
    detail::check_features(X, fn);
    detail::check_targets(X, y, fn);
    detail::EncodedLabels labels = detail::encode_labels(y, fn);
    if (X.rows() > std::numeric_limits<std::int32_t>::max()) detail::invalid(fn, "too many rows");
    const Eigen::Index n_classes = labels.classes.size();
    DecisionTree t =
        detail::TreeGrower<>(X, options, std::move(labels.index), n_classes, nullptr).grow();
    t.classes = std::move(labels.classes);
    return t;
}

/// Grows a regression tree with the squared-error criterion, as scikit-learn's
/// `DecisionTreeRegressor(criterion="squared_error")`: the same thresholds, stopping rules, tie
/// rule and node order as decision_tree_classifier(); every node's value is the mean target of
/// its training samples.
///
/// Throws Error(Errc::invalid_argument) for an empty X, mismatched sizes, a non-finite entry or
/// invalid options.
template <class = void>
DecisionTree decision_tree_regressor(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                     const Eigen::Ref<const Eigen::VectorXd>& y,
                                     const TreeOptions& options = {}) {
    constexpr const char* fn = "decision_tree_regressor";
    options.validate(fn);
    detail::check_features(X, fn);
    detail::check_targets(X, y, fn);
    if (X.rows() > std::numeric_limits<std::int32_t>::max()) detail::invalid(fn, "too many rows");
    const Eigen::VectorXd target = y;  // contiguous for the grower
    return detail::TreeGrower<>(X, options, {}, 0, target.data()).grow();
}

#ifdef BRINE_COMPILED
// The compiled mode (brine::compiled) instantiates these once, in src/brine_train.cpp.
extern template DecisionTree decision_tree_classifier<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                        const Eigen::Ref<const Eigen::VectorXd>&,
                                                        const TreeOptions&);
extern template DecisionTree decision_tree_regressor<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                       const Eigen::Ref<const Eigen::VectorXd>&,
                                                       const TreeOptions&);
#endif

}  // namespace brine::train
