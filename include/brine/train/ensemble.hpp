// brine::train's tree ensembles: random forests and extra trees
// (random_forest_classifier / random_forest_regressor) and gradient boosting
// (gradient_boosting_classifier / gradient_boosting_regressor), as scikit-learn 1.2 defines them.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "brine/models/tree_ensemble.hpp"
#include "brine/train/ensemble_grower.hpp"

namespace brine::train {

/// Options of random_forest_classifier() and random_forest_regressor() (scikit-learn's
/// RandomForest* / ExtraTrees* names and defaults).
struct ForestOptions {
    /// Number of trees (>= 1).
    int n_estimators = 100;
    /// Maximum depth (the root is depth 0); unset: grow until leaves are pure or too small.
    std::optional<int> max_depth;
    /// A node with fewer (distinct) samples than this (>= 2) is not split.
    int min_samples_split = 2;
    /// Every leaf keeps at least this many (distinct) samples (>= 1).
    int min_samples_leaf = 1;
    /// Features drawn at each split; unset: scikit-learn's default, `sqrt` for a classifier and
    /// every feature for a regressor.
    std::optional<MaxFeatures> max_features;
    /// Each tree sees a bootstrap sample (n draws with replacement, as weights); unset:
    /// scikit-learn's default, true for random forests and false for extra trees.
    std::optional<bool> bootstrap;
    /// Extra trees (scikit-learn's ExtraTrees*): each drawn feature gets one threshold drawn
    /// uniformly between its minimum and maximum in the node, instead of the best threshold.
    bool extra_trees = false;
    /// Seed of the random streams (bootstrap draws, feature order, random thresholds), drawn as
    /// scikit-learn draws them from `random_state=seed`: per tree a seed from numpy's
    /// `RandomState(seed)`, from which the bootstrap sample and the splitter's generator follow.
    std::uint32_t seed = 0;
    /// Training threads (>= 1). Every tree's streams are fixed before any tree grows, so the model
    /// is the same for every thread count.
    int threads = 1;

    bool uses_bootstrap() const { return bootstrap.value_or(!extra_trees); }

    OptionList describe() const {
        return {{"n_estimators", detail::number_text(n_estimators)},
                {"max_depth", max_depth ? detail::number_text(*max_depth) : std::string("none")},
                {"min_samples_split", detail::number_text(min_samples_split)},
                {"min_samples_leaf", detail::number_text(min_samples_leaf)},
                {"max_features", max_features ? max_features->text() : std::string("default")},
                {"bootstrap", detail::bool_text(uses_bootstrap())},
                {"extra_trees", detail::bool_text(extra_trees)},
                {"seed", std::to_string(seed)}};
    }

    /// Throws Error(Errc::invalid_argument) naming the first option out of range.
    void validate(const char* fn) const {
        if (n_estimators < 1)
            detail::invalid(fn, "n_estimators must be >= 1, is " + std::to_string(n_estimators));
        if (max_depth && *max_depth < 1)
            detail::invalid(fn,
                            "max_depth must be >= 1 when set, is " + std::to_string(*max_depth));
        if (min_samples_split < 2) {
            detail::invalid(
                fn, "min_samples_split must be >= 2, is " + std::to_string(min_samples_split));
        }
        if (min_samples_leaf < 1)
            detail::invalid(
                fn, "min_samples_leaf must be >= 1, is " + std::to_string(min_samples_leaf));
        if (max_features) max_features->validate(fn);
        if (threads < 1) detail::invalid(fn, "threads must be >= 1, is " + std::to_string(threads));
    }
};

/// Options of gradient_boosting_classifier() and gradient_boosting_regressor() (scikit-learn's
/// GradientBoosting* names and defaults; the loss is squared error for the regressor and log-loss
/// for the classifier).
struct BoostingOptions {
    /// Boosting stages (>= 1); a multi-class classifier grows one tree per class per stage.
    int n_estimators = 100;
    /// Shrinkage of every tree's leaves (> 0).
    double learning_rate = 0.1;
    /// Maximum depth of each tree (>= 1 when set; unset: unlimited).
    std::optional<int> max_depth = 3;
    /// A node with fewer samples than this (>= 2) is not split.
    int min_samples_split = 2;
    /// Every leaf keeps at least this many samples (>= 1).
    int min_samples_leaf = 1;
    /// Fraction of the rows drawn (without replacement) for each stage, in (0, 1].
    double subsample = 1.0;
    /// Features drawn at each split (default: every feature).
    MaxFeatures max_features = MaxFeatures::all();
    /// Seed of the random streams (subsamples, feature order), drawn as scikit-learn draws them
    /// from `random_state=seed`: numpy's `RandomState(seed)` draws each stage's subsample, then a
    /// seed for each tree's splitter.
    std::uint32_t seed = 0;
    /// Training threads (>= 1): the trees of one stage (one per class) grow in parallel; the model
    /// is the same for every thread count.
    int threads = 1;

    OptionList describe() const {
        return {{"n_estimators", detail::number_text(n_estimators)},
                {"learning_rate", detail::number_text(learning_rate)},
                {"max_depth", max_depth ? detail::number_text(*max_depth) : std::string("none")},
                {"min_samples_split", detail::number_text(min_samples_split)},
                {"min_samples_leaf", detail::number_text(min_samples_leaf)},
                {"subsample", detail::number_text(subsample)},
                {"max_features", max_features.text()},
                {"seed", std::to_string(seed)}};
    }

    /// Throws Error(Errc::invalid_argument) naming the first option out of range.
    void validate(const char* fn) const {
        if (n_estimators < 1)
            detail::invalid(fn, "n_estimators must be >= 1, is " + std::to_string(n_estimators));
        if (!(learning_rate > 0.0) || !std::isfinite(learning_rate)) {
            detail::invalid(fn, "learning_rate must be finite and > 0, is " +
                                    detail::number_text(learning_rate));
        }
        if (max_depth && *max_depth < 1)
            detail::invalid(fn,
                            "max_depth must be >= 1 when set, is " + std::to_string(*max_depth));
        if (min_samples_split < 2) {
            detail::invalid(
                fn, "min_samples_split must be >= 2, is " + std::to_string(min_samples_split));
        }
        if (min_samples_leaf < 1)
            detail::invalid(
                fn, "min_samples_leaf must be >= 1, is " + std::to_string(min_samples_leaf));
        if (!(subsample > 0.0 && subsample <= 1.0))
            detail::invalid(fn,
                            "subsample must be in (0, 1], is " + detail::number_text(subsample));
        max_features.validate(fn);
        if (threads < 1) detail::invalid(fn, "threads must be >= 1, is " + std::to_string(threads));
    }
};

namespace detail {

/// A trained ensemble before it becomes a model: trees in order, the score each adds to, and how
/// scores combine (scikit-learn's definitions).
struct GrownEnsemble {
    enum class Link { identity, logistic, softmax };
    std::vector<DecisionTree> trees;  ///< thresholds compare float32(x) <= threshold
    std::vector<std::vector<std::uint8_t>> default_left;  ///< per tree, per node
    std::vector<std::int32_t> tree_output;
    Eigen::VectorXd base_score;  ///< starting score per output (boosting), zeros for forests
    bool average = false;        ///< forests: the mean of the trees; boosting: the sum
    Link link = Link::identity;
    Eigen::VectorXd classes;
};

/// numpy's pairwise summation of a contiguous double array (np.sum's order).
inline double pairwise_sum(const double* a, std::size_t n) {
    if (n < 8) {
        double r = 0.0;
        for (std::size_t i = 0; i < n; ++i) r += a[i];
        return r;
    }
    if (n <= 128) {
        double r[8];
        for (std::size_t j = 0; j < 8; ++j) r[j] = a[j];
        std::size_t i = 8;
        for (; i < n - n % 8; i += 8)
            for (std::size_t j = 0; j < 8; ++j) r[j] += a[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) res += a[i];
        return res;
    }
    std::size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

template <class = void>
GrownEnsemble grow_forest(const Eigen::Ref<const Eigen::MatrixXd>& X,
                          const Eigen::Ref<const Eigen::VectorXd>& y, const ForestOptions& options,
                          bool classification, const char* fn) {
    options.validate(fn);
    check_features(X, fn);
    check_targets(X, y, fn);
    if (X.rows() > std::numeric_limits<std::int32_t>::max() ||
        X.cols() > std::numeric_limits<std::int32_t>::max())
        invalid(fn, "too many rows or columns");
    GrownEnsemble out;
    EncodedLabels labels;
    Eigen::Index n_classes = 0;
    if (classification) {
        labels = encode_labels(y, fn);
        n_classes = labels.classes.size();
        out.classes = labels.classes;
    }
    const Eigen::VectorXd target = y;
    const Float32Features X32(X);
    GrowerOptions g;
    g.max_depth = options.max_depth.value_or(std::numeric_limits<int>::max());
    g.min_samples_split = std::max(options.min_samples_split, 2 * options.min_samples_leaf);
    g.min_samples_leaf = options.min_samples_leaf;
    g.max_features = options.max_features
                         .value_or(classification ? MaxFeatures::square_root() : MaxFeatures::all())
                         .resolve(X.cols());
    g.random_splits = options.extra_trees;
    g.criterion = classification ? Criterion::gini : Criterion::squared_error;

    const auto n = X.rows();
    const auto n_trees = static_cast<Eigen::Index>(options.n_estimators);
    out.trees.resize(static_cast<std::size_t>(n_trees));
    out.default_left.resize(out.trees.size());
    // scikit-learn: each tree's random_state is randint(0, 2^31 - 1) of RandomState(seed); the
    // bootstrap draws randint(0, n) n times from RandomState(that), and the tree's splitter is
    // seeded by the first randint(0, 2^31 - 1) of another RandomState(that).
    std::vector<std::uint32_t> seeds(static_cast<std::size_t>(n_trees));
    NumpyRandom master(options.seed);
    for (auto& s : seeds) s = master.tree_seed();
    parallel_for(n_trees, options.threads, [&](Eigen::Index t) {
        const std::uint32_t tree_seed = seeds[static_cast<std::size_t>(t)];
        std::vector<double> weight(static_cast<std::size_t>(n), 1.0);
        if (options.uses_bootstrap()) {
            std::fill(weight.begin(), weight.end(), 0.0);
            NumpyRandom draws(tree_seed);
            for (Eigen::Index i = 0; i < n; ++i)
                weight[draws.randint(static_cast<std::uint64_t>(n))] += 1.0;
        }
        SplitterRandom random(NumpyRandom(tree_seed).tree_seed());
        EnsembleGrower<> grower(X32, g, classification ? labels.index.data() : nullptr, n_classes,
                                classification ? nullptr : target.data());
        out.trees[static_cast<std::size_t>(t)] = grower.grow(weight, random);
        out.default_left[static_cast<std::size_t>(t)] = grower.default_left();
    });
    for (auto& tree : out.trees) tree.classes = out.classes;
    out.tree_output.assign(static_cast<std::size_t>(n_trees), 0);
    out.base_score = Eigen::VectorXd::Zero(classification ? n_classes : 1);
    out.average = true;
    return out;
}

template <class = void>
GrownEnsemble grow_boosting(const Eigen::Ref<const Eigen::MatrixXd>& X,
                            const Eigen::Ref<const Eigen::VectorXd>& y,
                            const BoostingOptions& options, bool classification, const char* fn) {
    options.validate(fn);
    check_features(X, fn);
    check_targets(X, y, fn);
    if (X.rows() > std::numeric_limits<std::int32_t>::max() ||
        X.cols() > std::numeric_limits<std::int32_t>::max())
        invalid(fn, "too many rows or columns");
    const Eigen::Index n = X.rows();
    GrownEnsemble out;
    EncodedLabels labels;
    Eigen::Index K = 1;
    const double lr = options.learning_rate;
    out.base_score.resize(1);
    if (classification) {
        labels = encode_labels(y, fn);
        out.classes = labels.classes;
        const Eigen::Index n_classes = labels.classes.size();
        K = n_classes == 2 ? 1 : n_classes;
        // The prior of each class, clipped to [eps, 1 - eps] with float32's eps, as the
        // DummyClassifier(strategy="prior") that starts scikit-learn's log-loss boosting.
        std::vector<double> count(static_cast<std::size_t>(n_classes), 0.0);
        for (int c : labels.index) count[static_cast<std::size_t>(c)] += 1.0;
        const double eps = static_cast<double>(std::numeric_limits<float>::epsilon());
        auto prior = [&](Eigen::Index c) {
            return std::min(
                std::max(count[static_cast<std::size_t>(c)] / static_cast<double>(n), eps),
                1.0 - eps);
        };
        out.base_score.resize(K);
        if (K == 1) {
            const double p = prior(1);
            out.base_score(0) = std::log(p / (1.0 - p));
            out.link = GrownEnsemble::Link::logistic;
        } else {
            for (Eigen::Index c = 0; c < K; ++c) out.base_score(c) = std::log(prior(c));
            out.link = GrownEnsemble::Link::softmax;
        }
    } else {
        // DummyRegressor(strategy="mean"): np.average, a pairwise sum.
        const Eigen::VectorXd target = y;
        out.base_score(0) = (0.0 + pairwise_sum(target.data(), static_cast<std::size_t>(n))) /
                            static_cast<double>(n);
    }

    const Float32Features X32(X);
    GrowerOptions g;
    g.max_depth = options.max_depth.value_or(std::numeric_limits<int>::max());
    g.min_samples_split = std::max(options.min_samples_split, 2 * options.min_samples_leaf);
    g.min_samples_leaf = options.min_samples_leaf;
    g.max_features = options.max_features.resolve(X.cols());
    g.criterion = Criterion::friedman_mse;

    // raw(i, k): the current score of row i for output k.
    Eigen::MatrixXd raw = Eigen::RowVectorXd(out.base_score.transpose()).replicate(n, 1);
    std::vector<double> weight(static_cast<std::size_t>(n), 1.0);
    const Eigen::Index n_inbag = std::max<Eigen::Index>(
        1, static_cast<Eigen::Index>(options.subsample * static_cast<double>(n)));
    NumpyRandom random_state(options.seed);
    std::vector<std::uint32_t> seeds(static_cast<std::size_t>(K));
    out.trees.resize(static_cast<std::size_t>(options.n_estimators * K));
    out.tree_output.resize(out.trees.size());
    out.default_left.resize(out.trees.size());

    for (int stage = 0; stage < options.n_estimators; ++stage) {
        if (options.subsample < 1.0) {
            // Exactly n_inbag rows, each subset equally likely: scikit-learn's
            // _random_sample_mask (selection sampling on uniform draws).
            Eigen::Index chosen = 0;
            for (Eigen::Index i = 0; i < n; ++i) {
                const bool take = random_state.random_sample() * static_cast<double>(n - i) <
                                  static_cast<double>(n_inbag - chosen);
                weight[static_cast<std::size_t>(i)] = take ? 1.0 : 0.0;
                chosen += take;
            }
        }
        for (auto& s : seeds) s = random_state.tree_seed();  // in tree order, before any grows
        const Eigen::MatrixXd raw_before = raw;
        parallel_for(K, options.threads, [&](Eigen::Index k) {
            // The negative gradient of the loss at raw_before: the tree's regression target.
            std::vector<double> yk(static_cast<std::size_t>(n)),
                residual(static_cast<std::size_t>(n));
            for (Eigen::Index i = 0; i < n; ++i) {
                const auto ui = static_cast<std::size_t>(i);
                if (!classification) {
                    yk[ui] = y(i);
                    residual[ui] = y(i) - raw_before(i, 0);
                } else if (K == 1) {
                    yk[ui] = static_cast<double>(labels.index[ui]);
                    residual[ui] = yk[ui] - 1.0 / (1.0 + std::exp(-raw_before(i, 0)));
                } else {
                    yk[ui] = labels.index[ui] == k ? 1.0 : 0.0;
                    // scipy's logsumexp: the maximum, plus log of the sum of shifted exps.
                    double top = raw_before(i, 0);
                    for (Eigen::Index c = 1; c < K; ++c) top = std::max(top, raw_before(i, c));
                    double s = 0.0;
                    for (Eigen::Index c = 0; c < K; ++c) s += std::exp(raw_before(i, c) - top);
                    residual[ui] = yk[ui] - std::exp(raw_before(i, k) - (std::log(s) + top));
                }
            }
            const auto t = static_cast<std::size_t>(stage * K + k);
            SplitterRandom random(seeds[static_cast<std::size_t>(k)]);
            EnsembleGrower<> grower(X32, g, nullptr, 0, residual.data());
            DecisionTree tree = grower.grow(weight, random);
            out.default_left[t] = grower.default_left();
            std::vector<std::int32_t> leaf(static_cast<std::size_t>(n));
            for (Eigen::Index i = 0; i < n; ++i)
                leaf[static_cast<std::size_t>(i)] = leaf_of_row(tree, X32, i);
            if (classification) {
                // One Newton step per leaf on the in-bag rows (scikit-learn's
                // _update_terminal_region), summed in row order.
                const Eigen::Index nodes = tree.n_nodes();
                // The terms of each leaf, in row order, summed as numpy's np.sum (pairwise).
                std::vector<std::vector<double>> num(static_cast<std::size_t>(nodes)),
                    den(static_cast<std::size_t>(nodes));
                for (Eigen::Index i = 0; i < n; ++i) {
                    const auto ui = static_cast<std::size_t>(i);
                    if (weight[ui] == 0.0) continue;
                    const auto l = static_cast<std::size_t>(leaf[ui]);
                    num[l].push_back(weight[ui] * residual[ui]);
                    den[l].push_back(weight[ui] * (yk[ui] - residual[ui]) *
                                     (1.0 - yk[ui] + residual[ui]));
                }
                for (Eigen::Index node = 0; node < nodes; ++node) {
                    if (tree.children_left(node) != DecisionTree::leaf) continue;
                    const auto u = static_cast<std::size_t>(node);
                    double numerator = 0.0 + pairwise_sum(num[u].data(), num[u].size());
                    const double denominator = 0.0 + pairwise_sum(den[u].data(), den[u].size());
                    if (K > 1) numerator *= static_cast<double>(K - 1) / static_cast<double>(K);
                    tree.value(node, 0) =
                        std::abs(denominator) < 1e-150 ? 0.0 : numerator / denominator;
                }
            }
            // Leaves stored already shrunk: scikit-learn adds learning_rate * value in double.
            tree.value *= lr;
            for (Eigen::Index i = 0; i < n; ++i)
                raw(i, k) += tree.value(leaf[static_cast<std::size_t>(i)], 0);
            out.trees[t] = std::move(tree);
            out.tree_output[t] = static_cast<std::int32_t>(k);
        });
    }
    return out;
}

/// The model of a grown ensemble: scikit-learn's comparison (float32(x) <= threshold), its
/// summation (sum of the stored leaves, or the mean of the trees) and its link.
template <class = void>
TreeEnsemble to_tree_ensemble(const GrownEnsemble& g, Eigen::Index n_features) {
    TreeEnsemble e;
    e.task =
        g.classes.size() > 0 ? TreeEnsemble::Task::classification : TreeEnsemble::Task::regression;
    e.n_features_in = static_cast<std::int32_t>(n_features);
    e.compare = TreeEnsemble::Compare::float32_le;
    e.aggregation = g.average ? TreeEnsemble::Aggregation::average : TreeEnsemble::Aggregation::sum;
    e.accumulation = TreeEnsemble::Accumulation::float64;
    e.link = g.link == GrownEnsemble::Link::identity   ? TreeEnsemble::Link::identity
             : g.link == GrownEnsemble::Link::logistic ? TreeEnsemble::Link::logistic
                                                       : TreeEnsemble::Link::softmax;
    const auto n_trees = static_cast<Eigen::Index>(g.trees.size());
    Eigen::Index nodes = 0;
    for (const auto& t : g.trees) nodes += t.n_nodes();
    if (nodes > std::numeric_limits<std::int32_t>::max())
        throw Error(Errc::invalid_argument, "tree ensemble: more than 2^31 - 1 nodes");
    const Eigen::Index width = g.trees.front().value.cols();
    e.tree_offsets.resize(n_trees + 1);
    e.tree_output.resize(n_trees);
    e.children_left.resize(nodes);
    e.children_right.resize(nodes);
    e.feature.resize(nodes);
    e.threshold.resize(nodes);
    e.default_left.resize(nodes);
    e.value.resize(nodes, width);
    Eigen::Index at = 0;
    for (Eigen::Index t = 0; t < n_trees; ++t) {
        const DecisionTree& tree = g.trees[static_cast<std::size_t>(t)];
        const Eigen::Index m = tree.n_nodes();
        e.tree_offsets(t) = static_cast<std::int32_t>(at);
        e.tree_output(t) = g.tree_output[static_cast<std::size_t>(t)];
        e.children_left.segment(at, m) = tree.children_left;
        e.children_right.segment(at, m) = tree.children_right;
        e.feature.segment(at, m) = tree.feature;
        e.threshold.segment(at, m) = tree.threshold;
        for (Eigen::Index i = 0; i < m; ++i)
            e.default_left(at + i) =
                g.default_left[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)];
        e.value.middleRows(at, m) = tree.value;
        at += m;
    }
    e.tree_offsets(n_trees) = static_cast<std::int32_t>(at);
    e.base_score = g.base_score;
    e.classes = g.classes;
    return e;
}

}  // namespace detail

/// A random forest classifier as scikit-learn 1.2's `RandomForestClassifier` (or, with
/// `extra_trees`, `ExtraTreesClassifier`) with the same options: each tree is grown with the Gini
/// criterion on a bootstrap sample (counts as weights) or on every row, drawing max_features
/// features at each split (best threshold, or one random threshold per feature for extra trees),
/// fully grown unless limited. Features are rounded to float32 first and thresholds are tested as
/// `float32(x) <= threshold`, as scikit-learn does.
///
/// The model averages the trees' class distributions (TreeEnsemble aggregation `average`, link
/// `identity`); predict is the class of the largest mean probability (soft voting). A NaN input
/// at predict goes to the child that held more training samples (scikit-learn >= 1.3's rule).
///
/// Random streams: every tree's seed is drawn from numpy's `RandomState(seed)` and its bootstrap
/// and splitter streams follow from it as in scikit-learn 1.2, so a tree whose sums round as
/// scikit-learn's is scikit-learn's tree. Training with any number of threads gives the same
/// model.
///
/// Throws Error(Errc::invalid_argument) for an empty X, mismatched sizes, a non-finite entry, a
/// single class, or invalid options.
template <class = void>
TreeEnsemble random_forest_classifier(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                      const Eigen::Ref<const Eigen::VectorXd>& y,
                                      const ForestOptions& options = {}) {
    return detail::to_tree_ensemble(
        detail::grow_forest(X, y, options, true, "random_forest_classifier"), X.cols());
}

/// A random forest regressor as scikit-learn 1.2's `RandomForestRegressor` (or, with
/// `extra_trees`, `ExtraTreesRegressor`): as random_forest_classifier() with the squared-error
/// criterion; the model averages the trees' leaf means. Throws as random_forest_classifier().
template <class = void>
TreeEnsemble random_forest_regressor(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                     const Eigen::Ref<const Eigen::VectorXd>& y,
                                     const ForestOptions& options = {}) {
    return detail::to_tree_ensemble(
        detail::grow_forest(X, y, options, false, "random_forest_regressor"), X.cols());
}

/// Gradient boosting with log-loss, as scikit-learn 1.2's `GradientBoostingClassifier`
/// (loss="log_loss", criterion="friedman_mse"). The initial score is the log-odds of the class
/// priors (binary) or the log priors (multi-class), priors clipped to [eps, 1 - eps] with float32's
/// eps. Each stage fits, per class (one tree for two classes), a regression tree with the
/// Friedman squared-error criterion to the negative gradient, then sets each leaf to one Newton
/// step, sum(residual) / sum(p (1 - p)) over the leaf's in-bag rows (times (K - 1) / K for K > 2
/// classes). Leaves are stored multiplied by the learning rate (what scikit-learn adds at predict
/// time); the link is logistic for two classes, softmax otherwise.
///
/// The random streams are scikit-learn's for `random_state=seed`: numpy's RandomState draws each
/// stage's subsample (when subsample < 1) and each tree's splitter seed; the splitter visits
/// features in its xorshift order. Sums and functions round as in scikit-learn except exp and log,
/// which are the C library's (numpy's own differ from it in the last bit for about a quarter of
/// arguments), so where two splits tie exactly the other one can win.
///
/// Throws as random_forest_classifier().
template <class = void>
TreeEnsemble gradient_boosting_classifier(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                          const Eigen::Ref<const Eigen::VectorXd>& y,
                                          const BoostingOptions& options = {}) {
    return detail::to_tree_ensemble(
        detail::grow_boosting(X, y, options, true, "gradient_boosting_classifier"), X.cols());
}

/// Gradient boosting with squared error, as scikit-learn 1.2's `GradientBoostingRegressor`
/// (loss="squared_error"): the initial score is the mean target; each stage fits a Friedman-MSE
/// tree to the residuals and keeps its leaf means, stored multiplied by the learning rate.
/// Random streams as gradient_boosting_classifier(). Throws as random_forest_classifier().
template <class = void>
TreeEnsemble gradient_boosting_regressor(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                         const Eigen::Ref<const Eigen::VectorXd>& y,
                                         const BoostingOptions& options = {}) {
    return detail::to_tree_ensemble(
        detail::grow_boosting(X, y, options, false, "gradient_boosting_regressor"), X.cols());
}

#ifdef BRINE_COMPILED
// The compiled mode (brine::compiled) instantiates these once, in src/brine_train.cpp.
extern template TreeEnsemble random_forest_classifier<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                        const Eigen::Ref<const Eigen::VectorXd>&,
                                                        const ForestOptions&);
extern template TreeEnsemble random_forest_regressor<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                       const Eigen::Ref<const Eigen::VectorXd>&,
                                                       const ForestOptions&);
extern template TreeEnsemble gradient_boosting_classifier<>(
    const Eigen::Ref<const Eigen::MatrixXd>&, const Eigen::Ref<const Eigen::VectorXd>&,
    const BoostingOptions&);
extern template TreeEnsemble gradient_boosting_regressor<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                           const Eigen::Ref<const Eigen::VectorXd>&,
                                                           const BoostingOptions&);
#endif

}  // namespace brine::train
